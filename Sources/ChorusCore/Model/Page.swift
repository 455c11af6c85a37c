/// Mastodon-style pagination of a newest-first list by id.
public struct Page: Sendable, Equatable {
    public static let defaultLimit = 20
    public static let maxLimit = 40

    /// Return items older than this id.
    public var maxID: Int64?
    /// Return items newer than this id (newest first).
    public var sinceID: Int64?
    /// Return items immediately newer than this id (oldest first, then reversed).
    public var minID: Int64?
    public var limit: Int

    public init(maxID: Int64? = nil, sinceID: Int64? = nil, minID: Int64? = nil, limit: Int = Page.defaultLimit, maxLimit: Int = Page.maxLimit) {
        self.maxID = maxID
        self.sinceID = sinceID
        self.minID = minID
        self.limit = max(1, min(limit, maxLimit))
    }
}
