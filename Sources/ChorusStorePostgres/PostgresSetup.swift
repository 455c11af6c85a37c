import ChorusCore
import ChorusMigrations
import Foundation
import Logging
import NIOSSL
import PostgresNIO

/// Connecting, migrating and reading PostgreSQL's errors.
enum PostgresSetup {
    /// The client settings for `address`: `sslmode` as libpq reads it
    /// (`disable`, `prefer`, `require` without checking the certificate,
    /// `verify-full` checking it and the host name).
    static func configuration(_ address: PostgresAddress, poolSize: Int) throws -> PostgresClient.Configuration {
        guard (1...500).contains(poolSize) else {
            throw ChorusError.badRequest("The database pool size must be between 1 and 500 (got \(poolSize))")
        }
        let tls: PostgresClient.Configuration.TLS
        switch address.tls {
        case .disable:
            tls = .disable
        case .prefer:
            tls = .prefer(unverified())
        case .require:
            tls = .require(unverified())
        case .verifyFull:
            tls = .require(.makeClientConfiguration())
        }
        var configuration = PostgresClient.Configuration(host: address.host, port: address.port, username: address.user,
                                                         password: address.password, database: address.database, tls: tls)
        configuration.options.maximumConnections = poolSize
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }

    private static func unverified() -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = .none
        return tls
    }

    /// Opens one connection and runs a query on it, so that what stands in
    /// the way (nothing listening, a wrong password, no such database) is
    /// told at once and in one line rather than as a pool retrying forever.
    static func check(address: PostgresAddress, logger: Logger) async throws {
        let tls: PostgresConnection.Configuration.TLS
        switch address.tls {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(try NIOSSLContext(configuration: unverified()))
        case .require: tls = .require(try NIOSSLContext(configuration: unverified()))
        case .verifyFull: tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
        var single = PostgresConnection.Configuration(host: address.host, port: address.port, username: address.user,
                                                      password: address.password, database: address.database, tls: tls)
        single.options.connectTimeout = .seconds(10)
        do {
            let connection = try await PostgresConnection.connect(configuration: single, id: 0, logger: logger)
            defer { Task { try? await connection.close() } }
            try await connection.query("SELECT 1", logger: logger)
        } catch {
            throw describe(error, address: address)
        }
    }

    /// Runs `body`, turning PostgreSQL's errors into Chorus's: a conflict
    /// with existing data is a 409, a serialization failure asks `write` to
    /// try again, a lost server is a 503; nothing of the SQL is shown.
    @discardableResult
    static func translatingErrors<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as PSQLError {
            switch error.serverInfo?[.sqlState] {
            case "40001", "40P01":
                throw PostgresRetry()
            case "23505", "23503", "23514", "23502":
                throw ChorusError.conflict("That conflicts with existing data")
            case "55P03":
                // A lock (a hot row's turn) not free within `lock_timeout`.
                throw ChorusError(.unavailable, "The database is busy; try again")
            case let state?:
                throw ChorusError(.unavailable, "The database refused a statement (SQLSTATE \(state))")
            case nil:
                throw ChorusError(.unavailable, "The database cannot be reached")
            }
        }
    }

    /// One line saying why a connection to `address` failed.
    static func describe(_ error: any Error, address: PostgresAddress) -> ChorusError {
        let reason: String
        if let error = error as? PSQLError {
            switch error.serverInfo?[.sqlState] {
            case "28P01", "28000":
                reason = "the server refused the user name or password"
            case "3D000":
                reason = "the database \(address.database) does not exist"
            case let state?:
                reason = "the server answered \(error.serverInfo?[.message] ?? "an error") (SQLSTATE \(state))"
            case nil:
                let detail = error.underlying.map { String(describing: $0) } ?? ""
                switch error.code {
                case .connectionError where detail.contains("refused"):
                    reason = "nothing listens at \(address.host):\(address.port) (connection refused)"
                case .connectionError:
                    reason = "no server answered at \(address.host):\(address.port)"
                case .serverClosedConnection:
                    reason = "no answer from \(address.host):\(address.port) within 10 s, or the server closed the connection"
                case .sslUnsupported:
                    reason = "the server does not offer TLS, which sslmode asks for"
                default:
                    reason = "the connection failed (\(error.code))"
                }
            }
        } else {
            reason = "the connection failed (\(error))"
        }
        return ChorusError(.unavailable, "Cannot use PostgreSQL at \(address): \(reason)")
    }

    /// `name` as an SQL identifier.
    static func quoted(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// The advisory lock migrations of one schema take (a fixed number, so
    /// every node agrees on it).
    static func lockKey(schema: String?) -> Int64 {
        // FNV-1a of the schema name, so each schema migrates on its own.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in "chorus.migrate.\(schema ?? "")".utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return Int64(bitPattern: hash)
    }

    /// The statements of a migration file, split at each `;` that ends one
    /// (not inside a quoted string, a quoted name, a dollar-quoted body or a
    /// comment): the extended protocol takes one statement at a time.
    static func statements(_ sql: String) -> [String] {
        var result: [String] = []
        var current = ""
        var quote: Character?
        var dollarTag: String?
        var comment = false
        let characters = Array(sql)
        var index = 0
        while index < characters.count {
            let character = characters[index]
            let next = index + 1 < characters.count ? characters[index + 1] : nil
            if comment {
                if character == "\n" { comment = false }
            } else if let tag = dollarTag {
                current.append(character)
                if character == "$", String(characters[index...].prefix(tag.count)) == tag {
                    current.append(contentsOf: tag.dropFirst())
                    index += tag.count
                    dollarTag = nil
                    continue
                }
            } else if let open = quote {
                current.append(character)
                if character == open { quote = nil }
            } else if character == "-", next == "-" {
                comment = true
            } else if character == "'" || character == "\"" {
                quote = character
                current.append(character)
            } else if character == "$", let end = characters[(index + 1)...].firstIndex(of: "$"),
                      characters[(index + 1)..<end].allSatisfy({ $0.isLetter || $0 == "_" }) {
                let tag = String(characters[index...end])
                current.append(contentsOf: tag)
                dollarTag = tag
                index = end + 1
                continue
            } else if character == ";" {
                let statement = current.trimmingCharacters(in: .whitespacesAndNewlines)
                if !statement.isEmpty { result.append(statement) }
                current = ""
            } else {
                current.append(character)
            }
            index += 1
        }
        let last = current.trimmingCharacters(in: .whitespacesAndNewlines)
        if !last.isEmpty { result.append(last) }
        return result
    }

    /// The PostgreSQL migrations shipped with this build, in name order.
    static func migrationFiles() throws -> [(name: String, sql: String)] {
        guard let directory = ChorusMigrations.postgresDirectory else {
            throw ChorusError(.unavailable, "The PostgreSQL migrations folder is missing from this build")
        }
        return try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".sql") }
            .sorted()
            .map { file in
                (String(file.dropLast(4)), try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8))
            }
    }
}
