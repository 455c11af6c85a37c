import ChorusCore
import ChorusServices
import ChorusStore
import HTTPTypes
import Hummingbird

/// `/api/v1/accounts`: profiles, the follow graph and relationships.
struct AccountsController {
    let services: Services
    let presenter: MastodonPresenter

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get("accounts/verify_credentials", use: verifyCredentials)
        group.patch("accounts/update_credentials", use: updateCredentials)
        group.get("accounts/lookup", use: lookup)
        group.get("accounts/relationships", use: relationships)
        group.get("accounts/search", use: search)
        group.get("accounts/:id", use: show)
        group.get("accounts/:id/statuses", use: statuses)
        group.get("accounts/:id/followers", use: followers)
        group.get("accounts/:id/following", use: following)
        group.post("accounts/:id/follow", use: follow)
        group.post("accounts/:id/unfollow", use: unfollow)
    }

    @Sendable func verifyCredentials(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("read:accounts")
        return try JSON.response(presenter.account(user, credentials: true))
    }

    @Sendable func updateCredentials(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("write:accounts")
        let params = try await Params.from(request, context: context)
        let updated = try await services.accounts.updateProfile(accountID: user.id, displayName: params.string("display_name"),
                                                                note: params.string("note"), locale: params.nonEmpty("source[language]"))
        return try JSON.response(presenter.account(updated, credentials: true))
    }

    @Sendable func lookup(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        _ = try context.user("read:accounts")
        let acct = try Params(query: request).require("acct")
        return try JSON.response(presenter.account(try await services.accounts.account(username: acct)))
    }

    @Sendable func relationships(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("read:follows")
        let records = try await services.follows.relationships(Params(query: request).ids("id"), viewer: user)
        return try JSON.response(records.map(presenter.relationship))
    }

    @Sendable func search(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("read:accounts")
        let params = Params(query: request)
        let results = try await services.search.search(try params.require("q"), kind: .accounts, viewer: user, accountID: nil,
                                                       limit: (try params.int("limit")) ?? 40, offset: (try params.int("offset")) ?? 0, maxID: nil)
        return try JSON.response(results.accounts.map { presenter.account($0) })
    }

    @Sendable func show(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        _ = try context.user("read:accounts")
        return try JSON.response(presenter.account(try await services.accounts.account(id: try context.parameters.id("id"))))
    }

    @Sendable func statuses(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("read:statuses")
        let params = Params(query: request)
        var filter = AccountStatusesFilter()
        filter.excludeReplies = try params.bool("exclude_replies") ?? false
        filter.excludeReblogs = try params.bool("exclude_reblogs") ?? false
        filter.tagged = params.nonEmpty("tagged")
        // Chorus has no media or pinned posts: those filters match nothing.
        if try params.bool("only_media") == true || params.bool("pinned") == true { return try JSON.response([StatusEntity]()) }
        let statuses = try await services.timelines.account(try context.parameters.id("id"), viewer: user, filter: filter, page: try params.page())
        return presenter.statusesResponse(statuses,
                                 headers: LinkHeader.fields(request: request, baseURL: services.config.baseURL, cursors: statuses.map(\.status.id)))
    }

    @Sendable func followers(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        _ = try context.user("read:accounts")
        let page = try Params(query: request).page(maxLimit: 80)
        let list = try await services.follows.followers(of: try context.parameters.id("id"), page: page)
        return try accountList(list, request: request)
    }

    @Sendable func following(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        _ = try context.user("read:accounts")
        let page = try Params(query: request).page(maxLimit: 80)
        let list = try await services.follows.following(of: try context.parameters.id("id"), page: page)
        return try accountList(list, request: request)
    }

    func accountList(_ list: [(cursor: Int64, account: AccountRecord)], request: Request) throws -> Response {
        try JSON.response(list.map { presenter.account($0.account) },
                          headers: LinkHeader.fields(request: request, baseURL: services.config.baseURL, cursors: list.map(\.cursor)))
    }

    @Sendable func follow(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("write:follows")
        return try JSON.response(presenter.relationship(try await services.follows.follow(try context.parameters.id("id"), by: user)))
    }

    @Sendable func unfollow(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("write:follows")
        return try JSON.response(presenter.relationship(try await services.follows.unfollow(try context.parameters.id("id"), by: user)))
    }
}
