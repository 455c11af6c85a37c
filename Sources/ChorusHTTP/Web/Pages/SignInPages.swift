import ChorusCore
import ChorusServices
import ChorusStore
import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// Signing in and out, the language links, first-run setup on an empty
/// database, and accepting an invitation. Forms shown before signing in
/// carry a double-submit token (`FormGuard`).
struct SignInPages {
    let web: Web
    var services: Services { web.services }

    func addRoutes(anyone group: RouterGroup<WebContext>, signedIn: RouterGroup<SignedInContext>) {
        group.get("login", use: loginForm)
        group.post("login", use: login)
        group.get("language", use: language)
        group.get("setup", use: setupForm)
        group.post("setup", use: setup)
        group.get("invite/:token", use: inviteForm)
        group.post("invite/:token", use: acceptInvite)
        signedIn.post("logout", use: logout)
    }

    /// The sign-in form, kept filled in after a refusal.
    struct LoginContent: MustacheParent {
        let username: String

        func child(named name: String) -> Any? { name == "username" ? username : nil }
    }

    struct LoginForm: RequestBody {
        let username: String
        let password: String

        init(_ params: Params) throws {
            username = params.string("username") ?? ""
            password = params.string("password") ?? ""
        }
    }

    @Sendable func loginForm(_ request: Request, context: WebContext) async throws -> Response {
        if context.session != nil { return Web.redirect("/") }
        // An empty database: create the first administrator instead.
        if try await services.accounts.needsSetup() { return Web.redirect("/setup") }
        var frame = web.pages.anonymousFrame(request, title: "sign_in_title", path: "/login")
        let finish = FormGuard.protect(request, &frame, config: web.config)
        return finish(web.render("login", frame, LoginContent(username: "")))
    }

    @Sendable func login(_ request: Request, context: WebContext) async throws -> Response {
        let params = try await Params.from(request, context: context)
        let form = try LoginForm(params)
        var frame = web.pages.anonymousFrame(request, title: "sign_in_title", path: "/login")
        let finish = FormGuard.protect(request, &frame, config: web.config)
        let content = LoginContent(username: form.username)
        guard FormGuard.accepts(request, params) else {
            frame.error = frame.string("bad_form")
            return finish(web.render("login", frame, content, status: .forbidden))
        }
        do {
            let issued = try await services.oauth.signIn(login: form.username, password: form.password,
                                                         client: WebSession.client(request, remoteAddress: context.remoteAddress))
            var response = Web.redirect("/")
            response.setCookie(WebSession.cookie(issued.token, config: web.config))
            return response
        } catch let error as ChorusError where error.kind == .tooManyRequests {
            frame.error = frame.string("sign_in_throttled")
            return finish(web.render("login", frame, content, status: .tooManyRequests))
        } catch let error as ChorusError where error.kind == .unauthorized {
            frame.error = frame.string("sign_in_failed")
            return finish(web.render("login", frame, content, status: .unauthorized))
        }
    }

    @Sendable func logout(_ request: Request, context: SignedInContext) async throws -> Response {
        try await services.oauth.endSession(token: context.session.token)
        return Self.signedOut(web.config)
    }

    /// Back to the sign-in page, with the browser's session cookie dropped.
    static func signedOut(_ config: ChorusConfig) -> Response {
        var response = Web.redirect("/login")
        response.setCookie(WebSession.cookie("", config: config, maxAge: 0))
        return response
    }

    /// `/language?lang=en&next=/`: remembers the choice (on the account when
    /// signed in, in a cookie otherwise) and goes back.
    @Sendable func language(_ request: Request, context: WebContext) async throws -> Response {
        let params = Params(query: request)
        let next = Web.localPath(params.string("next")) ?? "/"
        guard let code = params.string("lang"), Localizer.supported.contains(code) else { return Web.redirect(next) }
        if let session = context.session {
            _ = try await services.accounts.updateProfile(accountID: session.account.id, displayName: nil, note: nil, locale: code)
        }
        var response = Web.redirect(next)
        response.setCookie(.chorus(WebSession.languageCookie, code, maxAge: 365 * 86_400, config: web.config))
        return response
    }

    // MARK: First-run setup and invitations

    /// The setup and invitation form (`setup.mustache`).
    struct AccountFormContent: MustacheParent {
        let kind: String
        let action: String
        let strings: [String: String]
        var username = ""
        var displayName = ""
        var email = ""

        func child(named name: String) -> Any? {
            switch name {
            case "heading": strings["\(kind)_heading"]
            case "intro": strings["\(kind)_intro"]
            case "button": strings["\(kind)_button"]
            case "action": action
            case "askEmail": kind == "setup"
            case "username": username
            case "displayName": displayName
            case "email": email
            default: nil
            }
        }
    }

    struct AccountForm: RequestBody {
        let username: String
        let password: String
        let confirmation: String?
        let displayName: String?
        let email: String?

        init(_ params: Params) throws {
            username = params.string("username") ?? ""
            password = params.string("password") ?? ""
            confirmation = params.string("password_confirmation")
            displayName = params.nonEmpty("display_name")
            email = params.nonEmpty("email")
        }
    }

    @Sendable func setupForm(_ request: Request, context: WebContext) async throws -> Response {
        guard try await services.accounts.needsSetup() else { return Web.redirect("/login") }
        var frame = web.pages.anonymousFrame(request, title: "setup_title", path: request.uri.path)
        let finish = FormGuard.protect(request, &frame, config: web.config)
        return finish(web.render("setup", frame, AccountFormContent(kind: "setup", action: "/setup", strings: frame.strings)))
    }

    @Sendable func setup(_ request: Request, context: WebContext) async throws -> Response {
        guard try await services.accounts.needsSetup() else { return Web.redirect("/login") }
        return try await accountForm(request, context: context, kind: "setup", action: "/setup") { form, _ in
            _ = try await services.accounts.createFirstAdministrator(username: form.username, password: form.password,
                                                                     displayName: form.displayName, email: form.email)
            return Web.redirect("/login")
        }
    }

    @Sendable func inviteForm(_ request: Request, context: WebContext) async throws -> Response {
        let token = context.parameters.get("token") ?? ""
        var frame = web.pages.anonymousFrame(request, title: "invite_title", path: request.uri.path)
        guard (try? await services.accounts.openInvite(token: token)) != nil else { return invalidInvite(frame) }
        let finish = FormGuard.protect(request, &frame, config: web.config)
        return finish(web.render("setup", frame, AccountFormContent(kind: "invite", action: "/invite/\(token)", strings: frame.strings)))
    }

    @Sendable func acceptInvite(_ request: Request, context: WebContext) async throws -> Response {
        let token = context.parameters.get("token") ?? ""
        do {
            return try await accountForm(request, context: context, kind: "invite", action: "/invite/\(token)") { form, frame in
                _ = try await services.accounts.acceptInvite(token: token, username: form.username, password: form.password,
                                                             displayName: form.displayName)
                return web.message(frame, heading: "welcome_title", message: "welcome_message", status: .ok)
            }
        } catch let error as ChorusError where error.kind == .notFound {
            return invalidInvite(web.pages.anonymousFrame(request, title: "invite_title", path: request.uri.path))
        }
    }

    private func invalidInvite(_ frame: PageFrame) -> Response {
        web.message(frame, heading: "invite_title", message: "invite_invalid", status: .notFound)
    }

    /// The setup and invitation forms: the form's token, the two passwords
    /// equal, then `create`; a refusal shows the form again with the reason.
    private func accountForm(_ request: Request, context: WebContext, kind: String, action: String,
                             create: (AccountForm, PageFrame) async throws -> Response) async throws -> Response {
        let params = try await Params.from(request, context: context)
        let form = try AccountForm(params)
        var frame = web.pages.anonymousFrame(request, title: "\(kind)_title", path: request.uri.path)
        let content = AccountFormContent(kind: kind, action: action, strings: frame.strings, username: form.username,
                                         displayName: form.displayName ?? "", email: form.email ?? "")
        let finish = FormGuard.protect(request, &frame, config: web.config)
        guard FormGuard.accepts(request, params) else {
            frame.error = frame.string("bad_form")
            return finish(web.render("setup", frame, content, status: .forbidden))
        }
        do {
            guard form.password == form.confirmation else { throw ChorusError.unprocessable("The two passwords differ") }
            return try await create(form, frame)
        } catch let error as ChorusError where error.kind == .unprocessable || error.kind == .conflict {
            frame.error = web.error(error, frame)
            return finish(web.render("setup", frame, content, status: .unprocessableContent))
        }
    }
}
