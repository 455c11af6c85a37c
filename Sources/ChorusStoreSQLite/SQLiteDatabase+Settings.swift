import ChorusCore
import ChorusStore
import GRDB

/// Company-wide settings kept in the database (such as the outbound allowlist).
extension SQLiteDatabase {
    /// The value stored under `key`, if any.
    public func setting(_ key: String) async throws -> String? {
        try await read { db in try String.fetchOne(db, sql: "SELECT value FROM settings WHERE key = ?", arguments: [key]) }
    }

    /// Stores `value` under `key` and audits the change.
    public func setSetting(_ key: String, value: String, actorID: Int64) async throws {
        try await write { db in
            try db.execute(sql: "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                           arguments: [key, value])
            try self.appendAudit(db, actorID: actorID, action: "setting.changed", subject: "setting:\(key)", detail: ["value": value])
        }
    }
}
