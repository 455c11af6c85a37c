import ChorusCore
import ChorusStore
import Foundation
import PostgresNIO

/// Counts for the instance page, and company-wide settings kept in the
/// database (such as the outbound allowlist).
extension PostgresDatabase {
    /// Counts shown on the instance page: active people (not bots), and posts (not reblogs).
    public func instanceStats() async throws -> (users: Int, statuses: Int) {
        try await read { connection in
            let users = try await connection.count("SELECT count(*) FROM accounts WHERE is_active AND NOT is_bot")
            let statuses = try await connection.count("SELECT count(*) FROM statuses WHERE reblog_of_id IS NULL")
            return (users, statuses)
        }
    }

    /// The value stored under `key`, if any.
    public func setting(_ key: String) async throws -> String? {
        try await read { try await $0.scalar(String.self, "SELECT value FROM settings WHERE key = \(key)") }
    }

    /// Stores `value` under `key` and audits the change.
    public func setSetting(_ key: String, value: String, actorID: Int64) async throws {
        try await write { connection in
            try await connection.run("""
                INSERT INTO settings (key, value) VALUES (\(key), \(value)) ON CONFLICT (key) DO UPDATE SET value = excluded.value
                """)
            try await self.appendAudit(connection, actorID: actorID, action: "setting.changed", subject: "setting:\(key)", detail: ["value": value])
        }
    }
}
