import ChorusCore
import ChorusServices
import ChorusStore
import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// The administrators' brand channels and leak-guard rules (`/admin/channels`).
struct ChannelPages {
    let web: Web
    var services: Services { web.services }

    func addRoutes(to admins: RouterGroup<SignedInContext>) {
        admins.get("admin/channels", use: channels)
        admins.post("admin/channels", use: createChannel)
        admins.post("admin/channels/:id", use: updateChannel)
        admins.post("admin/channels/:id/disable") { request, context in try await self.setDisabled(true, request, context: context) }
        admins.post("admin/channels/:id/enable") { request, context in try await self.setDisabled(false, request, context: context) }
        admins.post("admin/leak_rules", use: addRule)
        admins.post("admin/leak_rules/:id/delete", use: deleteRule)
    }

    /// A row of the channel table.
    struct ChannelRow: MustacheParent {
        let id: String
        let name: String
        let slug: String
        let kind: String
        let max: Int
        let names: Bool
        let feed: String?
        let target: String?
        let disabled: Bool
        /// The address fields its kind has (for the edit form).
        let isMastodon: Bool
        let isWebhook: Bool

        func child(named key: String) -> Any? {
            switch key {
            case "id": id
            case "name": name
            case "slug": slug
            case "kind": kind
            case "max": max
            case "names": names
            case "feed": feed
            case "target": target
            case "disabled": disabled
            case "isMastodon": isMastodon
            case "isWebhook": isWebhook
            default: nil
            }
        }
    }

    struct RuleRow: MustacheParent {
        let id: String
        let kind: String
        let value: String
        let note: String?

        func child(named key: String) -> Any? {
            switch key {
            case "id": id
            case "kind": kind
            case "value": value
            case "note": note
            default: nil
            }
        }
    }

    struct Content: MustacheParent {
        let channels: [ChannelRow]
        let rules: [RuleRow]
        /// A new webhook channel's signing secret, shown once.
        let secret: String?

        func child(named key: String) -> Any? {
            switch key {
            case "channels": channels
            case "rules": rules
            case "secret": secret
            default: nil
            }
        }
    }

    @Sendable func channels(_ request: Request, context: SignedInContext) async throws -> Response {
        try await channelsPage(await frame(request, context), context: context)
    }

    private func frame(_ request: Request, _ context: SignedInContext) async -> PageFrame {
        await web.frame(request, context.session, title: "admin_channels", path: "/admin/channels", nav: .admin)
    }

    func channelsPage(_ frame: PageFrame, context: SignedInContext, secret: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let channels = try await services.bridge.channels().map { channel in
            ChannelRow(id: String(channel.id ?? 0), name: channel.name, slug: channel.slug, kind: channel.kind.rawValue, max: channel.maxCharacters,
                       names: channel.mentionsAsNames, feed: channel.kind == .atom ? "\(web.config.baseURL)/brand/\(channel.slug)/feed.atom" : nil,
                       target: channel.baseUrl ?? channel.url, disabled: channel.isDisabled, isMastodon: channel.kind == .mastodon,
                       isWebhook: channel.kind == .webhook)
        }
        let rules = try await services.bridge.leakRules(by: context.account).map { rule in
            RuleRow(id: String(rule.id ?? 0), kind: rule.kind, value: rule.value, note: rule.note.isEmpty ? nil : rule.note)
        }
        return web.render("channels", frame, Content(channels: channels, rules: rules, secret: secret), status: status)
    }

    /// Runs an administrator's change; a refusal is shown on the channels
    /// page, and a new secret (if `change` returns one) shown once.
    func changing(_ request: Request, context: SignedInContext, _ change: () async throws -> String?) async throws -> Response {
        var frame = await frame(request, context)
        do {
            guard let secret = try await change() else { return Web.redirect("/admin/channels") }
            return try await channelsPage(frame, context: context, secret: secret)
        } catch let error as ChorusError where Web.isShown(error) {
            frame.error = web.error(error, frame)
            return try await channelsPage(frame, context: context, status: .unprocessableContent)
        }
    }

    /// The new-channel form.
    struct ChannelForm: RequestBody {
        var settings: ChannelSettings

        init(_ params: Params) throws {
            settings = ChannelSettings(name: params.string("name"), slug: params.nonEmpty("slug"), maxCharacters: try params.int("max_characters"),
                                       mentionsAsNames: try params.bool("mentions_as_names") ?? false, baseURL: params.nonEmpty("base_url"),
                                       accessToken: params.nonEmpty("access_token"), url: params.nonEmpty("url"))
            settings.kind = params.string("kind").flatMap(BrandChannelRecord.Kind.init(rawValue:))
        }
    }

    @Sendable func createChannel(_ request: Request, context: SignedInContext) async throws -> Response {
        try await changing(request, context: context) {
            try await services.bridge.createChannel(try context.form(ChannelForm.self).settings, by: context.account).secret
        }
    }

    /// The edit form of a channel: what is left empty stays as it is (a
    /// Mastodon channel's token is never shown, only replaced).
    struct ChannelChangesForm: RequestBody {
        let settings: ChannelSettings

        init(_ params: Params) throws {
            settings = ChannelSettings(name: params.nonEmpty("name"), maxCharacters: try params.int("max_characters"),
                                       mentionsAsNames: try params.bool("mentions_as_names") ?? false, baseURL: params.nonEmpty("base_url"),
                                       accessToken: params.nonEmpty("access_token"), url: params.nonEmpty("url"))
        }
    }

    @Sendable func updateChannel(_ request: Request, context: SignedInContext) async throws -> Response {
        try await changing(request, context: context) {
            _ = try await services.bridge.updateChannel(id: try context.parameters.id("id"), try context.form(ChannelChangesForm.self).settings,
                                                        by: context.account)
            return nil
        }
    }

    /// Disabling holds what was approved for the channel until it is enabled again.
    func setDisabled(_ disabled: Bool, _ request: Request, context: SignedInContext) async throws -> Response {
        try await changing(request, context: context) {
            _ = try await services.bridge.setChannelDisabled(id: try context.parameters.id("id"), disabled, by: context.account)
            return nil
        }
    }

    @Sendable func addRule(_ request: Request, context: SignedInContext) async throws -> Response {
        try await changing(request, context: context) {
            let form = try context.form(BridgeController.LeakRuleRequest.self)  // the API's reading: the same fields
            _ = try await services.bridge.addLeakRule(kind: form.kind, value: form.value, note: form.note, by: context.account)
            return nil
        }
    }

    @Sendable func deleteRule(_ request: Request, context: SignedInContext) async throws -> Response {
        try await changing(request, context: context) {
            try await services.bridge.deleteLeakRule(id: try context.parameters.id("id"), by: context.account)
            return nil
        }
    }
}
