import ChorusCore
import Foundation

/// An outbox event turned into one delivery for one app.
public struct QueuedDelivery: Sendable {
    public var appID: Int64
    public var eventID: Int64
    public var eventType: String
    public var body: String
    /// The post and the team the event is about, checked again before each attempt.
    public var statusID: Int64?
    public var teamID: Int64?

    public init(appID: Int64, eventID: Int64, eventType: String, body: String, statusID: Int64? = nil, teamID: Int64? = nil) {
        self.appID = appID
        self.eventID = eventID
        self.eventType = eventType
        self.body = body
        self.statusID = statusID
        self.teamID = teamID
    }
}

/// Webhook deliveries to apps: queued from the outbox, claimed under a
/// lease, attempted and retried.
public protocol DeliveryStore: Sendable {
    /// Apps that receive webhooks now (a URL, not disabled).
    func subscribedApps() async throws -> [AppRecord]

    /// Where the durable consumer `name` has got to in the outbox.
    func outboxCursor(_ name: String) async throws -> Int64

    /// Queues deliveries and moves the cursor past them in one transaction.
    /// Queuing the same event for the same app twice does nothing, so a crash
    /// between rendering and this write repeats the work without duplicates.
    func queueDeliveries(_ deliveries: [QueuedDelivery], cursor name: String, to eventID: Int64,
                         messageID: @escaping @Sendable () -> String) async throws

    /// Queues one delivery outside the outbox (a test ping); returns it.
    func queueDelivery(appID: Int64, eventType: String, body: String, messageID: String) async throws -> DeliveryRecord

    /// Takes up to `limit` deliveries that are due, skipping apps in
    /// `busyApps` and apps whose endpoint is disabled, and leases them until
    /// `leaseUntil` so no other worker sends them meanwhile. A worker that
    /// dies leaves the lease to run out; the delivery is then taken again.
    func claimDueDeliveries(limit: Int, busyApps: Set<Int64>, leaseUntil: Date) async throws -> [ClaimedDelivery]

    /// Gives back deliveries claimed but not sent.
    func releaseLeases(deliveryIDs: [Int64]) async throws

    /// Records one attempt. A 410 also disables the app's endpoint.
    func recordAttempt(deliveryID: Int64, outcome: DeliveryOutcome) async throws

    /// An app's deliveries, newest first.
    func deliveries(appID: Int64, page: Page) async throws -> [DeliveryRecord]

    func delivery(id: Int64, appID: Int64) async throws -> DeliveryRecord?

    /// Sends a delivery again soon, with the same webhook-id.
    func redeliver(deliveryID: Int64, appID: Int64) async throws -> DeliveryRecord

    /// What `StatusAccess.canSee` needs about `viewerID` for a post by
    /// `authorID` (in `teamID`), for a post that may no longer exist.
    func accessFacts(viewerID: Int64, authorID: Int64, teamID: Int64?) async throws -> (followsAuthor: Bool, isTeamMember: Bool, teamIsPublic: Bool)
}
