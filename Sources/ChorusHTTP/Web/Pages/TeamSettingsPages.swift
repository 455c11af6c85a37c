import ChorusCore
import ChorusServices
import ChorusStore
import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// What a team's owners do in the browser: start a team (the form on
/// `/teams`), and the settings page `/teams/:slug/settings` of its owners
/// and admins: name, description, who may see and join it, archiving, and
/// the members with their roles. Anyone else gets what the API answers
/// them: a 404 outside a private team, a 403 otherwise.
struct TeamSettingsPages {
    let web: Web
    var services: Services { web.services }

    func addRoutes(to group: RouterGroup<SignedInContext>) {
        group.post("teams", use: create)
        group.get("teams/:slug/settings", use: settings)
        group.post("teams/:slug/settings", use: update)
        group.post("teams/:slug/archive") { request, context in try await self.archive(request, context: context, archived: true) }
        group.post("teams/:slug/unarchive") { request, context in try await self.archive(request, context: context, archived: false) }
        group.post("teams/:slug/members", use: addMember)
        group.post("teams/:slug/members/:id/role", use: changeRole)
        group.post("teams/:slug/members/:id/remove", use: removeMember)
    }

    /// The notices a change sends back with (`?done=`), each a catalogue key `team_done_…`.
    static let notices: Set<String> = ["saved", "archived", "unarchived", "added", "role", "removed"]

    // MARK: Forms

    /// The new-team form and the settings form. The settings form has no
    /// address (it never changes), and no privacy for a team's admins.
    struct TeamForm: RequestBody {
        let settings: TeamService.Settings

        init(_ params: Params) throws {
            var settings = TeamService.Settings(name: params.string("name"), slug: params.nonEmpty("slug"), description: params.string("description"))
            if let raw = params.nonEmpty("privacy") {
                guard let privacy = TeamPrivacy(rawValue: raw) else { throw ChorusError.unprocessable("Validation failed: privacy must be public or private") }
                settings.privacy = privacy
            }
            if let raw = params.nonEmpty("join_policy") {
                guard let policy = TeamJoinPolicy(rawValue: raw) else { throw ChorusError.unprocessable("Validation failed: join_policy must be open, request or invite") }
                settings.joinPolicy = policy
            }
            self.settings = settings
        }

        /// What the form held, to show again after a refusal (`team` fills what it left out).
        func values(over team: TeamRecord? = nil) -> TeamFormValues {
            var values = team.map(TeamFormValues.init) ?? TeamFormValues()
            values.name = settings.name ?? values.name
            values.slug = settings.slug ?? values.slug
            values.description = settings.description ?? values.description
            values.privacy = settings.privacy ?? values.privacy
            values.joinPolicy = settings.joinPolicy ?? values.joinPolicy
            return values
        }
    }

    /// A role chosen in a form (adding someone, or changing a member's role).
    struct RoleForm: RequestBody {
        let role: TeamRole
        /// The person to add: a username, with or without `@`.
        let username: String

        init(_ params: Params) throws {
            guard let role = TeamRole(rawValue: params.nonEmpty("role") ?? TeamRole.member.rawValue) else {
                throw ChorusError.unprocessable("Validation failed: role must be owner, admin or member")
            }
            self.role = role
            username = params.string("username") ?? ""
        }
    }

    // MARK: Creating a team

    @Sendable func create(_ request: Request, context: SignedInContext) async throws -> Response {
        var draft = TeamFormValues()
        do {
            let form = try context.form(TeamForm.self)
            draft = form.values()
            let created = try await services.teams.createTeam(by: context.account, form.settings)
            return Web.redirect("/teams/\(created.team.slug)?created=1")
        } catch let error as ChorusError where Web.isShown(error) {
            return try await TeamPages(web: web).listPage(request, context: context, draft: draft, error: error)
        }
    }

    // MARK: The settings page

    @Sendable func settings(_ request: Request, context: SignedInContext) async throws -> Response {
        let slug = context.parameters.get("slug") ?? ""
        var frame = await frame(request, context, slug: slug)
        let query = Params(query: request)
        if let done = query.string("done"), Self.notices.contains(done) { frame.notice = frame.string("team_done_\(done)") }
        return try await settingsPage(frame, slug: slug, context: context, offset: max(0, (try? query.int("offset")) ?? 0))
    }

    private func frame(_ request: Request, _ context: SignedInContext, slug: String) async -> PageFrame {
        await web.frame(request, context.session, title: "team_settings_title", path: "/teams/\(slug)/settings", nav: .teams)
    }

    /// The page; `draft` and `username` bring back what a refused form held.
    func settingsPage(_ frame: PageFrame, slug: String, context: SignedInContext, draft: TeamFormValues? = nil, username: String = "",
                      offset: Int = 0, status: HTTPResponse.Status = .ok) async throws -> Response {
        var frame = frame
        let view = try await services.teams.managedTeam(slug: slug, by: context.account)
        let team = view.team
        let pageSize = 80
        let members = try await services.teams.members(id: team.id, viewer: context.account, limit: pageSize, offset: offset)
        func roles(for current: TeamRole?) -> [Choice] {
            view.assignableRoles(to: current).map { Choice(value: $0.rawValue, label: frame.string("team_role_\($0.rawValue)"), selected: $0 == current) }
        }
        let rows = members.map { member in
            MemberRow(person: web.presenter.person(member.account), role: frame.string("team_role_\(member.role.rawValue)"),
                      roles: roles(for: member.role), canRemove: view.mayRemove(member.role))
        }
        let content = TeamSettingsContent(
            team: TeamHeader(team), address: "\(web.config.baseURL)/teams/\(team.slug)", capabilities: view.capabilities,
            draft: draft ?? TeamFormValues(team), members: rows, newRoles: roles(for: nil), username: username,
            moreMembers: members.count == pageSize ? "/teams/\(team.slug)/settings?offset=\(offset + pageSize)" : nil)
        frame.title = "\(team.name) · \(frame.string("team_settings_title"))"
        frame.here = "/teams/\(team.slug)/settings"
        return web.render("team_settings", frame, content, status: status)
    }

    // MARK: Changes

    /// Runs a change of the team at `:slug`, then goes back to its settings
    /// with the notice `done` (or to the address the change returns). A
    /// refusal is shown on the settings page, with what the form held.
    private func changing(_ request: Request, context: SignedInContext, done: String, draft: (TeamRecord) -> TeamFormValues? = { _ in nil },
                          username: String = "", _ change: (TeamView) async throws -> String?) async throws -> Response {
        let slug = context.parameters.get("slug") ?? ""
        // Outside a private team this is its 404; other refusals come from the change itself.
        let view = try await services.teams.team(slug: slug, viewer: context.account)
        do {
            let next = try await change(view)
            return Web.redirect(next ?? "/teams/\(view.team.slug)/settings?done=\(done)")
        } catch let error as ChorusError where Web.isShown(error) {
            var frame = await frame(request, context, slug: slug)
            frame.error = web.error(error, frame)
            return try await settingsPage(frame, slug: slug, context: context, draft: draft(view.team), username: username, status: .unprocessableContent)
        }
    }

    @Sendable func update(_ request: Request, context: SignedInContext) async throws -> Response {
        try await changing(request, context: context, done: "saved", draft: { (try? context.form(TeamForm.self))?.values(over: $0) }) { view in
            _ = try await services.teams.updateTeam(id: view.team.id, by: context.account, try context.form(TeamForm.self).settings)
            return nil
        }
    }

    func archive(_ request: Request, context: SignedInContext, archived: Bool) async throws -> Response {
        try await changing(request, context: context, done: archived ? "archived" : "unarchived") { view in
            _ = try await services.teams.setArchived(id: view.team.id, archived, by: context.account)
            return nil
        }
    }

    @Sendable func addMember(_ request: Request, context: SignedInContext) async throws -> Response {
        let username = context.form.string("username") ?? ""
        return try await changing(request, context: context, done: "added", username: username) { view in
            let form = try context.form(RoleForm.self)
            _ = try await services.teams.addMember(teamID: view.team.id, username: form.username, role: form.role, by: context.account)
            return nil
        }
    }

    /// A member's new role. Someone who gives up running the team goes to its page.
    @Sendable func changeRole(_ request: Request, context: SignedInContext) async throws -> Response {
        let id = try context.parameters.id("id")
        return try await changing(request, context: context, done: "role") { view in
            let role = try context.form(RoleForm.self).role
            _ = try await services.teams.addMember(teamID: view.team.id, accountID: id, role: role, by: context.account)
            return id == context.account.id && !role.canManage ? "/teams/\(view.team.slug)" : nil
        }
    }

    /// Takes someone out of the team (oneself too: then to the team's page).
    @Sendable func removeMember(_ request: Request, context: SignedInContext) async throws -> Response {
        let id = try context.parameters.id("id")
        return try await changing(request, context: context, done: "removed") { view in
            try await services.teams.removeMember(teamID: view.team.id, accountID: id, by: context.account)
            return id == context.account.id ? "/teams/\(view.team.slug)" : nil
        }
    }
}
