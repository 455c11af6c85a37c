import ChorusCore
import ChorusStore
import Foundation
import PostgresNIO

extension PostgresDatabase {
    public func createTeam(_ team: TeamRecord, ownerID: Int64, numberIfTaken: Bool) async throws -> TeamRecord {
        throw PostgresDatabase.notYet
    }

    public func updateTeam(_ team: TeamRecord, actorID: Int64, action: String) async throws -> TeamRecord {
        throw PostgresDatabase.notYet
    }

    public func teams(ids: [Int64]) async throws -> [TeamRecord] {
        throw PostgresDatabase.notYet
    }

    public func team(id: Int64) async throws -> TeamRecord? {
        throw PostgresDatabase.notYet
    }

    public func teamView(id: Int64, viewerID: Int64) async throws -> TeamView? {
        throw PostgresDatabase.notYet
    }

    public func teamView(slug: String, viewerID: Int64) async throws -> TeamView? {
        throw PostgresDatabase.notYet
    }

    public func teamRole(teamID: Int64, accountID: Int64) async throws -> TeamRole? {
        throw PostgresDatabase.notYet
    }

    public func teams(viewerID: Int64, mine: Bool, includeArchived: Bool) async throws -> [TeamView] {
        throw PostgresDatabase.notYet
    }

    public func addTeamMember(teamID: Int64, accountID: Int64, role: TeamRole, actorID: Int64) async throws {
        throw PostgresDatabase.notYet
    }

    public func removeTeamMember(teamID: Int64, accountID: Int64, actorID: Int64) async throws {
        throw PostgresDatabase.notYet
    }

    public func ownerCount(teamID: Int64) async throws -> Int {
        throw PostgresDatabase.notYet
    }

    public func teamMembers(teamID: Int64, limit: Int, offset: Int) async throws -> [TeamMember] {
        throw PostgresDatabase.notYet
    }

    public func teamMemberIDs(teamID: Int64) async throws -> Set<Int64> {
        throw PostgresDatabase.notYet
    }

    public func requestToJoin(teamID: Int64, accountID: Int64) async throws {
        throw PostgresDatabase.notYet
    }

    public func joinRequests(teamID: Int64) async throws -> [AccountRecord] {
        throw PostgresDatabase.notYet
    }

    @discardableResult
    public func deleteJoinRequest(teamID: Int64, accountID: Int64) async throws -> Bool {
        throw PostgresDatabase.notYet
    }

    public func teamFeed(teamID: Int64, viewerID: Int64, filter: TeamFeedFilter, page: Page, withPins: Bool) async throws -> (pinned: [HydratedStatus], posts: [HydratedStatus]) {
        throw PostgresDatabase.notYet
    }

    public func myTeamsTimeline(viewerID: Int64, page: Page) async throws -> [HydratedStatus] {
        throw PostgresDatabase.notYet
    }

    public func pinnedStatusIDs(teamID: Int64) async throws -> [Int64] {
        throw PostgresDatabase.notYet
    }

    public func pin(teamID: Int64, statusID: Int64, actorID: Int64) async throws {
        throw PostgresDatabase.notYet
    }

    public func unpin(teamID: Int64, statusID: Int64) async throws {
        throw PostgresDatabase.notYet
    }

    public func setBestAnswer(questionID: Int64, answerID: Int64?) async throws {
        throw PostgresDatabase.notYet
    }

    public func isInThread(answerID: Int64, questionID: Int64) async throws -> Bool {
        throw PostgresDatabase.notYet
    }
}
