import ChorusCore
import ChorusServices
import HTTPTypes
import Hummingbird

/// `/api/v2/search` and `/api/v1/tags/:name`.
struct SearchController {
    let services: Services
    let presenter: MastodonPresenter

    func addRoutes(v1: RouterGroup<AuthenticatedContext>, v2: RouterGroup<AuthenticatedContext>) {
        v2.get("search", use: search)
        v1.get("tags/:name", use: tag)
    }

    @Sendable func search(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("read:search")
        let params = Params(query: request)
        var kind: SearchService.Kind?
        if let raw = params.nonEmpty("type") {
            guard let parsed = SearchService.Kind(rawValue: raw) else { throw ChorusError.badRequest("type must be accounts, hashtags or statuses") }
            kind = parsed
        }
        let results = try await services.search.search(
            params.string("q") ?? "", kind: kind, viewer: user, accountID: try params.id("account_id"),
            limit: (try params.int("limit")) ?? 20, offset: (try params.int("offset")) ?? 0, maxID: try params.id("max_id"))
        return try JSON.response(SearchEntity(
            accounts: results.accounts.map { presenter.account($0) },
            statuses: results.statuses.map { presenter.status($0) },
            hashtags: results.hashtags.map { presenter.tag(name: $0.name, display: $0.display, history: true) }))
    }

    @Sendable func tag(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        _ = try context.user("read")
        let tag = try await services.search.tag(context.parameters.get("name")?.removingPercentEncoding ?? "")
        var entity = presenter.tag(name: tag.name, display: tag.display, history: true)
        entity.following = false
        return try JSON.response(entity)
    }
}
