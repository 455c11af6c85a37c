import ChorusCore
import Foundation

/// Everything Chorus keeps, one store per area. Each method is one
/// transaction named for what it does, and writes its outbox events in that
/// same transaction. SQLite (`ChorusStoreSQLite`) and PostgreSQL
/// (`ChorusStorePostgres`) implement it; services see only this protocol
/// and the plain records of this target.
public protocol ChorusDatabase: AccountStore, AuditStore, FollowStore, StatusStore, TimelineStore, TeamStore,
    InstalledAppStore, DeliveryStore, BridgeStore, OutboxStore, NotificationStore, OAuthStore, SessionStore,
    SearchStore, InstanceStore {
    /// Makes ids for statuses and notifications (time-ordered).
    var ids: SnowflakeGenerator { get }
}

extension AuditStore {
    /// The audit log as an administrator sees it.
    public func auditLog(page: Page) async throws -> [AuditRecord] {
        try await auditLog(page: page, readerID: nil)
    }
}

extension InstalledAppStore {
    /// Every installed app.
    public func installedApps() async throws -> [InstalledApp] {
        try await installedApps(teamIDs: nil, companyWideOnly: false)
    }

    /// The apps installed in these teams.
    public func installedApps(teamIDs: [Int64]) async throws -> [InstalledApp] {
        try await installedApps(teamIDs: teamIDs, companyWideOnly: false)
    }

    /// The apps installed for the whole company (`companyWideOnly`) or everywhere.
    public func installedApps(companyWideOnly: Bool) async throws -> [InstalledApp] {
        try await installedApps(teamIDs: nil, companyWideOnly: companyWideOnly)
    }
}
