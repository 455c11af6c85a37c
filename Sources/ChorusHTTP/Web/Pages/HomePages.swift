import ChorusCore
import ChorusServices
import ChorusStore
import Foundation
import HTTPTypes
import Hummingbird

/// The home page (compose box and home timeline, updated live), posting
/// from any compose box, and the company feed. Forms work without
/// JavaScript; `Public/js/compose.js` adds the live counter.
struct HomePages {
    let web: Web
    var services: Services { web.services }

    func addRoutes(to group: RouterGroup<SignedInContext>) {
        group.get("/", use: home)
        group.post("statuses", use: post)
        group.get("live", use: live)
        group.get("public", use: company)
    }

    /// What the compose boxes send.
    struct PostForm: RequestBody {
        var draft: StatusService.Draft
        /// Where to go back to (a path on this site).
        var next: String?

        init(_ params: Params) throws {
            let text = params.string("status") ?? ""
            let teamID = params.string("team_id").flatMap { Int64($0) }
            let visibility = teamID != nil ? .team : params.string("visibility").flatMap(Visibility.init(apiValue:)) ?? .company
            draft = StatusService.Draft(text: text, visibility: visibility)
            draft.teamID = teamID
            draft.inReplyToID = params.string("in_reply_to_id").flatMap { Int64($0) }
            draft.quotedStatusID = params.string("quoted_status_id").flatMap { Int64($0) }
            if teamID != nil, let kind = params.string("kind").flatMap(PostKind.init(rawValue:)) { draft.kind = kind }
            next = Web.localPath(params.string("next"))
        }
    }

    @Sendable func home(_ request: Request, context: SignedInContext) async throws -> Response {
        let params = Params(query: request)
        var frame = await web.frame(request, context.session, title: "home_title", path: "/", nav: .home)
        if params.string("posted") != nil { frame.notice = frame.string("posted") }
        return try await homePage(frame, context.session, maxID: params.string("max_id").flatMap { Int64($0) },
                                  minID: params.string("min_id").flatMap { Int64($0) })
    }

    @Sendable func post(_ request: Request, context: SignedInContext) async throws -> Response {
        let form = try context.form(PostForm.self)
        let session = context.session
        let draft = form.draft
        // The length rule in the reader's language; the service checks it again.
        let length = PostText.count(draft.text)
        var frame = await web.frame(request, session, title: "home_title", path: "/", nav: .home)
        if length == 0 || length > PostText.maxCharacters {
            frame.error = length == 0 ? frame.string("post_empty") : frame.string("post_too_long").replacingOccurrences(of: "{n}", with: String(length))
        } else {
            do {
                if case .command(let answer) = try await web.compose.submit(by: session.account, draft), answer.visibility == .ephemeral {
                    // Shown to the caller only, once: nothing is stored.
                    frame.notice = answer.text.isEmpty ? "/\(answer.command) ✓" : "\(answer.bot.shownName): \(answer.text)"
                    return try await homePage(frame, session, maxID: nil)
                }
                return Web.redirect(form.next ?? "/?posted=1")
            } catch let error as ChorusError where [.unprocessable, .badRequest, .forbidden, .notFound, .badGateway, .gatewayTimeout].contains(error.kind) {
                // The server's own check (the browser's counter is a convenience): show its reason, keep the draft.
                frame.error = web.error(error, frame)
            }
        }
        // Back to the page the compose box was on, with the reason.
        if let parentID = draft.inReplyToID {
            var threadFrame = await web.frame(request, session, title: "thread", path: form.next ?? "/")
            threadFrame.error = frame.error
            return try await ThreadPages(web: web).threadPage(threadFrame, statusID: parentID, session: session, status: .unprocessableContent)
        }
        if let next = form.next, next.hasPrefix("/teams/"), let slug = next.split(separator: "/").last {
            var teamFrame = await web.frame(request, session, title: "teams_title", path: next, nav: .teams)
            teamFrame.error = frame.error
            return try await TeamPages(web: web).teamPage(teamFrame, slug: String(slug), session: session, maxID: nil, status: .unprocessableContent)
        }
        return try await homePage(frame, session, maxID: nil, draft: draft, status: .unprocessableContent)
    }

    func homePage(_ frame: PageFrame, _ session: WebSession, maxID: Int64?, minID: Int64? = nil, draft: StatusService.Draft? = nil,
                  status: HTTPResponse.Status = .ok) async throws -> Response {
        var frame = frame
        let viewer = session.account
        let statuses = try await services.timelines.home(viewer: viewer, page: Page(maxID: maxID, minID: minID, limit: 20))
        let firstPage = maxID == nil && minID == nil
        var content = HomeContent(feed: FeedContent(statuses: web.presenter.cards(statuses, viewer: viewer, language: frame.language)),
                                  live: firstPage, teams: [], visibilities: [], draft: draft?.text ?? "")
        if let last = statuses.last, statuses.count == 20 || minID != nil { content.feed.older = "/?max_id=\(last.status.id)" }
        // Past the first page: a way back up (the first page itself updates live).
        if !firstPage { content.newer = statuses.first.map { "/?min_id=\($0.status.id)" } ?? "/" }
        let teams = try await services.teams.teams(viewer: viewer, mine: true).filter { !$0.team.isArchived }
        content.teams = teams.map { Choice(value: String($0.team.id), label: $0.team.name, selected: $0.team.id == draft?.teamID) }
        let visibility = draft?.visibility ?? .company
        content.visibilities = [Visibility.company, .followers, .direct].map { option in
            Choice(value: option.rawValue, label: frame.string("visibility_\(option.rawValue)"), selected: option == visibility)
        }
        frame.scripts = firstPage ? ["/js/compose.js", "/js/live.js"] : ["/js/compose.js"]
        frame.here = maxID.map { "/?max_id=\($0)" } ?? minID.map { "/?min_id=\($0)" } ?? "/"
        return web.render("home", frame, content, status: status)
    }

    // MARK: Live updates

    /// Server-sent events for the signed-in person's home page: each new post
    /// of their home timeline as the HTML of its card (rendered for them,
    /// so they only ever receive what they may see), and deletions.
    @Sendable func live(_ request: Request, context: SignedInContext) async throws -> Response {
        let session = context.session
        // Only the language: the stream needs no frame (nor the unread count a frame reads).
        let language = web.language(request, session)
        let strings = web.pages.localizer.strings(language)
        let messages = try await services.openStream(accountID: session.account.id, tokenID: session.principal.tokenID, kind: .user)
        let (services, web) = (services, web)
        return StreamingController.eventStream(messages) { message in
            switch message {
            case .update(let id):
                guard let status = try? await services.statuses.status(id: id, viewer: session.account) else { return nil }
                let card = web.presenter.card(status, viewer: session.account, language: language, now: Date())
                return ("status", web.pages.library.render(LoneCard(card: card, csrf: session.csrf, here: "/", strings: strings), withTemplate: "status") ?? "")
            case .delete(let id):
                return ("delete", String(id))
            case .notification:
                return nil
            }
        }
    }

    // MARK: The company feed

    @Sendable func company(_ request: Request, context: SignedInContext) async throws -> Response {
        let maxID = Web.maxID(request)
        var frame = await web.frame(request, context.session, title: "company_title", path: "/public", nav: .company)
        let statuses = try await services.timelines.company(viewer: context.account, page: Page(maxID: maxID, limit: 20))
        var content = FeedContent(statuses: web.presenter.cards(statuses, viewer: context.account, language: frame.language))
        if statuses.count == 20, let last = statuses.last { content.older = "/public?max_id=\(last.status.id)" }
        frame.here = maxID.map { "/public?max_id=\($0)" } ?? "/public"
        return web.render("company", frame, content)
    }
}
