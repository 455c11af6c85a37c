import ChorusCore
import ChorusStore
import Foundation

/// Teams: their feeds, members, join requests, pins and best answers.
/// A private team is invisible (404) to everyone who is not a member,
/// company administrators included.
public struct TeamService: Sendable {
    let database: any ChorusDatabase
    let clock: any ChorusClock

    public init(database: any ChorusDatabase, clock: any ChorusClock) {
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
