import ChorusCore
import Foundation

/// Options of an account's statuses list.
public struct AccountStatusesFilter: Sendable {
    public var excludeReplies = false
    public var excludeReblogs = false
    public var tagged: String?
    public init() {}
}

/// Timelines, each filtered by the one visibility rule and paginated by id.
public protocol TimelineStore: Sendable {
    /// The viewer's home timeline, merged on read from the sources it is
    /// made of (see `HomeMerge`), newest first.
    func homeTimeline(viewerID: Int64, page: Page) async throws -> [HydratedStatus]

    /// Loads the newest posts of the most recently active people into the
    /// home-feed cache, a few at a time; returns how many people.
    func warmHomeFeeds() async throws -> Int

    /// The ids of a home-timeline page, before hydration (for checks and tools).
    func homeTimelineIDs(viewerID: Int64, page: Page) async throws -> [Int64]

    /// Every company-visible original post, newest first.
    func companyTimeline(viewerID: Int64, page: Page) async throws -> [HydratedStatus]

    /// Every post carrying a hashtag that the viewer may see (`tag` is the
    /// normalized name), team posts of their teams included: the tag's range
    /// of `status_tags`' key, newest first, each post held to the visibility rule.
    func tagTimeline(tag: String, viewerID: Int64, page: Page) async throws -> [HydratedStatus]

    /// One account's statuses that the viewer may see; nil if there is no such account.
    func accountStatuses(accountID: Int64, viewerID: Int64, filter: AccountStatusesFilter, page: Page) async throws -> [HydratedStatus]?

    /// Statuses the viewer favourited, most recent favourite first; each with
    /// the favourite's id, which is what this list paginates by.
    func favouritedStatuses(viewerID: Int64, page: Page) async throws -> [(cursor: Int64, status: HydratedStatus)]

    /// A thread around a status: the ancestors (oldest first) and the
    /// descendants (in reply order), each filtered by visibility.
    func context(statusID: Int64, viewerID: Int64) async throws -> (ancestors: [HydratedStatus], descendants: [HydratedStatus])

    /// Accounts that favourited a status, most recent first, with the cursor.
    func favouritedBy(statusID: Int64, page: Page) async throws -> [(cursor: Int64, account: AccountRecord)]

    /// Accounts that reblogged a status, most recent first, with the cursor.
    func rebloggedBy(statusID: Int64, page: Page) async throws -> [(cursor: Int64, account: AccountRecord)]
}
