import ChorusCore
import ChorusStore
import Foundation
import PostgresNIO

extension PostgresDatabase {
    /// Loads the statuses with these ids, in the given order, with everything
    /// a presenter needs. Ids the viewer may not see are dropped.
    func hydrate(_ connection: PostgresConnection, ids: [Int64], viewerID: Int64) async throws -> [HydratedStatus] {
        guard !ids.isEmpty else { return [] }
        let base = try await statusesVisible(connection, ids: ids, viewerID: viewerID)
        // Mentions and tags come in key order (status, then account or tag
        // name), the order SQLite's WITHOUT ROWID tables give them in.
        // Second level: reblogged originals and quoted posts.
        var nestedIDs = Set<Int64>()
        for status in base.values {
            if let original = status.reblogOfId { nestedIDs.insert(original) }
            if let quoted = status.quoteOfId { nestedIDs.insert(quoted) }
        }
        var all = base
        if !nestedIDs.isEmpty {
            var originals = try await statusesVisible(connection, ids: Array(nestedIDs), viewerID: viewerID)
            // Quotes inside reblogged originals.
            let quoteIDs = Set(originals.values.compactMap(\.quoteOfId)).subtracting(originals.keys)
            if !quoteIDs.isEmpty {
                for (id, status) in try await statusesVisible(connection, ids: Array(quoteIDs), viewerID: viewerID) { originals[id] = status }
            }
            for (id, status) in originals { all[id] = status }
        }
        let quotedIDs = Array(Set(all.values.compactMap(\.quoteOfId)))
        let existingQuoted = try await quotedIDs.isEmpty ? Set<Int64>()
            : Set(connection.column(Int64.self, "SELECT id FROM statuses WHERE id = ANY(\(quotedIDs))"))

        let statusIDs = Array(all.keys)
        var accountIDs = Set(all.values.map(\.accountId))
        var mentionsByStatus: [Int64: [Int64]] = [:]
        let mentionRows = try await connection.query("SELECT status_id, account_id FROM mentions WHERE status_id = ANY(\(statusIDs)) ORDER BY status_id, account_id",
                                                     logger: PostgresConnection.quiet)
        for try await (statusID, accountID) in mentionRows.decode((Int64, Int64).self) {
            mentionsByStatus[statusID, default: []].append(accountID)
            accountIDs.insert(accountID)
        }
        let accountList = Array(accountIDs)
        let accounts = Dictionary(try await connection.records(AccountRecord.self, "SELECT * FROM accounts WHERE id = ANY(\(accountList))")
            .map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var tagsByStatus: [Int64: [TagRef]] = [:]
        let tagRows = try await connection.query("""
            SELECT st.status_id, t.name, t.display_name FROM status_tags st JOIN tags t ON t.name = st.tag
            WHERE st.status_id = ANY(\(statusIDs)) ORDER BY st.status_id, st.tag
            """, logger: PostgresConnection.quiet)
        for try await (statusID, name, display) in tagRows.decode((Int64, String, String).self) {
            tagsByStatus[statusID, default: []].append(TagRef(name: name, display: display))
        }
        let favourited = Set(try await connection.column(Int64.self, """
            SELECT status_id FROM favourites WHERE account_id = \(viewerID) AND status_id = ANY(\(statusIDs))
            """))
        let reblogged = Set(try await connection.column(Int64.self, """
            SELECT reblog_of_id FROM statuses WHERE account_id = \(viewerID) AND reblog_of_id = ANY(\(statusIDs))
            """))
        let teamIDs = Array(Set(all.values.compactMap(\.teamId)))
        let teams = try await teamIDs.isEmpty ? [:] : Dictionary(connection.records(TeamRecord.self, "SELECT * FROM teams WHERE id = ANY(\(teamIDs))")
            .map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let pinned = try await teamIDs.isEmpty ? Set<Int64>()
            : Set(connection.column(Int64.self, "SELECT status_id FROM team_pins WHERE status_id = ANY(\(statusIDs))"))

        return HydratedStatus.assemble(ids: ids, base: base, all: all, existingQuoted: existingQuoted, accounts: accounts,
                                       mentions: mentionsByStatus, tags: tagsByStatus, favourited: favourited,
                                       reblogged: reblogged, teams: teams, pinned: pinned)
    }

    /// The statuses with these ids that the viewer may see, by id.
    func statusesVisible(_ connection: PostgresConnection, ids: [Int64], viewerID: Int64) async throws -> [Int64: StatusRecord] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await connection.records(StatusRecord.self, """
            SELECT s.* FROM statuses s WHERE s.id = ANY(\(ids)) AND \(unescaped: visibleToViewerSQL("s", viewerID: viewerID))
            """)
        return Dictionary(rows.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// A status if `viewerID` may see it.
    func visibleStatus(_ connection: PostgresConnection, id: Int64, viewerID: Int64) async throws -> StatusRecord? {
        try await connection.record(StatusRecord.self, """
            SELECT s.* FROM statuses s WHERE s.id = \(id) AND \(unescaped: visibleToViewerSQL("s", viewerID: viewerID))
            """)
    }
}
