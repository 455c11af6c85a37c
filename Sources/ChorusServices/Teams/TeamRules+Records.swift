import ChorusCore
import ChorusStore

extension TeamView {
    /// The team and the viewer as `TeamRules` sees them.
    public var ruleFacts: TeamRules.Facts {
        TeamRules.Facts(joinPolicy: team.joinPolicy, isArchived: team.isArchived, role: role, requested: requested)
    }

    /// What the viewer may do with the team.
    public var capabilities: TeamCapabilities { TeamRules.capabilities(ruleFacts) }
}
