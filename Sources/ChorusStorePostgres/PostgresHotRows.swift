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
struct HotRow: Hashable, Sendable {
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

    /// How long a writer waits for a turn (and, inside its transaction,
    /// for any row lock) before it answers that the database is busy.
    static let lockTimeout = "15s"

    /// The lock keys of `rows`, in the one order every writer takes them
    /// (so two writers never wait on each other in a circle). The keys are
    /// the schema's own, so Chorus instances sharing a database in separate
    /// schemas (the tests) never wait on each other.
    static func keys(_ rows: [HotRow], schema: String?) -> [Int64] {
        let base = PostgresSetup.lockKey(schema: schema)
        return Set(rows.map { $0.key ^ base }).sorted()
    }

    /// Takes the advisory lock of each key (from `keys`), in order.
    static func take(_ keys: [Int64], on connection: PostgresConnection) async throws {
        guard !keys.isEmpty else { return }
        try await connection.query("SELECT set_config('lock_timeout', \(lockTimeout), false)", logger: PostgresConnection.quiet)
        for key in keys {
            try await connection.query("SELECT pg_advisory_lock(\(key))", logger: PostgresConnection.quiet)
        }
    }

    /// Gives the turns back (every advisory lock of the session: the
    /// transactions' own locks are transaction-scoped and gone already),
    /// and the lock timeout with them, even when the task was cancelled: a
    /// request whose client went away must still give its turns back before
    /// its connection goes back to the pool, or the next writers of those
    /// rows would wait on a connection at rest.
    static func release(_ keys: [Int64], on connection: PostgresConnection) async {
        guard !keys.isEmpty else { return }
        await connection.always("SELECT pg_advisory_unlock_all()")
        await connection.always("RESET lock_timeout")
    }
}

/// Turns on hot rows among the writers of this process, taken before a
/// writer asks the pool for a connection: a burst of writers on one row
/// then waits here, holding nothing, and only the writer whose turn it is
/// holds a connection (and the row's advisory lock, for the other nodes).
/// Without it, the burst would hold a connection each while it waited,
/// and every other request would wait for the pool.
actor LocalTurns {
    /// Taken keys, each with the writers waiting for it, first come first.
    private var taken: [Int64: [CheckedContinuation<Void, Never>]] = [:]

    /// Waits for the turn on every key, in key order.
    func acquire(_ keys: [Int64]) async {
        for key in keys {
            if taken[key] == nil {
                taken[key] = []
            } else {
                await withCheckedContinuation { taken[key, default: []].append($0) }
            }
        }
    }

    /// Passes each key's turn to its next waiter.
    func release(_ keys: [Int64]) {
        for key in keys {
            guard var waiters = taken[key] else { continue }
            if waiters.isEmpty {
                taken[key] = nil
            } else {
                let next = waiters.removeFirst()
                taken[key] = waiters
                next.resume()
            }
        }
    }
}
