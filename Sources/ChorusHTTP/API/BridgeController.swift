import ChorusCore
import ChorusServices
import ChorusStore
import Foundation
import HTTPTypes
import Hummingbird

/// `/api/v1/chorus/bridge/...`: brand channels, the leak guard,
/// nominations and their review; and `/brand/:slug/feed.atom`, the one
/// anonymous content surface.
struct BridgeController {
    let services: Services
    let presenter: MastodonPresenter

    func addRoutes(anonymous router: Router<AppRequestContext>, group: RouterGroup<AuthenticatedContext>) {
        group.get("chorus/bridge/channels", use: channels)
        group.post("chorus/bridge/channels", use: createChannel)
        group.patch("chorus/bridge/channels/:id", use: updateChannel)
        group.post("chorus/bridge/channels/:id/disable", use: disableChannel)
        group.post("chorus/bridge/channels/:id/enable", use: enableChannel)
        group.get("chorus/bridge/leak_rules", use: leakRules)
        group.post("chorus/bridge/leak_rules", use: addLeakRule)
        group.delete("chorus/bridge/leak_rules/:id", use: deleteLeakRule)
        group.post("chorus/bridge/nominations", use: nominate)
        group.get("chorus/bridge/nominations", use: nominations)
        group.get("chorus/bridge/nominations/:id", use: nomination)
        group.post("chorus/bridge/nominations/:id/approve", use: approve)
        group.post("chorus/bridge/nominations/:id/reject", use: reject)
        group.post("chorus/bridge/nominations/:id/retract", use: retract)
        group.post("chorus/bridge/exports/:id/retry", use: retry)
        group.get("chorus/bridge/audit", use: audit)
        router.get("brand/:slug/feed.atom", use: feed)
    }

    // MARK: Channels

    @Sendable func channels(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("read")
        return try JSON.response(try await services.bridge.channels().map { presenter.channel($0, forAdmin: user.role == .admin) })
    }

    @Sendable func createChannel(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("admin:write")
        let body = try await ChannelRequest.decode(request, context: context)
        let created = try await services.bridge.createChannel(body.settings, by: user)
        return try JSON.response(ChannelCreatedEntity(channel: presenter.channel(created.channel, forAdmin: true), webhookSecret: created.secret),
                                 status: .created)
    }

    @Sendable func updateChannel(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("admin:write")
        let body = try await ChannelChangesRequest.decode(request, context: context)
        let channel = try await services.bridge.updateChannel(id: try context.parameters.id("id"), body.settings, by: user)
        return try JSON.response(presenter.channel(channel, forAdmin: true))
    }

    /// Holds the channel: no nominations or approvals, approved exports wait.
    @Sendable func disableChannel(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("admin:write")
        let channel = try await services.bridge.setChannelDisabled(id: try context.parameters.id("id"), true, by: user)
        return try JSON.response(presenter.channel(channel, forAdmin: true))
    }

    /// Lets the channel go again: what waited goes out.
    @Sendable func enableChannel(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("admin:write")
        let channel = try await services.bridge.setChannelDisabled(id: try context.parameters.id("id"), false, by: user)
        return try JSON.response(presenter.channel(channel, forAdmin: true))
    }

    // MARK: Leak guard

    @Sendable func leakRules(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("read")
        return try JSON.response(try await services.bridge.leakRules(by: user).map(presenter.leakRule))
    }

    @Sendable func addLeakRule(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("admin:write")
        let body = try await LeakRuleRequest.decode(request, context: context)
        let rule = try await services.bridge.addLeakRule(kind: body.kind, value: body.value, note: body.note, by: user)
        return try JSON.response(presenter.leakRule(rule), status: .created)
    }

    @Sendable func deleteLeakRule(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("admin:write")
        try await services.bridge.deleteLeakRule(id: try context.parameters.id("id"), by: user)
        return try JSON.empty()
    }

    // MARK: Nominations

    /// A nomination as `user` may see it: the previews (which name the
    /// leak-guard rules they trip) are for editors and administrators only.
    func entity(_ view: NominationView, for user: AccountRecord) async throws -> NominationEntity {
        presenter.nomination(view, previews: user.role == .member ? [] : try await services.bridge.preview(view))
    }

    @Sendable func nominate(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("write:statuses")
        let body = try await NominateRequest.decode(request, context: context)
        let view = try await services.bridge.nominate(statusID: body.statusID, channelIDs: body.channelIDs, note: body.note, by: user)
        return try JSON.response(try await entity(view, for: user), status: .created)
    }

    @Sendable func nominations(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("read")
        let query = try NominationsRequest.query(request)
        let views = try await services.bridge.nominations(state: query.state, by: user, page: query.page)
        var entities: [NominationEntity] = []
        for view in views { entities.append(try await entity(view, for: user)) }
        let headers = LinkHeader.fields(request: request, baseURL: services.config.baseURL, cursors: views.compactMap(\.nomination.id))
        return try JSON.response(entities, headers: headers)
    }

    @Sendable func nomination(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("read")
        return try JSON.response(try await entity(try await services.bridge.nomination(id: try context.parameters.id("id"), by: user), for: user))
    }

    @Sendable func approve(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("write:statuses")
        let body = try await ApproveRequest.decode(request, context: context)
        let view = try await services.bridge.approve(id: try context.parameters.id("id"), publishAt: body.publishAt, by: user)
        return try JSON.response(try await entity(view, for: user))
    }

    @Sendable func reject(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("write:statuses")
        let body = try await ReasonRequest.decode(request, context: context)
        let view = try await services.bridge.reject(id: try context.parameters.id("id"), reason: body.reason, by: user)
        return try JSON.response(try await entity(view, for: user))
    }

    @Sendable func retract(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("write:statuses")
        let body = try await ReasonRequest.decode(request, context: context)
        let view = try await services.bridge.retract(id: try context.parameters.id("id"), reason: body.reason, by: user)
        return try JSON.response(try await entity(view, for: user))
    }

    @Sendable func retry(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("write:statuses")
        return try JSON.response(presenter.export(try await services.bridge.retryExport(id: try context.parameters.id("id"), by: user)))
    }

    /// The bridge's part of the audit log (administrators).
    @Sendable func audit(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("admin:read")
        let entries = try await services.bridge.audit(by: user, page: try PageRequest.query(request).page(maxLimit: 200))
        let headers = LinkHeader.fields(request: request, baseURL: services.config.baseURL, cursors: entries.compactMap(\.id))
        return try JSON.response(entries.map(AuditEntity.init), headers: headers)
    }

    // MARK: Atom

    /// The channel's Atom 1.0 feed (RFC 4287): what it published, retracted
    /// posts gone. No sign-in: it holds only approved, exported text.
    @Sendable func feed(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (channel, entries) = try await services.bridge.feed(slug: context.parameters.get("slug") ?? "")
        let xml = AtomFeed.render(channel: channel, entries: entries, baseURL: services.config.baseURL,
                                  domain: services.config.domain, title: services.config.title)
        return Response(status: .ok, headers: [.contentType: "application/atom+xml; charset=utf-8", .cacheControl: "public, max-age=60"],
                        body: .init(byteBuffer: ByteBuffer(string: xml)))
    }
}

/// Writes Atom 1.0 documents.
enum AtomFeed {
    static func render(channel: BrandChannelRecord, entries: [ExportRecord], baseURL: String, domain: String, title: String) -> String {
        let feedURL = "\(baseURL)/brand/\(channel.slug)/feed.atom"
        // A tag URI (RFC 4151): this server's host name and the day the channel was made.
        let host = URLComponents(string: baseURL)?.host ?? domain
        let tag = "tag:\(escape(host)),\(JSON.day(channel.createdAt)):brand/\(escape(channel.slug))"
        let updated = entries.compactMap(\.publishedAt).max() ?? channel.updatedAt
        var xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom">
            <id>\(tag)</id>
            <title>\(escape(channel.name))</title>
            <updated>\(JSON.timestamp(updated))</updated>
            <link rel="self" type="application/atom+xml" href="\(escape(feedURL))"/>
            <author><name>\(escape(title))</name></author>
            <generator>Chorus</generator>

            """
        for entry in entries {
            let published = JSON.timestamp(entry.publishedAt ?? entry.createdAt)
            let firstLine = entry.text.split(separator: "\n").first.map(String.init) ?? entry.text
            let heading = firstLine.count > 60 ? String(firstLine.prefix(59)) + "…" : firstLine
            xml += """
                <entry>
                <id>\(tag)/\(entry.id ?? 0)</id>
                <title>\(escape(heading))</title>
                <published>\(published)</published>
                <updated>\(published)</updated>
                <content type="text">\(escape(entry.text))</content>
                </entry>

                """
        }
        return xml + "</feed>\n"
    }

    /// XML text: the five special characters escaped (as for HTML), and the
    /// control characters XML 1.0 forbids dropped.
    static func escape(_ text: String) -> String {
        HTMLRenderer.escape(String(String.UnicodeScalarView(text.unicodeScalars.filter { scalar in
            scalar == "\t" || scalar == "\n" || scalar == "\r" || (scalar.value >= 0x20 && !(0xFFFE...0xFFFF).contains(scalar.value))
        })))
    }
}
