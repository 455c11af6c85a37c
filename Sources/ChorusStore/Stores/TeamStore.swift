import ChorusCore
import Foundation

/// Filters of a team feed.
public struct TeamFeedFilter: Sendable {
    public var kind: PostKind?
    /// Only questions without a best answer.
    public var unanswered = false
    public init() {}
}

/// Teams: settings, members, join requests, the team feed, pins and best answers.
public protocol TeamStore: Sendable {
    /// Creates a team with `ownerID` as its first owner. An address is a 409
    /// only when a team the creator can see has it: a private team they are
    /// not in neither blocks it nor shows through the answer. With
    /// `numberIfTaken` (an address made from the name, not typed) such an
    /// address gets the first free number instead ("yan-fa-bu-2"), free
    /// among the same teams, so the number tells nothing either.
    func createTeam(_ team: TeamRecord, ownerID: Int64, numberIfTaken: Bool) async throws -> TeamRecord

    /// Saves changed team fields (name, description, privacy, join policy,
    /// archive state). A team made public may not share its address with
    /// another public team (both are visible, so the 409 tells nothing new).
    func updateTeam(_ team: TeamRecord, actorID: Int64, action: String) async throws -> TeamRecord

    /// Teams by id whatever the viewer (for internal checks, never shown as is).
    func teams(ids: [Int64]) async throws -> [TeamRecord]

    /// A team whatever the viewer (for internal checks, never shown as is).
    func team(id: Int64) async throws -> TeamRecord?

    /// The team and the viewer's role, or nil if it does not exist or is
    /// private and the viewer is not a member (callers answer 404).
    func teamView(id: Int64, viewerID: Int64) async throws -> TeamView?

    /// Like `teamView(id:)`, by slug. Several teams may share an address
    /// when all but one are private: the viewer's own team comes first,
    /// then a public one (the oldest).
    func teamView(slug: String, viewerID: Int64) async throws -> TeamView?

    /// The viewer's role in a team (nil when not a member).
    func teamRole(teamID: Int64, accountID: Int64) async throws -> TeamRole?

    /// Teams the viewer may see: every public team and the private teams
    /// they belong to; `mine` keeps only their own. Archived teams last.
    func teams(viewerID: Int64, mine: Bool, includeArchived: Bool) async throws -> [TeamView]

    /// Adds a member (or changes the role of one), takes away a pending
    /// request; the team's feed is in their home timeline from then on.
    func addTeamMember(teamID: Int64, accountID: Int64, role: TeamRole, actorID: Int64) async throws

    /// Removes a member: access ends at once, and the team's posts leave
    /// their home timeline. Their past posts stay in the team.
    func removeTeamMember(teamID: Int64, accountID: Int64, actorID: Int64) async throws

    /// How many owners a team has.
    func ownerCount(teamID: Int64) async throws -> Int

    /// A team's members, owners first, then by when they joined.
    func teamMembers(teamID: Int64, limit: Int, offset: Int) async throws -> [TeamMember]

    /// Ids of a team's members.
    func teamMemberIDs(teamID: Int64) async throws -> Set<Int64>

    func requestToJoin(teamID: Int64, accountID: Int64) async throws

    /// Pending requests, oldest first.
    func joinRequests(teamID: Int64) async throws -> [AccountRecord]

    @discardableResult
    func deleteJoinRequest(teamID: Int64, accountID: Int64) async throws -> Bool

    /// A team's feed in one read: its pinned posts (when `withPins`) and a
    /// page of the other posts, newest first (the caller checked access).
    func teamFeed(teamID: Int64, viewerID: Int64, filter: TeamFeedFilter, page: Page, withPins: Bool) async throws -> (pinned: [HydratedStatus], posts: [HydratedStatus])

    /// Posts of every team the viewer belongs to, newest first.
    func myTeamsTimeline(viewerID: Int64, page: Page) async throws -> [HydratedStatus]

    /// The ids of a team's pinned posts, most recently pinned first.
    func pinnedStatusIDs(teamID: Int64) async throws -> [Int64]

    func pin(teamID: Int64, statusID: Int64, actorID: Int64) async throws

    func unpin(teamID: Int64, statusID: Int64) async throws

    /// Marks (or clears, with nil) the best answer of a question.
    func setBestAnswer(questionID: Int64, answerID: Int64?) async throws

    /// True if `answerID` is a reply somewhere below `questionID` in its thread.
    func isInThread(answerID: Int64, questionID: Int64) async throws -> Bool
}
