import ChorusCore
import ChorusStore
import Foundation
import PostgresNIO

extension PostgresDatabase {
    public func homeTimeline(viewerID: Int64, page: Page) async throws -> [HydratedStatus] {
        throw PostgresDatabase.notYet
    }

    public func warmHomeFeeds() async throws -> Int {
        throw PostgresDatabase.notYet
    }

    public func homeTimelineIDs(viewerID: Int64, page: Page) async throws -> [Int64] {
        throw PostgresDatabase.notYet
    }

    public func companyTimeline(viewerID: Int64, page: Page) async throws -> [HydratedStatus] {
        throw PostgresDatabase.notYet
    }

    public func tagTimeline(tag: String, viewerID: Int64, page: Page) async throws -> [HydratedStatus] {
        throw PostgresDatabase.notYet
    }

    public func accountStatuses(accountID: Int64, viewerID: Int64, filter: AccountStatusesFilter, page: Page) async throws -> [HydratedStatus]? {
        throw PostgresDatabase.notYet
    }

    public func favouritedStatuses(viewerID: Int64, page: Page) async throws -> [(cursor: Int64, status: HydratedStatus)] {
        throw PostgresDatabase.notYet
    }

    public func context(statusID: Int64, viewerID: Int64) async throws -> (ancestors: [HydratedStatus], descendants: [HydratedStatus]) {
        throw PostgresDatabase.notYet
    }

    public func favouritedBy(statusID: Int64, page: Page) async throws -> [(cursor: Int64, account: AccountRecord)] {
        throw PostgresDatabase.notYet
    }

    public func rebloggedBy(statusID: Int64, page: Page) async throws -> [(cursor: Int64, account: AccountRecord)] {
        throw PostgresDatabase.notYet
    }
}
