import ChorusCore
import ChorusStore
import Foundation

/// Teams: their feeds, members, join requests, pins and best answers.
/// A private team is invisible (404) to everyone who is not a member,
/// company administrators included.
public struct TeamService: Sendable {
    let database: AppDatabase
    let clock: any ChorusClock

    public init(database: AppDatabase, clock: any ChorusClock) {
        self.database = database
        self.clock = clock
    }

    static let maxPins = 5

    /// What creating or editing a team takes; nil fields stay as they are.
    public struct Settings: Sendable {
        public var name: String?
        public var slug: String?
        public var description: String?
        public var privacy: TeamPrivacy?
        public var joinPolicy: TeamJoinPolicy?

        public init(name: String? = nil, slug: String? = nil, description: String? = nil, privacy: TeamPrivacy? = nil, joinPolicy: TeamJoinPolicy? = nil) {
            self.name = name
            self.slug = slug
            self.description = description
            self.privacy = privacy
            self.joinPolicy = joinPolicy
        }
    }

    // MARK: Teams

    /// Creates a team; the creator is its first owner. Any employee may.
    /// Without a slug the address comes from the name (see `slug(from:id:)`),
    /// numbered when a team the creator can see has it already.
    public func createTeam(by creator: AccountRecord, _ settings: Settings) async throws -> TeamView {
        guard let name = settings.name?.trimmingCharacters(in: .whitespacesAndNewlines), !name.isEmpty, TextLimit.fits(name, characters: 60) else {
            throw ChorusError.unprocessable("Validation failed: Name must be 1 to 60 characters")
        }
        let id = database.ids.next()
        let slug = try Self.validSlug(settings.slug ?? Self.slug(from: name, id: id))
        let description = settings.description?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard TextLimit.fits(description, characters: 500) else { throw ChorusError.unprocessable("Validation failed: Description is too long (at most 500 characters)") }
        let privacy = settings.privacy ?? .public
        let policy = settings.joinPolicy ?? (privacy == .private ? .invite : .open)
        let team = try await database.createTeam(TeamRecord(id: id, name: name, slug: slug, description: description,
                                                            privacy: privacy, joinPolicy: policy, createdBy: creator.id, createdAt: clock.now()),
                                                 ownerID: creator.id, numberIfTaken: settings.slug == nil)
        return TeamView(team: team, role: .owner, requested: false)
    }

    /// A team the viewer may see; 404 otherwise.
    public func team(id: Int64, viewer: AccountRecord) async throws -> TeamView {
        guard let view = try await database.teamView(id: id, viewerID: viewer.id) else { throw ChorusError.notFound("Team not found") }
        return view
    }

    public func team(slug: String, viewer: AccountRecord) async throws -> TeamView {
        guard let view = try await database.teamView(slug: slug, viewerID: viewer.id) else { throw ChorusError.notFound("Team not found") }
        return view
    }

    /// A team its owner or admin is about to change (the settings page):
    /// 404 outside a private team, 403 for anyone else who may not run it.
    public func managedTeam(slug: String, by actor: AccountRecord) async throws -> TeamView {
        let view = try await team(slug: slug, viewer: actor)
        if let refusal = TeamRules.manage(view.ruleFacts) { throw refusal }
        return view
    }

    public func teams(viewer: AccountRecord, mine: Bool, includeArchived: Bool = false) async throws -> [TeamView] {
        try await database.teams(viewerID: viewer.id, mine: mine, includeArchived: includeArchived)
    }

    /// Changes a team's settings (owners and admins; privacy only owners).
    public func updateTeam(id: Int64, by actor: AccountRecord, _ settings: Settings) async throws -> TeamView {
        let view = try await managed(id, by: actor)
        var team = view.team
        if let name = settings.name?.trimmingCharacters(in: .whitespacesAndNewlines) {
            guard !name.isEmpty, TextLimit.fits(name, characters: 60) else { throw ChorusError.unprocessable("Validation failed: Name must be 1 to 60 characters") }
            team.name = name
        }
        if let description = settings.description {
            guard TextLimit.fits(description, characters: 500) else { throw ChorusError.unprocessable("Validation failed: Description is too long (at most 500 characters)") }
            team.description = description.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        if let privacy = settings.privacy, privacy != team.privacy {
            if let refusal = TeamRules.changePrivacy(view.ruleFacts) { throw refusal }
            team.privacy = privacy
        }
        if let policy = settings.joinPolicy { team.joinPolicy = policy }
        if settings.slug != nil { throw ChorusError.unprocessable("A team's address cannot change") }
        let saved = try await database.updateTeam(team, actorID: actor.id, action: "team.updated")
        return TeamView(team: saved, role: view.role, requested: false)
    }

    /// Archives (read-only from then on) or restores a team (owners only).
    public func setArchived(id: Int64, _ archived: Bool, by actor: AccountRecord) async throws -> TeamView {
        let view = try await managed(id, by: actor)
        if let refusal = TeamRules.archive(view.ruleFacts) { throw refusal }
        var team = view.team
        team.archivedAt = archived ? (team.archivedAt ?? clock.now()) : nil
        let saved = try await database.updateTeam(team, actorID: actor.id, action: archived ? "team.archived" : "team.restored")
        return TeamView(team: saved, role: view.role, requested: false)
    }

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

    // MARK: Feeds

    /// A team's feed; pinned posts come first on the first page.
    public func timeline(teamID: Int64, viewer: AccountRecord, filter: TeamFeedFilter, page: Page) async throws -> (pinned: [HydratedStatus], posts: [HydratedStatus]) {
        _ = try await team(id: teamID, viewer: viewer)
        return try await timeline(of: teamID, viewer: viewer, filter: filter, page: page)
    }

    /// The same for a team whose access the caller already checked (one read).
    public func timeline(of teamID: Int64, viewer: AccountRecord, filter: TeamFeedFilter, page: Page) async throws -> (pinned: [HydratedStatus], posts: [HydratedStatus]) {
        let firstPage = page.maxID == nil && page.sinceID == nil && page.minID == nil
        return try await database.teamFeed(teamID: teamID, viewerID: viewer.id, filter: filter, page: page,
                                           withPins: firstPage && filter.kind == nil && !filter.unanswered)
    }

    public func myTeamsTimeline(viewer: AccountRecord, page: Page) async throws -> [HydratedStatus] {
        try await database.myTeamsTimeline(viewerID: viewer.id, page: page)
    }

    // MARK: Pins and best answers

    /// Pins a top-level post of the team (owners and admins; at most five).
    public func pin(teamID: Int64, statusID: Int64, by actor: AccountRecord) async throws -> HydratedStatus {
        let view = try await managed(teamID, by: actor)
        guard let status = try await database.hydrate(ids: [statusID], viewerID: actor.id).first,
              status.status.teamId == teamID else { throw ChorusError.notFound("That post is not in this team") }
        if let refusal = PostRules.pin(status.status.ruleFacts(), by: PostRules.Actor(id: actor.id, teamRole: view.role)) { throw refusal }
        let pins = try await database.pinnedStatusIDs(teamID: teamID)
        guard pins.contains(statusID) || pins.count < Self.maxPins else {
            throw ChorusError.unprocessable("A team can pin at most \(Self.maxPins) posts")
        }
        try await database.pin(teamID: teamID, statusID: statusID, actorID: actor.id)
        return try await database.hydrate(ids: [statusID], viewerID: actor.id)[0]
    }

    public func unpin(teamID: Int64, statusID: Int64, by actor: AccountRecord) async throws {
        _ = try await managed(teamID, by: actor)
        try await database.unpin(teamID: teamID, statusID: statusID)
    }

    /// Marks the best answer of a question: a reply in its thread, chosen by
    /// the asker or an owner or admin of the question's team. nil clears it.
    public func chooseBestAnswer(questionID: Int64, answerID: Int64?, by actor: AccountRecord) async throws -> HydratedStatus {
        guard let question = try await database.hydrate(ids: [questionID], viewerID: actor.id).first else { throw ChorusError.notFound() }
        let role = try await question.status.teamId.asyncMap { try await database.teamRole(teamID: $0, accountID: actor.id) } ?? nil
        if let refusal = PostRules.chooseBestAnswer(question.status.ruleFacts(), by: PostRules.Actor(id: actor.id, teamRole: role)) { throw refusal }
        if let answerID {
            guard try await database.visibleStatus(id: answerID, viewerID: actor.id) != nil,
                  try await database.isInThread(answerID: answerID, questionID: questionID) else {
                throw ChorusError.unprocessable("The best answer must be a reply in the question's thread")
            }
        }
        try await database.setBestAnswer(questionID: questionID, answerID: answerID)
        return try await database.hydrate(ids: [questionID], viewerID: actor.id)[0]
    }

    // MARK: Helpers

    /// The team, if the actor is one of its owners or admins (403 for other members, 404 for outsiders of a private team).
    func managed(_ id: Int64, by actor: AccountRecord) async throws -> TeamView {
        let view = try await team(id: id, viewer: actor)
        if let refusal = TeamRules.manage(view.ruleFacts) { throw refusal }
        return view
    }

    func currentTeam(_ id: Int64) async throws -> TeamRecord {
        guard let team = try await database.team(id: id) else { throw ChorusError.notFound("Team not found") }
        return team
    }

    /// Slugs: 2–40 lowercase ASCII letters, digits and dashes.
    static func validSlug(_ raw: String) throws -> String {
        try Slug.validate(raw, of: "team")
    }

    /// The address a team named `name` gets when none is given: the name in
    /// Latin letters ("Project Falcon" → "project-falcon", "研发部" →
    /// "yan-fa-bu"); for a name with nothing to spell (emoji only)
    /// "team-" and the end of the team's id in base 36.
    static func slug(from name: String, id: Int64) -> String {
        let slug = Slug.derived(from: name)
        return slug.count >= 2 ? slug : "team-" + String(String(id, radix: 36).suffix(6))
    }
}
