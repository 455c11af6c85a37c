import ChorusCore
import ChorusServices
import HTTPTypes
import Hummingbird

/// `/api/v1/notifications`.
struct NotificationsController {
    let services: Services
    let presenter: MastodonPresenter

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get("notifications", use: list)
        group.post("notifications/clear", use: clear)
        group.get("notifications/:id", use: show)
        group.post("notifications/:id/dismiss", use: dismiss)
    }

    /// `GET /notifications`: a page (up to 80), `types[]` to keep and
    /// `exclude_types[]` to drop.
    struct ListRequest: RequestBody {
        let page: Page
        let types: [String]
        let excludeTypes: [String]

        init(_ params: Params) throws {
            page = try params.page(maxLimit: 80)
            types = params.strings("types")
            excludeTypes = params.strings("exclude_types")
        }
    }

    @Sendable func list(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("read:notifications")
        let query = try ListRequest.query(request)
        let list = try await services.notifications.list(viewer: user, page: query.page, types: query.types, excludeTypes: query.excludeTypes)
        return try JSON.response(list.map(presenter.notification),
                                 headers: LinkHeader.fields(request: request, baseURL: services.config.baseURL, cursors: list.map(\.notification.id)))
    }

    @Sendable func show(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("read:notifications")
        return try JSON.response(presenter.notification(try await services.notifications.get(try context.parameters.id("id"), viewer: user)))
    }

    @Sendable func dismiss(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("write:notifications")
        try await services.notifications.dismiss(try context.parameters.id("id"), viewer: user)
        return try JSON.empty()
    }

    @Sendable func clear(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("write:notifications")
        try await services.notifications.clear(viewer: user)
        return try JSON.empty()
    }
}
