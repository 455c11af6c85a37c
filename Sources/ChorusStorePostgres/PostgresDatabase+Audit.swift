import ChorusCore
import ChorusStore
import Foundation
import PostgresNIO

extension PostgresDatabase {
    public func auditLog(page: Page, readerID: Int64?) async throws -> [AuditRecord] {
        throw PostgresDatabase.notYet
    }

    public func recordAudit(actorID: Int64?, action: String, subject: String?, detail: [String: String], ip: String?) async throws {
        throw PostgresDatabase.notYet
    }

    public func bridgeAudit(page: Page) async throws -> [AuditRecord] {
        throw PostgresDatabase.notYet
    }
}
