import ChorusCore
import ChorusStore
import Foundation

/// Team feeds, pins and best answers.
extension TeamService {
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
}
