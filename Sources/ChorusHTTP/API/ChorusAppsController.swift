import ChorusCore
import ChorusServices
import ChorusStore
import HTTPTypes
import Hummingbird

/// `/api/v1/chorus/apps`: installing and managing apps, their delivery
/// log, and the administrator's webhook allowlist; `/hooks/:secret`, the
/// incoming hooks apps post through.
struct ChorusAppsController {
    let services: Services
    let presenter: MastodonPresenter

    func addRoutes(anonymous router: Router<AppRequestContext>, group: RouterGroup<AuthenticatedContext>) {
        group.get("chorus/apps", use: list)
        group.post("chorus/apps", use: install)
        group.get("chorus/apps/:app", use: show)
        group.patch("chorus/apps/:app", use: update)
        group.put("chorus/apps/:app", use: update)
        group.delete("chorus/apps/:app", use: uninstall)
        group.post("chorus/apps/:app/rotate_secret", use: rotate)
        group.post("chorus/apps/:app/ping", use: ping)
        group.get("chorus/apps/:app/deliveries", use: deliveries)
        group.post("chorus/apps/:app/deliveries/:delivery/redeliver", use: redeliver)
        group.get("chorus/admin/hook_allowlist", use: allowlist)
        group.put("chorus/admin/hook_allowlist", use: setAllowlist)
        router.post("hooks/:secret", use: incoming)
    }

    // MARK: Apps

    @Sendable func install(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("write:apps")
        let body = try await AppManifestRequest.decode(request, context: context)
        let installation = try await services.apps.install(body.manifest, by: user)
        return try JSON.response(AppInstallationEntity(
            app: presenter.app(installation.installed), accessToken: installation.accessToken,
            webhookSecret: installation.webhookSecret, incomingUrl: installation.incomingURL), status: .created)
    }

    @Sendable func list(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("read:apps")
        return try JSON.response(try await services.apps.apps(by: user).map(presenter.app))
    }

    @Sendable func show(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("read:apps")
        return try JSON.response(presenter.app(try await services.apps.app(id: try context.parameters.id("app"), by: user)))
    }

    /// `PATCH /chorus/apps/:app`: absent fields stay as they are; an empty
    /// `webhook_url` removes the URL.
    struct UpdateRequest: RequestBody {
        let description: String?
        let events: [String]?
        let webhookURL: String??

        init(_ params: Params) throws {
            description = params.string("description")
            events = params.list("events")
            // Sent at all (even as JSON null) means change it.
            webhookURL = params.json["webhook_url"] != nil || params.string("webhook_url") != nil ? .some(params.nonEmpty("webhook_url")) : nil
        }

        var changes: AppChanges { AppChanges(description: description, webhookURL: webhookURL, events: events) }
    }

    @Sendable func update(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("write:apps")
        let body = try await UpdateRequest.decode(request, context: context)
        let updated = try await services.apps.update(id: try context.parameters.id("app"), body.changes, by: user)
        return try JSON.response(presenter.app(updated))
    }

    @Sendable func uninstall(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("write:apps")
        try await services.apps.uninstall(id: try context.parameters.id("app"), by: user)
        return try JSON.empty()
    }

    struct RotatedSecret: Encodable {
        var webhookSecret: String
        var previousSecretExpiresAt: String
    }

    @Sendable func rotate(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("write:apps")
        let rotated = try await services.apps.rotateSecret(id: try context.parameters.id("app"), by: user)
        return try JSON.response(RotatedSecret(webhookSecret: rotated.secret, previousSecretExpiresAt: JSON.timestamp(rotated.previousValidUntil)))
    }

    // MARK: Deliveries

    @Sendable func ping(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("write:apps")
        let delivery = try await services.apps.ping(appID: try context.parameters.id("app"), by: user)
        await services.deliveryWakeup.signal()
        return try JSON.response(presenter.delivery(delivery), status: .accepted)
    }

    @Sendable func deliveries(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("read:apps")
        let records = try await services.apps.deliveries(appID: try context.parameters.id("app"), by: user, page: try PageRequest.query(request).page())
        let headers = LinkHeader.fields(request: request, baseURL: services.config.baseURL, cursors: records.compactMap(\.id))
        return try JSON.response(records.map(presenter.delivery), headers: headers)
    }

    @Sendable func redeliver(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("write:apps")
        let delivery = try await services.apps.redeliver(appID: try context.parameters.id("app"), deliveryID: try context.parameters.id("delivery"), by: user)
        await services.deliveryWakeup.signal()
        return try JSON.response(presenter.delivery(delivery), status: .accepted)
    }

    // MARK: Allowlist

    struct Allowlist: Encodable {
        var allowed: [String]
    }

    @Sendable func allowlist(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("admin:read")
        return try JSON.response(Allowlist(allowed: try services.apps.allowlist(by: user)))
    }

    /// `PUT /chorus/admin/hook_allowlist`: the whole list, replacing the old one.
    struct AllowlistRequest: RequestBody {
        let allowed: [String]

        init(_ params: Params) throws {
            guard let allowed = params.list("allowed") else { throw ChorusError.unprocessable("Validation failed: send the list as allowed") }
            self.allowed = allowed
        }
    }

    @Sendable func setAllowlist(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("admin:write")
        let body = try await AllowlistRequest.decode(request, context: context)
        return try JSON.response(Allowlist(allowed: try await services.apps.setAllowlist(body.allowed, by: user)))
    }

    // MARK: Incoming hooks

    /// `POST /hooks/:secret`: the text to post and, optionally, the team's address.
    struct IncomingRequest: RequestBody {
        let text: String
        let team: String?

        init(_ params: Params) throws {
            text = params.string("text") ?? ""
            team = params.nonEmpty("team")
        }
    }

    /// `POST /hooks/:secret` with `{"text": …, "team": "<slug>"}`: no token,
    /// the secret in the path is the credential.
    @Sendable func incoming(_ request: Request, context: AppRequestContext) async throws -> Response {
        let secret = context.parameters.get("secret") ?? ""
        let body = try await IncomingRequest.decode(request, context: context)
        let status = try await services.apps.postIncoming(secret: secret, text: body.text, teamSlug: body.team)
        return try JSON.response(presenter.status(status), status: .created)
    }
}
