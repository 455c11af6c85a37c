import ChorusCore
import ChorusServices
import ChorusStore
import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// The list of teams (with the new-team form, which `TeamSettingsPages`
/// takes) and a team's page: its feed with pins, its compose box for
/// members, joining and leaving, and for its owners and admins the pins,
/// join requests and a link to the settings. A private team is a 404 to
/// anyone outside it.
struct TeamPages {
    let web: Web
    var services: Services { web.services }

    func addRoutes(to group: RouterGroup<SignedInContext>) {
        group.get("teams", use: teams)
        group.get("teams/:slug", use: team)
        group.post("teams/:slug/join") { request, context in try await self.changeMembership(request, context: context, join: true) }
        group.post("teams/:slug/leave") { request, context in try await self.changeMembership(request, context: context, join: false) }
        for action in ManageAction.allCases {
            group.post("teams/:slug/\(action.path)") { request, context in try await self.manage(action, request, context: context) }
        }
    }

    /// A team's page.
    struct Content: MustacheParent {
        let team: TeamHeader
        let capabilities: TeamCapabilities
        let requested: Bool
        let pinned: [StatusCard]
        let statuses: [StatusCard]
        let older: String?
        let requests: [PersonLink]
        let members: [PersonLink]
        let limits = ComposeLimits()

        func child(named name: String) -> Any? {
            switch name {
            case "team": team
            case "isMember": capabilities.leave
            case "canPost": capabilities.post
            case "canJoin": capabilities.join
            case "canManage": capabilities.manage
            case "canAnnounce": capabilities.announce
            case "requested": requested
            case "hasPinned": !pinned.isEmpty
            case "pinned": pinned
            case "statuses": statuses
            case "older": older
            case "hasRequests": !requests.isEmpty
            case "requests": requests
            case "memberList": members
            default: limits.child(named: name)
            }
        }
    }

    @Sendable func teams(_ request: Request, context: SignedInContext) async throws -> Response {
        try await listPage(request, context: context)
    }

    /// The list of teams; after a refused new team, with its reason and what was typed.
    func listPage(_ request: Request, context: SignedInContext, draft: TeamFormValues = TeamFormValues(), error: ChorusError? = nil) async throws -> Response {
        var frame = await web.frame(request, context.session, title: "teams_title", path: "/teams", nav: .teams)
        frame.error = error.map { web.error($0, frame) }
        let views = try await services.teams.teams(viewer: context.account, mine: false)
        let content = TeamListContent(teams: views.map { TeamHeader($0.team, isMember: $0.role != nil) }, draft: draft)
        return web.render("teams", frame, content, status: error == nil ? .ok : .unprocessableContent)
    }

    @Sendable func team(_ request: Request, context: SignedInContext) async throws -> Response {
        let slug = context.parameters.get("slug") ?? ""
        let frame = await web.frame(request, context.session, title: "teams_title", path: "/teams/\(slug)", nav: .teams)
        return try await teamPage(frame, slug: slug, session: context.session, maxID: Web.maxID(request),
                                  created: Params(query: request).string("created") != nil)
    }

    /// `created`: right after the team was made, saying which address it got.
    func teamPage(_ frame: PageFrame, slug: String, session: WebSession, maxID: Int64?, created: Bool = false,
                  status: HTTPResponse.Status = .ok) async throws -> Response {
        var frame = frame
        let viewer = session.account
        let view = try await services.teams.team(slug: slug, viewer: viewer)
        let team = view.team
        let feed = try await services.teams.timeline(of: team.id, viewer: viewer, filter: TeamFeedFilter(), page: Page(maxID: maxID, limit: 20))
        let members = try await services.teams.members(id: team.id, viewer: viewer, limit: 80, offset: 0)
        let capabilities = view.capabilities
        let requests = capabilities.manage ? try await services.teams.joinRequests(teamID: team.id, by: viewer) : []
        let now = Date()
        func card(_ status: HydratedStatus) -> StatusCard {
            web.presenter.card(status, viewer: viewer, language: frame.language, now: now,
                               capabilities: status.capabilities(for: viewer.id, teamRole: view.role))
        }
        let content = Content(
            team: TeamHeader(team), capabilities: capabilities, requested: view.requested, pinned: feed.pinned.map(card), statuses: feed.posts.map(card),
            older: feed.posts.count == 20 ? feed.posts.last.map { "/teams/\(team.slug)?max_id=\($0.status.id)" } : nil,
            requests: requests.map { web.presenter.person($0) },
            members: members.map { member in
                web.presenter.person(member.account, role: member.role == .member ? nil : frame.string("team_role_\(member.role.rawValue)"))
            })
        frame.title = team.name
        if created {
            frame.notice = frame.string("team_created").replacingOccurrences(of: "{address}", with: "\(web.config.baseURL)/teams/\(team.slug)")
        }
        frame.scripts = ["/js/compose.js"]
        frame.here = "/teams/\(team.slug)"
        return web.render("team", frame, content, status: status)
    }

    private func changeMembership(_ request: Request, context: SignedInContext, join: Bool) async throws -> Response {
        let slug = context.parameters.get("slug") ?? ""
        let view = try await services.teams.team(slug: slug, viewer: context.account)
        do {
            _ = join ? try await services.teams.join(id: view.team.id, by: context.account)
                : try await services.teams.leave(id: view.team.id, by: context.account)
        } catch let error as ChorusError where error.kind == .unprocessable || error.kind == .forbidden {
            return try await refused(error, request, context: context, slug: slug)
        }
        return Web.redirect("/teams/\(view.team.slug)")
    }

    /// What the team's owners and admins do from its page.
    enum ManageAction: CaseIterable, Sendable {
        case pin, unpin, approve, deny

        var path: String {
            switch self {
            case .pin: "pin/:id"
            case .unpin: "unpin/:id"
            case .approve: "requests/:id/approve"
            case .deny: "requests/:id/deny"
            }
        }
    }

    /// Pins and join requests (the team's owners and admins).
    func manage(_ action: ManageAction, _ request: Request, context: SignedInContext) async throws -> Response {
        let slug = context.parameters.get("slug") ?? ""
        let id = try context.parameters.id("id")
        let view = try await services.teams.team(slug: slug, viewer: context.account)
        do {
            switch action {
            case .pin: _ = try await services.teams.pin(teamID: view.team.id, statusID: id, by: context.account)
            case .unpin: try await services.teams.unpin(teamID: view.team.id, statusID: id, by: context.account)
            case .approve: try await services.teams.decideRequest(teamID: view.team.id, accountID: id, approve: true, by: context.account)
            case .deny: try await services.teams.decideRequest(teamID: view.team.id, accountID: id, approve: false, by: context.account)
            }
        } catch let error as ChorusError where error.kind == .unprocessable {
            return try await refused(error, request, context: context, slug: slug)
        }
        return Web.redirect("/teams/\(view.team.slug)")
    }

    /// The team's page again, with the reason a change was refused.
    func refused(_ error: ChorusError, _ request: Request, context: SignedInContext, slug: String) async throws -> Response {
        var frame = await web.frame(request, context.session, title: "teams_title", path: "/teams/\(slug)", nav: .teams)
        frame.error = web.error(error, frame)
        return try await teamPage(frame, slug: slug, session: context.session, maxID: nil, status: .unprocessableContent)
    }
}
