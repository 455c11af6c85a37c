/// What a person may do with a team, one rule per action (nil: allowed).
/// `TeamService` enforces them and pages show buttons from `capabilities`.
public enum TeamRules {
    /// What the rules need to know about a team and the person.
    public struct Facts: Sendable, Equatable {
        public var joinPolicy: TeamJoinPolicy
        public var isArchived: Bool
        /// The person's role, when a member.
        public var role: TeamRole?
        /// Whether the person has asked to join and waits for an answer.
        public var requested: Bool

        public init(joinPolicy: TeamJoinPolicy, isArchived: Bool, role: TeamRole?, requested: Bool) {
            self.joinPolicy = joinPolicy
            self.isArchived = isArchived
            self.role = role
            self.requested = requested
        }
    }

    /// Joining (or asking to): not in an archived team, not where only
    /// owners and admins add people.
    public static func join(_ team: Facts) -> ChorusError? {
        guard !team.isArchived else { return ChorusError.unprocessable("This team is archived") }
        return team.joinPolicy == .invite ? ChorusError.forbidden("This team is invite-only: ask an owner or admin to add you") : nil
    }

    /// Running the team (settings, members, requests, pins, announcements):
    /// its owners and admins.
    public static func manage(_ team: Facts) -> ChorusError? {
        team.role?.canManage == true ? nil : ChorusError.forbidden("Only the team's owners and admins can do this")
    }

    /// Archiving and restoring the team: its owners.
    public static func archive(_ team: Facts) -> ChorusError? {
        team.role == .owner ? nil : ChorusError.forbidden("Only owners can archive a team")
    }

    /// Making the team public or private: its owners.
    public static func changePrivacy(_ team: Facts) -> ChorusError? {
        team.role == .owner ? nil : ChorusError.forbidden("Only owners can change who may see the team")
    }

    /// Giving `role` to a person who has `current` in the team (nil: not a
    /// member yet): owners and admins, but only owners make an owner or
    /// change one. (That a team keeps one owner needs a count: the service
    /// checks it.)
    public static func setRole(_ role: TeamRole, of current: TeamRole?, in team: Facts) -> ChorusError? {
        if let refusal = manage(team) { return refusal }
        let touchesAnOwner = role == .owner || current == .owner
        return touchesAnOwner && team.role != .owner ? ChorusError.forbidden("Only owners can make or change owners") : nil
    }

    /// Taking a member with `role` out of the team: owners and admins, and
    /// only owners remove an owner.
    public static func remove(_ role: TeamRole, from team: Facts) -> ChorusError? {
        if let refusal = manage(team) { return refusal }
        return role != .owner || team.role == .owner ? nil : ChorusError.forbidden("Only owners can remove an owner")
    }

    /// The roles the person may give someone who has `current` (nil: a newcomer).
    public static func assignableRoles(to current: TeamRole?, in team: Facts) -> [TeamRole] {
        TeamRole.allCases.filter { setRole($0, of: current, in: team) == nil }
    }

    /// Posting in the team's feed: its members, while it is not archived;
    /// announcements are for its owners and admins.
    public static func post(_ kind: PostKind, in team: Facts) -> ChorusError? {
        guard !team.isArchived else { return ChorusError.unprocessable("This team is archived: it takes no new posts") }
        guard let role = team.role else { return ChorusError.forbidden("Join the team to post in it") }
        guard kind != .announcement || role.canManage else { return ChorusError.forbidden("Only the team's owners and admins can post announcements") }
        return nil
    }

    public static func capabilities(_ team: Facts) -> TeamCapabilities {
        TeamCapabilities(join: team.role == nil && !team.requested && join(team) == nil, leave: team.role != nil,
                         post: post(.status, in: team) == nil, announce: post(.announcement, in: team) == nil, manage: manage(team) == nil,
                         archive: archive(team) == nil, changePrivacy: changePrivacy(team) == nil)
    }
}

/// What a person may do with a team (see `TeamRules`).
public struct TeamCapabilities: Sendable, Equatable {
    public var join: Bool
    public var leave: Bool
    public var post: Bool
    public var announce: Bool
    public var manage: Bool
    /// Archiving or restoring it, and making it public or private (owners).
    public var archive: Bool
    public var changePrivacy: Bool

    public init(join: Bool = false, leave: Bool = false, post: Bool = false, announce: Bool = false, manage: Bool = false,
                archive: Bool = false, changePrivacy: Bool = false) {
        self.join = join
        self.leave = leave
        self.post = post
        self.announce = announce
        self.manage = manage
        self.archive = archive
        self.changePrivacy = changePrivacy
    }
}
