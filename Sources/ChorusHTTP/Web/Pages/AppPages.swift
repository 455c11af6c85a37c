import ChorusCore
import ChorusServices
import ChorusStore
import Foundation
import Hummingbird
import Mustache

/// The administrators' view of installed apps (`/admin/apps`): what each
/// app receives and where, whether its endpoint is disabled, and its
/// delivery log with "send again".
struct AppPages {
    let web: Web
    var services: Services { web.services }

    func addRoutes(to admins: RouterGroup<SignedInContext>) {
        admins.get("admin/apps", use: list)
        admins.get("admin/apps/:id", use: show)
        admins.post("admin/apps/:id/deliveries/:delivery/redeliver", use: redeliver)
    }

    /// An installed app as a card.
    struct AppCard: MustacheParent {
        let id: String
        let name: String
        let bot: String
        let incoming: Bool
        /// Absent, not empty: an empty string still opens a Mustache section.
        let description: String?
        let events: String?
        let commands: String?
        let team: String?
        let url: String?
        let disabled: String?

        func child(named key: String) -> Any? {
            switch key {
            case "id": id
            case "name": name
            case "bot": bot
            case "incoming": incoming
            case "description": description
            case "events": events
            case "commands": commands
            case "team": team
            case "url": url
            case "disabled": disabled
            default: nil
            }
        }
    }

    /// A row of an app's delivery log.
    struct DeliveryRow: MustacheParent {
        let id: String
        let appID: String
        let webhookID: String
        let event: String
        let iso: String
        let exact: String
        let relative: String
        let state: String
        let attempts: String
        let lastStatus: String
        let lastError: String
        let next: String

        func child(named key: String) -> Any? {
            switch key {
            case "id": id
            case "appID": appID
            case "webhookID": webhookID
            case "event": event
            case "iso": iso
            case "exact": exact
            case "relative": relative
            case "state": state
            case "attempts": attempts
            case "lastStatus": lastStatus
            case "lastError": lastError
            case "next": next
            default: nil
            }
        }
    }

    struct Content: MustacheParent {
        let apps: [AppCard]
        /// The app whose log is shown, on its own page.
        var app: String?
        var deliveries: [DeliveryRow] = []
        var older: String?

        func child(named key: String) -> Any? {
            switch key {
            case "apps": apps
            case "app": app
            case "deliveries": deliveries
            case "older": older
            default: nil
            }
        }
    }

    @Sendable func list(_ request: Request, context: SignedInContext) async throws -> Response {
        let frame = await web.frame(request, context.session, title: "admin_apps", path: "/admin/apps", nav: .admin)
        return web.render("apps", frame, Content(apps: try await cards(try await services.apps.apps(by: context.account))))
    }

    @Sendable func show(_ request: Request, context: SignedInContext) async throws -> Response {
        let id = try context.parameters.id("id")
        let installed = try await services.apps.app(id: id, by: context.account)
        let frame = await web.frame(request, context.session, title: "admin_apps", path: "/admin/apps/\(id)", nav: .admin)
        let deliveries = try await services.apps.deliveries(appID: id, by: context.account, page: Page(maxID: Web.maxID(request), limit: 40))
        let now = Date()
        func exact(_ date: Date) -> String { JSON.timestamp(date).prefix(19).replacingOccurrences(of: "T", with: " ") }
        let rows = deliveries.map { delivery in
            DeliveryRow(id: String(delivery.id ?? 0), appID: String(id), webhookID: delivery.messageId, event: delivery.eventType,
                        iso: JSON.timestamp(delivery.createdAt), exact: exact(delivery.createdAt) + " UTC",
                        relative: web.pages.localizer.relative(delivery.createdAt, now: now, frame.language),
                        state: frame.strings["delivery_" + delivery.state.rawValue] ?? delivery.state.rawValue,
                        attempts: String(delivery.attempts), lastStatus: delivery.lastStatus.map(String.init) ?? "—",
                        lastError: delivery.lastError ?? "",
                        next: delivery.state == .pending ? delivery.nextAttemptAt.map(exact) ?? "" : "")
        }
        let older = deliveries.count == 40 ? deliveries.last?.id.map { "/admin/apps/\(id)?max_id=\($0)" } : nil
        return web.render("apps", frame, Content(apps: try await cards([installed]), app: installed.app.name, deliveries: rows, older: older))
    }

    @Sendable func redeliver(_ request: Request, context: SignedInContext) async throws -> Response {
        let id = try context.parameters.id("id")
        _ = try await services.apps.redeliver(appID: id, deliveryID: try context.parameters.id("delivery"), by: context.account)
        await services.deliveryWakeup.signal()
        return Web.redirect("/admin/apps/\(id)")
    }

    /// One card per app.
    func cards(_ apps: [InstalledApp]) async throws -> [AppCard] {
        let slugs = try await services.apps.teamSlugs(of: apps)
        return apps.map { installed in
            let app = installed.app
            return AppCard(id: String(app.id ?? 0), name: app.name, bot: installed.bot.username, incoming: app.incomingHash != nil,
                           description: app.description.isEmpty ? nil : app.description,
                           events: app.eventList.isEmpty ? nil : app.eventList.joined(separator: ", "),
                           commands: installed.commands.isEmpty ? nil : installed.commands.map { "/" + $0.name }.joined(separator: " "),
                           team: app.teamId.flatMap { slugs[$0] }, url: app.webhookUrl, disabled: app.disabledReason)
        }
    }
}
