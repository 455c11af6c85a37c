import ChorusCore
import ChorusStore
import Foundation
import PostgresNIO

extension PostgresDatabase {
    public func installApp(_ new: NewApp) async throws -> InstalledApp {
        throw PostgresDatabase.notYet
    }

    public func installedApps(teamIDs: [Int64]?, companyWideOnly: Bool) async throws -> [InstalledApp] {
        throw PostgresDatabase.notYet
    }

    public func installedApp(id: Int64) async throws -> InstalledApp? {
        throw PostgresDatabase.notYet
    }

    public func updateApp(_ app: AppRecord, actorID: Int64) async throws -> AppRecord {
        throw PostgresDatabase.notYet
    }

    public func rotateAppSecret(appID: Int64, newSecret: String, previousUntil: Date, actorID: Int64) async throws {
        throw PostgresDatabase.notYet
    }

    public func uninstallApp(appID: Int64, actorID: Int64) async throws {
        throw PostgresDatabase.notYet
    }

    public func app(incomingHash: String) async throws -> InstalledApp? {
        throw PostgresDatabase.notYet
    }

    public func commandApp(name: String, teamID: Int64?) async throws -> InstalledApp? {
        throw PostgresDatabase.notYet
    }
}
