import ChorusCore
import ChorusStore

/// The feeds: home, company, hashtag, an account's posts, favourites.
public struct TimelineService: Sendable {
    let database: any ChorusDatabase

    public init(database: any ChorusDatabase) { self.database = database }

    public func home(viewer: AccountRecord, page: Page) async throws -> [HydratedStatus] {
        try await database.homeTimeline(viewerID: viewer.id, page: page)
    }

    public func company(viewer: AccountRecord, page: Page) async throws -> [HydratedStatus] {
        try await database.companyTimeline(viewerID: viewer.id, page: page)
    }

    public func tag(_ tag: String, viewer: AccountRecord, page: Page) async throws -> [HydratedStatus] {
        let name = Hashtag.normalize(tag)
        guard !name.isEmpty else { throw ChorusError.notFound() }
        return try await database.tagTimeline(tag: name, viewerID: viewer.id, page: page)
    }

    public func account(_ accountID: Int64, viewer: AccountRecord, filter: AccountStatusesFilter, page: Page) async throws -> [HydratedStatus] {
        var filter = filter
        filter.tagged = filter.tagged.map(Hashtag.normalize)
        guard let statuses = try await database.accountStatuses(accountID: accountID, viewerID: viewer.id, filter: filter, page: page) else {
            throw ChorusError.notFound()
        }
        return statuses
    }

    public func favourites(viewer: AccountRecord, page: Page) async throws -> [(cursor: Int64, status: HydratedStatus)] {
        try await database.favouritedStatuses(viewerID: viewer.id, page: page)
    }
}
