import ChorusCore
import ChorusServices
import ChorusStore
import Foundation
import HTTPTypes
import Hummingbird

/// The web pages people use at their desks and on their phones: sign in and
/// out, and the home page (compose box and home timeline). Forms work
/// without JavaScript; `Public/js/compose.js` adds the live counter.
struct WebController {
    let services: Services
    let pages: WebPages
    /// Posting from the compose box (slash commands included).
    let compose: ComposeService

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("login", use: loginForm)
        router.post("login", use: login)
        router.post("logout", use: logout)
        router.get("language", use: language)
        router.get("/", use: home)
        router.post("statuses", use: post)
        router.get("live", use: live)
        router.get("public", use: company)
        router.get("teams", use: teams)
        router.get("teams/:slug", use: team)
        router.post("teams/:slug/join", use: joinTeam)
        router.post("teams/:slug/leave", use: leaveTeam)
        for action in ["pin", "unpin"] {
            router.post("teams/:slug/\(action)/:id") { request, context in try await self.manageTeam(action, request, context: context) }
        }
        for action in ["approve", "deny"] {
            router.post("teams/:slug/requests/:id/\(action)") { request, context in try await self.manageTeam(action, request, context: context) }
        }
        router.get("tags/:tag", use: tag)
        router.post("tags/:tag/follow") { request, context in try await self.followTag(request, context: context, follow: true) }
        router.post("tags/:tag/unfollow") { request, context in try await self.followTag(request, context: context, follow: false) }
        router.get("search", use: search)
        router.get("settings", use: settings)
        router.post("settings/profile") { request, context in try await self.saveSettings("profile", request, context: context) }
        router.post("settings/password") { request, context in try await self.saveSettings("password", request, context: context) }
        router.post("settings/sessions") { request, context in try await self.saveSettings("sessions", request, context: context) }
        router.post("settings/sessions/:id/end", use: endSession)
        router.get("notifications", use: notifications)
        router.get("@{username}", use: profile)
        router.get("@{username}/followers") { request, context in try await self.people(request, context: context, followers: true) }
        router.get("@{username}/following") { request, context in try await self.people(request, context: context, followers: false) }
        router.get("@{username}/:id", use: thread)
        router.post("statuses/:id/best/:answer", use: chooseBest)
        for action in ["favourite", "unfavourite", "reblog", "unreblog", "delete"] {
            router.post("statuses/:id/\(action)") { request, context in try await self.act(action, request, context: context) }
        }
        router.post("@{username}/follow", use: follow)
        router.post("@{username}/unfollow", use: unfollow)
    }

    // MARK: Signing in and out

    @Sendable func loginForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        if await WebSession.current(request, context: context, services: services) != nil { return redirect("/") }
        // An empty database: create the first administrator instead.
        if try await services.accounts.needsSetup() { return redirect("/setup") }
        var model = await page(request, session: nil, title: "sign_in_title", path: "/login")
        let finish = FormGuard.protect(request, &model, config: services.config)
        return finish(pages.render("login", model))
    }

    @Sendable func login(_ request: Request, context: AppRequestContext) async throws -> Response {
        let params = try await Params.from(request, context: context)
        let username = params.string("username") ?? ""
        var model = await page(request, session: nil, title: "sign_in_title", path: "/login")
        model["username"] = username
        let finish = FormGuard.protect(request, &model, config: services.config)
        guard FormGuard.accepts(request, params) else {
            model["error"] = pages.localizer.string("bad_form", model.language)
            return finish(pages.render("login", model, status: .forbidden))
        }
        do {
            let issued = try await services.oauth.signIn(login: username, password: params.string("password") ?? "",
                                                         client: WebSession.client(request, context))
            var response = redirect("/")
            response.setCookie(WebSession.cookie(issued.token, config: services.config))
            return response
        } catch let error as ChorusError where error.kind == .tooManyRequests {
            model["error"] = pages.localizer.string("sign_in_throttled", model.language)
            return finish(pages.render("login", model, status: .tooManyRequests))
        } catch let error as ChorusError where error.kind == .unauthorized {
            model["error"] = pages.localizer.string("sign_in_failed", model.language)
            return finish(pages.render("login", model, status: .unauthorized))
        }
    }

    @Sendable func logout(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await signedInForm(request, context: context) { session, params in
            try await services.oauth.endSession(token: session.token)
            return signedOut()
        }
    }

    /// Back to the sign-in page, with the browser's session cookie dropped.
    func signedOut() -> Response {
        var response = redirect("/login")
        response.setCookie(WebSession.cookie("", config: services.config, maxAge: 0))
        return response
    }

    /// `/language?lang=en&next=/`: remembers the choice (on the account when
    /// signed in, in a cookie otherwise) and goes back.
    @Sendable func language(_ request: Request, context: AppRequestContext) async throws -> Response {
        let params = Params(query: request)
        let next = localPath(params.string("next")) ?? "/"
        guard let code = params.string("lang"), Localizer.supported.contains(code) else { return redirect(next) }
        if let session = await WebSession.current(request, context: context, services: services) {
            _ = try await services.accounts.updateProfile(accountID: session.account.id, displayName: nil, note: nil, locale: code)
        }
        var response = redirect(next)
        response.setCookie(.chorus(WebSession.languageCookie, code, maxAge: 365 * 86_400, config: services.config))
        return response
    }

    // MARK: Home

    @Sendable func home(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let session = await WebSession.current(request, context: context, services: services) else { return redirect("/login") }
        let params = Params(query: request)
        var model = await page(request, session: session, title: "home_title", path: "/")
        if params.string("posted") != nil { model["notice"] = pages.localizer.string("posted", model.language) }
        return try await homePage(model, session: session, maxID: params.string("max_id").flatMap { Int64($0) },
                                  minID: params.string("min_id").flatMap { Int64($0) })
    }

    @Sendable func post(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await signedInForm(request, context: context) { session, params in
            let text = params.string("status") ?? ""
            let teamID = params.string("team_id").flatMap { Int64($0) }
            let visibility = teamID != nil ? .team : params.string("visibility").flatMap(Visibility.init(apiValue:)) ?? .company
            let next = localPath(params.string("next"))
            var draft = StatusService.Draft(text: text, visibility: visibility)
            draft.teamID = teamID
            draft.inReplyToID = params.string("in_reply_to_id").flatMap { Int64($0) }
            draft.quotedStatusID = params.string("quoted_status_id").flatMap { Int64($0) }
            if teamID != nil, let kind = params.string("kind").flatMap(PostKind.init(rawValue:)) { draft.kind = kind }
            // The length rule in the reader's language; the service checks it again.
            let length = PostText.count(text)
            var problem: String?
            if length == 0 || length > PostText.maxCharacters {
                let language = await page(request, session: session, title: "home_title", path: "/").language
                problem = length == 0 ? pages.localizer.string("post_empty", language)
                    : pages.localizer.string("post_too_long", language).replacingOccurrences(of: "{n}", with: String(length))
            } else {
                do {
                    if case .command(let answer) = try await compose.submit(by: session.account, draft), answer.visibility == .ephemeral {
                        // Shown to the caller only, once: nothing is stored.
                        var model = await page(request, session: session, title: "home_title", path: "/")
                        model["notice"] = answer.text.isEmpty ? "/\(answer.command) ✓" : "\(answer.bot.shownName): \(answer.text)"
                        return try await homePage(model, session: session, maxID: nil)
                    }
                    return redirect(next ?? "/?posted=1")
                } catch let error as ChorusError where [.unprocessable, .badRequest, .forbidden, .notFound, .badGateway, .gatewayTimeout].contains(error.kind) {
                    // The server's own check (the browser's counter is a convenience): show its reason, keep the draft.
                    problem = pages.localizer.error(error.message, await page(request, session: session, title: "home_title", path: "/").language)
                }
            }
            if let parentID = draft.inReplyToID {
                var model = await page(request, session: session, title: "thread", path: next ?? "/")
                model["error"] = problem
                return try await threadPage(model, statusID: parentID, session: session, status: .unprocessableContent)
            }
            if let next, next.hasPrefix("/teams/"), let slug = next.split(separator: "/").last {
                var model = await page(request, session: session, title: "teams_title", path: next)
                model["error"] = problem
                return try await teamPage(model, slug: String(slug), session: session, maxID: nil, status: .unprocessableContent)
            }
            var model = await page(request, session: session, title: "home_title", path: "/")
            model["error"] = problem
            model["draft"] = text
            return try await homePage(model, session: session, maxID: nil, visibility: visibility, teamID: teamID, status: .unprocessableContent)
        }
    }

    // MARK: Company and teams

    @Sendable func company(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let session = await WebSession.current(request, context: context, services: services) else { return redirect("/login") }
        let maxID = Params(query: request).string("max_id").flatMap { Int64($0) }
        var model = await page(request, session: session, title: "company_title", path: "/public")
        let statuses = try await services.timelines.company(viewer: session.account, page: Page(maxID: maxID, limit: 20))
        let now = Date()
        model["statuses"] = statuses.map { statusModel($0, language: model.language, now: now, viewer: session.account) }
        if statuses.count == 20, let last = statuses.last { model["older"] = "/public?max_id=\(last.status.id)" }
        model["navCompany"] = true
        model["here"] = maxID.map { "/public?max_id=\($0)" } ?? "/public"
        return pages.render("company", model)
    }

    @Sendable func teams(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let session = await WebSession.current(request, context: context, services: services) else { return redirect("/login") }
        var model = await page(request, session: session, title: "teams_title", path: "/teams")
        let views = try await services.teams.teams(viewer: session.account, mine: false)
        model["teams"] = views.map { view in
            ["slug": view.team.slug, "name": view.team.name, "description": view.team.description, "private": view.team.privacy == .private,
             "members": view.team.membersCount, "role": view.role != nil] as [String: Any]
        }
        model["navTeams"] = true
        return pages.render("teams", model)
    }

    /// A team's page; a private team is a 404 to anyone outside it (like the API).
    @Sendable func team(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let session = await WebSession.current(request, context: context, services: services) else { return redirect("/login") }
        let slug = context.parameters.get("slug") ?? ""
        let model = await page(request, session: session, title: "teams_title", path: "/teams/\(slug)")
        return try await teamPage(model, slug: slug, session: session, maxID: Params(query: request).string("max_id").flatMap { Int64($0) })
    }

    @Sendable func joinTeam(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await changeMembership(request, context: context, join: true)
    }

    @Sendable func leaveTeam(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await changeMembership(request, context: context, join: false)
    }

    private func changeMembership(_ request: Request, context: AppRequestContext, join: Bool) async throws -> Response {
        try await signedInForm(request, context: context) { session, params in
            let slug = context.parameters.get("slug") ?? ""
            let view = try await services.teams.team(slug: slug, viewer: session.account)
            do {
                _ = join ? try await services.teams.join(id: view.team.id, by: session.account)
                    : try await services.teams.leave(id: view.team.id, by: session.account)
            } catch let error as ChorusError where error.kind == .unprocessable || error.kind == .forbidden {
                var model = await page(request, session: session, title: "teams_title", path: "/teams/\(slug)")
                model["error"] = pages.localizer.error(error.message, model.language)
                return try await teamPage(model, slug: slug, session: session, maxID: nil, status: .unprocessableContent)
            }
            return redirect("/teams/\(view.team.slug)")
        }
    }

    private func teamPage(_ model: PageModel, slug: String, session: WebSession, maxID: Int64?,
                          status: HTTPResponse.Status = .ok) async throws -> Response {
        var model = model
        let view = try await services.teams.team(slug: slug, viewer: session.account)
        let team = view.team
        let feed = try await services.teams.timeline(of: team.id, viewer: session.account, filter: TeamFeedFilter(), page: Page(maxID: maxID, limit: 20))
        let members = try await services.teams.members(id: team.id, viewer: session.account, limit: 80, offset: 0)
        let now = Date()
        model["title"] = team.name
        model["team"] = ["id": String(team.id), "slug": team.slug, "name": team.name, "description": team.description,
                         "private": team.privacy == .private, "members": team.membersCount] as [String: Any]
        model["isMember"] = view.role != nil
        model["requested"] = view.requested
        model["canJoin"] = view.role == nil && !view.requested && !team.isArchived && team.joinPolicy != .invite
        let canManage = view.role?.canManage ?? false
        model["canManage"] = canManage
        if canManage {
            let requests = try await services.teams.joinRequests(teamID: team.id, by: session.account)
            model["hasRequests"] = !requests.isEmpty
            model["requests"] = requests.map { ["id": String($0.id), "username": $0.username, "displayName": $0.shownName] }
        }
        model["hasPinned"] = !feed.pinned.isEmpty
        func card(_ status: HydratedStatus) -> [String: Any] {
            var card = statusModel(status, language: model.language, now: now, viewer: session.account)
            card["canPin"] = canManage && status.status.inReplyToId == nil
            card["teamSlug"] = team.slug
            return card
        }
        model["pinned"] = feed.pinned.map(card)
        model["statuses"] = feed.posts.map(card)
        if feed.posts.count == 20, let last = feed.posts.last { model["older"] = "/teams/\(team.slug)?max_id=\(last.status.id)" }
        model["memberList"] = members.map { member in
            ["username": member.account.username, "displayName": member.account.shownName,
             "role": member.role == .member ? "" : pages.localizer.string("team_role_\(member.role.rawValue)", model.language)] as [String: Any]
        }
        model["maxCharacters"] = PostText.maxCharacters
        model["urlLength"] = PostText.charactersPerURL
        model["scripts"] = ["/js/compose.js"]
        model["navTeams"] = true
        model["here"] = "/teams/\(team.slug)"
        return pages.render("team", model, status: status)
    }

    private func homePage(_ model: PageModel, session: WebSession, maxID: Int64?, minID: Int64? = nil, visibility: Visibility = .company,
                          teamID: Int64? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        var model = model
        let statuses = try await services.timelines.home(viewer: session.account, page: Page(maxID: maxID, minID: minID, limit: 20))
        let now = Date()
        let firstPage = maxID == nil && minID == nil
        model["statuses"] = statuses.map { statusModel($0, language: model.language, now: now, viewer: session.account) }
        if let last = statuses.last, statuses.count == 20 || minID != nil { model["older"] = "/?max_id=\(last.status.id)" }
        // Past the first page: a way back up (the first page itself updates live).
        if !firstPage, let first = statuses.first { model["newer"] = "/?min_id=\(first.status.id)" }
        if !firstPage, statuses.isEmpty { model["newer"] = "/" }
        let teams = try await services.teams.teams(viewer: session.account, mine: true).filter { !$0.team.isArchived }
        model["teams"] = teams.map { ["id": String($0.team.id), "name": $0.team.name, "selected": $0.team.id == teamID] as [String: Any] }
        model["hasTeams"] = !teams.isEmpty
        let draft = model["draft"] as? String ?? ""
        model["remaining"] = PostText.maxCharacters - PostText.count(draft)
        model["maxCharacters"] = PostText.maxCharacters
        model["urlLength"] = PostText.charactersPerURL
        model["scripts"] = firstPage ? ["/js/compose.js", "/js/live.js"] : ["/js/compose.js"]
        model["live"] = firstPage
        model["navHome"] = true
        model["here"] = maxID.map { "/?max_id=\($0)" } ?? minID.map { "/?min_id=\($0)" } ?? "/"
        let strings = pages.localizer.strings(model.language)
        model["visibilities"] = [Visibility.company, .followers, .direct].map { option in
            ["value": option.rawValue, "label": strings["visibility_\(option.rawValue)"] ?? option.rawValue, "selected": option == visibility] as [String: Any]
        }
        return pages.render("home", model, status: status)
    }

    /// The card of a post as its reader sees it: a reblog shows the original
    /// (and who reposted it); the actions act on what is shown.
    func statusModel(_ hydrated: HydratedStatus, language: String, now: Date, viewer: AccountRecord) -> [String: Any] {
        let shown = hydrated.reblog ?? hydrated
        var model: [String: Any] = [
            "id": String(hydrated.status.id),
            "targetID": String(shown.status.id),
            "displayName": shown.account.shownName,
            "username": shown.account.username,
            "iso": JSON.timestamp(shown.status.createdAt),
            "exact": JSON.timestamp(shown.status.createdAt).prefix(16).replacingOccurrences(of: "T", with: " ") + " UTC",
            "relative": pages.localizer.relative(shown.status.createdAt, now: now, language),
            "html": shown.status.contentHtml,
            "favourited": shown.favourited,
            "reblogged": shown.reblogged,
            "favourites": shown.status.favouritesCount > 0 ? String(shown.status.favouritesCount) : "",
            "reblogs": shown.status.reblogsCount > 0 ? String(shown.status.reblogsCount) : "",
            "replies": shown.status.repliesCount > 0 ? String(shown.status.repliesCount) : "",
            "canReblog": shown.status.visibility == .company,
            "isOwn": shown.account.id == viewer.id,
        ]
        if hydrated.reblog != nil { model["rebloggedBy"] = hydrated.account.shownName }
        if let team = shown.team {
            model["team"] = team.name
            model["pinned"] = shown.pinned
            if shown.status.kind != .status { model["kindLabel"] = pages.localizer.string("kind_\(shown.status.kind.rawValue)", language) }
        }
        if let quoted = shown.quoted {
            model["quote"] = ["id": String(quoted.status.id), "username": quoted.account.username, "displayName": quoted.account.shownName,
                              "html": quoted.status.contentHtml] as [String: Any]
        } else if shown.status.quoteOfId != nil {
            model["quoteGone"] = true
        }
        return model
    }

    // MARK: Threads and actions

    @Sendable func thread(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let session = await WebSession.current(request, context: context, services: services) else { return redirect("/login") }
        guard let id = context.parameters.get("id").flatMap({ Int64($0) }) else { throw ChorusError.notFound() }
        var model = await page(request, session: session, title: "thread", path: request.uri.path)
        if Params(query: request).string("nominated") != nil { model["nominated"] = true }
        return try await threadPage(model, statusID: id, session: session)
    }

    func threadPage(_ model: PageModel, statusID: Int64, session: WebSession, status: HTTPResponse.Status = .ok) async throws -> Response {
        var model = model
        let main = try await services.statuses.status(id: statusID, viewer: session.account)
        let shown = main.reblog ?? main
        let thread = try await services.statuses.context(id: shown.status.id, viewer: session.account)
        let now = Date()
        let card = { (status: HydratedStatus) in self.statusModel(status, language: model.language, now: now, viewer: session.account) }
        model["here"] = "/@\(shown.account.username)/\(shown.status.id)"
        model["ancestors"] = thread.ancestors.map(card)
        var mainCard = card(shown)
        mainCard["focus"] = true
        model["main"] = mainCard
        // A question's asker (or the team's owners and admins) choose its best answer among the replies.
        var canChoose = false
        if shown.status.kind == .question {
            canChoose = shown.account.id == session.account.id
            if !canChoose, let teamID = shown.status.teamId {
                canChoose = (try? await services.teams.team(id: teamID, viewer: session.account))?.role?.canManage ?? false
            }
        }
        model["descendants"] = thread.descendants.map { reply in
            var replyCard = card(reply)
            if reply.status.id == shown.status.bestAnswerId { replyCard["best"] = true }
            if canChoose, reply.status.id != shown.status.bestAnswerId {
                replyCard["chooseBest"] = "/statuses/\(shown.status.id)/best/\(reply.status.id)"
            }
            return replyCard
        }
        model["hasReplies"] = !thread.descendants.isEmpty
        model["mainID"] = String(shown.status.id)
        model["canQuote"] = shown.status.visibility == .company
        // Anyone may propose an original company post for the brand channels.
        if shown.status.visibility == .company, shown.status.teamId == nil, shown.status.reblogOfId == nil {
            let channels = try await services.bridge.channels()
            model["canNominate"] = !channels.isEmpty
            model["channels"] = channels.map { ["id": String($0.id ?? 0), "name": $0.name, "kind": $0.kind.rawValue] }
        }
        model["replyPrefix"] = shown.account.id == session.account.id ? "" : "@\(shown.account.username) "
        model["title"] = shown.account.shownName
        model["maxCharacters"] = PostText.maxCharacters
        model["urlLength"] = PostText.charactersPerURL
        model["scripts"] = ["/js/compose.js"]
        return pages.render("thread", model, status: status)
    }

    @Sendable func chooseBest(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await signedInForm(request, context: context) { session, params in
            guard let question = context.parameters.get("id").flatMap({ Int64($0) }),
                  let answer = context.parameters.get("answer").flatMap({ Int64($0) }) else { throw ChorusError.notFound() }
            let chosen = try await services.teams.chooseBestAnswer(questionID: question, answerID: answer, by: session.account)
            return redirect("/@\(chosen.account.username)/\(question)")
        }
    }

    /// Favourite, repost (and undo them), delete: a form on each card, then back.
    func act(_ action: String, _ request: Request, context: AppRequestContext) async throws -> Response {
        try await signedInForm(request, context: context) { session, params in
            guard let id = context.parameters.get("id").flatMap({ Int64($0) }) else { throw ChorusError.notFound() }
            let viewer = session.account
            switch action {
            case "favourite": _ = try await services.statuses.favourite(id: id, by: viewer)
            case "unfavourite": _ = try await services.statuses.unfavourite(id: id, by: viewer)
            case "reblog": _ = try await services.statuses.reblog(id: id, by: viewer)
            case "unreblog": _ = try await services.statuses.unreblog(id: id, by: viewer)
            default:
                _ = try await services.statuses.deleteStatus(id: id, by: viewer)
                // The deleted post's own page is gone: go home instead.
                let next = localPath(params.string("next")) ?? "/"
                return redirect(next.hasSuffix("/\(id)") ? "/" : next)
            }
            return redirect(localPath(params.string("next")) ?? "/")
        }
    }

    // MARK: Live updates

    /// Server-sent events for the signed-in person's home page: each new post
    /// of their home timeline as the HTML of its card (rendered for them,
    /// so they only ever receive what they may see), and deletions.
    @Sendable func live(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let session = await WebSession.current(request, context: context, services: services) else {
            return Response(status: .unauthorized, headers: [.cacheControl: "no-store"])
        }
        let language = await page(request, session: session, title: "home_title", path: "/").language
        let strings = pages.localizer.strings(language)
        let messages = try await services.openStream(accountID: session.account.id, tokenID: session.principal.tokenID, kind: .user)
        let services = services
        return StreamingController.eventStream(messages) { message in
            switch message {
            case .update(let id):
                guard let status = try? await services.statuses.status(id: id, viewer: session.account) else { return nil }
                var card = statusModel(status, language: language, now: Date(), viewer: session.account)
                card["csrf"] = session.csrf
                card["here"] = "/"
                card["t"] = strings
                return ("status", pages.library.render(card, withTemplate: "status") ?? "")
            case .delete(let id):
                return ("delete", String(id))
            case .notification:
                return nil
            }
        }
    }

    /// Pins and join requests (the team's owners and admins).
    func manageTeam(_ action: String, _ request: Request, context: AppRequestContext) async throws -> Response {
        try await signedInForm(request, context: context) { session, params in
            let slug = context.parameters.get("slug") ?? ""
            guard let id = context.parameters.get("id").flatMap({ Int64($0) }) else { throw ChorusError.notFound() }
            let view = try await services.teams.team(slug: slug, viewer: session.account)
            do {
                switch action {
                case "pin": _ = try await services.teams.pin(teamID: view.team.id, statusID: id, by: session.account)
                case "unpin": try await services.teams.unpin(teamID: view.team.id, statusID: id, by: session.account)
                case "approve": try await services.teams.decideRequest(teamID: view.team.id, accountID: id, approve: true, by: session.account)
                default: try await services.teams.decideRequest(teamID: view.team.id, accountID: id, approve: false, by: session.account)
                }
            } catch let error as ChorusError where error.kind == .unprocessable {
                var model = await page(request, session: session, title: "teams_title", path: "/teams/\(slug)")
                model["error"] = pages.localizer.error(error.message, model.language)
                return try await teamPage(model, slug: slug, session: session, maxID: nil, status: .unprocessableContent)
            }
            return redirect("/teams/\(view.team.slug)")
        }
    }

    // MARK: Profiles

    @Sendable func profile(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let session = await WebSession.current(request, context: context, services: services) else { return redirect("/login") }
        let username = context.parameters.get("username") ?? ""
        var model = await page(request, session: session, title: username, path: "/@\(username)")
        guard let account = try? await services.accounts.account(username: username), account.isActive else {
            return pages.message(model, heading: pages.localizer.string("not_found_title", model.language),
                                 message: pages.localizer.string("not_found_message", model.language), status: .notFound)
        }
        let maxID = Params(query: request).string("max_id").flatMap { Int64($0) }
        let statuses = try await services.timelines.account(account.id, viewer: session.account, filter: AccountStatusesFilter(),
                                                            page: Page(maxID: maxID, limit: 20))
        let now = Date()
        let name = account.shownName
        model["title"] = name
        model["profile"] = [
            "displayName": name, "username": account.username,
            "note": account.note.isEmpty ? "" : HTMLRenderer(baseURL: services.config.baseURL).render(TextParser.parse(account.note), knownUsernames: []),
            "statuses": account.statusesCount, "following": account.followingCount, "followers": account.followersCount,
        ] as [String: Any]
        if account.id != session.account.id {
            let relationship = try await services.follows.relationships([account.id], viewer: session.account).first
            model["canFollow"] = true
            model["following"] = relationship?.following ?? false
            model["followsYou"] = relationship?.followedBy ?? false
        }
        model["statuses"] = statuses.map { statusModel($0, language: model.language, now: now, viewer: session.account) }
        if statuses.count == 20, let last = statuses.last { model["older"] = "/@\(account.username)?max_id=\(last.status.id)" }
        model["here"] = "/@\(account.username)"
        return pages.render("profile", model)
    }

    /// Who follows a person, or whom they follow, most recent first.
    func people(_ request: Request, context: AppRequestContext, followers: Bool) async throws -> Response {
        guard let session = await WebSession.current(request, context: context, services: services) else { return redirect("/login") }
        let username = context.parameters.get("username") ?? ""
        let account = try await services.accounts.account(username: username)
        let maxID = Params(query: request).string("max_id").flatMap { Int64($0) }
        let kind = followers ? "followers" : "following"
        var model = await page(request, session: session, title: followers ? "profile_followers" : "profile_following", path: "/@\(account.username)/\(kind)")
        let list = followers ? try await services.follows.followers(of: account.id, page: Page(maxID: maxID, limit: 40))
            : try await services.follows.following(of: account.id, page: Page(maxID: maxID, limit: 40))
        let name = account.shownName
        model["heading"] = name + " · " + pages.localizer.string(followers ? "profile_followers" : "profile_following", model.language)
        model["username"] = account.username
        model["people"] = list.map { ["username": $0.account.username, "displayName": $0.account.shownName] }
        if list.count == 40, let last = list.last { model["older"] = "/@\(account.username)/\(kind)?max_id=\(last.cursor)" }
        return pages.render("people", model)
    }

    @Sendable func follow(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await changeFollow(request, context: context, follow: true)
    }

    @Sendable func unfollow(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await changeFollow(request, context: context, follow: false)
    }

    private func changeFollow(_ request: Request, context: AppRequestContext, follow: Bool) async throws -> Response {
        try await signedInForm(request, context: context) { session, params in
            let username = context.parameters.get("username") ?? ""
            let account = try await services.accounts.account(username: username)
            if follow {
                _ = try await services.follows.follow(account.id, by: session.account)
            } else {
                _ = try await services.follows.unfollow(account.id, by: session.account)
            }
            return redirect("/@\(account.username)")
        }
    }

    // MARK: Tags, search, notifications

    @Sendable func tag(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let session = await WebSession.current(request, context: context, services: services) else { return redirect("/login") }
        let raw = context.parameters.get("tag")?.removingPercentEncoding ?? ""
        let name = Hashtag.normalize(raw)
        let maxID = Params(query: request).string("max_id").flatMap { Int64($0) }
        let path = HTMLRenderer.percentEncodePath(name)
        var model = await page(request, session: session, title: "#\(raw)", path: "/tags/\(path)")
        let statuses = try await services.timelines.tag(name, viewer: session.account, page: Page(maxID: maxID, limit: 20))
        // Only what this reader may see: a tag they may not see is shown as one nobody used.
        let summary = try await services.search.tagSummary(name, viewer: session.account)
        let now = Date()
        let uses = summary.usesCapped ? "\(summary.uses)+" : String(summary.uses)
        model["tag"] = ["display": summary.tag?.display ?? raw, "path": path, "uses": uses] as [String: Any]
        model["following"] = summary.following
        model["statuses"] = statuses.map { statusModel($0, language: model.language, now: now, viewer: session.account) }
        if statuses.count == 20, let last = statuses.last { model["older"] = "/tags/\(path)?max_id=\(last.status.id)" }
        model["here"] = "/tags/\(path)"
        return pages.render("tag", model)
    }

    func followTag(_ request: Request, context: AppRequestContext, follow: Bool) async throws -> Response {
        try await signedInForm(request, context: context) { session, params in
            let raw = context.parameters.get("tag")?.removingPercentEncoding ?? ""
            let tag = follow ? try await services.search.followTag(raw, by: session.account) : try await services.search.unfollowTag(raw, by: session.account)
            return redirect("/tags/\(HTMLRenderer.percentEncodePath(tag.name))")
        }
    }

    @Sendable func search(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let session = await WebSession.current(request, context: context, services: services) else { return redirect("/login") }
        let query = Params(query: request).string("q")?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        var model = await page(request, session: session, title: "search_title", path: "/search")
        model["navSearch"] = true
        model["query"] = query
        model["here"] = "/search"
        guard !query.isEmpty else { return pages.render("search", model) }
        do {
            let results = try await services.search.search(query, kind: nil, viewer: session.account, accountID: nil, limit: 20, offset: 0, maxID: nil)
            let now = Date()
            model["searched"] = true
            model["people"] = results.accounts.map { account in
                ["username": account.username, "displayName": account.shownName]
            }
            model["tags"] = results.hashtags.map { ["display": $0.display, "path": HTMLRenderer.percentEncodePath($0.name)] }
            model["statuses"] = results.statuses.map { statusModel($0, language: model.language, now: now, viewer: session.account) }
            return pages.render("search", model)
        } catch let error as ChorusError where error.kind == .unprocessable || error.kind == .badRequest {
            model["error"] = pages.localizer.error(error.message, model.language)
            return pages.render("search", model, status: .unprocessableContent)
        }
    }

    /// The notification list; opening it marks them read.
    @Sendable func notifications(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let session = await WebSession.current(request, context: context, services: services) else { return redirect("/login") }
        let maxID = Params(query: request).string("max_id").flatMap { Int64($0) }
        var model = await page(request, session: session, title: "notifications_title", path: "/notifications")
        let items = try await services.notifications.list(viewer: session.account, page: Page(maxID: maxID, limit: 20), types: [], excludeTypes: [])
        let strings = pages.localizer.strings(model.language)
        let now = Date()
        model["items"] = items.map { item -> [String: Any] in
            var entry: [String: Any] = [
                "username": item.from.username, "displayName": item.from.shownName,
                "text": strings["n_\(item.notification.type)"] ?? item.notification.type,
                "iso": JSON.timestamp(item.notification.createdAt),
                "exact": JSON.timestamp(item.notification.createdAt).prefix(16).replacingOccurrences(of: "T", with: " ") + " UTC",
                "relative": pages.localizer.relative(item.notification.createdAt, now: now, model.language),
                "unread": item.notification.readAt == nil,
            ]
            if let status = item.status { entry["status"] = statusModel(status, language: model.language, now: now, viewer: session.account) }
            return entry
        }
        if items.count == 20, let last = items.last { model["older"] = "/notifications?max_id=\(last.notification.id)" }
        model["navNotifications"] = true
        model["here"] = "/notifications"
        let response = pages.render("notifications", model)
        if maxID == nil { try await services.notifications.markAllRead(viewer: session.account) }
        return response
    }

    // MARK: Settings

    @Sendable func settings(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let session = await WebSession.current(request, context: context, services: services) else { return redirect("/login") }
        var model = await page(request, session: session, title: "settings_title", path: "/settings")
        let notice = Params(query: request).string("done")
        if let notice, ["settings_saved", "settings_password_changed", "settings_session_ended"].contains(notice) {
            model["notice"] = pages.localizer.string(notice, model.language)
        } else if let ended = Params(query: request).string("ended").flatMap({ Int($0) }) {
            model["notice"] = pages.localizer.string("settings_signed_out_others", model.language).replacingOccurrences(of: "{n}", with: String(ended))
        }
        return try await settingsPage(model, session: session)
    }

    private func settingsPage(_ model: PageModel, session: WebSession, status: HTTPResponse.Status = .ok) async throws -> Response {
        var model = model
        let account = session.account
        model["me"] = ["displayName": account.displayName, "note": account.note]
        model["navSettings"] = true
        model["sessions"] = try await services.oauth.sessions(of: session.principal).map { sessionModel($0, language: model.language) }
        let days = { (seconds: TimeInterval) in String(format: "%g", (seconds / 86_400 * 10).rounded() / 10) }
        model["sessionsLifetime"] = pages.localizer.string("settings_sessions_lifetime", model.language)
            .replacingOccurrences(of: "{idle}", with: days(services.config.sessionIdleTimeout))
            .replacingOccurrences(of: "{max}", with: days(services.config.sessionLifetime))
        return pages.render("settings", model, status: status)
    }

    /// One row of the list of sessions: the device in a few words, where, when.
    func sessionModel(_ session: SessionSummary, language: String) -> [String: Any] {
        let device = DeviceName(userAgent: session.userAgent)
        let name: String
        switch (device.browser, device.system) {
        case let (browser?, system?):
            name = pages.localizer.string("settings_session_device", language)
                .replacingOccurrences(of: "{browser}", with: browser).replacingOccurrences(of: "{system}", with: system)
        case let (browser?, nil): name = browser
        case let (nil, system?): name = system
        case (nil, nil): name = pages.localizer.string("settings_session_unknown_device", language)
        }
        let now = services.clock.now()
        return ["id": String(session.id), "device": name, "current": session.isCurrent,
                "address": session.address ?? pages.localizer.string("settings_session_address_unknown", language),
                "signedIn": pages.localizer.moment(session.signedInAt, now: now, language),
                "lastUsed": pages.localizer.moment(session.lastUsedAt, now: now, language)]
    }

    /// Ends one of one's own sessions from the list; ending this one is signing out.
    @Sendable func endSession(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await signedInForm(request, context: context) { session, params in
            guard let id = context.parameters.get("id").flatMap({ Int64($0) }) else { throw ChorusError.notFound("No such session") }
            try await services.oauth.endSession(id: id, by: session.principal, address: context.remoteAddress)
            return id == session.principal.tokenID ? signedOut() : redirect("/settings?done=settings_session_ended")
        }
    }

    func saveSettings(_ form: String, _ request: Request, context: AppRequestContext) async throws -> Response {
        try await signedInForm(request, context: context) { session, params in
            do {
                switch form {
                case "profile":
                    let locale = params.string("locale").flatMap { Localizer.supported.contains($0) ? $0 : nil }
                    _ = try await services.accounts.updateProfile(accountID: session.account.id, displayName: params.string("display_name") ?? "",
                                                                  note: params.string("note") ?? "", locale: locale)
                    return redirect("/settings?done=settings_saved")
                case "password":
                    try await services.accounts.changePassword(accountID: session.account.id, current: params.string("current_password") ?? "",
                                                               new: params.string("new_password") ?? "", keeping: session.principal.tokenID,
                                                               address: context.remoteAddress)
                    return redirect("/settings?done=settings_password_changed")
                default:
                    let ended = try await services.oauth.endOtherSessions(session.principal, address: context.remoteAddress)
                    return redirect("/settings?ended=\(ended)")
                }
            } catch let error as ChorusError where error.kind == .unprocessable || error.kind == .badRequest {
                var model = await page(request, session: session, title: "settings_title", path: "/settings")
                model["error"] = pages.localizer.error(error.message, model.language)
                return try await settingsPage(model, session: session, status: .unprocessableContent)
            }
        }
    }

    // MARK: Helpers

    func page(_ request: Request, session: WebSession?, title: String, path: String) async -> PageModel {
        let chosen = session?.account.locale ?? request.cookies[WebSession.languageCookie]?.value
        let language = Localizer.negotiate(chosen: chosen, acceptLanguage: request.headers[.acceptLanguage])
        var model = PageModel(pages: pages, language: language, title: title, session: session, path: path)
        // The unread count in the header, on every signed-in page.
        if let session, let unread = try? await services.notifications.unreadCount(viewer: session.account), unread > 0 {
            model["unread"] = unread
        }
        return model
    }

    func badForm(_ request: Request, session: WebSession) async -> Response {
        let model = await page(request, session: session, title: "error_title", path: "/")
        return pages.message(model, heading: pages.localizer.string("error_title", model.language),
                             message: pages.localizer.string("bad_form", model.language), status: .forbidden)
    }

    /// A path on this server (never another site), or nil.
    func localPath(_ value: String?) -> String? { WebController.sameOriginPath(value) }

    /// `value` if it is a path on this site after the browser's own clean-up
    /// of a `Location` (which drops tabs and newlines anywhere, trims
    /// spaces and control characters, and reads `\\` as `/`), so that
    /// `/\t/evil.example` cannot turn into `//evil.example`; otherwise nil.
    static func sameOriginPath(_ value: String?) -> String? {
        guard let value, value.hasPrefix("/"), !value.hasPrefix("//") else { return nil }
        let forbidden = value.unicodeScalars.contains { scalar in
            scalar.value < 0x21 || scalar.value == 0x7F || scalar == "\\" || (0x80...0x9F).contains(scalar.value)
                || scalar.properties.isWhitespace || scalar.properties.generalCategory == .format
        }
        // What is left starts with one `/` followed by something else: the
        // browser resolves it against this origin, whatever comes after.
        return forbidden ? nil : value
    }

    /// Runs a signed-in page's form: a browser without a session is sent to
    /// sign in, and a form without this session's token is refused.
    func signedInForm(_ request: Request, context: AppRequestContext,
                      _ action: (WebSession, Params) async throws -> Response) async throws -> Response {
        guard let session = await WebSession.current(request, context: context, services: services) else { return redirect("/login") }
        let params = try await Params.from(request, context: context)
        guard session.accepts(params.string("csrf")) else { return await badForm(request, session: session) }
        return try await action(session, params)
    }

    func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }
}
