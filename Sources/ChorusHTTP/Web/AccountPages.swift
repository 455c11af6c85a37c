import ChorusCore
import ChorusServices
import ChorusStore
import Foundation
import HTTPTypes
import Hummingbird

/// Pages about accounts: the administrators' people list (invitation links,
/// roles, deactivation) and audit log, first-run setup on an empty
/// database, and accepting an invitation.
struct AccountPages {
    let web: WebController
    var services: Services { web.services }
    var pages: WebPages { web.pages }

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("admin", use: people)
        router.get("admin/audit", use: audit)
        router.post("admin/invites", use: invite)
        for action in ["role", "deactivate", "reactivate"] {
            router.post("admin/people/:id/\(action)") { request, context in try await self.change(action, request, context: context) }
        }
        router.get("setup", use: setupForm)
        router.post("setup", use: setup)
        router.get("invite/:token", use: inviteForm)
        router.post("invite/:token", use: acceptInvite)
    }

    // MARK: Administration

    /// The signed-in administrator, or a page saying no (the same 404 anyone
    /// else gets for a page they may not see).
    enum Gate {
        case allowed(WebSession)
        case refused(Response)
    }

    func administrator(_ request: Request, context: AppRequestContext? = nil) async -> Gate {
        await gate(request, context: context) { $0 == .admin }
    }

    /// The signed-in person if their role passes `allows`; otherwise the
    /// sign-in page, or a 403 page. Without `context` the session's last
    /// known address is kept.
    func gate(_ request: Request, context: AppRequestContext? = nil, allows: (Role) -> Bool) async -> Gate {
        guard let session = await WebSession.current(request, context: context, services: services) else { return .refused(web.redirect("/login")) }
        guard allows(session.account.role) else {
            let model = await web.page(request, session: session, title: "forbidden_title", path: "/")
            return .refused(pages.message(model, heading: pages.localizer.string("forbidden_title", model.language),
                                          message: pages.localizer.string("forbidden_message", model.language), status: .forbidden))
        }
        return .allowed(session)
    }

    @Sendable func people(_ request: Request, context: AppRequestContext) async throws -> Response {
        let session: WebSession
        switch await administrator(request, context: context) { case .allowed(let s): session = s; case .refused(let page): return page }
        let model = await web.page(request, session: session, title: "admin_title", path: "/admin")
        return try await peoplePage(model, session: session, inviteURL: nil)
    }

    private func peoplePage(_ model: PageModel, session: WebSession, inviteURL: String?, status: HTTPResponse.Status = .ok) async throws -> Response {
        var model = model
        let strings = pages.localizer.strings(model.language)
        let roles = [Role.member, .editor, .admin]
        func options(_ current: Role?) -> [[String: Any]] {
            roles.map { ["value": $0.rawValue, "label": strings["role_\($0.rawValue)"] ?? $0.rawValue, "selected": $0 == current] as [String: Any] }
        }
        model["roles"] = options(nil)
        model["people"] = try await services.accounts.listAccounts(by: session.account).filter { !$0.isBot }.map { account in
            ["id": String(account.id), "username": account.username,
             "displayName": account.shownName,
             "active": account.isActive, "roleOptions": options(account.role)] as [String: Any]
        }
        model["inviteURL"] = inviteURL
        model["navAdmin"] = true
        return pages.render("admin", model, status: status)
    }

    @Sendable func invite(_ request: Request, context: AppRequestContext) async throws -> Response {
        let session: WebSession
        switch await administrator(request, context: context) { case .allowed(let s): session = s; case .refused(let page): return page }
        let params = try await Params.from(request, context: context)
        guard session.accepts(params.string("csrf")) else { return await web.badForm(request, session: session) }
        var model = await web.page(request, session: session, title: "admin_title", path: "/admin")
        do {
            let role = params.string("role").flatMap(Role.init(rawValue:)) ?? .member
            let created = try await services.accounts.createInvite(by: session.account, role: role, email: params.nonEmpty("email"))
            return try await peoplePage(model, session: session, inviteURL: created.url)
        } catch let error as ChorusError where error.kind == .unprocessable || error.kind == .badRequest {
            model["error"] = pages.localizer.error(error.message, model.language)
            return try await peoplePage(model, session: session, inviteURL: nil, status: .unprocessableContent)
        }
    }

    func change(_ action: String, _ request: Request, context: AppRequestContext) async throws -> Response {
        let session: WebSession
        switch await administrator(request, context: context) { case .allowed(let s): session = s; case .refused(let page): return page }
        let params = try await Params.from(request, context: context)
        guard session.accepts(params.string("csrf")) else { return await web.badForm(request, session: session) }
        guard let id = context.parameters.get("id").flatMap({ Int64($0) }) else { throw ChorusError.notFound() }
        do {
            switch action {
            case "role":
                guard let role = params.string("role").flatMap(Role.init(rawValue:)) else { throw ChorusError.unprocessable("Unknown role") }
                _ = try await services.accounts.setRole(accountID: id, role: role, actor: session.account)
            case "deactivate":
                _ = try await services.accounts.deactivate(accountID: id, actor: session.account)
            default:
                _ = try await services.accounts.reactivate(accountID: id, actor: session.account)
            }
        } catch let error as ChorusError where error.kind == .unprocessable || error.kind == .conflict {
            var model = await web.page(request, session: session, title: "admin_title", path: "/admin")
            model["error"] = pages.localizer.error(error.message, model.language)
            return try await peoplePage(model, session: session, inviteURL: nil, status: .unprocessableContent)
        }
        return web.redirect("/admin")
    }

    @Sendable func audit(_ request: Request, context: AppRequestContext) async throws -> Response {
        let session: WebSession
        switch await administrator(request, context: context) { case .allowed(let s): session = s; case .refused(let page): return page }
        var model = await web.page(request, session: session, title: "admin_title", path: "/admin/audit")
        let maxID = Params(query: request).string("max_id").flatMap { Int64($0) }
        let entries = try await services.accounts.auditLog(actor: session.account, page: Page(maxID: maxID, limit: 40))
        let names = Dictionary(uniqueKeysWithValues: try await services.accounts.listAccounts(by: session.account).map { ($0.id, $0.username) })
        let now = Date()
        model["entries"] = entries.map { entry -> [String: Any] in
            [
                "iso": JSON.timestamp(entry.createdAt),
                "exact": JSON.timestamp(entry.createdAt).prefix(16).replacingOccurrences(of: "T", with: " ") + " UTC",
                "relative": pages.localizer.relative(entry.createdAt, now: now, model.language),
                "actor": entry.actorId.flatMap { names[$0].map { "@" + $0 } } ?? "—",
                "action": pages.localizer.strings(model.language)["audit_" + entry.action] ?? entry.action, "code": entry.action,
                "subject": entry.subject ?? "", "detail": entry.detail == "{}" ? "" : entry.detail, "ip": entry.ip ?? "",
            ]
        }
        if entries.count == 40, let last = entries.last?.id { model["older"] = "/admin/audit?max_id=\(last)" }
        model["navAdmin"] = true
        return pages.render("audit", model)
    }

    // MARK: First-run setup and invitations

    @Sendable func setupForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard try await services.accounts.needsSetup() else { return web.redirect("/login") }
        var model = await formModel(request, kind: "setup", action: "/setup")
        let finish = FormGuard.protect(request, &model, config: services.config)
        return finish(pages.render("setup", model))
    }

    @Sendable func setup(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard try await services.accounts.needsSetup() else { return web.redirect("/login") }
        return try await accountForm(request, context: context, kind: "setup", action: "/setup") { params, _ in
            _ = try await services.accounts.createFirstAdministrator(username: params.string("username") ?? "", password: params.string("password") ?? "",
                                                                     displayName: params.nonEmpty("display_name"), email: params.nonEmpty("email"))
            return web.redirect("/login")
        }
    }

    @Sendable func inviteForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let token = context.parameters.get("token") ?? ""
        var model = await formModel(request, kind: "invite", action: "/invite/\(token)")
        guard (try? await services.accounts.openInvite(token: token)) != nil else {
            return pages.message(model, heading: pages.localizer.string("invite_title", model.language),
                                 message: pages.localizer.string("invite_invalid", model.language), status: .notFound)
        }
        let finish = FormGuard.protect(request, &model, config: services.config)
        return finish(pages.render("setup", model))
    }

    @Sendable func acceptInvite(_ request: Request, context: AppRequestContext) async throws -> Response {
        let token = context.parameters.get("token") ?? ""
        do {
            return try await accountForm(request, context: context, kind: "invite", action: "/invite/\(token)") { params, model in
                _ = try await services.accounts.acceptInvite(token: token, username: params.string("username") ?? "",
                                                             password: params.string("password") ?? "", displayName: params.nonEmpty("display_name"))
                return pages.message(model, heading: pages.localizer.string("welcome_title", model.language),
                                     message: pages.localizer.string("welcome_message", model.language), status: .ok)
            }
        } catch let error as ChorusError where error.kind == .notFound {
            let model = await formModel(request, kind: "invite", action: "/invite/\(token)")
            return pages.message(model, heading: pages.localizer.string("invite_title", model.language),
                                 message: pages.localizer.string("invite_invalid", model.language), status: .notFound)
        }
    }

    /// The setup and invitation forms: the form's token, the two passwords
    /// equal, then `create`; a refusal shows the form again with the reason.
    private func accountForm(_ request: Request, context: AppRequestContext, kind: String, action: String,
                             create: (Params, PageModel) async throws -> Response) async throws -> Response {
        let params = try await Params.from(request, context: context)
        var model = await formModel(request, kind: kind, action: action, params: params)
        let finish = FormGuard.protect(request, &model, config: services.config)
        guard FormGuard.accepts(request, params) else {
            model["error"] = pages.localizer.string("bad_form", model.language)
            return finish(pages.render("setup", model, status: .forbidden))
        }
        do {
            guard params.string("password") == params.string("password_confirmation") else {
                throw ChorusError.unprocessable("The two passwords differ")
            }
            return try await create(params, model)
        } catch let error as ChorusError where error.kind == .unprocessable || error.kind == .conflict {
            model["error"] = pages.localizer.error(error.message, model.language)
            return finish(pages.render("setup", model, status: .unprocessableContent))
        }
    }

    private func formModel(_ request: Request, kind: String, action: String, params: Params? = nil) async -> PageModel {
        var model = await web.page(request, session: nil, title: "\(kind)_title", path: request.uri.path)
        let strings = pages.localizer.strings(model.language)
        model["heading"] = strings["\(kind)_heading"]
        model["intro"] = strings["\(kind)_intro"]
        model["button"] = strings["\(kind)_button"]
        model["action"] = action
        model["askEmail"] = kind == "setup"
        model["username"] = params?.string("username") ?? ""
        model["displayName"] = params?.string("display_name") ?? ""
        model["email"] = params?.string("email") ?? ""
        return model
    }
}
