import ChorusCore
import ChorusStore
import Foundation
import PostgresNIO

extension PostgresDatabase {
    public func auditLog(page: Page, readerID: Int64?) async throws -> [AuditRecord] {
        let query = PageQuery(page, column: "a.id")
        // With a reader, entries about a private team they are not in (the
        // team's own, and those of its apps) are left out.
        let hidden = readerID.map { readerID in
            """
             AND NOT EXISTS (
                SELECT 1 FROM teams t
                WHERE t.privacy <> 'public'
                  AND t.id = CASE
                      WHEN a.subject LIKE 'team:%' THEN CAST(substr(a.subject, 6) AS BIGINT)
                      WHEN a.action LIKE 'app.%' AND a.subject LIKE 'app:%'
                          THEN (SELECT team_id FROM apps WHERE id = CAST(substr(a.subject, 5) AS BIGINT))
                  END
                  AND NOT EXISTS (SELECT 1 FROM team_members m WHERE m.team_id = t.id AND m.account_id = \(readerID)))
            """
        } ?? ""
        return try await read { connection in
            query.ordered(try await connection.records(AuditRecord.self, """
                SELECT * FROM audit_log a WHERE true\(unescaped: hidden)\(unescaped: query.andConditions)\(unescaped: query.tail)
                """))
        }
    }

    public func recordAudit(actorID: Int64?, action: String, subject: String?, detail: [String: String], ip: String?) async throws {
        try await write { connection in
            try await self.appendAudit(connection, actorID: actorID, action: action, subject: subject, detail: detail, ip: ip)
        }
    }

    public func bridgeAudit(page: Page) async throws -> [AuditRecord] {
        let query = PageQuery(page, column: "id")
        return try await read { connection in
            query.ordered(try await connection.records(AuditRecord.self, """
                SELECT * FROM audit_log WHERE action LIKE 'bridge.%'\(unescaped: query.andConditions)\(unescaped: query.tail)
                """))
        }
    }
}
