import ChorusCore
import ChorusStore
import Foundation
import PostgresNIO

extension PostgresDatabase {
    /// What a new post refers to, as its transaction read and checked it.
    struct ResolvedPost: Sendable {
        var placement: PostPlacement
        var parent: StatusRecord?
        var quotedAccountID: Int64?
        /// The mentioned active accounts, in the order of the text.
        var mentionIDs: [Int64]
        /// The mentioned accounts that may read the post, and so are notified.
        var notifiedIDs: [Int64]
        var contentHTML: String
    }

    /// Checks and stores a post with its mentions, tags, search terms,
    /// notifications and outbox events, in one transaction. The parent, the
    /// team and the author's role, the quoted post and the mentioned people
    /// are read in that transaction, so a change committed before it
    /// (someone leaving the team, a parent deleted) is always seen, and one
    /// committed concurrently makes it retry. With an idempotency key seen
    /// in the last hour, returns the earlier status id.
    public func createStatus(_ new: NewStatus) async throws -> Int64 {
        let id = ids.next()
        let now = now()
        // The author's count, the parent's replies, the quote's quotes and each
        // topic's uses are the rows a burst of posts updates together.
        var turns: [HotRow] = [.account(new.accountID)] + new.tags.map { HotRow.tag($0.name) }
        if let parentID = new.inReplyToID { turns.append(.status(parentID)) }
        if let quotedID = new.quoteOfID { turns.append(.status(quotedID)) }
        let stored: (id: Int64, post: ResolvedPost?) = try await write(turns: turns) { connection in
            let post = try await self.resolve(connection, new)
            if let key = new.idempotencyKey,
               let existing = try await connection.scalar(Int64.self, """
                   SELECT status_id FROM idempotency_keys
                   WHERE account_id = \(new.accountID) AND key = \(key) AND created_at > \(now.addingTimeInterval(-3600))
                   """) {
                return (existing, nil)
            }
            try await self.insert(connection, new, post, id: id, at: now)
            return (id, post)
        }
        if let post = stored.post {
            feeds.didPost(id: id, authorID: new.accountID, replyToAuthorID: post.parent?.accountId, visibility: post.placement.visibility,
                          teamID: post.placement.teamID, tags: new.tags.map(\.name), mentionIDs: post.mentionIDs)
        }
        return stored.id
    }

    /// Reads what the post refers to and runs the placement rules on it, in
    /// the order a person would fix them: the parent, the team, the quote.
    func resolve(_ connection: PostgresConnection, _ new: NewStatus) async throws -> ResolvedPost {
        var placement = PostPlacement(visibility: new.visibility, teamID: new.teamID)
        var parent: StatusRecord?
        if let parentID = new.inReplyToID {
            parent = try await visibleStatus(connection, id: parentID, viewerID: new.accountID)
            try placement.reply(to: parent.map(Self.ruleFacts), tokenTeamID: new.tokenTeamID)
        }
        var teamIsPublic = true
        if let teamID = placement.teamID {
            let row = try await connection.query("""
                SELECT t.privacy, t.join_policy, t.archived_at IS NOT NULL AS archived, m.role
                FROM teams t LEFT JOIN team_members m ON m.team_id = t.id AND m.account_id = \(new.accountID)
                WHERE t.id = \(teamID)
                """, logger: PostgresConnection.quiet).collect().first.map { try $0.decode((String, String, Bool, String?).self) }
            let role = row?.3.flatMap(TeamRole.init(rawValue:))
            teamIsPublic = row?.0 == TeamPrivacy.public.rawValue
            // A private team is not there for someone outside it. Whether the
            // author asked to join does not bear on posting, so it is not read.
            let team = row.flatMap { row in
                teamIsPublic || role != nil
                    ? TeamRules.Facts(joinPolicy: TeamJoinPolicy(rawValue: row.1) ?? .invite, isArchived: row.2, role: role, requested: false)
                    : nil
            }
            try placement.enter(team, kind: new.kind)
        } else {
            try placement.enter(nil, kind: new.kind)
        }
        var quotedAccountID: Int64?
        if let quotedID = new.quoteOfID {
            let quoted = try await visibleStatus(connection, id: quotedID, viewerID: new.accountID)
            try PostPlacement.checkQuote(quoted.map(Self.ruleFacts))
            quotedAccountID = quoted?.accountId
        }
        var post = ResolvedPost(placement: placement, parent: parent, quotedAccountID: quotedAccountID, mentionIDs: [], notifiedIDs: [],
                                contentHTML: new.contentHTML)
        guard !new.mentionedUsernames.isEmpty else { return post }
        // Every mentioned name in one query, with whether each is in the post's team.
        let rows = try await connection.query("""
            SELECT a.id, a.username, EXISTS (SELECT 1 FROM team_members m WHERE m.team_id = \(placement.teamID)::bigint AND m.account_id = a.id)
            FROM unnest(\(new.mentionedUsernames)::text[]) WITH ORDINALITY AS j(name, n) JOIN accounts a ON lower(a.username) = lower(j.name)
            WHERE a.is_active
            ORDER BY j.n
            """, logger: PostgresConnection.quiet).collect().map { try $0.decode((Int64, String, Bool).self) }
        post.mentionIDs = rows.map(\.0)
        let facts = StatusAccess.Facts(authorID: new.accountID, visibility: placement.visibility, mentionedIDs: Set(post.mentionIDs))
        // Only people who may read the post hear about it (a mentioned outsider of a private team does not).
        post.notifiedIDs = rows.filter { row in
            StatusAccess.canSee(viewerID: row.0, post: facts, viewerFollowsAuthor: false, viewerIsTeamMember: row.2,
                                teamIsPublic: teamIsPublic)
        }.map(\.0)
        if rows.count < new.mentionedUsernames.count, let render = new.renderHTML {
            post.contentHTML = render(Set(rows.map { $0.1.lowercased() }))
        }
        return post
    }

    /// A post as `PostRules` sees it (the neighbours' facts are not needed here).
    static func ruleFacts(_ status: StatusRecord) -> PostRules.Facts {
        PostRules.Facts(authorID: status.accountId, visibility: status.visibility, kind: status.kind, teamID: status.teamId,
                        isRepost: status.reblogOfId != nil, isReply: status.inReplyToId != nil)
    }

    /// Writes a checked post and everything that hangs on it.
    private func insert(_ connection: PostgresConnection, _ new: NewStatus, _ post: ResolvedPost, id: Int64, at now: Date) async throws {
        let placement = post.placement
        let status = StatusRecord(id: id, accountId: new.accountID, text: new.text, contentHtml: post.contentHTML,
                                  visibility: placement.visibility, spoilerText: new.spoilerText, sensitive: new.sensitive,
                                  language: new.language, inReplyToId: post.parent?.id,
                                  inReplyToAccountId: post.parent?.accountId, quoteOfId: new.quoteOfID,
                                  applicationName: new.applicationName, teamId: placement.teamID, kind: new.kind, createdAt: now)
        try await insertStatus(connection, status)

        let direct = placement.visibility == .direct
        for mentioned in post.mentionIDs {
            try await connection.run("""
                INSERT INTO mentions (status_id, account_id, direct) VALUES (\(id), \(mentioned), \(direct)) ON CONFLICT DO NOTHING
                """)
        }
        for tag in new.tags {
            try await connection.run("""
                INSERT INTO tags (name, display_name, created_at, last_used_at, uses_count) VALUES (\(tag.name), \(tag.display), \(now), \(now), 1)
                ON CONFLICT (name) DO UPDATE SET last_used_at = excluded.last_used_at, uses_count = tags.uses_count + 1
                """)
            try await connection.run("INSERT INTO status_tags (tag, status_id) VALUES (\(tag.name), \(id)) ON CONFLICT DO NOTHING")
        }
        let terms = PostgresSearchTerms.stored(new.text + " " + new.spoilerText)
        try await connection.run("INSERT INTO status_search (status_id, terms) VALUES (\(id), \(terms)::text[])")

        try await connection.run("""
            UPDATE accounts SET statuses_count = statuses_count + 1, last_status_at = \(now) WHERE id = \(new.accountID)
            """)
        if let parent = post.parent {
            try await connection.run("UPDATE statuses SET replies_count = replies_count + 1 WHERE id = \(parent.id)")
        }
        if let quoted = new.quoteOfID {
            try await connection.run("UPDATE statuses SET quotes_count = quotes_count + 1 WHERE id = \(quoted)")
        }

        // Notifications are part of the post's transaction (see `notify`).
        for mentioned in post.notifiedIDs where mentioned != new.accountID {
            try await notify(connection, accountID: mentioned, type: "mention", from: new.accountID, statusID: id)
        }
        if let quotedAccount = post.quotedAccountID, quotedAccount != new.accountID, !post.notifiedIDs.contains(quotedAccount) {
            try await notify(connection, accountID: quotedAccount, type: "quote", from: new.accountID, statusID: id)
        }
        if new.kind == .announcement, let teamID = placement.teamID {
            // Announcements reach every member (Mastodon's `status` notification).
            let members = try await connection.column(Int64.self, """
                SELECT account_id FROM team_members WHERE team_id = \(teamID) AND account_id <> \(new.accountID) ORDER BY account_id
                """)
            for member in members where !post.notifiedIDs.contains(member) {
                try await notify(connection, accountID: member, type: "status", from: new.accountID, statusID: id)
            }
        }
        if let key = new.idempotencyKey {
            try await connection.run("""
                INSERT INTO idempotency_keys (account_id, key, status_id, created_at) VALUES (\(new.accountID), \(key), \(id), \(now))
                ON CONFLICT (account_id, key) DO UPDATE SET status_id = excluded.status_id, created_at = excluded.created_at
                """)
        }
        try await appendEvent(connection, type: "status.created", payload: ["status_id": id, "account_id": new.accountID])
    }
}
