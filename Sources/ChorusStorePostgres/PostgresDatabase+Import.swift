import ChorusCore
import ChorusStore
import Foundation
import NIOCore
import PostgresNIO

/// What `copyData` did to one table.
public struct CopiedTable: Sendable, Equatable {
    public var name: String
    public var rows: Int
}

/// How far a copy is: the table being copied, rows copied so far of all, and all.
public typealias CopyProgress = @Sendable (_ table: String, _ done: Int, _ total: Int) -> Void

extension PostgresDatabase {
    /// Tables the copy fills itself or leaves alone: the search index is
    /// built from the posts, the outbox head from the outbox, and node
    /// claims and migrations belong to this database.
    static let tablesNotCopied: Set<String> = ["status_search", "outbox_head", "chorus_nodes", "chorus_migrations"]
    /// Rows read from the source at a time.
    static let copyBatch = 2_000

    /// Copies every table of `source` into this database, which must hold
    /// no data yet, in one transaction: a failure leaves it empty. Each
    /// table goes in one `COPY` (foreign keys are checked at its end, so the
    /// order of rows within it does not matter), tables in foreign-key order.
    /// The search index is built from the posts, identity sequences are set
    /// past the copied ids, and the count of every table is compared with
    /// the source's before the commit.
    public func copyData(from source: any TableExport, progress: CopyProgress = { _, _, _ in }) async throws -> [CopiedTable] {
        let sourceTables = try await source.exportedTables()
        var counts: [String: Int] = [:]
        for table in sourceTables.keys { counts[table] = try await source.rowCount(table: table) }
        let total = counts.values.reduce(0, +) + (counts["statuses"] ?? 0)
        return try await PostgresSetup.translatingErrors {
            try await client.withConnection { connection in
                try await self.enterSchema(connection)
                try await connection.query("BEGIN", logger: logger)
                do {
                    let copied = try await self.copyTables(connection, from: source, sourceTables: sourceTables, counts: counts,
                                                           total: total, progress: progress)
                    try await connection.query("COMMIT", logger: logger)
                    return copied
                } catch {
                    await connection.always("ROLLBACK")
                    throw error
                }
            }
        }
    }

    private func copyTables(_ connection: PostgresConnection, from source: any TableExport, sourceTables: [String: [String]],
                            counts: [String: Int], total: Int, progress: CopyProgress) async throws -> [CopiedTable] {
        let columns = try await targetColumns(connection)
        let order = try await foreignKeyOrder(connection, tables: Set(columns.keys).subtracting(Self.tablesNotCopied))
        for table in order where sourceTables[table] == nil {
            throw ChorusError.badRequest("The source database has no table \(table): open it once with this version of Chorus to migrate it")
        }
        try await checkEmpty(connection, tables: order)
        var done = 0
        var copied: [CopiedTable] = []
        for table in order {
            let target = columns[table] ?? []
            let available = Set(sourceTables[table] ?? [])
            if let lost = (sourceTables[table] ?? []).first(where: { name in !target.contains { $0.name == name } }) {
                throw ChorusError.badRequest("The column \(table).\(lost) has no place in PostgreSQL: is this Chorus older than the source database?")
            }
            let shared = target.filter { available.contains($0.name) }
            let names = shared.map(\.name)
            let types = shared.map(\.type)
            progress(table, done, total)
            // (copyFrom quotes the names itself; they come from the catalog.)
            try await connection.copyFrom(table: table, columns: names, logger: PostgresConnection.quiet) { writer in
                try await Self.copyBatches(of: table, columns: names, from: source, to: writer) { rows, buffer in
                    for row in rows { try CopyText.append(row, types: types, table: table, to: &buffer) }
                    done += rows.count
                    progress(table, done, total)
                }
            }
            let rows = try await connection.count("SELECT count(*) FROM \(unescaped: PostgresSetup.quoted(table))")
            guard rows == counts[table] ?? 0 else {
                throw ChorusError(.unavailable, "\(table): \(rows) rows arrived of \(counts[table] ?? 0); nothing was copied")
            }
            copied.append(CopiedTable(name: table, rows: rows))
        }
        try await buildSearchIndex(connection, from: source) { posts in
            done += posts
            progress("status_search", done, total)
        }
        try await advanceSequences(connection, columns: columns)
        try await connection.run("UPDATE outbox_head SET position = (SELECT coalesce(max(id), 0) FROM outbox)")
        return copied
    }

    struct TargetColumn {
        var name: String
        var type: String
    }

    /// The tables of this schema with their columns in order, leaving out
    /// the columns PostgreSQL fills itself (`GENERATED ALWAYS`).
    private func targetColumns(_ connection: PostgresConnection) async throws -> [String: [TargetColumn]] {
        let rows = try await connection.query("""
            SELECT table_name::text, column_name::text, data_type::text FROM information_schema.columns
            WHERE table_schema = current_schema() AND coalesce(identity_generation, '') <> 'ALWAYS'
            ORDER BY table_name, ordinal_position
            """, logger: PostgresConnection.quiet).collect().map { try $0.decode((String, String, String).self) }
        var columns: [String: [TargetColumn]] = [:]
        for (table, column, type) in rows { columns[table, default: []].append(TargetColumn(name: column, type: type)) }
        return columns
    }

    /// The tables, each after those it refers to (ties by name, so the
    /// order is the same every time).
    private func foreignKeyOrder(_ connection: PostgresConnection, tables: Set<String>) async throws -> [String] {
        let edges = try await connection.query("""
            SELECT c.conrelid::regclass::text, c.confrelid::regclass::text FROM pg_constraint c
            WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace
            """, logger: PostgresConnection.quiet).collect().map { try $0.decode((String, String).self) }
        var needs: [String: Set<String>] = [:]
        for (table, referenced) in edges where table != referenced && tables.contains(table) && tables.contains(referenced) {
            needs[table, default: []].insert(referenced)
        }
        var order: [String] = []
        var placed = Set<String>()
        while order.count < tables.count {
            guard let next = tables.subtracting(placed).sorted().first(where: { needs[$0, default: []].isSubset(of: placed) }) else {
                throw ChorusError(.unavailable, "The schema's foreign keys go in a circle; cannot order the copy")
            }
            order.append(next)
            placed.insert(next)
        }
        return order
    }

    /// Refuses a target that holds data. The migrations' own starting rows
    /// (the app dispatcher's cursor at event 0) do not count and make way.
    private func checkEmpty(_ connection: PostgresConnection, tables: [String]) async throws {
        try await connection.run("DELETE FROM outbox_cursors WHERE event_id = 0")
        for table in tables {
            if try await connection.scalar(Bool.self, "SELECT EXISTS (SELECT 1 FROM \(unescaped: PostgresSetup.quoted(table)))") == true {
                throw ChorusError.conflict("The PostgreSQL database already holds data (table \(table)): copy only into an empty database")
            }
        }
    }

    /// The search terms of every post that is not a reblog, as posting stores them.
    private func buildSearchIndex(_ connection: PostgresConnection, from source: any TableExport,
                                  progress: (Int) -> Void) async throws {
        try await connection.copyFrom(table: "status_search", columns: ["status_id", "terms"], logger: PostgresConnection.quiet) { writer in
            try await Self.copyBatches(of: "statuses", columns: ["id", "text", "spoiler_text", "reblog_of_id"], from: source,
                                       to: writer) { rows, buffer in
                for row in rows {
                    guard case .integer(let id) = row[0], row[3] == .null else { continue }
                    let text = [row[1], row[2]].map { value in if case .text(let text) = value { text } else { "" } }
                    let terms = PostgresSearchTerms.stored(text.joined(separator: " "))
                    CopyText.appendRow(["\(id)", CopyText.arrayLiteral(terms)], to: &buffer)
                }
                progress(rows.count)
            }
        }
    }

    /// Reads `columns` of `table` from the source a batch at a time, lets
    /// `encode` write each batch's COPY text, and sends it.
    private nonisolated(nonsending) static func copyBatches(of table: String, columns: [String], from source: any TableExport, to writer: PostgresCopyFromWriter,
                                    _ encode: ([[PortableValue]], inout ByteBuffer) throws -> Void) async throws {
        var after: [PortableValue]?
        repeat {
            let batch = try await source.exportBatch(table: table, columns: columns, after: after, limit: copyBatch)
            var buffer = ByteBuffer()
            try encode(batch.rows, &buffer)
            if buffer.readableBytes > 0 { try await writer.write(buffer) }
            after = batch.next
        } while after != nil
    }

    /// Sets each `GENERATED BY DEFAULT` identity past the largest copied id,
    /// so the next row inserted does not take one.
    private func advanceSequences(_ connection: PostgresConnection, columns: [String: [TargetColumn]]) async throws {
        let identities = try await connection.query("""
            SELECT table_name::text, column_name::text FROM information_schema.columns
            WHERE table_schema = current_schema() AND identity_generation = 'BY DEFAULT' ORDER BY table_name
            """, logger: PostgresConnection.quiet).collect().map { try $0.decode((String, String).self) }
        for (table, column) in identities {
            let name = PostgresSetup.quoted(table)
            try await connection.run("""
                SELECT setval(pg_get_serial_sequence(\(name), \(column)), max(\(unescaped: PostgresSetup.quoted(column))))
                FROM \(unescaped: name) HAVING max(\(unescaped: PostgresSetup.quoted(column))) IS NOT NULL
                """)
        }
    }
}

/// PostgreSQL's `COPY` text format: fields separated by tabs, rows by
/// newlines, `\N` for NULL, and backslash escapes for the separators.
enum CopyText {
    static func append(_ row: [PortableValue], types: [String], table: String, to buffer: inout ByteBuffer) throws {
        var fields: [String?] = []
        fields.reserveCapacity(row.count)
        for (value, type) in zip(row, types) { fields.append(try field(value, type: type, table: table)) }
        appendRow(fields, to: &buffer)
    }

    static func appendRow(_ fields: [String?], to buffer: inout ByteBuffer) {
        for (index, field) in fields.enumerated() {
            if index > 0 { buffer.writeString("\t") }
            guard let field else {
                buffer.writeString("\\N")
                continue
            }
            buffer.writeString(escaped(field))
        }
        buffer.writeString("\n")
    }

    static func escaped(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x5C || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": result += "\\\\"
            case "\t": result += "\\t"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// A `text[]` literal: `{"a","b"}`, each element quoted.
    static func arrayLiteral(_ elements: [String]) -> String {
        "{" + elements.map { element in
            "\"" + element.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }.joined(separator: ",") + "}"
    }

    /// A source value as the text of a column of `type`. SQLite keeps
    /// booleans as 0 and 1 and times as UTC text without a zone.
    static func field(_ value: PortableValue, type: String, table: String) throws -> String? {
        switch (value, type) {
        case (.null, _):
            return nil
        case (.integer(let number), "boolean"):
            return number == 0 ? "f" : "t"
        case (.text(let text), "timestamp with time zone"):
            // GRDB writes "2026-12-02 19:11:44.123" (UTC); a zone, if any, is in the last six characters.
            let tail = text.utf8.suffix(6)
            let hasZone = text.hasSuffix("Z") || tail.contains(UInt8(ascii: "+")) || (text.utf8.count > 19 && tail.contains(UInt8(ascii: "-")))
            return hasZone ? text : text + "+00"
        case (.integer(let seconds), "timestamp with time zone"):
            return ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
        case (.real(let seconds), "timestamp with time zone"):
            return ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: seconds))
        case (.integer(let number), _):
            return String(number)
        case (.real(let number), _):
            return String(number)
        case (.text(let text), _):
            return text
        case (.blob(let bytes), "text"):
            return String(decoding: bytes, as: UTF8.self)
        case (.blob, _):
            throw ChorusError.badRequest("\(table) holds bytes where PostgreSQL expects \(type)")
        }
    }
}
