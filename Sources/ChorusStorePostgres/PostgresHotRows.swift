import PostgresNIO

/// A row that many writers update at once: an author's post count, the
/// favourites of a post everyone likes, a topic's use count, a team's
/// member count.
///
/// Under SERIALIZABLE, two transactions that update the same row cannot
/// both commit: the second fails and starts over, and with dozens at once
/// some run out of attempts. Writers that name their hot rows take a
/// session advisory lock on each, in one global order, before `BEGIN`;
/// the snapshot starts only once every turn is theirs, so they queue
/// instead of failing each other, on one node or many. The locks go with
/// the transaction's end (or with the connection, if it breaks).
struct HotRow: Hashable, Comparable, Sendable {
    let key: Int64

    static func account(_ id: Int64) -> HotRow { HotRow(area: "account", id) }
    static func status(_ id: Int64) -> HotRow { HotRow(area: "status", id) }
    static func team(_ id: Int64) -> HotRow { HotRow(area: "team", id) }
    static func tag(_ name: String) -> HotRow { HotRow(area: "tag", name) }

    private init(area: String, _ id: some CustomStringConvertible) {
        // FNV-1a: a fixed number per row, the same on every node. Two rows
        // sharing a number only take turns needlessly.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in "chorus.row.\(area).\(id)".utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        key = Int64(bitPattern: hash)
    }

    static func < (lhs: HotRow, rhs: HotRow) -> Bool { lhs.key < rhs.key }

    /// Takes a turn on each row, in key order so that two writers never
    /// wait on each other in a circle.
    static func take(_ rows: [HotRow], on connection: PostgresConnection) async throws {
        for row in Set(rows).sorted() {
            try await connection.query("SELECT pg_advisory_lock(\(row.key))", logger: PostgresConnection.quiet)
        }
    }

    /// Gives the turns back (every advisory lock of the session: the
    /// transactions' own locks are transaction-scoped and gone already).
    static func release(_ rows: [HotRow], on connection: PostgresConnection) async throws {
        guard !rows.isEmpty else { return }
        try await connection.query("SELECT pg_advisory_unlock_all()", logger: PostgresConnection.quiet)
    }
}
