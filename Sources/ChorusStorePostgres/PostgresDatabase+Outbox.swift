import ChorusCore
import ChorusStore
import Foundation
import PostgresNIO

extension PostgresDatabase {
    public func events(after id: Int64, limit: Int) async throws -> [OutboxEvent] {
        throw PostgresDatabase.notYet
    }

    public func latestEventID() async throws -> Int64 {
        throw PostgresDatabase.notYet
    }

    public func pruneEvents(olderThan age: TimeInterval) async throws {
        throw PostgresDatabase.notYet
    }
}
