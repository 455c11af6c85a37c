import ChorusCore
import ChorusStore
import Foundation
import GRDB

extension SQLiteDatabase {

    /// Creates a team with `ownerID` as its first owner. An address is a 409
    /// only when a team the creator can see has it: a private team they are
    /// not in neither blocks it nor shows through the answer. With
    /// `numberIfTaken` (an address made from the name, not typed) such an
    /// address gets the first free number instead ("yan-fa-bu-2"), free
    /// among the same teams, so the number tells nothing either.
    public func createTeam(_ team: TeamRecord, ownerID: Int64, numberIfTaken: Bool = false) async throws -> TeamRecord {
        let now = now()
        let created = try await write { db in
            var team = team
            if try self.visibleTeamHasSlug(db, team.slug, viewerID: ownerID) {
                guard numberIfTaken else { throw ChorusError.conflict("The team address \(team.slug) is taken") }
                let base = team.slug
                var number = 2
                while try self.visibleTeamHasSlug(db, Slug.numbered(base, number), viewerID: ownerID) { number += 1 }
                team.slug = Slug.numbered(base, number)
            }
            team.membersCount = 1
            try team.insert(db)
            try db.execute(sql: "INSERT INTO team_members (team_id, account_id, role, created_at) VALUES (?, ?, 'owner', ?)",
                           arguments: [team.id, ownerID, now])
            try self.appendAudit(db, actorID: ownerID, action: "team.created", subject: "team:\(team.id)",
                                 detail: ["slug": team.slug, "privacy": team.privacy.rawValue])
            return team
        }
        feeds.relationsChanged(viewerID: ownerID)
        return created
    }

    /// Saves changed team fields (name, description, privacy, join policy,
    /// archive state). A team made public may not share its address with
    /// another public team (both are visible, so the 409 tells nothing new).
    public func updateTeam(_ team: TeamRecord, actorID: Int64, action: String) async throws -> TeamRecord {
        try await write { db in
            if team.privacy == .public, try Bool.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM teams WHERE slug = ? COLLATE NOCASE AND id <> ? AND privacy = 'public')
                """, arguments: [team.slug, team.id]) == true {
                throw ChorusError.conflict("A public team already has the address \(team.slug)")
            }
            try team.update(db)
            try self.appendAudit(db, actorID: actorID, action: action, subject: "team:\(team.id)")
            return team
        }
    }

    /// Teams by id whatever the viewer (for internal checks, never shown as is).
    public func teams(ids: [Int64]) async throws -> [TeamRecord] {
        try await read { db in try TeamRecord.fetchAll(db, keys: ids) }
    }

    /// A team whatever the viewer (for internal checks, never shown as is).
    public func team(id: Int64) async throws -> TeamRecord? {
        try await read { db in try TeamRecord.fetchOne(db, key: id) }
    }

    /// The team and the viewer's role, or nil if it does not exist or is
    /// private and the viewer is not a member (callers answer 404).
    public func teamView(id: Int64, viewerID: Int64) async throws -> TeamView? {
        try await read { db in
            guard let team = try TeamRecord.fetchOne(db, key: id) else { return nil }
            return try self.view(db, team: team, viewerID: viewerID)
        }
    }

    /// Like `teamView(id:)`, by slug. Several teams may share an address
    /// when all but one are private: the viewer's own team comes first,
    /// then a public one (the oldest).
    public func teamView(slug: String, viewerID: Int64) async throws -> TeamView? {
        try await read { db in
            guard let team = try TeamRecord.fetchOne(db, sql: """
                SELECT t.* FROM teams t
                WHERE t.slug = :slug COLLATE NOCASE
                  AND \(teamVisibleToViewerSQL("t", viewer: ":viewer"))
                ORDER BY EXISTS (SELECT 1 FROM team_members m WHERE m.team_id = t.id AND m.account_id = :viewer) DESC, t.id
                LIMIT 1
                """, arguments: ["slug": slug, "viewer": viewerID]) else { return nil }
            return try self.view(db, team: team, viewerID: viewerID)
        }
    }

    /// Whether a team `viewerID` can see (public, or theirs) has this address.
    func visibleTeamHasSlug(_ db: Database, _ slug: String, viewerID: Int64) throws -> Bool {
        try Bool.fetchOne(db, sql: """
            SELECT EXISTS (SELECT 1 FROM teams t WHERE t.slug = ? COLLATE NOCASE AND \(teamVisibleToViewerSQL("t", viewer: String(viewerID))))
            """, arguments: [slug]) ?? false
    }

    func view(_ db: Database, team: TeamRecord, viewerID: Int64) throws -> TeamView? {
        let role = try role(db, teamID: team.id, accountID: viewerID)
        if team.privacy == .private, role == nil { return nil }
        let requested = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM team_requests WHERE team_id = ? AND account_id = ?)",
                                          arguments: [team.id, viewerID]) ?? false
        return TeamView(team: team, role: role, requested: requested)
    }

    func role(_ db: Database, teamID: Int64, accountID: Int64) throws -> TeamRole? {
        try String.fetchOne(db, sql: "SELECT role FROM team_members WHERE team_id = ? AND account_id = ?", arguments: [teamID, accountID])
            .flatMap(TeamRole.init(rawValue:))
    }

    /// The viewer's role in a team (nil when not a member).
    public func teamRole(teamID: Int64, accountID: Int64) async throws -> TeamRole? {
        try await read { db in try self.role(db, teamID: teamID, accountID: accountID) }
    }

    /// Teams the viewer may see: every public team and the private teams
    /// they belong to; `mine` keeps only their own. Archived teams last.
    public func teams(viewerID: Int64, mine: Bool, includeArchived: Bool) async throws -> [TeamView] {
        try await read { db in
            var sql = """
                SELECT t.*, m.role AS viewer_role, EXISTS (SELECT 1 FROM team_requests r WHERE r.team_id = t.id AND r.account_id = ?) AS viewer_requested
                FROM teams t LEFT JOIN team_members m ON m.team_id = t.id AND m.account_id = ?
                WHERE (t.privacy = 'public' OR m.account_id IS NOT NULL)
                """
            if mine { sql += " AND m.account_id IS NOT NULL" }
            if !includeArchived { sql += " AND t.archived_at IS NULL" }
            sql += " ORDER BY t.archived_at IS NOT NULL, t.name COLLATE NOCASE LIMIT 500"
            return try Row.fetchAll(db, sql: sql, arguments: [viewerID, viewerID]).map { row in
                TeamView(team: try TeamRecord(row: row), role: (row["viewer_role"] as String?).flatMap(TeamRole.init(rawValue:)),
                         requested: row["viewer_requested"])
            }
        }
    }

    /// Adds a member (or changes the role of one), takes away a pending
    /// request; the team's feed is in their home timeline from then on.
    public func addTeamMember(teamID: Int64, accountID: Int64, role: TeamRole, actorID: Int64) async throws {
        let now = now()
        try await write { db in
            let existing = try self.role(db, teamID: teamID, accountID: accountID)
            try db.execute(sql: """
                INSERT INTO team_members (team_id, account_id, role, created_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (team_id, account_id) DO UPDATE SET role = excluded.role
                """, arguments: [teamID, accountID, role.rawValue, now])
            try db.execute(sql: "DELETE FROM team_requests WHERE team_id = ? AND account_id = ?", arguments: [teamID, accountID])
            if existing == nil {
                try db.execute(sql: "UPDATE teams SET members_count = members_count + 1 WHERE id = ?", arguments: [teamID])
                try self.appendEvent(db, type: "team.member.joined", payload: ["team_id": teamID, "account_id": accountID])
            }
            try self.appendAudit(db, actorID: actorID, action: existing == nil ? "team.member_added" : "team.member_role_changed",
                                 subject: "team:\(teamID)", detail: ["account_id": accountID, "role": role.rawValue])
        }
        feeds.relationsChanged(viewerID: accountID)
    }

    /// Removes a member: access ends at once, and the team's posts leave
    /// their home timeline. Their past posts stay in the team.
    public func removeTeamMember(teamID: Int64, accountID: Int64, actorID: Int64) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM team_members WHERE team_id = ? AND account_id = ?", arguments: [teamID, accountID])
            guard db.changesCount > 0 else { return }
            try db.execute(sql: "UPDATE teams SET members_count = max(0, members_count - 1) WHERE id = ?", arguments: [teamID])
            try self.appendEvent(db, type: "team.member.left", payload: ["team_id": teamID, "account_id": accountID])
            try self.appendAudit(db, actorID: actorID, action: actorID == accountID ? "team.member_left" : "team.member_removed",
                                 subject: "team:\(teamID)", detail: ["account_id": accountID])
        }
        feeds.relationsChanged(viewerID: accountID)
    }

    /// How many owners a team has.
    public func ownerCount(teamID: Int64) async throws -> Int {
        try await read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM team_members WHERE team_id = ? AND role = 'owner'", arguments: [teamID]) ?? 0
        }
    }

    /// A team's members, owners first, then by when they joined.
    public func teamMembers(teamID: Int64, limit: Int, offset: Int) async throws -> [TeamMember] {
        try await read { db in
            try Row.fetchAll(db, sql: """
                SELECT a.*, m.role AS member_role, m.created_at AS member_since FROM team_members m JOIN accounts a ON a.id = m.account_id
                WHERE m.team_id = ? ORDER BY CASE m.role WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 ELSE 2 END, m.created_at, a.id
                LIMIT ? OFFSET ?
                """, arguments: [teamID, limit, offset]).map { row in
                TeamMember(account: try AccountRecord(row: row), role: TeamRole(rawValue: row["member_role"]) ?? .member, since: row["member_since"])
            }
        }
    }

    /// Ids of a team's members.
    public func teamMemberIDs(teamID: Int64) async throws -> Set<Int64> {
        try await read { db in Set(try Int64.fetchAll(db, sql: "SELECT account_id FROM team_members WHERE team_id = ?", arguments: [teamID])) }
    }

    // MARK: Join requests

    public func requestToJoin(teamID: Int64, accountID: Int64) async throws {
        let now = now()
        try await write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO team_requests (team_id, account_id, created_at) VALUES (?, ?, ?)",
                           arguments: [teamID, accountID, now])
        }
    }

    /// Pending requests, oldest first.
    public func joinRequests(teamID: Int64) async throws -> [AccountRecord] {
        try await read { db in
            try AccountRecord.fetchAll(db, sql: """
                SELECT a.* FROM team_requests r JOIN accounts a ON a.id = r.account_id WHERE r.team_id = ? ORDER BY r.created_at LIMIT 500
                """, arguments: [teamID])
        }
    }

    /// Deletes a pending request; false if there was none.
    @discardableResult
    public func deleteJoinRequest(teamID: Int64, accountID: Int64) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "DELETE FROM team_requests WHERE team_id = ? AND account_id = ?", arguments: [teamID, accountID])
            return db.changesCount > 0
        }
    }

    // MARK: Feeds

    /// A team's feed in one read: its pinned posts (when `withPins`) and a
    /// page of the other posts, newest first (the caller checked access).
    public func teamFeed(teamID: Int64, viewerID: Int64, filter: TeamFeedFilter, page: Page, withPins: Bool) async throws -> (pinned: [HydratedStatus], posts: [HydratedStatus]) {
        try await read { db in
            let pinnedIDs = try Int64.fetchAll(db.cachedStatement(sql: "SELECT status_id FROM team_pins WHERE team_id = ? ORDER BY created_at DESC"),
                                               arguments: [teamID])
            let excluded = filter.kind == nil && !filter.unanswered ? pinnedIDs : []
            let query = PageQuery(page, column: "s.id")
            var sql = "SELECT s.id FROM statuses s INDEXED BY statuses_team WHERE s.team_id = ? AND s.id NOT IN (SELECT value FROM json_each(?))"
            var arguments: StatementArguments = [teamID, jsonList(excluded)]
            if let kind = filter.kind {
                sql += " AND s.kind = ?"
                arguments += [kind.rawValue]
            }
            if filter.unanswered { sql += " AND s.best_answer_id IS NULL" }
            let ids = try Int64.fetchAll(db.cachedStatement(sql: sql + query.andConditions + query.tail), arguments: arguments + query.arguments)
            let pinned = withPins ? try self.hydrate(db, ids: pinnedIDs, viewerID: viewerID) : []
            return (pinned, try self.hydrate(db, ids: query.ordered(ids), viewerID: viewerID))
        }
    }

    /// Posts of every team the viewer belongs to, newest first.
    public func myTeamsTimeline(viewerID: Int64, page: Page) async throws -> [HydratedStatus] {
        try await read { db in
            let query = PageQuery(page, column: "s.id")
            let ids = try Int64.fetchAll(db, sql: """
                SELECT s.id FROM statuses s WHERE s.team_id IN (SELECT team_id FROM team_members WHERE account_id = ?)
                """ + query.andConditions + query.tail, arguments: [viewerID] + query.arguments)
            return try self.hydrate(db, ids: query.ordered(ids), viewerID: viewerID)
        }
    }

    // MARK: Pins and best answers

    /// The ids of a team's pinned posts, most recently pinned first.
    public func pinnedStatusIDs(teamID: Int64) async throws -> [Int64] {
        try await read { db in
            try Int64.fetchAll(db, sql: "SELECT status_id FROM team_pins WHERE team_id = ? ORDER BY created_at DESC", arguments: [teamID])
        }
    }

    public func pin(teamID: Int64, statusID: Int64, actorID: Int64) async throws {
        let now = now()
        try await write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO team_pins (team_id, status_id, pinned_by, created_at) VALUES (?, ?, ?, ?)",
                           arguments: [teamID, statusID, actorID, now])
        }
    }

    public func unpin(teamID: Int64, statusID: Int64) async throws {
        try await write { db in
            try db.execute(sql: "DELETE FROM team_pins WHERE team_id = ? AND status_id = ?", arguments: [teamID, statusID])
        }
    }

    /// Marks (or clears, with nil) the best answer of a question.
    public func setBestAnswer(questionID: Int64, answerID: Int64?) async throws {
        try await write { db in
            try db.execute(sql: "UPDATE statuses SET best_answer_id = ? WHERE id = ?", arguments: [answerID, questionID])
        }
    }

    /// True if `answerID` is a reply somewhere below `questionID` in its thread.
    public func isInThread(answerID: Int64, questionID: Int64) async throws -> Bool {
        try await read { db in
            try Bool.fetchOne(db, sql: """
                WITH RECURSIVE up(id, parent, depth) AS (
                    SELECT id, in_reply_to_id, 0 FROM statuses WHERE id = ?
                    UNION ALL
                    SELECT s.id, s.in_reply_to_id, up.depth + 1 FROM statuses s JOIN up ON s.id = up.parent WHERE up.depth < 100
                )
                SELECT EXISTS (SELECT 1 FROM up WHERE id = ? AND depth > 0)
                """, arguments: [answerID, questionID]) ?? false
        }
    }
}
