import ChorusCore
import ChorusServices
import ChorusStore
import Foundation
import HTTPTypes
import Hummingbird

/// Timelines (`home`, `public`, `tag/:tag`) and the favourites list.
struct TimelinesController {
    let services: Services
    let presenter: MastodonPresenter

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get("timelines/home", use: home)
        group.get("timelines/public", use: company)
        group.get("timelines/tag/:tag", use: tag)
        group.get("favourites", use: favourites)
    }

    @Sendable func home(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("read:statuses")
        return try page(try await services.timelines.home(viewer: user, page: try Params(query: request).page()), request: request)
    }

    @Sendable func company(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("read:statuses")
        let params = Params(query: request)
        // Chorus has no other servers: `remote=true` and `only_media=true` match nothing.
        if try params.bool("remote") == true || params.bool("only_media") == true { return try JSON.response([StatusEntity]()) }
        return try page(try await services.timelines.company(viewer: user, page: try params.page()), request: request)
    }

    @Sendable func tag(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("read:statuses")
        let tag = context.parameters.get("tag")?.removingPercentEncoding ?? ""
        return try page(try await services.timelines.tag(tag, viewer: user, page: try Params(query: request).page()), request: request)
    }

    @Sendable func favourites(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("read:favourites")
        let list = try await services.timelines.favourites(viewer: user, page: try Params(query: request).page())
        return presenter.statusesResponse(list.map(\.status),
                                 headers: LinkHeader.fields(request: request, baseURL: services.config.baseURL, cursors: list.map(\.cursor)))
    }

    func page(_ statuses: [HydratedStatus], request: Request) throws -> Response {
        presenter.statusesResponse(statuses,
                          headers: LinkHeader.fields(request: request, baseURL: services.config.baseURL, cursors: statuses.map(\.status.id)))
    }
}
