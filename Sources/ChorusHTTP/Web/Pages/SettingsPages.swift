import ChorusCore
import ChorusServices
import ChorusStore
import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// A person's own settings: profile and language, password, and the list
/// of their signed-in sessions (end one, or all others).
struct SettingsPages {
    let web: Web
    var services: Services { web.services }

    func addRoutes(to group: RouterGroup<SignedInContext>) {
        group.get("settings", use: settings)
        group.post("settings/profile", use: saveProfile)
        group.post("settings/password", use: changePassword)
        group.post("settings/sessions", use: endOtherSessions)
        group.post("settings/sessions/:id/end", use: endSession)
    }

    /// One signed-in session: the device in a few words, where, when.
    struct SessionRow: MustacheParent {
        let id: String
        let device: String
        let current: Bool
        let address: String
        let signedIn: Moment
        let lastUsed: Moment

        func child(named name: String) -> Any? {
            switch name {
            case "id": id
            case "device": device
            case "current": current
            case "address": address
            case "signedIn": signedIn
            case "lastUsed": lastUsed
            default: nil
            }
        }
    }

    struct Content: MustacheParent {
        let displayName: String
        let note: String
        let sessions: [SessionRow]
        let sessionsLifetime: String

        func child(named name: String) -> Any? {
            switch name {
            case "me": ["displayName": displayName, "note": note]
            case "sessions": sessions
            case "sessionsLifetime": sessionsLifetime
            default: nil
            }
        }
    }

    @Sendable func settings(_ request: Request, context: SignedInContext) async throws -> Response {
        var frame = await web.frame(request, context.session, title: "settings_title", path: "/settings", nav: .settings)
        let query = Params(query: request)
        if let notice = query.string("done"), ["settings_saved", "settings_password_changed", "settings_session_ended"].contains(notice) {
            frame.notice = frame.string(notice)
        } else if let ended = query.string("ended").flatMap({ Int($0) }) {
            frame.notice = frame.string("settings_signed_out_others").replacingOccurrences(of: "{n}", with: String(ended))
        }
        return try await settingsPage(frame, session: context.session)
    }

    private func settingsPage(_ frame: PageFrame, session: WebSession, status: HTTPResponse.Status = .ok) async throws -> Response {
        let account = session.account
        let days = { (seconds: TimeInterval) in String(format: "%g", (seconds / 86_400 * 10).rounded() / 10) }
        let lifetime = frame.string("settings_sessions_lifetime")
            .replacingOccurrences(of: "{idle}", with: days(web.config.sessionIdleTimeout))
            .replacingOccurrences(of: "{max}", with: days(web.config.sessionLifetime))
        let sessions = try await services.oauth.sessions(of: session.principal).map { sessionRow($0, frame: frame) }
        return web.render("settings", frame, Content(displayName: account.displayName, note: account.note, sessions: sessions, sessionsLifetime: lifetime),
                          status: status)
    }

    func sessionRow(_ session: SessionSummary, frame: PageFrame) -> SessionRow {
        let device = DeviceName(userAgent: session.userAgent)
        let name: String
        switch (device.browser, device.system) {
        case let (browser?, system?):
            name = frame.string("settings_session_device").replacingOccurrences(of: "{browser}", with: browser).replacingOccurrences(of: "{system}", with: system)
        case let (browser?, nil): name = browser
        case let (nil, system?): name = system
        case (nil, nil): name = frame.string("settings_session_unknown_device")
        }
        let now = services.clock.now()
        return SessionRow(id: String(session.id), device: name, current: session.isCurrent,
                          address: session.address ?? frame.string("settings_session_address_unknown"),
                          signedIn: web.presenter.moment(session.signedInAt, now: now, language: frame.language),
                          lastUsed: web.presenter.moment(session.lastUsedAt, now: now, language: frame.language))
    }

    struct ProfileForm: RequestBody {
        let displayName: String
        let note: String
        let locale: String?

        init(_ params: Params) throws {
            displayName = params.string("display_name") ?? ""
            note = params.string("note") ?? ""
            locale = params.string("locale").flatMap { Localizer.supported.contains($0) ? $0 : nil }
        }
    }

    @Sendable func saveProfile(_ request: Request, context: SignedInContext) async throws -> Response {
        let form = try context.form(ProfileForm.self)
        return try await saving(request, context: context) {
            _ = try await services.accounts.updateProfile(accountID: context.account.id, displayName: form.displayName, note: form.note, locale: form.locale)
            return Web.redirect("/settings?done=settings_saved")
        }
    }

    struct PasswordForm: RequestBody {
        let current: String
        let new: String

        init(_ params: Params) throws {
            current = params.string("current_password") ?? ""
            new = params.string("new_password") ?? ""
        }
    }

    @Sendable func changePassword(_ request: Request, context: SignedInContext) async throws -> Response {
        let form = try context.form(PasswordForm.self)
        return try await saving(request, context: context) {
            try await services.accounts.changePassword(accountID: context.account.id, current: form.current, new: form.new,
                                                       keeping: context.session.principal.tokenID, address: context.remoteAddress)
            return Web.redirect("/settings?done=settings_password_changed")
        }
    }

    @Sendable func endOtherSessions(_ request: Request, context: SignedInContext) async throws -> Response {
        let ended = try await services.oauth.endOtherSessions(context.session.principal, address: context.remoteAddress)
        return Web.redirect("/settings?ended=\(ended)")
    }

    /// Ends one of one's own sessions from the list; ending this one is signing out.
    @Sendable func endSession(_ request: Request, context: SignedInContext) async throws -> Response {
        guard let id = context.parameters.get("id").flatMap({ Int64($0) }) else { throw ChorusError.notFound("No such session") }
        try await services.oauth.endSession(id: id, by: context.session.principal, address: context.remoteAddress)
        return id == context.session.principal.tokenID ? SignInPages.signedOut(web.config) : Web.redirect("/settings?done=settings_session_ended")
    }

    /// Runs a change; a refusal shows the settings again with the reason.
    private func saving(_ request: Request, context: SignedInContext, _ change: () async throws -> Response) async throws -> Response {
        do {
            return try await change()
        } catch let error as ChorusError where error.kind == .unprocessable || error.kind == .badRequest {
            var frame = await web.frame(request, context.session, title: "settings_title", path: "/settings", nav: .settings)
            frame.error = web.error(error, frame)
            return try await settingsPage(frame, session: context.session, status: .unprocessableContent)
        }
    }
}
