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

/// How one channel would receive a nomination, shown to editors before
/// they approve: the exact text, its length, and what stands in the way.
public struct ChannelPreview: Sendable {
    public var channel: BrandChannelRecord
    public var text: String
    public var length: Int
    /// Why it cannot go out as it is (too long, a leak-guard rule), if so.
    public var problem: String?
}

/// The brand bridge: channels (administrators), nominations (anyone),
/// review (editors), retraction, the leak guard, the Atom feeds.
public struct BridgeService: Sendable {
    let database: AppDatabase
    let config: ChorusConfig
    let clock: any ChorusClock
    let transport: any WebhookTransport

    public init(database: AppDatabase, config: ChorusConfig, clock: any ChorusClock, transport: any WebhookTransport) {
        self.database = database
        self.config = config
        self.clock = clock
        self.transport = transport
    }

    // MARK: Channels

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

    /// Every channel (anyone may nominate to any of them; secrets are never shown).
    public func channels() async throws -> [BrandChannelRecord] { try await database.channels() }

    // MARK: Leak guard

    public func leakRules(by actor: AccountRecord) async throws -> [LeakRuleRecord] {
        guard actor.role == .admin || actor.role == .editor else { throw ChorusError.forbidden("Only editors and administrators see the leak guard") }
        return try await database.leakRules()
    }

    public func addLeakRule(kind raw: String, value: String, note: String, by actor: AccountRecord) async throws -> LeakRuleRecord {
        try requireAdmin(actor)
        guard let kind = LeakRule.Kind(rawValue: raw) else { throw ChorusError.unprocessable("Validation failed: kind must be word or pattern") }
        let value = try LeakRule.validate(kind: kind, value: value)
        return try await database.addLeakRule(LeakRuleRecord(kind: kind.rawValue, value: value, note: note, createdBy: actor.id, createdAt: clock.now()))
    }

    public func deleteLeakRule(id: Int64, by actor: AccountRecord) async throws {
        try requireAdmin(actor)
        try await database.deleteLeakRule(id: id, actorID: actor.id)
    }

    // MARK: Nominate and review

    /// Proposes a company post for channels. Refused, with the reason, for
    /// anything but an original company-visible post: other visibilities,
    /// team posts (private or not), replies to non-company posts, quotes of
    /// them, and reposts. The text is frozen now.
    public func nominate(statusID: Int64, channelIDs: [Int64], note: String, by actor: AccountRecord) async throws -> NominationView {
        guard let status = try await database.visibleStatus(id: statusID, viewerID: actor.id) else { throw ChorusError.notFound("Post not found") }
        guard status.reblogOfId == nil else { throw ChorusError.unprocessable("A repost cannot be nominated: nominate the original post") }
        guard status.teamId == nil else { throw ChorusError.unprocessable("Team posts stay in their team: they cannot be nominated") }
        guard status.visibility == .company else { throw ChorusError.unprocessable("Only company-visible posts can be nominated") }
        if let parentID = status.inReplyToId, let parent = try await database.statusRecord(id: parentID), parent.visibility != .company || parent.teamId != nil {
            throw ChorusError.unprocessable("A reply to a post that is not company-visible cannot be nominated")
        }
        if let quotedID = status.quoteOfId, let quoted = try await database.statusRecord(id: quotedID), quoted.visibility != .company || quoted.teamId != nil {
            throw ChorusError.unprocessable("A post quoting a post that is not company-visible cannot be nominated")
        }
        let unique = Array(Set(channelIDs)).sorted()
        guard !unique.isEmpty else { throw ChorusError.unprocessable("Validation failed: choose at least one channel (channel_ids)") }
        let known = Set(try await database.channels().compactMap(\.id))
        guard unique.allSatisfy(known.contains) else { throw ChorusError.unprocessable("Validation failed: unknown channel") }
        let note = note.trimmingCharacters(in: .whitespacesAndNewlines)
        guard note.count <= 500 else { throw ChorusError.unprocessable("Validation failed: the note is longer than 500 characters") }
        for open in try await database.openNominations(statusID: statusID) where open.nomination.text == status.text
            && !Set(open.channelIDs).isDisjoint(with: unique) {
            throw ChorusError.conflict("This post is already nominated for one of these channels")
        }
        return try await database.createNomination(
            NominationRecord(statusId: statusID, authorId: status.accountId, nominatedBy: actor.id, note: note, text: status.text, createdAt: clock.now()),
            channelIDs: unique)
    }

    public func nominations(state: NominationRecord.State?, by actor: AccountRecord, page: Page) async throws -> [NominationView] {
        try requireEditor(actor)
        return try await database.nominations(state: state, page: page)
    }

    /// One nomination: editors see any; anyone sees their own.
    public func nomination(id: Int64, by actor: AccountRecord) async throws -> NominationView {
        guard let view = try await database.nomination(id: id),
              actor.role == .editor || actor.role == .admin || view.nomination.nominatedBy == actor.id else {
            throw ChorusError.notFound("Nomination not found")
        }
        return view
    }

    /// The text each channel would receive, and what would stop it.
    public func preview(_ view: NominationView) async throws -> [ChannelPreview] {
        let rules = try await database.leakRules().compactMap { record in
            LeakRule.Kind(rawValue: record.kind).map { LeakRule(id: record.id ?? 0, kind: $0, value: record.value) }
        }
        let names = try await displayNames(in: view.nomination.text)
        var previews: [ChannelPreview] = []
        for channelID in view.channelIDs {
            guard let channel = try await database.channel(id: channelID) else { continue }
            let text = BrandText.outgoing(view.nomination.text, policy: .init(mentionsAsNames: channel.mentionsAsNames,
                                                                              internalBaseURL: config.baseURL, displayNames: names))
            let length = PostText.count(text)
            var problems: [String] = []
            if text.isEmpty { problems.append("Nothing is left to publish on \(channel.name) once internal mentions and links are removed") }
            if length > channel.maxCharacters {
                problems.append("Too long for \(channel.name): \(length) characters, the channel takes \(channel.maxCharacters)")
            }
            for rule in rules {
                switch rule.verdict(on: text) {
                case .clear:
                    break
                case .matches:
                    problems.append("Blocked by the leak guard: the \(rule.kind.rawValue) rule “\(rule.value)” matches the text for \(channel.name)")
                case .undecided:
                    problems.append("Blocked by the leak guard: the \(rule.kind.rawValue) rule “\(rule.value)” could not be checked on the text for "
                        + "\(channel.name) within its limits; an administrator can simplify or delete it")
                }
            }
            previews.append(ChannelPreview(channel: channel, text: text, length: length, problem: problems.isEmpty ? nil : problems.joined(separator: "; ")))
        }
        return previews
    }

    /// Approves: one export per channel, written with the approval. Refused
    /// for one's own post or nomination, and whenever a channel's text is
    /// too long or matches the leak guard (the reason names the rule).
    public func approve(id: Int64, publishAt: Date?, by actor: AccountRecord) async throws -> NominationView {
        try requireEditor(actor)
        let view = try await nomination(id: id, by: actor)
        guard view.nomination.state == .pending else { throw ChorusError.conflict("This nomination is no longer pending") }
        guard view.nomination.authorId != actor.id else { throw ChorusError.forbidden("You cannot approve your own post") }
        guard view.nomination.nominatedBy != actor.id else { throw ChorusError.forbidden("You cannot approve your own nomination") }
        guard try await database.statusRecord(id: view.nomination.statusId) != nil else {
            throw ChorusError.conflict("The post was deleted")
        }
        let previews = try await preview(view)
        if let blocked = previews.first(where: { $0.problem != nil }), let problem = blocked.problem {
            throw ChorusError.unprocessable(problem)
        }
        let now = clock.now()
        let when = publishAt.flatMap { $0 > now ? $0 : nil }
        let exports = previews.map { preview in
            NewExport(channelID: preview.channel.id!, text: preview.text, idempotencyPrefix: "chorus-\(config.domain)-export-")
        }
        return try await database.approve(nominationID: id, reviewerID: actor.id, exports: exports, publishAt: when)
    }

    public func reject(id: Int64, reason: String, by actor: AccountRecord) async throws -> NominationView {
        try requireEditor(actor)
        let view = try await nomination(id: id, by: actor)
        guard view.nomination.authorId != actor.id, view.nomination.nominatedBy != actor.id else {
            throw ChorusError.forbidden("Another editor reviews your own post or nomination")
        }
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty, reason.count <= 500 else { throw ChorusError.unprocessable("Validation failed: give a reason (at most 500 characters)") }
        return try await database.reject(nominationID: id, reviewerID: actor.id, reason: reason)
    }

    /// Takes an approved (or pending) nomination back: the external copies are deleted.
    public func retract(id: Int64, reason: String, by actor: AccountRecord) async throws -> NominationView {
        try requireEditor(actor)
        return try await database.retractNomination(id: id, actorID: actor.id, reason: reason.isEmpty ? "Retracted by an editor" : reason)
    }

    public func retryExport(id: Int64, by actor: AccountRecord) async throws -> ExportRecord {
        try requireEditor(actor)
        return try await database.retryExport(id: id, actorID: actor.id)
    }

    public func audit(by actor: AccountRecord, page: Page) async throws -> [AuditRecord] {
        try requireAdmin(actor)
        return try await database.bridgeAudit(page: page)
    }

    // MARK: Atom

    /// An Atom channel and what it has published; 404 for anything else.
    public func feed(slug: String) async throws -> (channel: BrandChannelRecord, entries: [ExportRecord]) {
        guard let channel = try await database.channel(slug: slug), channel.kind == .atom, let id = channel.id else {
            throw ChorusError.notFound("Feed not found")
        }
        return (channel, try await database.publishedExports(channelID: id, limit: 50))
    }

    // MARK: Rules

    func displayNames(in text: String) async throws -> [String: String] {
        var names: [String: String] = [:]
        for case .mention(let username) in TextParser.parse(text) {
            if let account = try await database.account(username: username) {
                names[username.lowercased()] = account.displayName.isEmpty ? nil : account.displayName
            }
        }
        return names
    }

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

    func requireAdmin(_ actor: AccountRecord) throws {
        guard actor.role == .admin else { throw ChorusError.forbidden("Only administrators manage brand channels and the leak guard") }
    }

    func requireEditor(_ actor: AccountRecord) throws {
        guard actor.role == .editor || actor.role == .admin else { throw ChorusError.forbidden("Only brand editors review nominations") }
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
