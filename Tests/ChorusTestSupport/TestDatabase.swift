import ChorusCore
import ChorusStore
import ChorusStorePostgres
import ChorusStoreSQLite
import Foundation

/// The databases tests run on. `CHORUS_TEST_POSTGRES` holds the URL of a
/// PostgreSQL server (the private cluster `make test` starts with
/// `scripts/with-postgres.sh`); `CHORUS_TEST_BACKEND=postgres` puts every
/// `TestFixture` on it, each in a fresh schema, instead of an in-memory SQLite.
public enum TestDatabase {
    /// The PostgreSQL server of the test run, if there is one.
    public static let postgres: PostgresAddress? = {
        guard let url = ProcessInfo.processInfo.environment["CHORUS_TEST_POSTGRES"], !url.isEmpty,
              case .postgres(let address) = try? DatabaseLocation.parse(url) else { return nil }
        return address
    }()

    /// True when fixtures run on PostgreSQL.
    public static let fixturesOnPostgres = ProcessInfo.processInfo.environment["CHORUS_TEST_BACKEND"] == "postgres"

    /// A new, empty, migrated database on the backend fixtures use.
    public static func make(clock: any ChorusClock = SystemClock()) async throws -> any ChorusDatabase {
        guard fixturesOnPostgres else { return try SQLiteDatabase.inMemory(clock: clock) }
        return try await makePostgres(clock: clock)
    }

    /// A new, empty, migrated PostgreSQL database (a schema of the test server).
    public static func makePostgres(clock: any ChorusClock = SystemClock()) async throws -> PostgresDatabase {
        guard let postgres else {
            throw ChorusError(.unavailable, "CHORUS_TEST_POSTGRES names no PostgreSQL server: run the tests through scripts/with-postgres.sh")
        }
        let pool = try await SharedPool.shared.pool(postgres)
        let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        return try await PostgresDatabase.inSchema(schema, pool: pool, clock: clock)
    }
}

/// One pool for every test of the process (each test has its own schema).
actor SharedPool {
    static let shared = SharedPool()
    /// A task, so that tests asking at once all wait for the one pool.
    private var opening: Task<PostgresPool, any Error>?

    func pool(_ address: PostgresAddress) async throws -> PostgresPool {
        if let opening { return try await opening.value }
        let task = Task { try await PostgresPool.connect(address, size: 40) }
        opening = task
        return try await task.value
    }
}
