import ChorusCore
import ChorusStore
import Foundation
import Synchronization

/// What a live stream listens to (Mastodon's stream names).
public enum StreamKind: Sendable, Equatable, Hashable {
    /// The listener's home feed and notifications.
    case user
    /// Notifications only.
    case userNotification
    /// Every company post.
    case company
    /// Company posts with one hashtag (normalized name).
    case hashtag(String)

    /// Mastodon's name for the stream (`stream` field of events).
    public var names: [String] {
        switch self {
        case .user: ["user"]
        case .userNotification: ["user:notification"]
        case .company: ["public"]
        case .hashtag(let tag): ["hashtag", tag]
        }
    }
}

/// One thing to tell a listener; the HTTP layer loads and renders it for
/// that listener, so visibility is checked per listener.
public enum StreamMessage: Sendable, Equatable {
    case update(statusID: Int64)
    case delete(statusID: Int64)
    case notification(id: Int64)
}

/// Routes outbox events to open live streams.
public final class StreamHub: Sendable {
    struct Subscriber: Sendable {
        var accountID: Int64
        /// The token that opened the stream: revoking it ends the stream.
        var tokenID: Int64
        var kind: StreamKind
        var continuation: AsyncStream<StreamMessage>.Continuation
    }

    private let subscribers = Mutex<[UUID: Subscriber]>([:])
    /// How many streams one account may hold open at once.
    let perAccount: Int

    public init(perAccount: Int = 16) {
        self.perAccount = max(1, perAccount)
    }

    /// Opens a stream for `accountID`, opened with the token `tokenID`; it
    /// ends when the returned stream is dropped, the token is revoked or the
    /// account deactivated. Throws 429 when the account already holds
    /// `perAccount` streams (each holds a buffer and a task).
    public func subscribe(accountID: Int64, tokenID: Int64, kind: StreamKind) throws -> AsyncStream<StreamMessage> {
        let id = UUID()
        let (stream, continuation) = AsyncStream.makeStream(of: StreamMessage.self, bufferingPolicy: .bufferingNewest(256))
        continuation.onTermination = { [weak self] _ in
            _ = self?.subscribers.withLock { $0.removeValue(forKey: id) }
        }
        let admitted = subscribers.withLock { table -> Bool in
            guard table.values.lazy.filter({ $0.accountID == accountID }).count < perAccount else { return false }
            table[id] = Subscriber(accountID: accountID, tokenID: tokenID, kind: kind, continuation: continuation)
            return true
        }
        guard admitted else {
            continuation.finish()
            throw ChorusError.tooManyRequests("Too many live streams are open for this account (at most \(perAccount)); close one first",
                                              retryAfter: 30)
        }
        return stream
    }

    /// How many streams are open.
    public var count: Int { subscribers.withLock { $0.count } }

    /// Sends `message` to every subscriber for which `accepts` is true.
    func publish(_ message: StreamMessage, where accepts: (Subscriber) -> Bool) {
        let targets = subscribers.withLock { $0.values.filter(accepts) }
        for target in targets { target.continuation.yield(message) }
    }

    /// Ends every stream of an account (deactivation).
    public func close(accountID: Int64) {
        close { $0.accountID == accountID }
    }

    /// Ends every stream opened with one of these tokens (revocation,
    /// signing out, signing out elsewhere, a password change).
    public func close(tokenIDs: some Sequence<Int64>) {
        let tokens = Set(tokenIDs)
        guard !tokens.isEmpty else { return }
        close { tokens.contains($0.tokenID) }
    }

    private func close(where matches: (Subscriber) -> Bool) {
        let targets = subscribers.withLock { $0.values.filter(matches) }
        for target in targets { target.continuation.finish() }
    }

    /// Routes one outbox event.
    func route(_ event: OutboxEvent, database: any ChorusDatabase) async throws {
        // Nobody listening: nothing to look up (posting at full speed makes thousands of events a second).
        guard count > 0 else { return }
        guard let data = event.payload.data(using: .utf8),
              let payload = try JSONSerialization.jsonObject(with: data) as? [String: Any] else { return }
        func int(_ key: String) -> Int64? { (payload[key] as? NSNumber)?.int64Value }
        switch event.type {
        case "status.created":
            guard let id = int("status_id"), let routing = try await database.statusRouting(id: id) else { return }
            // Team posts, even of public teams, stay in team and member feeds.
            let isPublic = routing.status.visibility == .company && routing.status.reblogOfId == nil
            publish(.update(statusID: id)) { subscriber in
                switch subscriber.kind {
                case .user: routing.homeRecipients.contains(subscriber.accountID)
                case .userNotification: false
                case .company: isPublic
                case .hashtag(let tag): isPublic && routing.tags.contains(tag)
                }
            }
        case "status.deleted":
            guard let id = int("status_id") else { return }
            if payload["visibility"] as? String == Visibility.company.rawValue {
                publish(.delete(statusID: id)) { $0.kind != .userNotification }
                return
            }
            // A limited post's deletion is told only to those who could have seen it.
            var audience = Set(((payload["mentioned"] as? [Any]) ?? []).compactMap { ($0 as? NSNumber)?.int64Value })
            if let author = int("account_id") { audience.insert(author) }
            if let teamID = int("team_id") {
                audience.formUnion(try await database.teamMemberIDs(teamID: teamID))
            } else if payload["visibility"] as? String == Visibility.followers.rawValue, let author = int("account_id") {
                audience.formUnion(try await database.followerIDs(of: author))
            }
            publish(.delete(statusID: id)) { $0.kind == .user && audience.contains($0.accountID) }
        case "notification.created":
            guard let id = int("notification_id"), let accountID = int("account_id") else { return }
            publish(.notification(id: id)) { $0.accountID == accountID && ($0.kind == .user || $0.kind == .userNotification) }
        case "account.sessions_revoked":
            if let accountID = int("account_id") { close(accountID: accountID) }
        case "tokens.revoked":
            // Revoked on another node (or by the command line): end them here too.
            close(tokenIDs: ((payload["token_ids"] as? [Any]) ?? []).compactMap { ($0 as? NSNumber)?.int64Value })
        default:
            break
        }
    }
}
