import ChorusCore
import Foundation
import Synchronization

/// Counts failed sign-ins per account and per client address in a sliding
/// window, and refuses further attempts once either passes its limit.
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

    private let limits: Limits
    private let clock: any ChorusClock
    private let failures = Mutex<[String: [Date]]>([:])

    public init(limits: Limits = Limits(), clock: any ChorusClock = SystemClock()) {
        self.limits = limits
        self.clock = clock
    }

    /// Throws 429 if this account or address has failed too often lately.
    public func check(login: String, address: String?) throws {
        let now = clock.now()
        let blocked = failures.withLock { table -> Bool in
            let account = recent(&table, key: "a:" + login.lowercased(), now: now)
            let client = address.map { recent(&table, key: "ip:" + $0, now: now) } ?? 0
            return account >= limits.perAccount || client >= limits.perAddress
        }
        if blocked {
            throw ChorusError.tooManyRequests("Too many failed sign-in attempts; try again in a few minutes")
        }
    }

    /// Records a failed attempt.
    public func recordFailure(login: String, address: String?) {
        let now = clock.now()
        failures.withLock { table in
            table["a:" + login.lowercased(), default: []].append(now)
            if let address { table["ip:" + address, default: []].append(now) }
            if table.count > 10_000 { table = table.filter { $0.value.last.map { now.timeIntervalSince($0) < limits.window } ?? false } }
        }
    }

    /// Forgets an account's failures after a successful sign-in.
    public func recordSuccess(login: String) {
        _ = failures.withLock { $0.removeValue(forKey: "a:" + login.lowercased()) }
    }

    private func recent(_ table: inout [String: [Date]], key: String, now: Date) -> Int {
        let kept = (table[key] ?? []).filter { now.timeIntervalSince($0) < limits.window }
        table[key] = kept.isEmpty ? nil : kept
        return kept.count
    }
}
