import ChorusCore
import ChorusServices
import ChorusStore
import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// Installing and managing apps in the browser, in two places with the same
/// pages: the company-wide apps under `/admin/apps` (administrators), and a
/// team's apps under `/teams/:slug/apps` (its owners and admins). A list with
/// the install form, and per app its card, a new signing secret,
/// re-enabling a disabled endpoint, uninstalling, and the delivery log with
/// "send again". Who may see or change an app is decided by `AppService` on
/// every request; these pages only keep each app at its one address.
struct AppPages {
    let web: Web
    var services: Services { web.services }

    func addRoutes(admins: RouterGroup<SignedInContext>, signedIn: RouterGroup<SignedInContext>) {
        addRoutes(to: admins, "admin/apps") { _ in .company }
        addRoutes(to: signedIn, "teams/:slug/apps") { context in
            .team(try await services.teams.team(slug: context.parameters.get("slug") ?? "", viewer: context.account).team)
        }
    }

    /// Where apps are managed from.
    enum Place: Sendable {
        case company
        case team(TeamRecord)

        var base: String {
            switch self {
            case .company: "/admin/apps"
            case .team(let team): "/teams/\(team.slug)/apps"
            }
        }

        var team: TeamRecord? { if case .team(let team) = self { team } else { nil } }
    }

    private func addRoutes(to group: RouterGroup<SignedInContext>, _ base: String,
                           place: @escaping @Sendable (SignedInContext) async throws -> Place) {
        group.get("\(base)") { request, context in try await list(request, context, try await place(context)) }
        group.post("\(base)") { request, context in try await install(request, context, try await place(context)) }
        group.get("\(base)/:id") { request, context in try await show(request, context, try await place(context)) }
        group.post("\(base)/:id/rotate") { request, context in try await rotate(request, context, try await place(context)) }
        group.post("\(base)/:id/enable") { request, context in try await enable(request, context, try await place(context)) }
        group.post("\(base)/:id/uninstall") { request, context in try await uninstall(request, context, try await place(context)) }
        group.post("\(base)/:id/deliveries/:delivery/redeliver") { request, context in
            try await redeliver(request, context, try await place(context))
        }
    }

    // MARK: Forms

    /// The install form: the manifest pasted as text, or its file uploaded
    /// (the file wins when both are sent).
    struct InstallForm: RequestBody {
        /// The manifest as sent, kept in the form when it is refused.
        let text: String

        init(_ params: Params) throws {
            text = params.nonEmpty("manifest_file") ?? params.string("manifest") ?? ""
        }

        /// The manifest, read exactly as the API reads its JSON body, for `place`.
        /// The page decides where the app goes: a manifest that names another
        /// team is refused rather than installed somewhere its author did not mean.
        func manifest(for place: Place) throws -> AppManifest {
            let params: Params
            do {
                params = try Params(jsonObject: Data(text.utf8))
            } catch {
                throw ChorusError.unprocessable("Validation failed: the manifest is not a JSON object")
            }
            var manifest = try AppManifestRequest(params).manifest
            guard manifest.teamID == nil || manifest.teamID == place.team?.id else {
                throw ChorusError.unprocessable("Validation failed: the manifest's team_id is not where this page installs")
            }
            manifest.teamID = place.team?.id
            return manifest
        }
    }

    /// Uninstalling asks for a ticked box, so one click cannot do it.
    struct UninstallForm: RequestBody {
        let confirmed: Bool

        init(_ params: Params) throws {
            confirmed = try params.bool("confirm") ?? false
        }
    }

    // MARK: Pages

    @Sendable func list(_ request: Request, _ context: SignedInContext, _ place: Place) async throws -> Response {
        var frame = await frame(request, context, place, path: place.base)
        if Params(query: request).string("uninstalled") != nil { frame.notice = frame.string("apps_uninstalled") }
        return try await listPage(frame, place, apps: try await installedApps(place, context))
    }

    @Sendable func install(_ request: Request, _ context: SignedInContext, _ place: Place) async throws -> Response {
        // Read first: whoever may not manage this place's apps gets its 404 (or 403) before anything else.
        let apps = try await installedApps(place, context)
        let form = try context.form(InstallForm.self)
        var frame = await frame(request, context, place, path: place.base)
        do {
            let installation = try await services.apps.install(try form.manifest(for: place), by: context.account)
            let secrets = OnceSecrets(webhookSecret: installation.webhookSecret, accessToken: installation.accessToken,
                                      incomingURL: installation.incomingURL)
            var shown = await self.frame(request, context, place, path: path(of: installation.installed, in: place))
            shown.notice = shown.string("apps_installed")
            return try await appPage(shown, context, place, installation.installed, secrets: secrets)
        } catch let error as ChorusError where Self.isShown(error) {
            frame.error = web.error(error, frame)
            return try await listPage(frame, place, apps: apps, manifest: form.text, status: Self.status(error))
        }
    }

    @Sendable func show(_ request: Request, _ context: SignedInContext, _ place: Place) async throws -> Response {
        let installed = try await app(place, context)
        let frame = await frame(request, context, place, path: path(of: installed, in: place))
        return try await appPage(frame, context, place, installed, maxID: Web.maxID(request))
    }

    @Sendable func rotate(_ request: Request, _ context: SignedInContext, _ place: Place) async throws -> Response {
        let installed = try await app(place, context)
        let rotated = try await services.apps.rotateSecret(id: installed.app.id ?? 0, by: context.account)
        let frame = await frame(request, context, place, path: path(of: installed, in: place))
        let secrets = OnceSecrets(webhookSecret: rotated.secret, rotatedUntil: moment(rotated.previousValidUntil, frame))
        return try await appPage(frame, context, place, installed, secrets: secrets)
    }

    /// Saves the endpoint's URL again, which re-enables it after a `410`
    /// (the API's `PATCH` with the same URL).
    @Sendable func enable(_ request: Request, _ context: SignedInContext, _ place: Place) async throws -> Response {
        let installed = try await app(place, context)
        let path = path(of: installed, in: place)
        do {
            _ = try await services.apps.update(id: installed.app.id ?? 0, AppChanges(webhookURL: .some(installed.app.webhookUrl)), by: context.account)
        } catch let error as ChorusError where Self.isShown(error) {
            var frame = await frame(request, context, place, path: path)
            frame.error = web.error(error, frame)
            return try await appPage(frame, context, place, installed, status: Self.status(error))
        }
        return Web.redirect(path)
    }

    @Sendable func uninstall(_ request: Request, _ context: SignedInContext, _ place: Place) async throws -> Response {
        let installed = try await app(place, context)
        guard try context.form(UninstallForm.self).confirmed else {
            var frame = await frame(request, context, place, path: path(of: installed, in: place))
            frame.error = frame.string("apps_uninstall_unconfirmed")
            return try await appPage(frame, context, place, installed, status: .unprocessableContent)
        }
        try await services.apps.uninstall(id: installed.app.id ?? 0, by: context.account)
        return Web.redirect(place.base + "?uninstalled=1")
    }

    @Sendable func redeliver(_ request: Request, _ context: SignedInContext, _ place: Place) async throws -> Response {
        let installed = try await app(place, context)
        _ = try await services.apps.redeliver(appID: installed.app.id ?? 0, deliveryID: try context.parameters.id("delivery"), by: context.account)
        await services.deliveryWakeup.signal()
        return Web.redirect(path(of: installed, in: place))
    }

    // MARK: Helpers

    /// The apps of `place` its reader manages: for a team, only its owners
    /// and admins get them (anyone else a 404, from the service).
    func installedApps(_ place: Place, _ context: SignedInContext) async throws -> [InstalledApp] {
        switch place {
        case .company: try await services.apps.apps(by: context.account)
        case .team(let team): try await services.apps.apps(inTeam: team.id, by: context.account)
        }
    }

    /// The app of the path, if its reader may manage it (the service's
    /// decision) and it belongs to this place: a team's app is not shown
    /// under another team or the administrators' pages, nor the reverse.
    func app(_ place: Place, _ context: SignedInContext) async throws -> InstalledApp {
        let installed = try await services.apps.app(id: try context.parameters.id("id"), by: context.account)
        guard installed.app.teamId == place.team?.id else { throw ChorusError.notFound("App not found") }
        return installed
    }

    func path(of installed: InstalledApp, in place: Place) -> String { "\(place.base)/\(installed.app.id ?? 0)" }

    func frame(_ request: Request, _ context: SignedInContext, _ place: Place, path: String) async -> PageFrame {
        guard let team = place.team else {
            return await web.frame(request, context.session, title: "admin_apps", path: path, nav: .admin)
        }
        var frame = await web.frame(request, context.session, title: "admin_apps", path: path, nav: .teams)
        frame.title = "\(team.name) · \(frame.title)"
        return frame
    }

    func listPage(_ frame: PageFrame, _ place: Place, apps: [InstalledApp], manifest: String = "",
                  status: HTTPResponse.Status = .ok) async throws -> Response {
        var content = AppsContent(base: place.base, teamPlace: place.team.map { TeamHeader($0) }, apps: try await cards(apps, place))
        content.manifest = manifest
        return web.render("apps", frame, content, status: status)
    }

    /// One app's page; `secrets` are shown this once.
    func appPage(_ frame: PageFrame, _ context: SignedInContext, _ place: Place, _ installed: InstalledApp, secrets: OnceSecrets? = nil,
                 maxID: Int64? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let app = installed.app
        let path = path(of: installed, in: place)
        let deliveries = try await services.apps.deliveries(appID: app.id ?? 0, by: context.account, page: Page(maxID: maxID, limit: 40))
        let now = Date()
        let detail = AppDetail(
            name: app.name, path: path, disabledURL: app.disabledAt == nil ? nil : app.webhookUrl,
            // Said once: right after a rotation the secrets above say it.
            previousUntil: secrets?.rotatedUntil != nil ? nil : app.previousExpiresAt.flatMap { $0 > now ? moment($0, frame) : nil },
            deliveries: deliveries.map { DeliveryRow($0, appPath: path, frame: frame, localizer: web.pages.localizer, now: now) },
            older: deliveries.count == 40 ? deliveries.last?.id.map { "\(path)?max_id=\($0)" } : nil)
        var content = AppsContent(base: place.base, teamPlace: place.team.map { TeamHeader($0) }, apps: try await cards([installed], place))
        content.app = detail
        content.secrets = secrets
        return web.render("apps", frame, content, status: status)
    }

    /// One card per app (a team's own page knows its address; the
    /// administrators' list may hold apps of teams they run).
    func cards(_ apps: [InstalledApp], _ place: Place) async throws -> [AppCard] {
        guard let team = place.team else {
            let slugs = try await services.apps.teamSlugs(of: apps)
            return apps.map { AppCard($0, teamSlugs: slugs) }
        }
        return apps.map { AppCard($0, teamSlugs: [team.id: team.slug]) }
    }

    func moment(_ date: Date, _ frame: PageFrame) -> Moment {
        Moment(date, now: Date(), language: frame.language, localizer: web.pages.localizer)
    }

    /// Refusals the form can be corrected after, shown on the page; others
    /// (404, 403) go to the error page.
    static func isShown(_ error: ChorusError) -> Bool { [.unprocessable, .badRequest, .conflict].contains(error.kind) }

    static func status(_ error: ChorusError) -> HTTPResponse.Status { error.kind == .conflict ? .conflict : .unprocessableContent }
}
