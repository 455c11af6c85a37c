import ChorusStore
import Foundation
import GRDB

/// Reading every table out, for `chorus copy-data` (see `TableExport`).
extension SQLiteDatabase: TableExport {
    /// The tables of Chorus's data: not SQLite's or the migrator's own, and
    /// not the search index (a target builds its own from the posts).
    public func exportedTables() async throws -> [String: [String]] {
        try await read { db in
            let names = try String.fetchAll(db, sql: """
                SELECT name FROM sqlite_master WHERE type = 'table'
                AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE 'grdb\\_%' ESCAPE '\\'
                AND name <> 'status_search' AND name NOT LIKE 'status\\_search\\_%' ESCAPE '\\'
                ORDER BY name
                """)
            var tables: [String: [String]] = [:]
            for name in names { tables[name] = try db.columns(in: name).map(\.name) }
            return tables
        }
    }

    public func rowCount(table: String) async throws -> Int {
        try await read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table.quotedDatabaseIdentifier)") ?? 0 }
    }

    /// Pages through the table by its primary key (the rowid where it has
    /// none), so each batch is one indexed range read.
    public func exportBatch(table: String, columns: [String], after: [PortableValue]?, limit: Int) async throws -> ExportBatch {
        try await read { db in
            let key = try db.primaryKey(table).columns
            let keyColumns = key.map(\.quotedDatabaseIdentifier).joined(separator: ", ")
            let selected = (columns + key).map(\.quotedDatabaseIdentifier).joined(separator: ", ")
            let placeholders = Array(repeating: "?", count: key.count).joined(separator: ", ")
            let condition = after == nil ? "" : "WHERE (\(keyColumns)) > (\(placeholders))"
            let rows = try Row.fetchAll(db, sql: """
                SELECT \(selected) FROM \(table.quotedDatabaseIdentifier) \(condition) ORDER BY \(keyColumns) LIMIT \(limit)
                """, arguments: StatementArguments((after ?? []).map(\.databaseValue)))
            let width = columns.count
            let values = rows.map { row in (0..<width).map { PortableValue(row[$0] as DatabaseValue) } }
            let next = rows.count == limit ? rows.last.map { row in (width..<row.count).map { PortableValue(row[$0] as DatabaseValue) } } : nil
            return ExportBatch(rows: values, next: next)
        }
    }
}

extension PortableValue {
    init(_ value: DatabaseValue) {
        switch value.storage {
        case .null: self = .null
        case .int64(let number): self = .integer(number)
        case .double(let number): self = .real(number)
        case .string(let text): self = .text(text)
        case .blob(let data): self = .blob([UInt8](data))
        }
    }
}

extension PortableValue {
    var databaseValue: DatabaseValue {
        switch self {
        case .null: .null
        case .integer(let number): number.databaseValue
        case .real(let number): number.databaseValue
        case .text(let text): text.databaseValue
        case .blob(let bytes): Data(bytes).databaseValue
        }
    }
}
