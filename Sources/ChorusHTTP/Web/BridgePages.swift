import ChorusCore
import ChorusServices
import ChorusStore
import Foundation
import HTTPTypes
import Hummingbird

/// The brand bridge in the browser: "nominate" on a post, the editors'
/// review queue (`/approvals`) with the exact text each channel will
/// receive, and the administrators' channels and leak-guard rules.
struct BridgePages {
    let admin: AccountPages
    var web: WebController { admin.web }
    var services: Services { web.services }
    var pages: WebPages { web.pages }

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("statuses/:id/nominate", use: nominate)
        router.get("approvals", use: approvals)
        for action in ["approve", "reject", "retract"] {
            router.post("approvals/:id/\(action)") { request, context in try await self.decide(action, request, context: context) }
        }
        router.post("approvals/exports/:id/retry", use: retry)
        router.get("admin/channels", use: channels)
        router.post("admin/channels", use: createChannel)
        router.post("admin/leak_rules", use: addRule)
        router.post("admin/leak_rules/:id/delete", use: deleteRule)
    }

    /// Errors a person can act on are shown on the page; others go up.
    static func isShown(_ error: ChorusError) -> Bool {
        [.unprocessable, .badRequest, .forbidden, .conflict, .notFound].contains(error.kind)
    }

    // MARK: Nominate

    @Sendable func nominate(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await web.signedInForm(request, context: context) { session, params in
            let id = try context.parameters.id("id")
            let channels = params.strings("channel_ids[]").compactMap { Int64($0) } + params.strings("channel_ids").compactMap { Int64($0) }
            do {
                _ = try await services.bridge.nominate(statusID: id, channelIDs: channels, note: params.string("note") ?? "", by: session.account)
                let status = try await services.statuses.status(id: id, viewer: session.account)
                return web.redirect("/@\(status.account.username)/\(id)?nominated=1#nominate")
            } catch let error as ChorusError where Self.isShown(error) && error.kind != .notFound {
                var model = await web.page(request, session: session, title: "thread", path: "/")
                model["nominateError"] = pages.localizer.error(error.message, model.language)
                return try await web.threadPage(model, statusID: id, session: session, status: .unprocessableContent)
            }
        }
    }

    // MARK: Approvals

    /// The signed-in editor (or administrator), or the page saying no.
    func editor(_ request: Request) async -> AccountPages.Gate {
        await admin.gate(request) { $0 != .member }
    }

    @Sendable func approvals(_ request: Request, context: AppRequestContext) async throws -> Response {
        let session: WebSession
        switch await editor(request) { case .allowed(let s): session = s; case .refused(let page): return page }
        var model = await web.page(request, session: session, title: "approvals_title", path: "/approvals")
        if let done = Params(query: request).string("done"), ["approved", "rejected", "retracted", "retried"].contains(done) {
            model["notice"] = pages.localizer.string("\(done)_notice", model.language)
        }
        return try await approvalsPage(model, session: session)
    }

    func approvalsPage(_ model: PageModel, session: WebSession, status: HTTPResponse.Status = .ok) async throws -> Response {
        var model = model
        let strings = pages.localizer.strings(model.language)
        let channels = Dictionary(uniqueKeysWithValues: try await services.bridge.channels().map { ($0.id ?? 0, $0) })
        let pending = try await services.bridge.nominations(state: .pending, by: session.account, page: Page(limit: 40))
        let recent = try await services.bridge.nominations(state: nil, by: session.account, page: Page(limit: 40)).filter { $0.nomination.state != .pending }
        let people = Set(pending.flatMap { [$0.nomination.authorId, $0.nomination.nominatedBy] } + recent.map(\.nomination.authorId))
        let usernames = Dictionary(uniqueKeysWithValues: try await services.accounts.accounts(ids: Array(people)).map { ($0.id, $0.username) })
        let now = Date()
        var pendingModels: [[String: Any]] = []
        for view in pending {
            let record = view.nomination
            let previews = try await services.bridge.preview(view)
            var entry: [String: Any] = [
                "id": String(record.id ?? 0), "statusID": String(record.statusId), "text": record.text,
                "author": usernames[record.authorId] ?? "", "nominator": usernames[record.nominatedBy] ?? "",
                "iso": JSON.timestamp(record.createdAt), "exact": JSON.timestamp(record.createdAt).prefix(16).replacingOccurrences(of: "T", with: " ") + " UTC",
                "relative": pages.localizer.relative(record.createdAt, now: now, model.language),
                "previews": previews.map { preview -> [String: Any] in
                    var item: [String: Any] = ["channel": preview.channel.name, "slug": preview.channel.slug, "text": preview.text,
                                               "length": preview.length, "max": preview.channel.maxCharacters]
                    item["problem"] = preview.problem.map { pages.localizer.error($0, model.language) }
                    return item
                },
            ]
            if !record.note.isEmpty { entry["note"] = record.note }
            pendingModels.append(entry)
        }
        model["pending"] = pendingModels
        model["recent"] = recent.prefix(20).map { view -> [String: Any] in
            let record = view.nomination
            var entry: [String: Any] = [
                "id": String(record.id ?? 0), "statusID": String(record.statusId), "text": record.text, "author": usernames[record.authorId] ?? "",
                "state": strings["state_\(record.state.rawValue)"] ?? record.state.rawValue, "retractable": record.state == .approved,
                "exports": view.exports.map { export -> [String: Any] in
                    var item: [String: Any] = [
                        "id": String(export.id ?? 0), "channel": channels[export.channelId]?.name ?? "", "code": export.state.rawValue,
                        "state": strings["export_\(export.state.rawValue)"] ?? export.state.rawValue, "attempts": String(export.attempts),
                        "error": export.lastError ?? "",
                        "retryable": export.state == .failed || (export.state == .retracting && export.lastError != nil),
                    ]
                    item["url"] = export.externalUrl
                    return item
                },
            ]
            entry["reason"] = record.reviewReason.flatMap { $0.isEmpty ? nil : $0 }
            entry["publishAt"] = record.publishAt.map { JSON.timestamp($0).prefix(16).replacingOccurrences(of: "T", with: " ") + " UTC" }
            return entry
        }
        model["navApprovals"] = true
        return pages.render("approvals", model, status: status)
    }

    func decide(_ action: String, _ request: Request, context: AppRequestContext) async throws -> Response {
        try await web.signedInForm(request, context: context) { session, params in
            let id = try context.parameters.id("id")
            do {
                switch action {
                case "approve":
                    var publishAt: Date?
                    if let raw = params.nonEmpty("publish_at") {
                        guard let date = JSON.parseTimestamp(raw) ?? JSON.parseTimestamp(raw + ":00Z") else {
                            throw ChorusError.unprocessable("Validation failed: publish_at must be an ISO 8601 time such as 2026-12-01T09:00:00Z")
                        }
                        publishAt = date
                    }
                    _ = try await services.bridge.approve(id: id, publishAt: publishAt, by: session.account)
                case "reject":
                    _ = try await services.bridge.reject(id: id, reason: params.string("reason") ?? "", by: session.account)
                default:
                    _ = try await services.bridge.retract(id: id, reason: params.string("reason") ?? "", by: session.account)
                }
                return web.redirect("/approvals?done=\(action == "approve" ? "approved" : action == "reject" ? "rejected" : "retracted")")
            } catch let error as ChorusError where Self.isShown(error) {
                var model = await web.page(request, session: session, title: "approvals_title", path: "/approvals")
                model["error"] = pages.localizer.error(error.message, model.language)
                return try await approvalsPage(model, session: session, status: error.kind == .forbidden ? .forbidden : .unprocessableContent)
            }
        }
    }

    @Sendable func retry(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await web.signedInForm(request, context: context) { session, _ in
            do {
                _ = try await services.bridge.retryExport(id: try context.parameters.id("id"), by: session.account)
                return web.redirect("/approvals?done=retried")
            } catch let error as ChorusError where Self.isShown(error) {
                var model = await web.page(request, session: session, title: "approvals_title", path: "/approvals")
                model["error"] = pages.localizer.error(error.message, model.language)
                return try await approvalsPage(model, session: session, status: .unprocessableContent)
            }
        }
    }

    // MARK: Channels and the leak guard

    @Sendable func channels(_ request: Request, context: AppRequestContext) async throws -> Response {
        let session: WebSession
        switch await admin.administrator(request) { case .allowed(let s): session = s; case .refused(let page): return page }
        let model = await web.page(request, session: session, title: "admin_channels", path: "/admin/channels")
        return try await channelsPage(model, session: session)
    }

    func channelsPage(_ model: PageModel, session: WebSession, status: HTTPResponse.Status = .ok) async throws -> Response {
        var model = model
        model["channels"] = try await services.bridge.channels().map { channel -> [String: Any] in
            var item: [String: Any] = ["name": channel.name, "slug": channel.slug, "kind": channel.kind.rawValue, "max": channel.maxCharacters,
                                       "names": channel.mentionsAsNames]
            if channel.kind == .atom { item["feed"] = "\(services.config.baseURL)/brand/\(channel.slug)/feed.atom" }
            item["target"] = channel.baseUrl ?? channel.url
            return item
        }
        model["rules"] = try await services.bridge.leakRules(by: session.account).map { rule -> [String: Any] in
            var item: [String: Any] = ["id": String(rule.id ?? 0), "kind": rule.kind, "value": rule.value]
            if !rule.note.isEmpty { item["note"] = rule.note }
            return item
        }
        model["navAdmin"] = true
        return pages.render("channels", model, status: status)
    }

    /// Runs an administrator's form; a refusal is shown on the channels page.
    func adminForm(_ request: Request, context: AppRequestContext,
                   _ action: (WebSession, Params) async throws -> String?) async throws -> Response {
        let session: WebSession
        switch await admin.administrator(request) { case .allowed(let s): session = s; case .refused(let page): return page }
        let params = try await Params.from(request, context: context)
        guard session.accepts(params.string("csrf")) else { return await web.badForm(request, session: session) }
        var model = await web.page(request, session: session, title: "admin_channels", path: "/admin/channels")
        do {
            guard let secret = try await action(session, params) else { return web.redirect("/admin/channels") }
            model["secret"] = secret
            return try await channelsPage(model, session: session)
        } catch let error as ChorusError where Self.isShown(error) {
            model["error"] = pages.localizer.error(error.message, model.language)
            return try await channelsPage(model, session: session, status: .unprocessableContent)
        }
    }

    @Sendable func createChannel(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await adminForm(request, context: context) { session, params in
            var settings = ChannelSettings(name: params.string("name"), slug: params.nonEmpty("slug"), maxCharacters: try params.int("max_characters"),
                                           mentionsAsNames: try params.bool("mentions_as_names") ?? false, baseURL: params.nonEmpty("base_url"),
                                           accessToken: params.nonEmpty("access_token"), url: params.nonEmpty("url"))
            settings.kind = params.string("kind").flatMap(BrandChannelRecord.Kind.init(rawValue:))
            return try await services.bridge.createChannel(settings, by: session.account).secret
        }
    }

    @Sendable func addRule(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await adminForm(request, context: context) { session, params in
            _ = try await services.bridge.addLeakRule(kind: params.string("kind") ?? "", value: params.string("value") ?? "",
                                                      note: params.string("note") ?? "", by: session.account)
            return nil
        }
    }

    @Sendable func deleteRule(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await adminForm(request, context: context) { session, _ in
            try await services.bridge.deleteLeakRule(id: try context.parameters.id("id"), by: session.account)
            return nil
        }
    }
}
