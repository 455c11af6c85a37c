import ChorusCore
import ChorusServices
import ChorusStore
import Foundation
import Hummingbird

/// The administrators' view of installed apps (`/admin/apps`): what each
/// app receives and where, whether its endpoint is disabled, and its
/// delivery log with "send again". Apps are installed through the API.
struct AppPages {
    let admin: AccountPages
    var web: WebController { admin.web }
    var services: Services { web.services }
    var pages: WebPages { web.pages }

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("admin/apps", use: list)
        router.get("admin/apps/:id", use: show)
        router.post("admin/apps/:id/deliveries/:delivery/redeliver", use: redeliver)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let session: WebSession
        switch await admin.administrator(request) { case .allowed(let s): session = s; case .refused(let page): return page }
        var model = await web.page(request, session: session, title: "admin_apps", path: "/admin/apps")
        model["apps"] = try await cards(try await services.apps.apps(by: session.account))
        model["navAdmin"] = true
        return pages.render("apps", model)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let session: WebSession
        switch await admin.administrator(request) { case .allowed(let s): session = s; case .refused(let page): return page }
        let id = try context.parameters.id("id")
        let installed = try await services.apps.app(id: id, by: session.account)
        var model = await web.page(request, session: session, title: "admin_apps", path: "/admin/apps/\(id)")
        let maxID = Params(query: request).string("max_id").flatMap { Int64($0) }
        let deliveries = try await services.apps.deliveries(appID: id, by: session.account, page: Page(maxID: maxID, limit: 40))
        let strings = pages.localizer.strings(model.language)
        let now = Date()
        model["apps"] = try await cards([installed])
        model["app"] = installed.app.name
        model["deliveries"] = deliveries.map { delivery -> [String: Any] in
            [
                "id": String(delivery.id ?? 0), "appID": String(id), "webhookID": delivery.messageId, "event": delivery.eventType,
                "iso": JSON.timestamp(delivery.createdAt),
                "exact": JSON.timestamp(delivery.createdAt).prefix(19).replacingOccurrences(of: "T", with: " ") + " UTC",
                "relative": pages.localizer.relative(delivery.createdAt, now: now, model.language),
                "state": strings["delivery_" + delivery.state.rawValue] ?? delivery.state.rawValue,
                "attempts": String(delivery.attempts), "lastStatus": delivery.lastStatus.map(String.init) ?? "—",
                "lastError": delivery.lastError ?? "",
                "next": delivery.state == .pending ? delivery.nextAttemptAt.map { JSON.timestamp($0).prefix(19).replacingOccurrences(of: "T", with: " ") } ?? "" : "",
            ]
        }
        if deliveries.count == 40, let last = deliveries.last?.id { model["older"] = "/admin/apps/\(id)?max_id=\(last)" }
        model["navAdmin"] = true
        return pages.render("apps", model)
    }

    @Sendable func redeliver(_ request: Request, context: AppRequestContext) async throws -> Response {
        let session: WebSession
        switch await admin.administrator(request) { case .allowed(let s): session = s; case .refused(let page): return page }
        let params = try await Params.from(request, context: context)
        guard session.accepts(params.string("csrf")) else { return await web.badForm(request, session: session) }
        let id = try context.parameters.id("id")
        _ = try await services.apps.redeliver(appID: id, deliveryID: try context.parameters.id("delivery"), by: session.account)
        await services.deliveryWakeup.signal()
        return web.redirect("/admin/apps/\(id)")
    }

    /// One card per app.
    func cards(_ apps: [InstalledApp]) async throws -> [[String: Any]] {
        let slugs = try await services.apps.teamSlugs(of: apps)
        return apps.map { installed in
            let app = installed.app
            var card: [String: Any] = [
                "id": String(app.id ?? 0), "name": app.name, "bot": installed.bot.username, "incoming": app.incomingHash != nil,
            ]
            // Absent, not empty: an empty string still opens a Mustache section.
            if !app.description.isEmpty { card["description"] = app.description }
            if !app.eventList.isEmpty { card["events"] = app.eventList.joined(separator: ", ") }
            if !installed.commands.isEmpty { card["commands"] = installed.commands.map { "/" + $0.name }.joined(separator: " ") }
            card["team"] = app.teamId.flatMap { slugs[$0] }
            card["url"] = app.webhookUrl
            card["disabled"] = app.disabledReason
            return card
        }
    }
}
