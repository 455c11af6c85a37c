import ChorusCore
import ChorusStore
import Foundation

/// The administrator's outbound allowlist, which every app webhook and
/// brand channel must pass.
extension AppService {
    public func allowlist(by actor: AccountRecord) throws -> [String] {
        guard actor.role == .admin else { throw ChorusError.forbidden("Only administrators manage the webhook allowlist") }
        return policy.allowlist.entries
    }

    public func setAllowlist(_ entries: [String], by actor: AccountRecord) async throws -> [String] {
        guard actor.role == .admin else { throw ChorusError.forbidden("Only administrators manage the webhook allowlist") }
        guard entries.count <= 200 else { throw ChorusError.unprocessable("The allowlist holds at most 200 entries") }
        let allowlist = try HostAllowlist(parsing: entries)
        let data = try JSONSerialization.data(withJSONObject: allowlist.entries)
        try await database.setSetting(OutboundPolicy.settingKey, value: String(decoding: data, as: UTF8.self), actorID: actor.id)
        policy.allowlist = allowlist
        return allowlist.entries
    }

    /// Reads the stored allowlist into the policy (at start).
    public func loadAllowlist() async throws {
        guard let stored = try await database.setting(OutboundPolicy.settingKey),
              let entries = try JSONSerialization.jsonObject(with: Data(stored.utf8)) as? [String] else { return }
        policy.allowlist = try HostAllowlist(parsing: entries)
    }
}
