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
                         post: post(.status, in: team) == nil, announce: post(.announcement, in: team) == nil, manage: manage(team) == nil)
    }
}

/// What a person may do with a team (see `TeamRules`).
public struct TeamCapabilities: Sendable, Equatable {
    public var join: Bool
    public var leave: Bool
    public var post: Bool
    public var announce: Bool
    public var manage: Bool

    public init(join: Bool = false, leave: Bool = false, post: Bool = false, announce: Bool = false, manage: Bool = false) {
        self.join = join
        self.leave = leave
        self.post = post
        self.announce = announce
        self.manage = manage
    }
}
