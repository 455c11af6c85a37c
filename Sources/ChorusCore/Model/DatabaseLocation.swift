import Foundation

/// Where the data lives, as `--database` / `CHORUS_DATABASE` name it: a
/// file path (embedded SQLite) or a `postgres://` / `postgresql://` URL.
public enum DatabaseLocation: Sendable, Equatable {
    case sqlite(path: String)
    case postgres(PostgresAddress)

    /// Reads the option's text; a URL that cannot be used is a one-line
    /// error naming what is wrong (never a guess).
    public static func parse(_ text: String) throws -> DatabaseLocation {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw ChorusError.badRequest("The database is empty: give a file path or a postgres:// URL") }
        let lowered = trimmed.lowercased()
        guard lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://") else {
            if let colon = trimmed.range(of: "://"), !trimmed[..<colon.lowerBound].contains("/") {
                throw ChorusError.badRequest("Unknown database URL scheme \(trimmed[..<colon.lowerBound]): use a file path or postgres://")
            }
            return .sqlite(path: trimmed)
        }
        return .postgres(try PostgresAddress(url: trimmed))
    }
}

/// A PostgreSQL server, database and credentials from a URL
/// (`postgres://user:password@host:port/database?sslmode=require`).
public struct PostgresAddress: Sendable, Equatable, CustomStringConvertible {
    /// How the connection is encrypted (libpq's `sslmode` names).
    public enum TLSMode: String, Sendable, CaseIterable {
        /// Never TLS.
        case disable
        /// TLS when the server offers it (the default, as in libpq).
        case prefer
        /// TLS always, without checking the certificate.
        case require
        /// TLS with the certificate checked against the system's roots and the host name.
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    public var tls: TLSMode

    public init(host: String, port: Int = 5432, user: String, password: String? = nil, database: String, tls: TLSMode = .prefer) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
        self.tls = tls
    }

    init(url text: String) throws {
        func refuse(_ why: String) -> ChorusError { ChorusError.badRequest("The database URL is not usable: \(why)") }
        guard let url = URLComponents(string: text) else { throw refuse("it is not a URL (are special characters in the password percent-encoded?)") }
        guard let host = url.host, !host.isEmpty else { throw refuse("it names no host") }
        // A stray @ or space in an unencoded password ends up in the host: say so, without repeating it.
        guard host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || ".-:[]%_".contains($0)) }) else {
            throw refuse("it is not a URL with a host name (are @, : and spaces in the password percent-encoded?)")
        }
        guard let user = url.user?.removingPercentEncoding, !user.isEmpty else { throw refuse("it names no user (postgres://USER:PASSWORD@HOST/DATABASE)") }
        let database = String(url.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/"), let name = database.removingPercentEncoding else {
            throw refuse("it names no database (postgres://USER:PASSWORD@HOST/DATABASE)")
        }
        if let port = url.port, !(1...65_535).contains(port) { throw refuse("the port must be between 1 and 65535") }
        var tls = TLSMode.prefer
        for item in url.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let mode = item.value.flatMap(TLSMode.init(rawValue:)) else {
                    throw refuse("sslmode must be one of \(TLSMode.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                tls = mode
            default:
                throw refuse("unknown parameter \(item.name) (only sslmode is read)")
            }
        }
        self.init(host: host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host, port: url.port ?? 5432, user: user,
                  password: url.password?.removingPercentEncoding, database: name, tls: tls)
    }

    /// The address without the password, for logs and errors.
    public var description: String { "postgres://\(user)@\(host.contains(":") ? "[\(host)]" : host):\(port)/\(database)?sslmode=\(tls.rawValue)" }
}
