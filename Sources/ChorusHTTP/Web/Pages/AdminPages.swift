import ChorusCore
import ChorusServices
import ChorusStore
import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// The administrators' people list (invitation links, roles,
/// deactivation) and the audit log.
struct AdminPages {
    let web: Web
    var services: Services { web.services }

    func addRoutes(to admins: RouterGroup<SignedInContext>) {
        admins.get("admin", use: people)
        admins.get("admin/audit", use: audit)
        admins.post("admin/invites", use: invite)
        for action in PersonAction.allCases {
            admins.post("admin/people/:id/\(action.rawValue)") { request, context in try await self.change(action, request, context: context) }
        }
    }

    /// A row of the people list.
    struct PersonRow: MustacheParent {
        let person: PersonLink
        let active: Bool
        let roleOptions: [Choice]

        func child(named name: String) -> Any? {
            switch name {
            case "active": active
            case "roleOptions": roleOptions
            default: person.child(named: name)
            }
        }
    }

    struct PeopleContent: MustacheParent {
        let roles: [Choice]
        let people: [PersonRow]
        let inviteURL: String?

        func child(named name: String) -> Any? {
            switch name {
            case "roles": roles
            case "people": people
            case "inviteURL": inviteURL
            default: nil
            }
        }
    }

    @Sendable func people(_ request: Request, context: SignedInContext) async throws -> Response {
        try await peoplePage(await frame(request, context), context: context)
    }

    private func frame(_ request: Request, _ context: SignedInContext, path: String = "/admin") async -> PageFrame {
        await web.frame(request, context.session, title: "admin_title", path: path, nav: .admin)
    }

    private func peoplePage(_ frame: PageFrame, context: SignedInContext, inviteURL: String? = nil,
                            status: HTTPResponse.Status = .ok) async throws -> Response {
        let roles = [Role.member, .editor, .admin]
        func options(_ current: Role?) -> [Choice] {
            roles.map { Choice(value: $0.rawValue, label: frame.string("role_\($0.rawValue)"), selected: $0 == current) }
        }
        let people = try await services.accounts.listAccounts(by: context.account).filter { !$0.isBot }.map { account in
            PersonRow(person: web.presenter.person(account), active: account.isActive, roleOptions: options(account.role))
        }
        return web.render("admin", frame, PeopleContent(roles: options(nil), people: people, inviteURL: inviteURL), status: status)
    }

    struct InviteForm: RequestBody {
        let role: Role
        let email: String?

        init(_ params: Params) throws {
            role = params.string("role").flatMap(Role.init(rawValue:)) ?? .member
            email = params.nonEmpty("email")
        }
    }

    @Sendable func invite(_ request: Request, context: SignedInContext) async throws -> Response {
        let form = try context.form(InviteForm.self)
        var frame = await frame(request, context)
        do {
            let created = try await services.accounts.createInvite(by: context.account, role: form.role, email: form.email)
            return try await peoplePage(frame, context: context, inviteURL: created.url)
        } catch let error as ChorusError where error.kind == .unprocessable || error.kind == .badRequest {
            frame.error = web.error(error, frame)
            return try await peoplePage(frame, context: context, status: .unprocessableContent)
        }
    }

    enum PersonAction: String, CaseIterable, Sendable {
        case role, deactivate, reactivate
    }

    func change(_ action: PersonAction, _ request: Request, context: SignedInContext) async throws -> Response {
        let id = try context.parameters.id("id")
        do {
            switch action {
            case .role:
                guard let role = context.form.string("role").flatMap(Role.init(rawValue:)) else { throw ChorusError.unprocessable("Unknown role") }
                _ = try await services.accounts.setRole(accountID: id, role: role, actor: context.account)
            case .deactivate:
                _ = try await services.accounts.deactivate(accountID: id, actor: context.account)
            case .reactivate:
                _ = try await services.accounts.reactivate(accountID: id, actor: context.account)
            }
        } catch let error as ChorusError where error.kind == .unprocessable || error.kind == .conflict {
            var frame = await frame(request, context)
            frame.error = web.error(error, frame)
            return try await peoplePage(frame, context: context, status: .unprocessableContent)
        }
        return Web.redirect("/admin")
    }

    // MARK: The audit log

    struct AuditRow: MustacheParent {
        let moment: Moment
        let actor: String
        let action: String
        let code: String
        let subject: String
        let detail: String
        let ip: String

        func child(named name: String) -> Any? {
            switch name {
            case "actor": actor
            case "action": action
            case "code": code
            case "subject": subject
            case "detail": detail
            case "ip": ip
            default: moment.child(named: name)
            }
        }
    }

    struct AuditContent: MustacheParent {
        let entries: [AuditRow]
        let older: String?

        func child(named name: String) -> Any? {
            switch name {
            case "entries": entries
            case "older": older
            default: nil
            }
        }
    }

    @Sendable func audit(_ request: Request, context: SignedInContext) async throws -> Response {
        let frame = await frame(request, context, path: "/admin/audit")
        let entries = try await services.accounts.auditLog(actor: context.account, page: Page(maxID: Web.maxID(request), limit: 40))
        let actors = Array(Set(entries.compactMap(\.actorId)))
        let names = Dictionary(uniqueKeysWithValues: try await services.accounts.accounts(ids: actors).map { ($0.id, $0.username) })
        let now = Date()
        let rows = entries.map { entry in
            AuditRow(moment: web.presenter.moment(entry.createdAt, now: now, language: frame.language),
                     actor: entry.actorId.flatMap { names[$0].map { "@" + $0 } } ?? "—",
                     action: frame.strings["audit_" + entry.action] ?? entry.action, code: entry.action,
                     subject: entry.subject ?? "", detail: entry.detail == "{}" ? "" : entry.detail, ip: entry.ip ?? "")
        }
        let older = entries.count == 40 ? entries.last?.id.map { "/admin/audit?max_id=\($0)" } : nil
        return web.render("audit", frame, AuditContent(entries: rows, older: older))
    }
}
