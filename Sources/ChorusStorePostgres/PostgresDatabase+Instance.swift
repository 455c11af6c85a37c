import ChorusCore
import ChorusStore
import Foundation
import PostgresNIO

extension PostgresDatabase {
    public func instanceStats() async throws -> (users: Int, statuses: Int) {
        throw PostgresDatabase.notYet
    }

    public func setting(_ key: String) async throws -> String? {
        throw PostgresDatabase.notYet
    }

    public func setSetting(_ key: String, value: String, actorID: Int64) async throws {
        throw PostgresDatabase.notYet
    }
}
