import ChorusCore
import ChorusStore
import Foundation
import PostgresNIO

extension PostgresDatabase {
    /// Appends a domain event to the outbox inside the current transaction.
    func appendEvent(_ connection: PostgresConnection, type: String, payload: [String: any Sendable]) async throws {
        let data = try JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys])
        try await connection.run("""
            INSERT INTO outbox (type, payload, created_at) VALUES (\(type), \(String(decoding: data, as: UTF8.self)), \(now()))
            """)
    }

    /// Appends an entry to the audit log inside the current transaction.
    func appendAudit(_ connection: PostgresConnection, actorID: Int64?, action: String, subject: String?,
                     detail: [String: any Sendable] = [:], ip: String? = nil) async throws {
        let data = try JSONSerialization.data(withJSONObject: detail, options: [.sortedKeys])
        try await connection.run("""
            INSERT INTO audit_log (actor_id, action, subject, detail, ip, created_at)
            VALUES (\(actorID), \(action), \(subject), \(String(decoding: data, as: UTF8.self)), \(ip), \(now()))
            """)
    }
}

/// The visibility rule of `StatusAccess.canSee` as an SQL condition on a
/// statuses row aliased `alias` (the same condition as SQLite's). The viewer
/// id is an integer, so it is written into the SQL directly.
func visibleToViewerSQL(_ alias: String, viewerID: Int64) -> String {
    visibleToViewerSQL(alias, viewer: String(viewerID))
}

/// The same condition with `viewer` as any SQL expression (a column such as
/// the bot of a delivery's app).
func visibleToViewerSQL(_ alias: String, viewer viewerID: String) -> String {
    """
    (\(alias).visibility = 'company' OR (\(alias).account_id = \(viewerID) AND \(alias).visibility <> 'team') \
    OR (\(alias).visibility = 'followers' AND EXISTS (SELECT 1 FROM follows vf WHERE vf.account_id = \(viewerID) AND vf.target_account_id = \(alias).account_id)) \
    OR (\(alias).visibility IN ('followers', 'direct') AND EXISTS (SELECT 1 FROM mentions vm WHERE vm.status_id = \(alias).id AND vm.account_id = \(viewerID))) \
    OR (\(alias).visibility = 'team' AND EXISTS (SELECT 1 FROM teams vt WHERE vt.id = \(alias).team_id AND \(teamVisibleToViewerSQL("vt", viewer: viewerID)))))
    """
}

/// True when the viewer may see team `alias` (public, or a member of it).
func teamVisibleToViewerSQL(_ alias: String, viewerID: Int64) -> String {
    teamVisibleToViewerSQL(alias, viewer: String(viewerID))
}

/// The same condition with `viewer` as any SQL expression.
func teamVisibleToViewerSQL(_ alias: String, viewer viewerID: String) -> String {
    "(\(alias).privacy = 'public' OR EXISTS (SELECT 1 FROM team_members vtm WHERE vtm.team_id = \(alias).id AND vtm.account_id = \(viewerID)))"
}

/// The `AND … ORDER BY … LIMIT` tail of an id-paginated query. The bounds
/// are integers, so they are written into the SQL (`\(unescaped:)`), which
/// lets the tail follow any query without renumbering its parameters.
struct PageQuery {
    private(set) var conditions: [String] = []
    let order: String
    let limit: Int
    let reversed: Bool

    /// `column` is the id column the page refers to (e.g. `s.id`).
    init(_ page: Page, column: String) {
        limit = page.limit
        if let minID = page.minID {
            conditions.append("\(column) > \(minID)")
            order = "\(column) ASC"
            reversed = true
        } else {
            order = "\(column) DESC"
            reversed = false
            if let sinceID = page.sinceID { conditions.append("\(column) > \(sinceID)") }
        }
        if let maxID = page.maxID { conditions.append("\(column) < \(maxID)") }
    }

    /// `AND …` for the page's conditions (empty when none).
    var andConditions: String { conditions.isEmpty ? "" : " AND " + conditions.joined(separator: " AND ") }

    var tail: String { " ORDER BY \(order) LIMIT \(limit)" }

    func ordered<T>(_ items: [T]) -> [T] { reversed ? items.reversed() : items }
}
