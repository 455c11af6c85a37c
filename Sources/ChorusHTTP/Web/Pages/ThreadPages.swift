import ChorusCore
import ChorusServices
import ChorusStore
import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// A post's page (`/@username/id`): the thread, the reply and quote boxes,
/// nominating for the brand channels, choosing a best answer; and the
/// actions on any card (favourite, repost, delete).
struct ThreadPages {
    let web: Web
    var services: Services { web.services }

    func addRoutes(to group: RouterGroup<SignedInContext>) {
        group.get("@{username}/:id", use: thread)
        group.post("statuses/:id/best/:answer", use: chooseBest)
        for action in Action.allCases {
            group.post("statuses/:id/\(action.rawValue)") { request, context in try await self.act(action, request, context: context) }
        }
        group.post("statuses/:id/nominate", use: nominate)
    }

    /// The thread page.
    struct Content: MustacheParent {
        var ancestors: [StatusCard]
        var main: StatusCard
        var descendants: [StatusCard]
        var capabilities: StatusCapabilities
        var channels: [Choice]
        var replyPrefix: String
        var nominated: Bool
        var nominateError: String?
        let limits = ComposeLimits()

        func child(named name: String) -> Any? {
            switch name {
            case "ancestors": ancestors
            case "main": main
            case "descendants": descendants
            case "hasReplies": !descendants.isEmpty
            case "mainID": main.targetID
            case "canQuote": capabilities.quote
            case "canNominate": capabilities.nominate && !channels.isEmpty
            case "channels": channels
            case "replyPrefix": replyPrefix
            case "nominated": nominated
            case "nominateError": nominateError
            default: limits.child(named: name)
            }
        }
    }

    @Sendable func thread(_ request: Request, context: SignedInContext) async throws -> Response {
        let id = try context.parameters.id("id")
        let frame = await web.frame(request, context.session, title: "thread", path: request.uri.path)
        return try await threadPage(frame, statusID: id, session: context.session, nominated: Params(query: request).string("nominated") != nil)
    }

    func threadPage(_ frame: PageFrame, statusID: Int64, session: WebSession, nominated: Bool = false, nominateError: String? = nil,
                    status: HTTPResponse.Status = .ok) async throws -> Response {
        var frame = frame
        let viewer = session.account
        let thread = try await services.statuses.thread(id: statusID, viewer: viewer)
        let shown = thread.main
        let now = Date()
        let card = { (status: HydratedStatus) in web.presenter.card(status, viewer: viewer, language: frame.language, now: now) }
        var main = web.presenter.card(shown, viewer: viewer, language: frame.language, now: now, capabilities: thread.capabilities)
        main.focus = true
        let replies = thread.descendants.map { reply in
            var replyCard = card(reply)
            if reply.status.id == shown.status.bestAnswerId { replyCard.best = true }
            // The asker (or the team's owners and admins) choose the best answer among the replies.
            if thread.capabilities.chooseBestAnswer, reply.status.id != shown.status.bestAnswerId {
                replyCard.chooseBest = "/statuses/\(shown.status.id)/best/\(reply.status.id)"
            }
            return replyCard
        }
        // Only channels that take nominations now.
        let channels = thread.capabilities.nominate ? try await services.bridge.channels().filter { !$0.isDisabled } : []
        let content = Content(ancestors: thread.ancestors.map(card), main: main, descendants: replies, capabilities: thread.capabilities,
                              channels: channels.map { Choice(value: String($0.id ?? 0), label: $0.name, kind: $0.kind.rawValue) },
                              replyPrefix: shown.account.id == viewer.id ? "" : "@\(shown.account.username) ",
                              nominated: nominated, nominateError: nominateError)
        frame.here = "/@\(shown.account.username)/\(shown.status.id)"
        frame.title = shown.account.shownName
        frame.scripts = ["/js/compose.js"]
        return web.render("thread", frame, content, status: status)
    }

    @Sendable func chooseBest(_ request: Request, context: SignedInContext) async throws -> Response {
        let question = try context.parameters.id("id")
        let answer = try context.parameters.id("answer")
        let chosen = try await services.teams.chooseBestAnswer(questionID: question, answerID: answer, by: context.account)
        return Web.redirect("/@\(chosen.account.username)/\(question)")
    }

    /// The actions of a card.
    enum Action: String, CaseIterable, Sendable {
        case favourite, unfavourite, reblog, unreblog, delete
    }

    /// Favourite, repost (and undo them), delete: a form on each card, then back.
    func act(_ action: Action, _ request: Request, context: SignedInContext) async throws -> Response {
        let id = try context.parameters.id("id")
        let viewer = context.account
        let next = Web.localPath(context.form.string("next")) ?? "/"
        switch action {
        case .favourite: _ = try await services.statuses.favourite(id: id, by: viewer)
        case .unfavourite: _ = try await services.statuses.unfavourite(id: id, by: viewer)
        case .reblog: _ = try await services.statuses.reblog(id: id, by: viewer)
        case .unreblog: _ = try await services.statuses.unreblog(id: id, by: viewer)
        case .delete:
            _ = try await services.statuses.deleteStatus(id: id, by: viewer)
            // The deleted post's own page is gone: go home instead.
            return Web.redirect(next.hasSuffix("/\(id)") ? "/" : next)
        }
        return Web.redirect(next)
    }

    // MARK: Nominate

    /// What "propose for the brand channels" sends.
    struct NominateForm: RequestBody {
        let channelIDs: [Int64]
        let note: String

        init(_ params: Params) throws {
            channelIDs = params.strings("channel_ids[]").compactMap { Int64($0) } + params.strings("channel_ids").compactMap { Int64($0) }
            note = params.string("note") ?? ""
        }
    }

    /// Anyone proposes a post for the brand channels; editors review it (`/approvals`).
    @Sendable func nominate(_ request: Request, context: SignedInContext) async throws -> Response {
        let id = try context.parameters.id("id")
        let form = try context.form(NominateForm.self)
        do {
            _ = try await services.bridge.nominate(statusID: id, channelIDs: form.channelIDs, note: form.note, by: context.account)
            let status = try await services.statuses.status(id: id, viewer: context.account)
            return Web.redirect("/@\(status.account.username)/\(id)?nominated=1#nominate")
        } catch let error as ChorusError where Web.isShown(error) && error.kind != .notFound {
            let frame = await web.frame(request, context.session, title: "thread", path: "/")
            return try await threadPage(frame, statusID: id, session: context.session, nominateError: web.error(error, frame), status: .unprocessableContent)
        }
    }
}
