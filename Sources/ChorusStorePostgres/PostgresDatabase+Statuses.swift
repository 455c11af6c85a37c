import ChorusCore
import ChorusStore
import Foundation
import PostgresNIO

extension PostgresDatabase {
    public func statusRecord(id: Int64) async throws -> StatusRecord? {
        throw PostgresDatabase.notYet
    }

    public func createStatus(_ new: NewStatus) async throws -> Int64 {
        throw PostgresDatabase.notYet
    }

    public func hydrate(ids: [Int64], viewerID: Int64) async throws -> [HydratedStatus] {
        throw PostgresDatabase.notYet
    }

    public func visibleStatus(id: Int64, viewerID: Int64) async throws -> StatusRecord? {
        throw PostgresDatabase.notYet
    }

    public func deleteStatus(id: Int64, actorID: Int64) async throws {
        throw PostgresDatabase.notYet
    }

    public func favourite(statusID: Int64, accountID: Int64) async throws {
        throw PostgresDatabase.notYet
    }

    public func unfavourite(statusID: Int64, accountID: Int64) async throws {
        throw PostgresDatabase.notYet
    }

    public func reblog(original: StatusRecord, accountID: Int64) async throws -> Int64 {
        throw PostgresDatabase.notYet
    }

    public func reblogID(originalID: Int64, accountID: Int64) async throws -> Int64? {
        throw PostgresDatabase.notYet
    }

    public func pruneIdempotencyKeys() async throws {
        throw PostgresDatabase.notYet
    }

    public func statusRouting(id: Int64) async throws -> StatusRouting? {
        throw PostgresDatabase.notYet
    }
}
