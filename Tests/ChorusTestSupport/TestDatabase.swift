import ChorusCore
import ChorusStore
import ChorusStorePostgres
import ChorusStoreSQLite
import Foundation

/// The database a test's Chorus runs on: SQLite in memory, or, when
/// `CHORUS_TEST_DATABASE` holds the URL of a PostgreSQL server (the private
/// cluster the test command starts), a fresh schema of it. Every test that
/// makes a `TestFixture` runs on the backend chosen.
public enum TestDatabase {
    /// The PostgreSQL server the tests use, when one is chosen.
    public static let postgres: PostgresAddress? = {
        guard let url = ProcessInfo.processInfo.environment["CHORUS_TEST_DATABASE"], !url.isEmpty,
              case .postgres(let address) = try? DatabaseLocation.parse(url) else { return nil }
        return address
    }()

    /// A new, empty, migrated database.
    public static func make(clock: any ChorusClock = SystemClock()) async throws -> any ChorusDatabase {
        guard let postgres else { return try SQLiteDatabase.inMemory(clock: clock) }
        let pool = try await SharedPool.shared.pool(postgres)
        let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        return try await PostgresDatabase.inSchema(schema, pool: pool, clock: clock)
    }
}

/// One pool for every test of the process (each test has its own schema).
actor SharedPool {
    static let shared = SharedPool()
    private var pool: PostgresPool?

    func pool(_ address: PostgresAddress) async throws -> PostgresPool {
        if let pool { return pool }
        let opened = try await PostgresPool.connect(address, size: 40)
        pool = opened
        return opened
    }
}
