import ChorusCore
import Testing

@Suite("The database option: a file path or a PostgreSQL URL")
struct DatabaseLocationTests {
    @Test func pathsAreSQLiteFiles() throws {
        #expect(try DatabaseLocation.parse("./chorus.sqlite") == .sqlite(path: "./chorus.sqlite"))
        #expect(try DatabaseLocation.parse("/var/lib/chorus/数据.sqlite") == .sqlite(path: "/var/lib/chorus/数据.sqlite"))
        #expect(try DatabaseLocation.parse(":memory:") == .sqlite(path: ":memory:"))
    }

    @Test func postgresURLsNameServerCredentialsDatabaseAndTLS() throws {
        let full = try DatabaseLocation.parse("postgres://chorus:p%40ss%3Aw0rd@db.internal:6543/chorus_prod?sslmode=verify-full")
        #expect(full == .postgres(PostgresAddress(host: "db.internal", port: 6543, user: "chorus", password: "p@ss:w0rd", database: "chorus_prod",
                                                  tls: .verifyFull)))
        let short = try DatabaseLocation.parse("postgresql://chorus@127.0.0.1/chorus")
        #expect(short == .postgres(PostgresAddress(host: "127.0.0.1", user: "chorus", database: "chorus")))
        let v6 = try DatabaseLocation.parse("POSTGRES://chorus:x@[::1]:5433/c")
        #expect(v6 == .postgres(PostgresAddress(host: "::1", port: 5433, user: "chorus", password: "x", database: "c")))
        // An @ left unencoded in the password: the last @ ends the credentials, as a person means it.
        let lenient = try DatabaseLocation.parse("postgres://chorus:p@ss@db/chorus")
        #expect(lenient == .postgres(PostgresAddress(host: "db", user: "chorus", password: "p@ss", database: "chorus")))
    }

    @Test func theDescriptionNeverShowsThePassword() throws {
        guard case .postgres(let address) = try DatabaseLocation.parse("postgres://chorus:secret@db/chorus?sslmode=require") else {
            Issue.record("not a PostgreSQL address")
            return
        }
        #expect(address.description == "postgres://chorus@db:5432/chorus?sslmode=require")
        #expect(!address.description.contains("secret"))
    }

    @Test(arguments: [
        ("", "empty"),
        ("mysql://chorus@db/chorus", "scheme"),
        ("postgres://db/chorus", "no user"),
        ("postgres://chorus@/chorus", "no host"),
        ("postgres://chorus@db", "no database"),
        ("postgres://chorus@db/", "no database"),
        ("postgres://chorus@db/chorus?sslmode=maybe", "sslmode"),
        ("postgres://chorus@db/chorus?application_name=x", "unknown parameter"),
        ("postgres://chorus@db:70000/chorus", "port"),
        ("postgres://chorus@db name/chorus", "not a URL"),
    ])
    func unusableAddressesAreOneLineErrors(text: String, reason: String) {
        #expect(throws: ChorusError.self, "\(text)") {
            do {
                _ = try DatabaseLocation.parse(text)
            } catch let error as ChorusError {
                #expect(error.kind == .badRequest && !error.message.contains("\n"), "\(error.message)")
                #expect(error.message.contains(reason), "\(text): \(error.message)")
                #expect(!error.message.contains("db name"), "what might be a password is never repeated")
                throw error
            }
        }
    }
}
