import ChorusCore
import ChorusServices
import ChorusStore
import Foundation
import HTTPTypes
import Hummingbird

/// Administration: Mastodon's account actions, plus Chorus invites,
/// account creation, roles and the audit log under `/api/v1/chorus`.
struct AdminController {
    let services: Services
    let presenter: MastodonPresenter

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get("admin/accounts", use: listAccounts)
        group.post("admin/accounts/:id/action", use: action)
        group.post("admin/accounts/:id/enable", use: enable)
        group.post("chorus/invites", use: createInvite)
        group.post("chorus/accounts", use: createAccount)
        group.post("chorus/accounts/:id/role", use: setRole)
        group.get("chorus/audit", use: audit)
    }

    func admin(_ context: AuthenticatedContext, _ scope: String) throws -> AccountRecord {
        let user = try context.user(scope)
        guard user.role == .admin else { throw ChorusError.forbidden("Only administrators can do this") }
        return user
    }

    @Sendable func listAccounts(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let actor = try admin(context, "admin:read:accounts")
        let accounts = try await services.accounts.listAccounts(by: actor)
        return try JSON.response(accounts.map { AdminAccountEntity(presenter: presenter, account: $0) })
    }

    /// `POST /admin/accounts/:id/action`: Mastodon's `type`; Chorus acts on
    /// `disable` and `suspend` alike (deactivation), and `none` changes nothing.
    struct ActionRequest: RequestBody {
        enum Action { case deactivate, noChange }

        /// Checked when the handler reads it, after the path: an id that is
        /// not a number is a 404 whatever the type.
        let action: Result<Action, any Error>

        init(_ params: Params) throws {
            switch params.string("type") ?? "" {
            case "disable", "suspend": action = .success(.deactivate)
            case "none": action = .success(.noChange)
            default: action = .failure(ChorusError.unprocessable("Validation failed: type must be disable, suspend or none"))
            }
        }
    }

    @Sendable func action(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let actor = try admin(context, "admin:write:accounts")
        let body = try await ActionRequest.decode(request, context: context)
        let id = try context.parameters.id("id")
        switch try body.action.get() {
        case .deactivate: _ = try await services.accounts.deactivate(accountID: id, actor: actor)
        case .noChange: _ = try await services.accounts.account(id: id)
        }
        return try JSON.empty()
    }

    @Sendable func enable(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let actor = try admin(context, "admin:write:accounts")
        let account = try await services.accounts.reactivate(accountID: try context.parameters.id("id"), actor: actor)
        return try JSON.response(AdminAccountEntity(presenter: presenter, account: account))
    }

    /// `POST /chorus/invites`: the role the invited person gets (member
    /// unless given) and, optionally, the address it is meant for.
    struct InviteRequest: RequestBody {
        let role: Role
        let email: String?

        init(_ params: Params) throws {
            role = try AdminController.role(params.nonEmpty("role") ?? "member")
            email = params.nonEmpty("email")
        }
    }

    @Sendable func createInvite(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let actor = try admin(context, "admin:write:accounts")
        let body = try await InviteRequest.decode(request, context: context)
        let created = try await services.accounts.createInvite(by: actor, role: body.role, email: body.email)
        return try JSON.response(InviteEntity(id: String(created.invite.id ?? 0), url: created.url, role: created.invite.role,
                                              email: created.invite.email, expiresAt: JSON.timestamp(created.invite.expiresAt)))
    }

    /// `POST /chorus/accounts`: a person made by an administrator.
    struct CreateAccountRequest: RequestBody {
        let username: String
        let password: String
        let displayName: String?
        let email: String?
        let role: Role

        init(_ params: Params) throws {
            username = try params.require("username")
            password = try params.require("password")
            displayName = params.nonEmpty("display_name")
            email = params.nonEmpty("email")
            role = try AdminController.role(params.nonEmpty("role") ?? "member")
        }

        var newUser: AccountService.NewUser {
            AccountService.NewUser(username: username, password: password, displayName: displayName, email: email, role: role)
        }
    }

    @Sendable func createAccount(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let actor = try admin(context, "admin:write:accounts")
        let body = try await CreateAccountRequest.decode(request, context: context)
        let account = try await services.accounts.createUser(body.newUser, actorID: actor.id)
        return try JSON.response(AdminAccountEntity(presenter: presenter, account: account))
    }

    /// `POST /chorus/accounts/:id/role`.
    struct RoleRequest: RequestBody {
        /// Checked when the handler reads it, after the path: an id that is
        /// not a number is a 404 whatever the role.
        let role: Result<Role, any Error>

        init(_ params: Params) throws {
            role = Result { try AdminController.role(try params.require("role")) }
        }
    }

    @Sendable func setRole(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let actor = try admin(context, "admin:write:accounts")
        let body = try await RoleRequest.decode(request, context: context)
        let account = try await services.accounts.setRole(accountID: try context.parameters.id("id"), role: try body.role.get(), actor: actor)
        return try JSON.response(AdminAccountEntity(presenter: presenter, account: account))
    }

    @Sendable func audit(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let actor = try admin(context, "admin:read")
        let entries = try await services.accounts.auditLog(actor: actor, page: try PageRequest.query(request).page(maxLimit: 200))
        return try JSON.response(entries.map(AuditEntity.init),
                                 headers: LinkHeader.fields(request: request, baseURL: services.config.baseURL, cursors: entries.compactMap(\.id)))
    }

    static func role(_ raw: String) throws -> Role {
        guard let role = Role(rawValue: raw) else { throw ChorusError.unprocessable("Validation failed: role must be member, editor or admin") }
        return role
    }
}

struct AdminAccountEntity: Encodable, Sendable {
    var id: String
    var username: String
    var email: String?
    var createdAt: String
    var role: RoleEntity
    var confirmed = true
    var approved = true
    var disabled: Bool
    var suspended: Bool
    var silenced = false
    var account: AccountEntity

    init(presenter: MastodonPresenter, account: AccountRecord) {
        id = String(account.id)
        username = account.username
        email = account.email
        createdAt = JSON.timestamp(account.createdAt)
        role = presenter.role(account.role)
        disabled = !account.isActive
        suspended = !account.isActive
        self.account = presenter.account(account)
    }
}

struct InviteEntity: Encodable, Sendable {
    var id: String
    var url: String
    var role: String
    var email: String?
    var expiresAt: String
}

extension AuditEntity {
    init(_ record: AuditRecord) {
        self.init(id: String(record.id ?? 0), action: record.action, actorId: record.actorId.map(String.init), subject: record.subject,
                  detail: record.detail, ip: record.ip, createdAt: JSON.timestamp(record.createdAt))
    }
}

struct AuditEntity: Encodable, Sendable {
    var id: String
    var action: String
    var actorId: String?
    var subject: String?
    var detail: String
    var ip: String?
    var createdAt: String
}
