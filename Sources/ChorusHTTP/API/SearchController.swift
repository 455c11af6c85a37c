import ChorusCore
import ChorusServices
import ChorusStore
import HTTPTypes
import Hummingbird

/// `/api/v2/search` and `/api/v1/tags/:name`.
struct SearchController {
    let services: Services
    let presenter: MastodonPresenter

    func addRoutes(v1: RouterGroup<AuthenticatedContext>, v2: RouterGroup<AuthenticatedContext>) {
        v2.get("search", use: search)
        v1.get("tags/:name", use: tag)
        v1.post("tags/:name/follow", use: follow)
        v1.post("tags/:name/unfollow", use: unfollow)
        v1.get("followed_tags", use: followedTags)
    }

    /// `GET /api/v2/search`: the query, one kind of result or all, offset
    /// paging (20 a page unless asked), and Mastodon's `account_id` and `max_id`.
    struct SearchRequest: RequestBody {
        let kind: SearchService.Kind?
        let q: String
        let accountID: Int64?
        let limit: Int
        let offset: Int
        let maxID: Int64?

        init(_ params: Params) throws {
            kind = try params.parse("type", SearchService.Kind.init(rawValue:), invalid: .badRequest("type must be accounts, hashtags or statuses"))
            q = params.string("q") ?? ""
            accountID = try params.id("account_id")
            limit = try params.int("limit") ?? 20
            offset = try params.int("offset") ?? 0
            maxID = try params.id("max_id")
        }
    }

    @Sendable func search(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("read:search")
        let query = try SearchRequest.query(request)
        let results = try await services.search.search(query.q, kind: query.kind, viewer: user, accountID: query.accountID,
                                                       limit: query.limit, offset: query.offset, maxID: query.maxID)
        return try JSON.response(SearchEntity(
            accounts: results.accounts.map { presenter.account($0) },
            statuses: results.statuses.map { presenter.status($0) },
            hashtags: results.hashtags.map { presenter.tag(name: $0.name, display: $0.display, history: true) }))
    }

    @Sendable func tag(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("read")
        let tag = try await services.search.tag(SearchController.tagName(context), viewer: user)
        return try JSON.response(entity(tag, following: try await services.search.isFollowingTag(tag.name, viewer: user)))
    }

    @Sendable func follow(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("write:follows")
        return try JSON.response(entity(try await services.search.followTag(SearchController.tagName(context), by: user), following: true))
    }

    @Sendable func unfollow(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("write:follows")
        return try JSON.response(entity(try await services.search.unfollowTag(SearchController.tagName(context), by: user), following: false))
    }

    @Sendable func followedTags(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("read:follows")
        return try JSON.response(try await services.search.followedTags(of: user).map { entity($0, following: true) })
    }

    func entity(_ tag: TagRecord, following: Bool) -> TagEntity {
        var entity = presenter.tag(name: tag.name, display: tag.display, history: true)
        entity.following = following
        return entity
    }

    static func tagName(_ context: AuthenticatedContext) -> String {
        context.parameters.get("name")?.removingPercentEncoding ?? ""
    }
}
