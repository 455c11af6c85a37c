import ChorusCore
import Foundation
import Synchronization

/// Counts sign-in attempts per account and per client address in a sliding
/// window, and refuses further attempts once either passes its limit.
///
/// An attempt is counted *before* the password is checked (`reserve`), in
/// the same step as the check of the limit, so parallel guesses cannot all
/// pass the check while the first ones are still hashing; a success then
/// gives its place back and forgets the account's failures.
public final class LoginRateLimiter: Sendable {
    public struct Limits: Sendable {
        public var perAccount: Int
        public var perAddress: Int
        public var window: TimeInterval

        public init(perAccount: Int = 5, perAddress: Int = 20, window: TimeInterval = 300) {
            self.perAccount = perAccount
            self.perAddress = perAddress
            self.window = window
        }
    }

    /// One attempt counted in advance; hand it back with `succeeded`.
    public struct Reservation: Sendable {
        let account: String
        let address: String?
        let at: Date
    }

    private let limits: Limits
    private let clock: any ChorusClock
    private let attempts = Mutex<[String: [Date]]>([:])

    public init(limits: Limits = Limits(), clock: any ChorusClock = SystemClock()) {
        self.limits = limits
        self.clock = clock
    }

    /// Counts an attempt for this account and address, or throws 429 (with
    /// the seconds until the oldest counted attempt leaves the window) if
    /// either has had too many lately.
    public func reserve(login: String, address: String?) throws -> Reservation {
        let now = clock.now()
        let account = "a:" + login.lowercased()
        let client = address.map { "ip:" + $0 }
        let wait = attempts.withLock { table -> TimeInterval? in
            let byAccount = recent(&table, key: account, now: now)
            let byClient = client.map { recent(&table, key: $0, now: now) } ?? []
            var waits: [TimeInterval] = []
            if byAccount.count >= limits.perAccount, let oldest = byAccount.first { waits.append(limits.window - now.timeIntervalSince(oldest)) }
            if byClient.count >= limits.perAddress, let oldest = byClient.first { waits.append(limits.window - now.timeIntervalSince(oldest)) }
            if let longest = waits.max() { return longest }
            table[account, default: []].append(now)
            if let client { table[client, default: []].append(now) }
            if table.count > 10_000 { table = table.filter { $0.value.last.map { now.timeIntervalSince($0) < limits.window } ?? false } }
            return nil
        }
        if let wait {
            throw ChorusError.tooManyRequests("Too many failed sign-in attempts; try again in a few minutes", retryAfter: Int(wait.rounded(.up)))
        }
        return Reservation(account: account, address: client, at: now)
    }

    /// The attempt succeeded: it no longer counts against the address, and
    /// the account's earlier failures are forgotten.
    public func succeeded(_ reservation: Reservation) {
        attempts.withLock { table in
            table[reservation.account] = nil
            if let client = reservation.address, var times = table[client], let index = times.lastIndex(of: reservation.at) {
                times.remove(at: index)
                table[client] = times.isEmpty ? nil : times
            }
        }
    }

    private func recent(_ table: inout [String: [Date]], key: String, now: Date) -> [Date] {
        let kept = (table[key] ?? []).filter { now.timeIntervalSince($0) < limits.window }
        table[key] = kept.isEmpty ? nil : kept
        return kept
    }
}
