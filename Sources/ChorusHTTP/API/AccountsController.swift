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

    /// `PATCH /accounts/update_credentials`: absent fields stay as they are.
    struct ProfileRequest: RequestBody {
        let displayName: String?
        let note: String?
        /// `source[language]`, the language of the pages.
        let locale: String?

        init(_ params: Params) throws {
            displayName = params.string("display_name")
            note = params.string("note")
            locale = params.nonEmpty("source[language]")
        }
    }

    @Sendable func updateCredentials(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("write:accounts")
        let body = try await ProfileRequest.decode(request, context: context)
        let updated = try await services.accounts.updateProfile(accountID: user.id, displayName: body.displayName, note: body.note, locale: body.locale)
        return try JSON.response(presenter.account(updated, credentials: true))
    }

    /// `GET /accounts/lookup?acct=`.
    struct LookupRequest: RequestBody {
        let acct: String

        init(_ params: Params) throws {
            acct = try params.require("acct")
        }
    }

    @Sendable func lookup(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        _ = try context.user("read:accounts")
        let query = try LookupRequest.query(request)
        return try JSON.response(presenter.account(try await services.accounts.account(username: query.acct)))
    }

    /// `GET /accounts/relationships?id[]=…`: ids that are not numbers are skipped.
    struct RelationshipsRequest: RequestBody {
        let ids: [Int64]

        init(_ params: Params) throws {
            ids = params.ids("id")
        }
    }

    @Sendable func relationships(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("read:follows")
        let records = try await services.follows.relationships(try RelationshipsRequest.query(request).ids, viewer: user)
        return try JSON.response(records.map(presenter.relationship))
    }

    /// `GET /accounts/search`: the query, with offset paging (40 a page unless asked).
    struct SearchRequest: RequestBody {
        let q: String
        let limit: Int
        let offset: Int

        init(_ params: Params) throws {
            q = try params.require("q")
            limit = try params.int("limit") ?? 40
            offset = try params.int("offset") ?? 0
        }
    }

    @Sendable func search(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("read:accounts")
        let query = try SearchRequest.query(request)
        let results = try await services.search.search(query.q, kind: .accounts, viewer: user, accountID: nil,
                                                       limit: query.limit, offset: query.offset, maxID: nil)
        return try JSON.response(results.accounts.map { presenter.account($0) })
    }

    @Sendable func show(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        _ = try context.user("read:accounts")
        return try JSON.response(presenter.account(try await services.accounts.account(id: try context.parameters.id("id"))))
    }

    /// `GET /accounts/:id/statuses`: Mastodon's filters and a page.
    struct StatusesRequest: RequestBody {
        let filter: AccountStatusesFilter
        /// nil when the request asks for media or pinned posts, which Chorus
        /// has none of: the answer is an empty list (and the cursors are not read).
        let page: Page?

        init(_ params: Params) throws {
            var filter = AccountStatusesFilter()
            filter.excludeReplies = try params.bool("exclude_replies") ?? false
            filter.excludeReblogs = try params.bool("exclude_reblogs") ?? false
            filter.tagged = params.nonEmpty("tagged")
            self.filter = filter
            let matchesNothing = try params.bool("only_media") == true || params.bool("pinned") == true
            page = matchesNothing ? nil : try params.page()
        }
    }

    @Sendable func statuses(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("read:statuses")
        let query = try StatusesRequest.query(request)
        guard let page = query.page else { return try JSON.response([StatusEntity]()) }
        let statuses = try await services.timelines.account(try context.parameters.id("id"), viewer: user, filter: query.filter, page: page)
        return presenter.statusesResponse(statuses,
                                 headers: LinkHeader.fields(request: request, baseURL: services.config.baseURL, cursors: statuses.map(\.status.id)))
    }

    @Sendable func followers(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        _ = try context.user("read:accounts")
        let page = try PageRequest.query(request).page(maxLimit: 80)
        let list = try await services.follows.followers(of: try context.parameters.id("id"), page: page)
        return try accountList(list, request: request)
    }

    @Sendable func following(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        _ = try context.user("read:accounts")
        let page = try PageRequest.query(request).page(maxLimit: 80)
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
