import ChorusCore
import ChorusStore
import Foundation
import Logging
import PostgresNIO

/// A record read back from a row by column name.
protocol PostgresRecord {
    init(_ row: PostgresRandomAccessRow) throws
}

extension PostgresRandomAccessRow {
    /// The value of `column`.
    func value<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        try self[column].decode(T.self, context: .default)
    }

    /// A text column holding one of an enumeration's raw values.
    func choice<T: RawRepresentable>(_ column: String) throws -> T where T.RawValue == String {
        let raw = try value(column, as: String.self)
        guard let result = T(rawValue: raw) else {
            throw ChorusError(.unavailable, "The database holds an unknown \(column) \(raw)")
        }
        return result
    }

    /// Like `choice`, for a column that may be NULL.
    func optionalChoice<T: RawRepresentable>(_ column: String) throws -> T? where T.RawValue == String {
        guard let raw = try value(column, as: String?.self) else { return nil }
        guard let result = T(rawValue: raw) else {
            throw ChorusError(.unavailable, "The database holds an unknown \(column) \(raw)")
        }
        return result
    }
}

extension PostgresConnection {
    /// Runs a statement for its effect; returns how many rows it touched.
    @discardableResult
    func run(_ query: PostgresQuery) async throws -> Int {
        var touched = 0
        let rows = try await self.query(query, logger: Self.quiet)
        for try await _ in rows { touched += 1 }
        return touched
    }

    /// Every row of a query, decoded as records.
    func records<T: PostgresRecord>(_ type: T.Type, _ query: PostgresQuery) async throws -> [T] {
        try await self.query(query, logger: Self.quiet).collect().map { try T($0.makeRandomAccess()) }
    }

    /// The first row of a query as a record.
    func record<T: PostgresRecord>(_ type: T.Type, _ query: PostgresQuery) async throws -> T? {
        try await records(type, query).first
    }

    /// The first column of every row.
    func column<T: PostgresDecodable>(_ type: T.Type, _ query: PostgresQuery) async throws -> [T] {
        try await self.query(query, logger: Self.quiet).collect().map { try $0.decode(T.self) }
    }

    /// The first column of the first row.
    func scalar<T: PostgresDecodable>(_ type: T.Type, _ query: PostgresQuery) async throws -> T? {
        try await column(type, query).first
    }

    /// The number a `SELECT count(*)` answers.
    func count(_ query: PostgresQuery) async throws -> Int {
        try await scalar(Int.self, query) ?? 0
    }

    /// Runs a statement that must reach the server even when the calling
    /// task was cancelled (a client went away): ending a transaction or
    /// giving locks back before the connection returns to the pool. A
    /// failure is ignored: it means the connection is broken, and the server
    /// ends the transaction and the locks with it.
    func always(_ query: PostgresQuery) async {
        await Task { _ = try? await self.query(query, logger: Self.quiet) }.value
    }

    static let quiet = Logger(label: "chorus.postgres.query", factory: { _ in SwiftLogNoOpLogHandler() })
}
