import ChorusCore
import ChorusStore
import Foundation
import GRDB

extension SQLiteDatabase {
    /// Loads the statuses with these ids, in the given order, with everything
    /// a presenter needs. Ids the viewer may not see are dropped.
    public func hydrate(ids: [Int64], viewerID: Int64) async throws -> [HydratedStatus] {
        guard !ids.isEmpty else { return [] }
        return try await read { db in try self.hydrate(db, ids: ids, viewerID: viewerID) }
    }

    func hydrate(_ db: Database, ids: [Int64], viewerID: Int64) throws -> [HydratedStatus] {
        let base = try statusesVisible(db, ids: ids, viewerID: viewerID)
        // Second level: reblogged originals and quoted posts.
        var nestedIDs = Set<Int64>()
        for status in base.values {
            if let original = status.reblogOfId { nestedIDs.insert(original) }
            if let quoted = status.quoteOfId { nestedIDs.insert(quoted) }
        }
        var all = base
        var originals: [Int64: StatusRecord] = [:]
        if !nestedIDs.isEmpty {
            originals = try statusesVisible(db, ids: Array(nestedIDs), viewerID: viewerID)
            // Quotes inside reblogged originals.
            let quoteIDs = Set(originals.values.compactMap(\.quoteOfId)).subtracting(originals.keys)
            if !quoteIDs.isEmpty {
                for (id, status) in try statusesVisible(db, ids: Array(quoteIDs), viewerID: viewerID) { originals[id] = status }
            }
            for (id, status) in originals { all[id] = status }
        }
        let existingQuoted = try existingIDs(db, ids: Array(Set(all.values.compactMap(\.quoteOfId))))

        let statusIDs = Array(all.keys)
        let statusList = jsonList(statusIDs)
        let mentionRows = try Row.fetchAll(db.cachedStatement(sql: "SELECT status_id, account_id FROM mentions WHERE status_id IN (SELECT value FROM json_each(?))"),
                                           arguments: [statusList])
        var accountIDs = Set(all.values.map(\.accountId))
        var mentionsByStatus: [Int64: [Int64]] = [:]
        for row in mentionRows {
            let accountID: Int64 = row["account_id"]
            mentionsByStatus[row["status_id"], default: []].append(accountID)
            accountIDs.insert(accountID)
        }
        let accounts = Dictionary(uniqueKeysWithValues: try AccountRecord.fetchAllByPosition(
            db.cachedStatement(sql: "SELECT * FROM accounts WHERE id IN (SELECT value FROM json_each(?))"), arguments: [jsonList(accountIDs)]).map { ($0.id, $0) })
        var tagsByStatus: [Int64: [TagRef]] = [:]
        for row in try Row.fetchAll(db.cachedStatement(sql: """
            SELECT st.status_id, t.name, t.display_name FROM status_tags st JOIN tags t ON t.name = st.tag
            WHERE st.status_id IN (SELECT value FROM json_each(?))
            """), arguments: [statusList]) {
            tagsByStatus[row["status_id"], default: []].append(TagRef(name: row["name"], display: row["display_name"]))
        }
        let favourited = Set(try Int64.fetchAll(db.cachedStatement(sql: "SELECT status_id FROM favourites WHERE account_id = ? AND status_id IN (SELECT value FROM json_each(?))"),
                                                arguments: [viewerID, statusList]))
        let reblogged = Set(try Int64.fetchAll(db.cachedStatement(sql: "SELECT reblog_of_id FROM statuses WHERE account_id = ? AND reblog_of_id IN (SELECT value FROM json_each(?))"),
                                               arguments: [viewerID, statusList]))
        let teamIDs = Set(all.values.compactMap(\.teamId))
        let teams = teamIDs.isEmpty ? [:] : Dictionary(uniqueKeysWithValues: try TeamRecord.fetchAll(
            db.cachedStatement(sql: "SELECT * FROM teams WHERE id IN (SELECT value FROM json_each(?))"), arguments: [jsonList(teamIDs)]).map { ($0.id, $0) })
        let pinned = teamIDs.isEmpty ? Set<Int64>() : Set(try Int64.fetchAll(
            db.cachedStatement(sql: "SELECT status_id FROM team_pins WHERE status_id IN (SELECT value FROM json_each(?))"), arguments: [statusList]))

        return HydratedStatus.assemble(ids: ids, base: base, all: all, existingQuoted: existingQuoted, accounts: accounts,
                                       mentions: mentionsByStatus, tags: tagsByStatus, favourited: favourited,
                                       reblogged: reblogged, teams: teams, pinned: pinned)
    }

    func statusesVisible(_ db: Database, ids: [Int64], viewerID: Int64) throws -> [Int64: StatusRecord] {
        guard !ids.isEmpty else { return [:] }
        let rows = try StatusRecord.fetchAllByPosition(db.cachedStatement(sql: """
            SELECT s.* FROM statuses s WHERE s.id IN (SELECT value FROM json_each(:ids)) AND \(visibleToViewerSQL("s", viewer: ":viewer"))
            """), arguments: ["ids": jsonList(ids), "viewer": viewerID])
        return Dictionary(uniqueKeysWithValues: rows.map { ($0.id, $0) })
    }

    func existingIDs(_ db: Database, ids: [Int64]) throws -> Set<Int64> {
        guard !ids.isEmpty else { return [] }
        return Set(try Int64.fetchAll(db.cachedStatement(sql: "SELECT id FROM statuses WHERE id IN (SELECT value FROM json_each(?))"),
                                      arguments: [jsonList(ids)]))
    }
}

/// A JSON array of ids, bound as one parameter (`IN (SELECT value FROM
/// json_each(?))`), so the statement text stays the same whatever the count
/// and SQLite compiles it once per connection.
func jsonList(_ ids: some Sequence<Int64>) -> String {
    "[" + ids.map(String.init).joined(separator: ",") + "]"
}

/// A JSON array of strings, bound as one parameter like `jsonList(_:)` of ids.
func jsonList(_ strings: [String]) -> String {
    (try? JSONSerialization.data(withJSONObject: strings)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
}
