import ChorusCore
import ChorusStore
import Foundation
import PostgresNIO

extension PostgresDatabase {
    public func createChannel(_ channel: BrandChannelRecord, actorID: Int64) async throws -> BrandChannelRecord {
        throw PostgresDatabase.notYet
    }

    public func updateChannel(_ channel: BrandChannelRecord, actorID: Int64) async throws -> BrandChannelRecord {
        throw PostgresDatabase.notYet
    }

    public func setChannelDisabled(id: Int64, _ disabled: Bool, actorID: Int64) async throws -> BrandChannelRecord {
        throw PostgresDatabase.notYet
    }

    public func channels() async throws -> [BrandChannelRecord] {
        throw PostgresDatabase.notYet
    }

    public func channel(id: Int64) async throws -> BrandChannelRecord? {
        throw PostgresDatabase.notYet
    }

    public func channel(slug: String) async throws -> BrandChannelRecord? {
        throw PostgresDatabase.notYet
    }

    public func leakRules() async throws -> [LeakRuleRecord] {
        throw PostgresDatabase.notYet
    }

    public func addLeakRule(_ rule: LeakRuleRecord) async throws -> LeakRuleRecord {
        throw PostgresDatabase.notYet
    }

    public func deleteLeakRule(id: Int64, actorID: Int64) async throws {
        throw PostgresDatabase.notYet
    }

    public func createNomination(_ nomination: NominationRecord, channelIDs: [Int64]) async throws -> NominationView {
        throw PostgresDatabase.notYet
    }

    public func nominations(state: NominationRecord.State?, page: Page) async throws -> [NominationView] {
        throw PostgresDatabase.notYet
    }

    public func nomination(id: Int64) async throws -> NominationView? {
        throw PostgresDatabase.notYet
    }

    public func openNominations(statusID: Int64) async throws -> [NominationView] {
        throw PostgresDatabase.notYet
    }

    public func approve(nominationID: Int64, reviewerID: Int64, exports: [NewExport], publishAt: Date?) async throws -> NominationView {
        throw PostgresDatabase.notYet
    }

    public func reject(nominationID: Int64, reviewerID: Int64, reason: String) async throws -> NominationView {
        throw PostgresDatabase.notYet
    }

    public func retractNomination(id: Int64, actorID: Int64, reason: String) async throws -> NominationView {
        throw PostgresDatabase.notYet
    }

    public func claimDueExports(limit: Int, leaseUntil: Date) async throws -> [ClaimedExport] {
        throw PostgresDatabase.notYet
    }

    public func recordExport(id: Int64, from state: ExportRecord.State, outcome: ExportOutcome) async throws {
        throw PostgresDatabase.notYet
    }

    public func retryExport(id: Int64, actorID: Int64) async throws -> ExportRecord {
        throw PostgresDatabase.notYet
    }

    public func publishedExports(channelID: Int64, limit: Int) async throws -> [ExportRecord] {
        throw PostgresDatabase.notYet
    }
}
