import ChorusCore
import ChorusStore

/// Search over people, hashtags and posts, respecting visibility.
public struct SearchService: Sendable {
    let database: any ChorusDatabase

    public init(database: any ChorusDatabase) { self.database = database }

    /// What `/api/v2/search` returns.
    public struct Results: Sendable {
        public var accounts: [AccountRecord] = []
        public var hashtags: [TagRecord] = []
        public var statuses: [HydratedStatus] = []
    }

    public enum Kind: String, Sendable { case accounts, hashtags, statuses }

    /// The deepest `offset` a search may ask for.
    public static let maxOffset = 1_000

    public func search(_ query: String, kind: Kind?, viewer: AccountRecord, accountID: Int64?, limit: Int, offset: Int, maxID: Int64?) async throws -> Results {
        let q = query.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !q.isEmpty else { throw ChorusError.badRequest("The search query q is missing") }
        guard TextLimit.fits(q, characters: 200) else { throw ChorusError.unprocessable("The search query is too long") }
        let limit = max(1, min(limit, 40))
        // Every skipped row is still read: deep offsets are refused rather than scanned.
        guard offset <= Self.maxOffset else {
            throw ChorusError.unprocessable("Validation failed: offset may be at most \(Self.maxOffset); narrow the search instead")
        }
        let offset = max(0, offset)
        var results = Results()
        if kind == nil || kind == .accounts, !q.hasPrefix("#") {
            results.accounts = try await database.searchAccounts(q, limit: limit, offset: offset)
        }
        if kind == nil || kind == .hashtags, !q.hasPrefix("@") {
            results.hashtags = try await database.searchTags(q, viewerID: viewer.id, limit: limit, offset: offset)
        }
        if kind == nil || kind == .statuses {
            results.statuses = try await database.searchStatuses(q, viewerID: viewer.id, accountID: accountID, limit: limit, offset: offset, maxID: maxID)
        }
        return results
    }

    /// A hashtag as the viewer sees it. Unless a post they may see carries it
    /// or they follow it, a 404 exactly like a tag nobody used.
    public func tag(_ name: String, viewer: AccountRecord) async throws -> TagRecord {
        guard let tag = try await database.tag(name: Hashtag.normalize(name), viewerID: viewer.id) else { throw ChorusError.notFound() }
        return tag
    }

    /// The most posts the tag page counts; past it the page says "1000+".
    public static let maxCountedUses = 1_000

    /// What the tag page shows: the tag as the viewer sees it, how many posts
    /// with it they may see, whether they follow it.
    public func tagSummary(_ name: String, viewer: AccountRecord) async throws -> TagSummary {
        try await database.tagSummary(name: Hashtag.normalize(name), viewerID: viewer.id, maxCounted: Self.maxCountedUses)
    }

    /// Follows a hashtag (created if nobody used it yet); its company posts reach the home feed.
    public func followTag(_ raw: String, by viewer: AccountRecord) async throws -> TagRecord {
        let display = raw.hasPrefix("#") ? String(raw.dropFirst()) : raw
        let name = Hashtag.normalize(display)
        guard !name.isEmpty, name.count <= 64, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
            throw ChorusError.unprocessable("Validation failed: a hashtag is letters, digits and underscores")
        }
        return try await database.followTag(accountID: viewer.id, name: name, display: display)
    }

    public func unfollowTag(_ raw: String, by viewer: AccountRecord) async throws -> TagRecord {
        let tag = try await tag(raw, viewer: viewer)
        try await database.unfollowTag(accountID: viewer.id, name: tag.name)
        return tag
    }

    public func followedTags(of viewer: AccountRecord) async throws -> [TagRecord] {
        try await database.followedTags(accountID: viewer.id)
    }

    public func isFollowingTag(_ name: String, viewer: AccountRecord) async throws -> Bool {
        try await database.isFollowingTag(accountID: viewer.id, name: Hashtag.normalize(name))
    }
}
