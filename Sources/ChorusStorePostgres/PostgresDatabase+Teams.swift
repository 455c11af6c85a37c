import ChorusCore
import ChorusStore
import Foundation
import PostgresNIO

extension PostgresDatabase {
    /// Creates a team with `ownerID` as its first owner. An address is a 409
    /// only when a team the creator can see has it; with `numberIfTaken` it
    /// gets the first free number among the same teams instead. The check
    /// and the insert share one SERIALIZABLE transaction, so two creations of
    /// the same visible address cannot both pass it (one is retried).
    public func createTeam(_ team: TeamRecord, ownerID: Int64, numberIfTaken: Bool) async throws -> TeamRecord {
        let now = now()
        let result = try await write { connection in
            var team = team
            if try await self.visibleTeamHasSlug(connection, team.slug, viewerID: ownerID) {
                guard numberIfTaken else { throw ChorusError.conflict("The team address \(team.slug) is taken") }
                let base = team.slug
                var number = 2
                while try await self.visibleTeamHasSlug(connection, Slug.numbered(base, number), viewerID: ownerID) { number += 1 }
                team.slug = Slug.numbered(base, number)
            }
            team.membersCount = 1
            try await connection.run("""
                INSERT INTO teams (id, name, slug, description, privacy, join_policy, members_count, created_by, created_at, archived_at)
                VALUES (\(team.id), \(team.name), \(team.slug), \(team.description), \(team.privacy.rawValue), \(team.joinPolicy.rawValue),
                        \(team.membersCount), \(team.createdBy), \(team.createdAt), \(team.archivedAt))
                """)
            try await connection.run("""
                INSERT INTO team_members (team_id, account_id, role, created_at) VALUES (\(team.id), \(ownerID), 'owner', \(now))
                """)
            try await self.appendAudit(connection, actorID: ownerID, action: "team.created", subject: "team:\(team.id)",
                                       detail: ["slug": team.slug, "privacy": team.privacy.rawValue])
            return team
        }
        feeds.relationsChanged(viewerID: ownerID)
        return result
    }

    /// Saves changed team fields. A team made public may not share its
    /// address with another public team.
    public func updateTeam(_ team: TeamRecord, actorID: Int64, action: String) async throws -> TeamRecord {
        try await write { connection in
            if team.privacy == .public, try await connection.scalar(Bool.self, """
                SELECT EXISTS (SELECT 1 FROM teams WHERE lower(slug) = lower(\(team.slug)) AND id <> \(team.id) AND privacy = 'public')
                """) == true {
                throw ChorusError.conflict("A public team already has the address \(team.slug)")
            }
            try await connection.run("""
                UPDATE teams SET name = \(team.name), slug = \(team.slug), description = \(team.description),
                                 privacy = \(team.privacy.rawValue), join_policy = \(team.joinPolicy.rawValue),
                                 members_count = \(team.membersCount), created_by = \(team.createdBy), created_at = \(team.createdAt),
                                 archived_at = \(team.archivedAt)
                WHERE id = \(team.id)
                """)
            try await self.appendAudit(connection, actorID: actorID, action: action, subject: "team:\(team.id)")
            return team
        }
    }

    public func teams(ids: [Int64]) async throws -> [TeamRecord] {
        try await read { try await $0.records(TeamRecord.self, "SELECT * FROM teams WHERE id = ANY(\(ids)) ORDER BY id") }
    }

    public func team(id: Int64) async throws -> TeamRecord? {
        try await read { try await $0.record(TeamRecord.self, "SELECT * FROM teams WHERE id = \(id)") }
    }

    public func teamView(id: Int64, viewerID: Int64) async throws -> TeamView? {
        try await read { connection in
            guard let team = try await connection.record(TeamRecord.self, "SELECT * FROM teams WHERE id = \(id)") else { return nil }
            return try await self.view(connection, team: team, viewerID: viewerID)
        }
    }

    /// Like `teamView(id:)`, by slug: the viewer's own team first, then a
    /// public one (the oldest).
    public func teamView(slug: String, viewerID: Int64) async throws -> TeamView? {
        try await read { connection in
            guard let team = try await connection.record(TeamRecord.self, """
                SELECT t.* FROM teams t
                WHERE lower(t.slug) = lower(\(slug)) AND \(unescaped: teamVisibleToViewerSQL("t", viewerID: viewerID))
                ORDER BY EXISTS (SELECT 1 FROM team_members m WHERE m.team_id = t.id AND m.account_id = \(viewerID)) DESC, t.id
                LIMIT 1
                """) else { return nil }
            return try await self.view(connection, team: team, viewerID: viewerID)
        }
    }

    /// Whether a team `viewerID` can see (public, or theirs) has this address.
    func visibleTeamHasSlug(_ connection: PostgresConnection, _ slug: String, viewerID: Int64) async throws -> Bool {
        try await connection.scalar(Bool.self, """
            SELECT EXISTS (SELECT 1 FROM teams t WHERE lower(t.slug) = lower(\(slug)) AND \(unescaped: teamVisibleToViewerSQL("t", viewerID: viewerID)))
            """) ?? false
    }

    func view(_ connection: PostgresConnection, team: TeamRecord, viewerID: Int64) async throws -> TeamView? {
        let role = try await role(connection, teamID: team.id, accountID: viewerID)
        if team.privacy == .private, role == nil { return nil }
        let requested = try await connection.scalar(Bool.self, """
            SELECT EXISTS (SELECT 1 FROM team_requests WHERE team_id = \(team.id) AND account_id = \(viewerID))
            """) ?? false
        return TeamView(team: team, role: role, requested: requested)
    }

    func role(_ connection: PostgresConnection, teamID: Int64, accountID: Int64) async throws -> TeamRole? {
        try await connection.scalar(String.self, "SELECT role FROM team_members WHERE team_id = \(teamID) AND account_id = \(accountID)")
            .flatMap(TeamRole.init(rawValue:))
    }

    public func teamRole(teamID: Int64, accountID: Int64) async throws -> TeamRole? {
        try await read { try await self.role($0, teamID: teamID, accountID: accountID) }
    }

    /// Teams the viewer may see (public ones and their own; `mine`: only
    /// their own). Archived teams last, then by name without regard to
    /// (ASCII) case like SQLite's NOCASE.
    public func teams(viewerID: Int64, mine: Bool, includeArchived: Bool) async throws -> [TeamView] {
        let mineSQL = mine ? " AND m.account_id IS NOT NULL" : ""
        let archivedSQL = includeArchived ? "" : " AND t.archived_at IS NULL"
        return try await read { connection in
            try await connection.records(ViewerTeamRow.self, """
                SELECT t.*, m.role AS viewer_role,
                       EXISTS (SELECT 1 FROM team_requests r WHERE r.team_id = t.id AND r.account_id = \(viewerID)) AS viewer_requested
                FROM teams t LEFT JOIN team_members m ON m.team_id = t.id AND m.account_id = \(viewerID)
                WHERE (t.privacy = 'public' OR m.account_id IS NOT NULL)\(unescaped: mineSQL)\(unescaped: archivedSQL)
                ORDER BY t.archived_at IS NOT NULL, lower(t.name), t.id LIMIT 500
                """).map(\.view)
        }
    }

    /// Adds a member (or changes the role of one) and takes away a pending
    /// request. The role read first decides the count and the event; the
    /// SERIALIZABLE transaction keeps that read true until the commit.
    public func addTeamMember(teamID: Int64, accountID: Int64, role: TeamRole, actorID: Int64) async throws {
        let now = now()
        try await write(turns: [.team(teamID)]) { connection in
            let existing = try await self.role(connection, teamID: teamID, accountID: accountID)
            try await connection.run("""
                INSERT INTO team_members (team_id, account_id, role, created_at) VALUES (\(teamID), \(accountID), \(role.rawValue), \(now))
                ON CONFLICT (team_id, account_id) DO UPDATE SET role = excluded.role
                """)
            try await connection.run("DELETE FROM team_requests WHERE team_id = \(teamID) AND account_id = \(accountID)")
            if existing == nil {
                try await connection.run("UPDATE teams SET members_count = members_count + 1 WHERE id = \(teamID)")
                try await self.appendEvent(connection, type: "team.member.joined", payload: ["team_id": teamID, "account_id": accountID])
            }
            try await self.appendAudit(connection, actorID: actorID, action: existing == nil ? "team.member_added" : "team.member_role_changed",
                                       subject: "team:\(teamID)", detail: ["account_id": accountID, "role": role.rawValue])
        }
        feeds.relationsChanged(viewerID: accountID)
    }

    public func removeTeamMember(teamID: Int64, accountID: Int64, actorID: Int64) async throws {
        try await write(turns: [.team(teamID)]) { connection in
            let removed = try await connection.run("""
                DELETE FROM team_members WHERE team_id = \(teamID) AND account_id = \(accountID) RETURNING account_id
                """)
            guard removed > 0 else { return }
            try await connection.run("UPDATE teams SET members_count = GREATEST(0, members_count - 1) WHERE id = \(teamID)")
            try await self.appendEvent(connection, type: "team.member.left", payload: ["team_id": teamID, "account_id": accountID])
            try await self.appendAudit(connection, actorID: actorID, action: actorID == accountID ? "team.member_left" : "team.member_removed",
                                       subject: "team:\(teamID)", detail: ["account_id": accountID])
        }
        feeds.relationsChanged(viewerID: accountID)
    }

    public func ownerCount(teamID: Int64) async throws -> Int {
        try await read { try await $0.count("SELECT count(*) FROM team_members WHERE team_id = \(teamID) AND role = 'owner'") }
    }

    /// A team's members, owners first, then by when they joined.
    public func teamMembers(teamID: Int64, limit: Int, offset: Int) async throws -> [TeamMember] {
        try await read { connection in
            try await connection.records(TeamMemberRow.self, """
                SELECT a.*, m.role AS member_role, m.created_at AS member_since FROM team_members m JOIN accounts a ON a.id = m.account_id
                WHERE m.team_id = \(teamID) ORDER BY CASE m.role WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 ELSE 2 END, m.created_at, a.id
                LIMIT \(limit) OFFSET \(offset)
                """).map(\.member)
        }
    }

    public func teamMemberIDs(teamID: Int64) async throws -> Set<Int64> {
        try await read { Set(try await $0.column(Int64.self, "SELECT account_id FROM team_members WHERE team_id = \(teamID)")) }
    }

    // MARK: Join requests

    public func requestToJoin(teamID: Int64, accountID: Int64) async throws {
        let now = now()
        try await write { connection in
            _ = try await connection.run("""
                INSERT INTO team_requests (team_id, account_id, created_at) VALUES (\(teamID), \(accountID), \(now)) ON CONFLICT DO NOTHING
                """)
        }
    }

    /// Pending requests, oldest first.
    public func joinRequests(teamID: Int64) async throws -> [AccountRecord] {
        try await read { connection in
            try await connection.records(AccountRecord.self, """
                SELECT a.* FROM team_requests r JOIN accounts a ON a.id = r.account_id WHERE r.team_id = \(teamID)
                ORDER BY r.created_at, a.id LIMIT 500
                """)
        }
    }

    @discardableResult
    public func deleteJoinRequest(teamID: Int64, accountID: Int64) async throws -> Bool {
        try await write { connection in
            try await connection.run("""
                DELETE FROM team_requests WHERE team_id = \(teamID) AND account_id = \(accountID) RETURNING account_id
                """) > 0
        }
    }

    // MARK: Feeds

    /// A team's feed: its pinned posts (when `withPins`) and a page of the
    /// other posts, newest first (the caller checked access).
    public func teamFeed(teamID: Int64, viewerID: Int64, filter: TeamFeedFilter, page: Page, withPins: Bool) async throws -> (pinned: [HydratedStatus], posts: [HydratedStatus]) {
        let query = PageQuery(page, column: "s.id")
        return try await read { connection in
            let pinnedIDs = try await connection.column(Int64.self, """
                SELECT status_id FROM team_pins WHERE team_id = \(teamID) ORDER BY created_at DESC, status_id DESC
                """)
            let excluded = filter.kind == nil && !filter.unanswered ? pinnedIDs : []
            var conditions = ""
            if filter.unanswered { conditions += " AND s.best_answer_id IS NULL" }
            let ids = try await connection.column(Int64.self, """
                SELECT s.id FROM statuses s WHERE s.team_id = \(teamID) AND s.id <> ALL(\(excluded))
                  AND (\(filter.kind?.rawValue)::text IS NULL OR s.kind = \(filter.kind?.rawValue))\(unescaped: conditions)\
                \(unescaped: query.andConditions)\(unescaped: query.tail)
                """)
            let pinned = withPins ? try await self.hydrate(connection, ids: pinnedIDs, viewerID: viewerID) : []
            return (pinned, try await self.hydrate(connection, ids: query.ordered(ids), viewerID: viewerID))
        }
    }

    /// Posts of every team the viewer belongs to, newest first.
    public func myTeamsTimeline(viewerID: Int64, page: Page) async throws -> [HydratedStatus] {
        let query = PageQuery(page, column: "s.id")
        return try await read { connection in
            let ids = try await connection.column(Int64.self, """
                SELECT s.id FROM statuses s WHERE s.team_id IN (SELECT team_id FROM team_members WHERE account_id = \(viewerID))\
                \(unescaped: query.andConditions)\(unescaped: query.tail)
                """)
            return try await self.hydrate(connection, ids: query.ordered(ids), viewerID: viewerID)
        }
    }

    // MARK: Pins and best answers

    /// The ids of a team's pinned posts, most recently pinned first.
    public func pinnedStatusIDs(teamID: Int64) async throws -> [Int64] {
        try await read { connection in
            try await connection.column(Int64.self, """
                SELECT status_id FROM team_pins WHERE team_id = \(teamID) ORDER BY created_at DESC, status_id DESC
                """)
        }
    }

    public func pin(teamID: Int64, statusID: Int64, actorID: Int64) async throws {
        let now = now()
        try await write { connection in
            _ = try await connection.run("""
                INSERT INTO team_pins (team_id, status_id, pinned_by, created_at) VALUES (\(teamID), \(statusID), \(actorID), \(now))
                ON CONFLICT DO NOTHING
                """)
        }
    }

    public func unpin(teamID: Int64, statusID: Int64) async throws {
        try await write { connection in
            _ = try await connection.run("DELETE FROM team_pins WHERE team_id = \(teamID) AND status_id = \(statusID)")
        }
    }

    /// Marks (or clears, with nil) the best answer of a question.
    public func setBestAnswer(questionID: Int64, answerID: Int64?) async throws {
        try await write { connection in
            _ = try await connection.run("UPDATE statuses SET best_answer_id = \(answerID) WHERE id = \(questionID)")
        }
    }

    /// True if `answerID` is a reply somewhere below `questionID` in its thread.
    public func isInThread(answerID: Int64, questionID: Int64) async throws -> Bool {
        try await read { connection in
            try await connection.scalar(Bool.self, """
                WITH RECURSIVE up(id, parent, depth) AS (
                    SELECT id, in_reply_to_id, 0 FROM statuses WHERE id = \(answerID)
                    UNION ALL
                    SELECT s.id, s.in_reply_to_id, up.depth + 1 FROM statuses s JOIN up ON s.id = up.parent WHERE up.depth < 100
                )
                SELECT EXISTS (SELECT 1 FROM up WHERE id = \(questionID) AND depth > 0)
                """) ?? false
        }
    }
}

/// A team row with the viewer's role and whether they asked to join.
private struct ViewerTeamRow: PostgresRecord {
    let view: TeamView

    init(_ row: PostgresRandomAccessRow) throws {
        view = TeamView(team: try TeamRecord(row), role: try row.optionalChoice("viewer_role"),
                        requested: try row.value("viewer_requested"))
    }
}

/// An account row with the member's role and since when.
private struct TeamMemberRow: PostgresRecord {
    let member: TeamMember

    init(_ row: PostgresRandomAccessRow) throws {
        member = TeamMember(account: try AccountRecord(row), role: TeamRole(rawValue: try row.value("member_role")) ?? .member,
                            since: try row.value("member_since"))
    }
}
