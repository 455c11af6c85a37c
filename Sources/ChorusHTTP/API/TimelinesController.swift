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
        return try page(try await services.timelines.home(viewer: user, page: try PageRequest.query(request).page()), request: request)
    }

    /// `GET /timelines/public`: a page of company posts.
    struct CompanyRequest: RequestBody {
        /// nil when the request asks for remote posts or media, which Chorus
        /// has none of: the answer is an empty list (and the cursors are not read).
        let page: Page?

        init(_ params: Params) throws {
            let matchesNothing = try params.bool("remote") == true || params.bool("only_media") == true
            page = matchesNothing ? nil : try params.page()
        }
    }

    @Sendable func company(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("read:statuses")
        guard let asked = try CompanyRequest.query(request).page else { return try JSON.response([StatusEntity]()) }
        return try page(try await services.timelines.company(viewer: user, page: asked), request: request)
    }

    @Sendable func tag(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("read:statuses")
        let tag = context.parameters.get("tag")?.removingPercentEncoding ?? ""
        return try page(try await services.timelines.tag(tag, viewer: user, page: try PageRequest.query(request).page()), request: request)
    }

    @Sendable func favourites(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("read:favourites")
        let list = try await services.timelines.favourites(viewer: user, page: try PageRequest.query(request).page())
        return presenter.statusesResponse(list.map(\.status),
                                 headers: LinkHeader.fields(request: request, baseURL: services.config.baseURL, cursors: list.map(\.cursor)))
    }

    func page(_ statuses: [HydratedStatus], request: Request) throws -> Response {
        presenter.statusesResponse(statuses,
                          headers: LinkHeader.fields(request: request, baseURL: services.config.baseURL, cursors: statuses.map(\.status.id)))
    }
}
