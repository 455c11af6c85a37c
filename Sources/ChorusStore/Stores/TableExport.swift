/// A stored value as it moves from one backend to another (`chorus copy-data`),
/// in the source's own terms; the target converts it by its column's type.
public enum PortableValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
}

/// A database whose tables can be read out whole, to copy them into another
/// backend. Only for a database no server is writing to.
public protocol TableExport: Sendable {
    /// Each table that holds Chorus's data, with its column names.
    func exportedTables() async throws -> [String: [String]]
    /// How many rows `table` has.
    func rowCount(table: String) async throws -> Int
    /// Up to `limit` rows of `table` (the `columns` of each) after the row
    /// whose key is `after` (from the start when nil), in primary-key
    /// order, with the key of the last row to ask for the next batch.
    func exportBatch(table: String, columns: [String], after: [PortableValue]?, limit: Int) async throws -> ExportBatch
}

/// Rows read out of a table, and where the next batch starts (nil after the last).
public struct ExportBatch: Sendable {
    public var rows: [[PortableValue]]
    public var next: [PortableValue]?

    public init(rows: [[PortableValue]], next: [PortableValue]?) {
        self.rows = rows
        self.next = next
    }
}
