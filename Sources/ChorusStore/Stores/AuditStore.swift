import ChorusCore
import Foundation

/// The audit log: who did what, from where.
public protocol AuditStore: Sendable {
    /// The audit log, newest first. With `readerID`, entries about a private
    /// team the reader is not in (the team's own entries, and those of its
    /// apps) are left out: an administrator reads the log, but has no more
    /// sight of a private team than anyone else outside it.
    func auditLog(page: Page, readerID: Int64?) async throws -> [AuditRecord]

    /// Records a security-relevant event that has no other write (a sign-in).
    func recordAudit(actorID: Int64?, action: String, subject: String?, detail: [String: String], ip: String?) async throws

    /// The bridge's audit log (nominations, reviews, exports, retractions), newest first.
    func bridgeAudit(page: Page) async throws -> [AuditRecord]
}
