import ChorusCore
@testable import ChorusStorePostgres
import Testing

@Suite("PostgreSQL setup: migration files split into statements, settings checked")
struct PostgresSetupTests {
    @Test func aMigrationSplitsAtTheSemicolonsThatEndStatements() {
        let sql = """
            -- a comment; with a semicolon
            CREATE TABLE a (x TEXT DEFAULT 'semi;colon', "odd;name" INT);
            INSERT INTO a (x) VALUES ('it''s; fine');
            CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;

            SELECT 2
            """
        #expect(PostgresSetup.statements(sql) == [
            "CREATE TABLE a (x TEXT DEFAULT 'semi;colon', \"odd;name\" INT)",
            "INSERT INTO a (x) VALUES ('it''s; fine')",
            "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql",
            "SELECT 2",
        ])
    }

    @Test func theShippedSchemaSplitsIntoWholeStatements() throws {
        let files = try PostgresSetup.migrationFiles()
        #expect(files.map(\.name) == ["0001_schema"])
        let statements = PostgresSetup.statements(try #require(files.first).sql)
        #expect(statements.count > 50)
        for statement in statements {
            #expect(!statement.hasPrefix("--"), "comments are dropped")
            #expect(["CREATE", "INSERT", "ALTER"].contains { statement.hasPrefix($0) }, "\(statement.prefix(60))")
        }
    }

    @Test func eachSchemaMigratesUnderItsOwnLock() {
        #expect(PostgresSetup.lockKey(schema: nil) == PostgresSetup.lockKey(schema: nil))
        #expect(PostgresSetup.lockKey(schema: "t_1") != PostgresSetup.lockKey(schema: "t_2"))
        #expect(PostgresSetup.lockKey(schema: nil) != PostgresSetup.lockKey(schema: "t_1"))
    }

    @Test func aPoolSizeOutsideItsRangeIsRefused() throws {
        let address = PostgresAddress(host: "db.internal", user: "chorus", database: "chorus")
        #expect(throws: ChorusError.self) { try PostgresSetup.configuration(address, poolSize: 0) }
        #expect(throws: ChorusError.self) { try PostgresSetup.configuration(address, poolSize: 501) }
        #expect(try PostgresSetup.configuration(address, poolSize: 12).options.maximumConnections == 12)
    }
}
