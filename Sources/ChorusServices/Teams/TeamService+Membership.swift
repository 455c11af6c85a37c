import ChorusCore
import ChorusStore
import Foundation

/// Joining, leaving, members and their roles, join requests.
extension TeamService {
    // MARK: Membership

    /// Joins an open team, or asks to join a team that takes requests.
    public func join(id: Int64, by viewer: AccountRecord) async throws -> TeamView {
        let view = try await team(id: id, viewer: viewer)
        if view.role != nil { return view }
        if let refusal = TeamRules.join(view.ruleFacts) { throw refusal }
        switch view.team.joinPolicy {
        case .open:
            try await database.addTeamMember(teamID: id, accountID: viewer.id, role: .member, actorID: viewer.id)
        case .request:
            try await database.requestToJoin(teamID: id, accountID: viewer.id)
        case .invite:
            break  // refused above by TeamRules.join
        }
        return try await team(id: id, viewer: viewer)
    }

    /// Leaves a team (or withdraws a join request). The last owner cannot leave.
    public func leave(id: Int64, by viewer: AccountRecord) async throws -> TeamView {
        let view = try await team(id: id, viewer: viewer)
        guard let role = view.role else {
            try await database.deleteJoinRequest(teamID: id, accountID: viewer.id)
            return try await team(id: id, viewer: viewer)
        }
        if role == .owner, try await database.ownerCount(teamID: id) <= 1 {
            throw ChorusError.unprocessable("The last owner cannot leave: make someone else an owner first")
        }
        try await database.removeTeamMember(teamID: id, accountID: viewer.id, actorID: viewer.id)
        return TeamView(team: try await currentTeam(id), role: nil, requested: false)
    }

    /// Members with their roles (visible to whoever may see the team).
    public func members(id: Int64, viewer: AccountRecord, limit: Int, offset: Int) async throws -> [TeamMember] {
        _ = try await team(id: id, viewer: viewer)
        return try await database.teamMembers(teamID: id, limit: max(1, min(limit, 80)), offset: max(0, offset))
    }

    /// Adds a person with a role, or changes a member's role. Admins add
    /// members and admins; only owners make owners or change an owner.
    public func addMember(teamID: Int64, accountID: Int64, role: TeamRole, by actor: AccountRecord) async throws -> TeamMember {
        let view = try await managed(teamID, by: actor)
        return try await addMember(try await database.account(id: accountID), to: view, role: role, by: actor)
    }

    /// The same for the person with this username (the web's "add a member"
    /// form); a leading `@` is fine.
    public func addMember(teamID: Int64, username: String, role: TeamRole, by actor: AccountRecord) async throws -> TeamMember {
        let view = try await managed(teamID, by: actor)
        let name = username.trimmingCharacters(in: .whitespacesAndNewlines)
        let person = try await database.account(username: name.hasPrefix("@") ? String(name.dropFirst()) : name)
        return try await addMember(person, to: view, role: role, by: actor)
    }

    private func addMember(_ person: AccountRecord?, to view: TeamView, role: TeamRole, by actor: AccountRecord) async throws -> TeamMember {
        guard let person, person.isActive else { throw ChorusError.notFound("No such person") }
        let teamID = view.team.id
        let current = try await database.teamRole(teamID: teamID, accountID: person.id)
        if let refusal = TeamRules.setRole(role, of: current, in: view.ruleFacts) { throw refusal }
        if current == .owner, role != .owner, try await database.ownerCount(teamID: teamID) <= 1 {
            throw ChorusError.unprocessable("A team needs at least one owner")
        }
        try await database.addTeamMember(teamID: teamID, accountID: person.id, role: role, actorID: actor.id)
        return TeamMember(account: person, role: role, since: clock.now())
    }

    /// Removes a member (owners and admins; admins cannot remove owners).
    public func removeMember(teamID: Int64, accountID: Int64, by actor: AccountRecord) async throws {
        let view = try await managed(teamID, by: actor)
        guard let current = try await database.teamRole(teamID: teamID, accountID: accountID) else { throw ChorusError.notFound("Not a member") }
        if let refusal = TeamRules.remove(current, from: view.ruleFacts) { throw refusal }
        if current == .owner, try await database.ownerCount(teamID: teamID) <= 1 { throw ChorusError.unprocessable("A team needs at least one owner") }
        try await database.removeTeamMember(teamID: teamID, accountID: accountID, actorID: actor.id)
    }

    public func joinRequests(teamID: Int64, by actor: AccountRecord) async throws -> [AccountRecord] {
        _ = try await managed(teamID, by: actor)
        return try await database.joinRequests(teamID: teamID)
    }

    /// Approves (the person becomes a member) or rejects a join request.
    public func decideRequest(teamID: Int64, accountID: Int64, approve: Bool, by actor: AccountRecord) async throws {
        _ = try await managed(teamID, by: actor)
        guard try await database.joinRequests(teamID: teamID).contains(where: { $0.id == accountID }) else {
            throw ChorusError.notFound("No pending request from that person")
        }
        if approve {
            try await database.addTeamMember(teamID: teamID, accountID: accountID, role: .member, actorID: actor.id)
        } else {
            try await database.deleteJoinRequest(teamID: teamID, accountID: accountID)
        }
    }
}
