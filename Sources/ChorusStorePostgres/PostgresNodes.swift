import ChorusCore
import Foundation
import PostgresNIO

/// The node number this process holds in `chorus_nodes`, claimed at start
/// and kept by renewing its lease.
struct NodeClaim: Sendable {
    let node: Int
    /// Ids start after this millisecond (the previous holder's newest).
    let notBefore: Int64
    let holder: String

    /// How long a claim lasts without renewal, and how often it is renewed.
    static let lease: Int64 = 60
    static let renewal: Duration = .seconds(15)

    /// Claims `wanted` (refused while another process holds it), or else the
    /// free number whose lease ended longest ago. One claim at a time (an
    /// advisory lock), so two processes starting together get two numbers.
    static func claim(_ connection: PostgresConnection, wanted: Int?, holder: String, lockKey: Int64) async throws -> NodeClaim {
        try await connection.query("BEGIN", logger: PostgresConnection.quiet)
        do {
            try await connection.run("SELECT pg_advisory_xact_lock(\(lockKey))")
            let rows = try await connection.query("SELECT node, holder, lease_until > now() AS live, last_millis FROM chorus_nodes",
                                                  logger: PostgresConnection.quiet).collect()
            var held: [Int: (holder: String, live: Bool, lastMillis: Int64)] = [:]
            for row in rows {
                let (node, holder, live, lastMillis) = try row.decode((Int, String, Bool, Int64).self)
                held[node] = (holder, live, lastMillis)
            }
            let node: Int
            if let wanted {
                guard (0...SnowflakeGenerator.maxNode).contains(wanted) else {
                    throw ChorusError.badRequest("The node number must be between 0 and \(SnowflakeGenerator.maxNode) (got \(wanted))")
                }
                if let current = held[wanted], current.live {
                    throw ChorusError.conflict("Node number \(wanted) is held by \(current.holder); give another or wait a minute")
                }
                node = wanted
            } else if let free = (0...SnowflakeGenerator.maxNode).first(where: { held[$0] == nil }) {
                node = free
            } else if let expired = held.filter({ !$0.value.live }).min(by: { $0.key < $1.key })?.key {
                node = expired
            } else {
                throw ChorusError(.unavailable, "All \(SnowflakeGenerator.maxNode + 1) node numbers are held by running processes")
            }
            let notBefore = held[node]?.lastMillis ?? 0
            try await connection.run("""
                INSERT INTO chorus_nodes (node, holder, lease_until, last_millis)
                VALUES (\(node), \(holder), now() + make_interval(secs => \(lease)), \(notBefore))
                ON CONFLICT (node) DO UPDATE SET holder = EXCLUDED.holder, lease_until = EXCLUDED.lease_until
                """)
            try await connection.query("COMMIT", logger: PostgresConnection.quiet)
            return NodeClaim(node: node, notBefore: notBefore, holder: holder)
        } catch {
            await connection.always("ROLLBACK")
            throw error
        }
    }

    /// Extends the lease and records the newest millisecond used; false when
    /// another process has taken the number over (this one was stalled
    /// past its lease).
    func renew(_ connection: PostgresConnection, lastMillis: Int64) async throws -> Bool {
        try await connection.run("""
            UPDATE chorus_nodes SET lease_until = now() + make_interval(secs => \(NodeClaim.lease)),
                                    last_millis = greatest(last_millis, \(lastMillis))
            WHERE node = \(node) AND holder = \(holder) RETURNING node
            """) == 1
    }

    /// Ends the lease now (the process is stopping).
    func release(_ connection: PostgresConnection) async throws {
        try await connection.run("UPDATE chorus_nodes SET lease_until = now() WHERE node = \(node) AND holder = \(holder)")
    }

    /// A name for this process in `chorus_nodes`.
    static func holderName() -> String {
        "\(ProcessInfo.processInfo.hostName) pid \(ProcessInfo.processInfo.processIdentifier) \(UUID().uuidString.prefix(8))"
    }
}
