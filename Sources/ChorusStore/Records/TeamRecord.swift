import ChorusCore
import Foundation

/// A team: a feed, its members and their roles.
public struct TeamRecord: Codable, Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var slug: String
    public var description: String
    public var privacy: TeamPrivacy
    public var joinPolicy: TeamJoinPolicy
    public var membersCount: Int
    public var createdBy: Int64?
    public var createdAt: Date
    public var archivedAt: Date?

    /// Every stored field, as a backend reads them back.
    public init(id: Int64, name: String, slug: String, description: String, privacy: TeamPrivacy, joinPolicy: TeamJoinPolicy,
                membersCount: Int, createdBy: Int64?, createdAt: Date, archivedAt: Date?) {
        self.id = id
        self.name = name
        self.slug = slug
        self.description = description
        self.privacy = privacy
        self.joinPolicy = joinPolicy
        self.membersCount = membersCount
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.archivedAt = archivedAt
    }

    public init(id: Int64, name: String, slug: String, description: String, privacy: TeamPrivacy, joinPolicy: TeamJoinPolicy,
                createdBy: Int64?, createdAt: Date) {
        self.init(id: id, name: name, slug: slug, description: description, privacy: privacy, joinPolicy: joinPolicy,
                  membersCount: 0, createdBy: createdBy, createdAt: createdAt, archivedAt: nil)
    }

    public var isArchived: Bool { archivedAt != nil }
}

/// A team as the viewer sees it: the team and the viewer's role in it.
public struct TeamView: Sendable, Equatable {
    public var team: TeamRecord
    /// nil when the viewer is not a member.
    public var role: TeamRole?
    /// True while the viewer's join request waits for approval.
    public var requested: Bool

    public init(team: TeamRecord, role: TeamRole?, requested: Bool) {
        self.team = team
        self.role = role
        self.requested = requested
    }
}

/// One member of a team.
public struct TeamMember: Sendable, Equatable {
    public var account: AccountRecord
    public var role: TeamRole
    public var since: Date

    public init(account: AccountRecord, role: TeamRole, since: Date) {
        self.account = account
        self.role = role
        self.since = since
    }
}
