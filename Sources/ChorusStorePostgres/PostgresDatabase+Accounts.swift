import ChorusCore
import ChorusStore
import Foundation
import PostgresNIO

extension PostgresDatabase {
    public func createAccount(_ new: NewAccount, actorID: Int64?, inviteHash: String?, onlyIfEmpty: Bool) async throws -> AccountRecord {
        throw PostgresDatabase.notYet
    }

    public func account(id: Int64) async throws -> AccountRecord? {
        throw PostgresDatabase.notYet
    }

    public func account(username: String) async throws -> AccountRecord? {
        throw PostgresDatabase.notYet
    }

    public func account(login: String) async throws -> AccountRecord? {
        throw PostgresDatabase.notYet
    }

    public func accounts(ids: [Int64]) async throws -> [AccountRecord] {
        throw PostgresDatabase.notYet
    }

    public func listAccounts() async throws -> [AccountRecord] {
        throw PostgresDatabase.notYet
    }

    public func accountCount() async throws -> Int {
        throw PostgresDatabase.notYet
    }

    public func updateProfile(accountID: Int64, displayName: String?, note: String?, locale: String?) async throws -> AccountRecord {
        throw PostgresDatabase.notYet
    }

    public func setPasswordHash(accountID: Int64, hash: String, keepTokenID: Int64?, actorIP: String?) async throws -> [Int64] {
        throw PostgresDatabase.notYet
    }

    public func setRole(accountID: Int64, role: Role, actorID: Int64?) async throws -> AccountRecord {
        throw PostgresDatabase.notYet
    }

    public func setActive(accountID: Int64, active: Bool, actorID: Int64?) async throws -> AccountRecord {
        throw PostgresDatabase.notYet
    }

    public func createInvite(_ invite: InviteRecord) async throws -> InviteRecord {
        throw PostgresDatabase.notYet
    }

    public func openInvite(tokenHash: String) async throws -> InviteRecord? {
        throw PostgresDatabase.notYet
    }
}
