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

    @Sendable func action(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let actor = try admin(context, "admin:write:accounts")
        let params = try await Params.from(request, context: context)
        let id = try context.parameters.id("id")
        switch params.string("type") ?? "" {
        case "disable", "suspend":
            _ = try await services.accounts.deactivate(accountID: id, actor: actor)
        case "none":
            _ = try await services.accounts.account(id: id)
        default:
            throw ChorusError.unprocessable("Validation failed: type must be disable, suspend or none")
        }
        return try JSON.empty()
    }

    @Sendable func enable(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let actor = try admin(context, "admin:write:accounts")
        let account = try await services.accounts.reactivate(accountID: try context.parameters.id("id"), actor: actor)
        return try JSON.response(AdminAccountEntity(presenter: presenter, account: account))
    }

    @Sendable func createInvite(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let actor = try admin(context, "admin:write:accounts")
        let params = try await Params.from(request, context: context)
        let role = try AdminController.role(params.nonEmpty("role") ?? "member")
        let created = try await services.accounts.createInvite(by: actor, role: role, email: params.nonEmpty("email"))
        return try JSON.response(InviteEntity(id: String(created.invite.id ?? 0), url: created.url, role: created.invite.role,
                                              email: created.invite.email, expiresAt: JSON.timestamp(created.invite.expiresAt)))
    }

    @Sendable func createAccount(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let actor = try admin(context, "admin:write:accounts")
        let params = try await Params.from(request, context: context)
        let account = try await services.accounts.createUser(
            .init(username: try params.require("username"), password: try params.require("password"),
                  displayName: params.nonEmpty("display_name"), email: params.nonEmpty("email"),
                  role: try AdminController.role(params.nonEmpty("role") ?? "member")),
            actorID: actor.id)
        return try JSON.response(AdminAccountEntity(presenter: presenter, account: account))
    }

    @Sendable func setRole(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let actor = try admin(context, "admin:write:accounts")
        let params = try await Params.from(request, context: context)
        let account = try await services.accounts.setRole(accountID: try context.parameters.id("id"),
                                                          role: try AdminController.role(try params.require("role")), actor: actor)
        return try JSON.response(AdminAccountEntity(presenter: presenter, account: account))
    }

    @Sendable func audit(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let actor = try admin(context, "admin:read")
        let entries = try await services.accounts.auditLog(actor: actor, page: try Params(query: request).page(maxLimit: 200))
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
