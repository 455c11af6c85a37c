import ChorusCore
import ChorusServices
import ChorusStore
import Foundation
import Hummingbird
import Mustache

/// Search (people, tags, posts), a tag's page, and following a tag.
struct SearchPages {
    let web: Web
    var services: Services { web.services }

    func addRoutes(to group: RouterGroup<SignedInContext>) {
        group.get("search", use: search)
        group.get("tags/:tag", use: tag)
        group.post("tags/:tag/follow") { request, context in try await self.followTag(request, context: context, follow: true) }
        group.post("tags/:tag/unfollow") { request, context in try await self.followTag(request, context: context, follow: false) }
    }

    /// A tag as a link.
    struct TagLink: MustacheParent {
        let display: String
        let path: String
        var uses = ""

        func child(named name: String) -> Any? {
            switch name {
            case "display": display
            case "path": path
            case "uses": uses
            default: nil
            }
        }
    }

    struct TagContent: MustacheParent {
        let tag: TagLink
        let following: Bool
        let feed: FeedContent

        func child(named name: String) -> Any? {
            switch name {
            case "tag": tag
            case "following": following
            default: feed.child(named: name)
            }
        }
    }

    @Sendable func tag(_ request: Request, context: SignedInContext) async throws -> Response {
        let raw = context.parameters.get("tag")?.removingPercentEncoding ?? ""
        let name = Hashtag.normalize(raw)
        let maxID = Web.maxID(request)
        let path = HTMLRenderer.percentEncodePath(name)
        var frame = await web.frame(request, context.session, title: "#\(raw)", path: "/tags/\(path)")
        let statuses = try await services.timelines.tag(name, viewer: context.account, page: Page(maxID: maxID, limit: 20))
        // Only what this reader may see: a tag they may not see is shown as one nobody used.
        let summary = try await services.search.tagSummary(name, viewer: context.account)
        var feed = FeedContent(statuses: web.presenter.cards(statuses, viewer: context.account, language: frame.language))
        if statuses.count == 20, let last = statuses.last { feed.older = "/tags/\(path)?max_id=\(last.status.id)" }
        frame.here = "/tags/\(path)"
        let tag = TagLink(display: summary.tag?.display ?? raw, path: path, uses: summary.usesCapped ? "\(summary.uses)+" : String(summary.uses))
        return web.render("tag", frame, TagContent(tag: tag, following: summary.following, feed: feed))
    }

    func followTag(_ request: Request, context: SignedInContext, follow: Bool) async throws -> Response {
        let raw = context.parameters.get("tag")?.removingPercentEncoding ?? ""
        let tag = follow ? try await services.search.followTag(raw, by: context.account) : try await services.search.unfollowTag(raw, by: context.account)
        return Web.redirect("/tags/\(HTMLRenderer.percentEncodePath(tag.name))")
    }

    struct SearchContent: MustacheParent {
        let query: String
        var searched = false
        var people: [PersonLink] = []
        var tags: [TagLink] = []
        var statuses: [StatusCard] = []

        func child(named name: String) -> Any? {
            switch name {
            case "query": query
            case "searched": searched
            case "people": people
            case "tags": tags
            case "statuses": statuses
            default: nil
            }
        }
    }

    @Sendable func search(_ request: Request, context: SignedInContext) async throws -> Response {
        let query = Params(query: request).string("q")?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        var frame = await web.frame(request, context.session, title: "search_title", path: "/search", nav: .search)
        frame.here = "/search"
        var content = SearchContent(query: query)
        guard !query.isEmpty else { return web.render("search", frame, content) }
        do {
            let results = try await services.search.search(query, kind: nil, viewer: context.account, accountID: nil, limit: 20, offset: 0, maxID: nil)
            content.searched = true
            content.people = results.accounts.map { web.presenter.person($0) }
            content.tags = results.hashtags.map { TagLink(display: $0.display, path: HTMLRenderer.percentEncodePath($0.name)) }
            content.statuses = web.presenter.cards(results.statuses, viewer: context.account, language: frame.language)
            return web.render("search", frame, content)
        } catch let error as ChorusError where error.kind == .unprocessable || error.kind == .badRequest {
            frame.error = web.error(error, frame)
            return web.render("search", frame, content, status: .unprocessableContent)
        }
    }
}
