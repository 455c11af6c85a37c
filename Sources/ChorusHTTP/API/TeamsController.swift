import ChorusCore
import ChorusServices
import ChorusStore
import HTTPTypes
import Hummingbird

/// `/api/v1/chorus/teams` and the team feeds: teams, membership, join
/// requests, pins, best answers. A private team is 404 to non-members.
struct TeamsController {
    let services: Services
    let presenter: MastodonPresenter

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get("chorus/teams", use: list)
        group.post("chorus/teams", use: create)
        group.get("chorus/teams/:team", use: show)
        group.patch("chorus/teams/:team", use: update)
        group.put("chorus/teams/:team", use: update)
        group.post("chorus/teams/:team/archive") { try await self.archive($0, context: $1, archived: true) }
        group.post("chorus/teams/:team/unarchive") { try await self.archive($0, context: $1, archived: false) }
        group.post("chorus/teams/:team/join", use: join)
        group.post("chorus/teams/:team/leave", use: leave)
        group.get("chorus/teams/:team/members", use: members)
        group.post("chorus/teams/:team/members", use: addMember)
        group.delete("chorus/teams/:team/members/:account", use: removeMember)
        group.get("chorus/teams/:team/requests", use: requests)
        group.post("chorus/teams/:team/requests/:account/approve") { try await self.decide($0, context: $1, approve: true) }
        group.post("chorus/teams/:team/requests/:account/reject") { try await self.decide($0, context: $1, approve: false) }
        group.post("chorus/teams/:team/pins/:status", use: pin)
        group.delete("chorus/teams/:team/pins/:status", use: unpin)
        group.get("chorus/timelines/team/:team", use: timeline)
        group.get("chorus/timelines/teams", use: myTeams)
        group.post("chorus/statuses/:status/best_answer", use: bestAnswer)
        group.delete("chorus/statuses/:status/best_answer", use: clearBestAnswer)
    }

    /// The team in the path, by id or slug; 404 if the caller may not see it.
    func team(_ context: AuthenticatedContext, _ user: AccountRecord) async throws -> TeamView {
        let raw = context.parameters.get("team") ?? ""
        if let id = Int64(raw) { return try await services.teams.team(id: id, viewer: user) }
        return try await services.teams.team(slug: raw, viewer: user)
    }

    // MARK: Teams

    @Sendable func list(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("read:teams")
        let query = try ListRequest.query(request)
        let teams = try await services.teams.teams(viewer: user, mine: query.mine, includeArchived: query.archived)
        return try JSON.response(teams.map(presenter.team))
    }

    @Sendable func create(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("write:teams")
        let body = try await SettingsRequest.decode(request, context: context)
        return try JSON.response(presenter.team(try await services.teams.createTeam(by: user, body.settings)))
    }

    @Sendable func show(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("read:teams")
        return try JSON.response(presenter.team(try await team(context, user)))
    }

    @Sendable func update(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("write:teams")
        let id = try await team(context, user).team.id
        let body = try await SettingsRequest.decode(request, context: context)
        return try JSON.response(presenter.team(try await services.teams.updateTeam(id: id, by: user, body.settings)))
    }

    func archive(_ request: Request, context: AuthenticatedContext, archived: Bool) async throws -> Response {
        let user = try context.user("write:teams")
        let id = try await team(context, user).team.id
        return try JSON.response(presenter.team(try await services.teams.setArchived(id: id, archived, by: user)))
    }

    // MARK: Membership

    @Sendable func join(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("write:teams")
        let id = try await team(context, user).team.id
        return try JSON.response(presenter.team(try await services.teams.join(id: id, by: user)))
    }

    @Sendable func leave(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("write:teams")
        let id = try await team(context, user).team.id
        return try JSON.response(presenter.team(try await services.teams.leave(id: id, by: user)))
    }

    @Sendable func members(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("read:teams")
        let id = try await team(context, user).team.id
        let query = try MembersRequest.query(request)
        let members = try await services.teams.members(id: id, viewer: user, limit: query.limit, offset: query.offset)
        return try JSON.response(members.map(presenter.member))
    }

    @Sendable func addMember(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("write:teams")
        let id = try await team(context, user).team.id
        let body = try await AddMemberRequest.decode(request, context: context)
        return try JSON.response(presenter.member(try await services.teams.addMember(teamID: id, accountID: body.accountID, role: body.role, by: user)))
    }

    @Sendable func removeMember(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("write:teams")
        let id = try await team(context, user).team.id
        try await services.teams.removeMember(teamID: id, accountID: try context.parameters.id("account"), by: user)
        return try JSON.empty()
    }

    @Sendable func requests(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("read:teams")
        let id = try await team(context, user).team.id
        return try JSON.response(try await services.teams.joinRequests(teamID: id, by: user).map { presenter.account($0) })
    }

    func decide(_ request: Request, context: AuthenticatedContext, approve: Bool) async throws -> Response {
        let user = try context.user("write:teams")
        let id = try await team(context, user).team.id
        try await services.teams.decideRequest(teamID: id, accountID: try context.parameters.id("account"), approve: approve, by: user)
        return try JSON.empty()
    }

    // MARK: Pins, feeds, best answers

    @Sendable func pin(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("write:teams")
        let id = try await team(context, user).team.id
        return try JSON.response(presenter.status(try await services.teams.pin(teamID: id, statusID: try context.parameters.id("status"), by: user)))
    }

    @Sendable func unpin(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("write:teams")
        let id = try await team(context, user).team.id
        try await services.teams.unpin(teamID: id, statusID: try context.parameters.id("status"), by: user)
        return try JSON.empty()
    }

    @Sendable func timeline(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("read:statuses")
        let id = try await team(context, user).team.id
        let query = try FeedRequest.query(request)
        // `team(context:)` above checked access: the feed is one more read.
        let feed = try await services.teams.timeline(of: id, viewer: user, filter: query.filter, page: query.page)
        return presenter.statusesResponse(feed.pinned + feed.posts,
                                 headers: LinkHeader.fields(request: request, baseURL: services.config.baseURL, cursors: feed.posts.map(\.status.id)))
    }

    @Sendable func myTeams(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("read:statuses")
        let statuses = try await services.teams.myTeamsTimeline(viewer: user, page: try PageRequest.query(request).page())
        return presenter.statusesResponse(statuses,
                                 headers: LinkHeader.fields(request: request, baseURL: services.config.baseURL, cursors: statuses.map(\.status.id)))
    }

    @Sendable func bestAnswer(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("write:statuses")
        let body = try await BestAnswerRequest.decode(request, context: context)
        let question = try await services.teams.chooseBestAnswer(questionID: try context.parameters.id("status"), answerID: body.answerID, by: user)
        return try JSON.response(presenter.status(question))
    }

    @Sendable func clearBestAnswer(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = try context.user("write:statuses")
        let question = try await services.teams.chooseBestAnswer(questionID: try context.parameters.id("status"), answerID: nil, by: user)
        return try JSON.response(presenter.status(question))
    }
}
