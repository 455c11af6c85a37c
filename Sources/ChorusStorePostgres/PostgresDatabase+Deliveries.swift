import ChorusCore
import ChorusStore
import Foundation
import PostgresNIO

extension PostgresDatabase {
    public func subscribedApps() async throws -> [AppRecord] {
        throw PostgresDatabase.notYet
    }

    public func outboxCursor(_ name: String) async throws -> Int64 {
        throw PostgresDatabase.notYet
    }

    public func queueDeliveries(_ deliveries: [QueuedDelivery], cursor name: String, to eventID: Int64, messageID: @escaping @Sendable () -> String) async throws {
        throw PostgresDatabase.notYet
    }

    public func queueDelivery(appID: Int64, eventType: String, body: String, messageID: String) async throws -> DeliveryRecord {
        throw PostgresDatabase.notYet
    }

    public func claimDueDeliveries(limit: Int, busyApps: Set<Int64>, leaseUntil: Date) async throws -> [ClaimedDelivery] {
        throw PostgresDatabase.notYet
    }

    public func releaseLeases(deliveryIDs: [Int64]) async throws {
        throw PostgresDatabase.notYet
    }

    public func recordAttempt(deliveryID: Int64, outcome: DeliveryOutcome) async throws {
        throw PostgresDatabase.notYet
    }

    public func deliveries(appID: Int64, page: Page) async throws -> [DeliveryRecord] {
        throw PostgresDatabase.notYet
    }

    public func delivery(id: Int64, appID: Int64) async throws -> DeliveryRecord? {
        throw PostgresDatabase.notYet
    }

    public func redeliver(deliveryID: Int64, appID: Int64) async throws -> DeliveryRecord {
        throw PostgresDatabase.notYet
    }

    public func accessFacts(viewerID: Int64, authorID: Int64, teamID: Int64?) async throws -> (followsAuthor: Bool, isTeamMember: Bool, teamIsPublic: Bool) {
        throw PostgresDatabase.notYet
    }
}
