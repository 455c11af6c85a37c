import ChorusCore
import Foundation

/// Company-wide settings, counts and the applied migrations.
public protocol InstanceStore: Sendable {
    /// Counts shown on the instance page.
    func instanceStats() async throws -> (users: Int, statuses: Int)

    /// The value stored under `key`, if any.
    func setting(_ key: String) async throws -> String?

    /// Stores `value` under `key` and audits the change.
    func setSetting(_ key: String, value: String, actorID: Int64) async throws

    /// Names of the migrations applied so far.
    func appliedMigrations() async throws -> [String]
}
