import ChorusCore
import ChorusStore

extension TeamView {
    /// The team and the viewer as `TeamRules` sees them.
    public var ruleFacts: TeamRules.Facts {
        TeamRules.Facts(joinPolicy: team.joinPolicy, isArchived: team.isArchived, role: role, requested: requested)
    }

    /// What the viewer may do with the team.
    public var capabilities: TeamCapabilities { TeamRules.capabilities(ruleFacts) }

    /// The roles the viewer may give someone who has `current` in the team (nil: a newcomer).
    public func assignableRoles(to current: TeamRole?) -> [TeamRole] { TeamRules.assignableRoles(to: current, in: ruleFacts) }

    /// Whether the viewer may take a member with `role` out of the team.
    public func mayRemove(_ role: TeamRole) -> Bool { TeamRules.remove(role, from: ruleFacts) == nil }
}
