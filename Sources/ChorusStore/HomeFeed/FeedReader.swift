import ChorusCore

/// What the home merge reads from a backend: a reader's relationships and
/// the entries of a source beyond what `FeedCache` holds. Each backend
/// answers with its own SQL (SQLite's FeedSource+SQL, PostgreSQL's
/// PostgresFeedSources); the cache, the merge and the rule are shared.
public protocol FeedReader {
    /// Whom `viewerID` follows, their teams and the tags they follow.
    func relations(of viewerID: Int64) async throws -> FeedRelations
    /// Entries of `source` older than `before`, newest first.
    func entries(of source: FeedSource, before: Int64, limit: Int) async throws -> [FeedEntry]
    /// Entries of `source` newer than `after`, oldest first.
    func entries(of source: FeedSource, after: Int64, limit: Int) async throws -> [FeedEntry]
}

/// A reader's relationships that decide their home feed's sources.
public struct FeedRelations: Sendable {
    public var follows: Set<Int64>
    public var teams: [Int64]
    public var tags: [String]

    public init(follows: Set<Int64>, teams: [Int64], tags: [String]) {
        self.follows = follows
        self.teams = teams
        self.tags = tags
    }
}
