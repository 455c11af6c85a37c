import ChorusCore
import Foundation

/// What an approval writes for one channel.
public struct NewExport: Sendable {
    public var channelID: Int64
    public var text: String
    /// The export's `Idempotency-Key` is this followed by its id.
    public var idempotencyPrefix: String

    public init(channelID: Int64, text: String, idempotencyPrefix: String) {
        self.channelID = channelID
        self.text = text
        self.idempotencyPrefix = idempotencyPrefix
    }
}

/// The brand bridge: channels, leak rules, nominations and their review,
/// and exports claimed under a lease and recorded exactly once.
public protocol BridgeStore: Sendable {
    func createChannel(_ channel: BrandChannelRecord, actorID: Int64) async throws -> BrandChannelRecord

    func updateChannel(_ channel: BrandChannelRecord, actorID: Int64) async throws -> BrandChannelRecord

    /// Disables a channel (from now) or enables it again, with an audit
    /// entry. Doing what is done already changes nothing and records nothing.
    func setChannelDisabled(id: Int64, _ disabled: Bool, actorID: Int64) async throws -> BrandChannelRecord

    func channels() async throws -> [BrandChannelRecord]

    func channel(id: Int64) async throws -> BrandChannelRecord?

    func channel(slug: String) async throws -> BrandChannelRecord?

    func leakRules() async throws -> [LeakRuleRecord]

    func addLeakRule(_ rule: LeakRuleRecord) async throws -> LeakRuleRecord

    func deleteLeakRule(id: Int64, actorID: Int64) async throws

    func createNomination(_ nomination: NominationRecord, channelIDs: [Int64]) async throws -> NominationView

    func nominations(state: NominationRecord.State?, page: Page) async throws -> [NominationView]

    func nomination(id: Int64) async throws -> NominationView?

    /// Nominations of one post still in play (pending or approved).
    func openNominations(statusID: Int64) async throws -> [NominationView]

    /// Approves a pending nomination and writes one export per channel, in
    /// one transaction: an approval without its exports cannot exist.
    func approve(nominationID: Int64, reviewerID: Int64, exports: [NewExport], publishAt: Date?) async throws -> NominationView

    func reject(nominationID: Int64, reviewerID: Int64, reason: String) async throws -> NominationView

    /// Retracts a nomination: nothing more goes out, and what went out is
    /// deleted by the worker (exports move to `retracting`).
    func retractNomination(id: Int64, actorID: Int64, reason: String) async throws -> NominationView

    /// Takes due exports (to publish or to retract) under a lease.
    func claimDueExports(limit: Int, leaseUntil: Date) async throws -> [ClaimedExport]

    /// Records what an attempt came to, with an audit entry. Recording
    /// checks the state it started from, so a retraction that arrived while
    /// a publish was in flight is not overwritten.
    func recordExport(id: Int64, from state: ExportRecord.State, outcome: ExportOutcome) async throws

    /// An editor's "try again" for a failed export.
    func retryExport(id: Int64, actorID: Int64) async throws -> ExportRecord

    /// What a channel has published and not retracted, newest first.
    func publishedExports(channelID: Int64, limit: Int) async throws -> [ExportRecord]
}
