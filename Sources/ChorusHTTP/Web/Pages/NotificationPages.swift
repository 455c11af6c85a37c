import ChorusCore
import ChorusServices
import ChorusStore
import Foundation
import Hummingbird
import Mustache

/// The notification list; opening its first page marks them read.
struct NotificationPages {
    let web: Web
    var services: Services { web.services }

    func addRoutes(to group: RouterGroup<SignedInContext>) {
        group.get("notifications", use: notifications)
    }

    /// One notification: who, what happened, when, and the post if any.
    struct Item: MustacheParent {
        let from: PersonLink
        let text: String
        let moment: Moment
        let unread: Bool
        let status: StatusCard?

        func child(named name: String) -> Any? {
            switch name {
            case "text": text
            case "unread": unread
            case "status": status
            default: from.child(named: name) ?? moment.child(named: name)
            }
        }
    }

    struct Content: MustacheParent {
        let items: [Item]
        let older: String?

        func child(named name: String) -> Any? {
            switch name {
            case "items": items
            case "older": older
            default: nil
            }
        }
    }

    @Sendable func notifications(_ request: Request, context: SignedInContext) async throws -> Response {
        let maxID = Web.maxID(request)
        var frame = await web.frame(request, context.session, title: "notifications_title", path: "/notifications", nav: .notifications)
        let items = try await services.notifications.list(viewer: context.account, page: Page(maxID: maxID, limit: 20), types: [], excludeTypes: [])
        let now = Date()
        let content = Content(items: items.map { item in
            Item(from: web.presenter.person(item.from), text: frame.string("n_\(item.notification.type)"),
                 moment: web.presenter.moment(item.notification.createdAt, now: now, language: frame.language),
                 unread: item.notification.readAt == nil,
                 status: item.status.map { web.presenter.card($0, viewer: context.account, language: frame.language, now: now) })
        }, older: items.count == 20 ? items.last.map { "/notifications?max_id=\($0.notification.id)" } : nil)
        frame.here = "/notifications"
        let response = web.render("notifications", frame, content)
        if maxID == nil { try await services.notifications.markAllRead(viewer: context.account) }
        return response
    }
}
