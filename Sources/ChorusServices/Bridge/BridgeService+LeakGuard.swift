import ChorusCore
import ChorusStore
import Foundation

/// The leak guard: editors read the rules, administrators change them.
extension BridgeService {
    public func leakRules(by actor: AccountRecord) async throws -> [LeakRuleRecord] {
        guard actor.role == .admin || actor.role == .editor else { throw ChorusError.forbidden("Only editors and administrators see the leak guard") }
        return try await database.leakRules()
    }

    public func addLeakRule(kind raw: String, value: String, note: String, by actor: AccountRecord) async throws -> LeakRuleRecord {
        try requireAdmin(actor)
        guard let kind = LeakRule.Kind(rawValue: raw) else { throw ChorusError.unprocessable("Validation failed: kind must be word or pattern") }
        let value = try LeakRule.validate(kind: kind, value: value)
        return try await database.addLeakRule(LeakRuleRecord(kind: kind.rawValue, value: value, note: note, createdBy: actor.id, createdAt: clock.now()))
    }

    public func deleteLeakRule(id: Int64, by actor: AccountRecord) async throws {
        try requireAdmin(actor)
        try await database.deleteLeakRule(id: id, actorID: actor.id)
    }
}
