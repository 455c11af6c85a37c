import ChorusCore
import ChorusStore
import Foundation

/// A channel's settings as an administrator sends them; nil keeps a field.
public struct ChannelSettings: Sendable {
    public var name: String?
    public var slug: String?
    public var kind: BrandChannelRecord.Kind?
    public var maxCharacters: Int?
    public var mentionsAsNames: Bool?
    public var baseURL: String?
    public var accessToken: String?
    public var url: String?

    public init(name: String? = nil, slug: String? = nil, kind: BrandChannelRecord.Kind? = nil, maxCharacters: Int? = nil,
                mentionsAsNames: Bool? = nil, baseURL: String? = nil, accessToken: String? = nil, url: String? = nil) {
        self.name = name
        self.slug = slug
        self.kind = kind
        self.maxCharacters = maxCharacters
        self.mentionsAsNames = mentionsAsNames
        self.baseURL = baseURL
        self.accessToken = accessToken
        self.url = url
    }
}

/// Channels: administrators create and change them; anyone lists them.
extension BridgeService {
    /// Creates a channel; a webhook channel's signing secret is in the answer once.
    public func createChannel(_ settings: ChannelSettings, by actor: AccountRecord) async throws -> (channel: BrandChannelRecord, secret: String?) {
        try requireAdmin(actor)
        guard let kind = settings.kind else { throw ChorusError.unprocessable("Validation failed: kind must be mastodon, webhook or atom") }
        let name = try Self.validName(settings.name ?? "")
        let slug = try Slug.validate(settings.slug ?? "", of: "channel")
        var channel = BrandChannelRecord(name: name, slug: slug, kind: kind, maxCharacters: try Self.validLimit(settings.maxCharacters ?? 500),
                                         mentionsAsNames: settings.mentionsAsNames ?? false, createdAt: clock.now())
        var secret: String?
        switch kind {
        case .mastodon:
            channel.baseUrl = try await validURL(settings.baseURL, field: "base_url")
            guard let token = settings.accessToken?.trimmingCharacters(in: .whitespaces), !token.isEmpty else {
                throw ChorusError.unprocessable("Validation failed: a mastodon channel needs the access_token of the external account")
            }
            channel.accessToken = token
        case .webhook:
            channel.url = try await validURL(settings.url, field: "url")
            secret = WebhookSigner.newSecret()
            channel.secret = secret
        case .atom:
            break
        }
        return (try await database.createChannel(channel, actorID: actor.id), secret)
    }

    public func updateChannel(id: Int64, _ settings: ChannelSettings, by actor: AccountRecord) async throws -> BrandChannelRecord {
        try requireAdmin(actor)
        guard var channel = try await database.channel(id: id) else { throw ChorusError.notFound("Channel not found") }
        if let name = settings.name { channel.name = try Self.validName(name) }
        if let limit = settings.maxCharacters { channel.maxCharacters = try Self.validLimit(limit) }
        if let names = settings.mentionsAsNames { channel.mentionsAsNames = names }
        if channel.kind == .mastodon, let base = settings.baseURL { channel.baseUrl = try await validURL(base, field: "base_url") }
        if channel.kind == .mastodon, let token = settings.accessToken, !token.isEmpty { channel.accessToken = token }
        if channel.kind == .webhook, let url = settings.url { channel.url = try await validURL(url, field: "url") }
        return try await database.updateChannel(channel, actorID: actor.id)
    }

    /// Disables a channel or enables it again (administrators). While it is
    /// disabled it takes no nominations or approvals, its approved exports
    /// wait (neither attempted nor failed) and go out once it is enabled,
    /// its Atom feed is gone, and its retractions still run.
    public func setChannelDisabled(id: Int64, _ disabled: Bool, by actor: AccountRecord) async throws -> BrandChannelRecord {
        try requireAdmin(actor)
        return try await database.setChannelDisabled(id: id, disabled, actorID: actor.id)
    }

    /// Every channel (anyone may nominate to any enabled one; secrets are never shown).
    public func channels() async throws -> [BrandChannelRecord] { try await database.channels() }

    // MARK: Rules

    func validURL(_ raw: String?, field: String) async throws -> String {
        guard let url = raw?.trimmingCharacters(in: .whitespaces), !url.isEmpty else {
            throw ChorusError.unprocessable("Validation failed: \(field) is required for this kind of channel")
        }
        do {
            try await transport.check(url: url)
        } catch {
            throw ChorusError.unprocessable("Validation failed: \(field): \(error.message)")
        }
        return url.hasSuffix("/") ? String(url.dropLast()) : url
    }

    static func validName(_ raw: String) throws -> String {
        let name = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...60).contains(name.count) else { throw ChorusError.unprocessable("Validation failed: a channel needs a name of at most 60 characters") }
        return name
    }

    static func validLimit(_ limit: Int) throws -> Int {
        guard (1...10_000).contains(limit) else { throw ChorusError.unprocessable("Validation failed: max_characters must be 1 to 10000") }
        return limit
    }
}
