import ChorusCore
import ChorusServices
import ChorusStore
import Foundation
import Hummingbird
import Mustache

/// A person's page (their posts, counts, follow), and who follows them or
/// whom they follow.
struct ProfilePages {
    let web: Web
    var services: Services { web.services }

    func addRoutes(to group: RouterGroup<SignedInContext>) {
        group.get("@{username}", use: profile)
        group.get("@{username}/followers") { request, context in try await self.people(request, context: context, followers: true) }
        group.get("@{username}/following") { request, context in try await self.people(request, context: context, followers: false) }
        group.post("@{username}/follow") { request, context in try await self.changeFollow(request, context: context, follow: true) }
        group.post("@{username}/unfollow") { request, context in try await self.changeFollow(request, context: context, follow: false) }
    }

    /// The person a profile shows.
    struct Profile: MustacheParent {
        let displayName: String
        let username: String
        let note: String
        let statuses: Int
        let following: Int
        let followers: Int

        func child(named name: String) -> Any? {
            switch name {
            case "displayName": displayName
            case "username": username
            case "note": note
            case "statuses": statuses
            case "following": following
            case "followers": followers
            default: nil
            }
        }
    }

    struct Content: MustacheParent {
        let profile: Profile
        let feed: FeedContent
        /// The reader's relationship, on someone else's profile.
        let relationship: (following: Bool, followsYou: Bool)?

        func child(named name: String) -> Any? {
            switch name {
            case "profile": profile
            case "canFollow": relationship != nil
            case "following": relationship?.following ?? false
            case "followsYou": relationship?.followsYou ?? false
            default: feed.child(named: name)
            }
        }
    }

    @Sendable func profile(_ request: Request, context: SignedInContext) async throws -> Response {
        let username = context.parameters.get("username") ?? ""
        var frame = await web.frame(request, context.session, title: username, path: "/@\(username)")
        guard let account = try? await services.accounts.account(username: username), account.isActive else {
            return web.message(frame, heading: "not_found_title", message: "not_found_message", status: .notFound)
        }
        let maxID = Web.maxID(request)
        let statuses = try await services.timelines.account(account.id, viewer: context.account, filter: AccountStatusesFilter(),
                                                            page: Page(maxID: maxID, limit: 20))
        var relationship: (Bool, Bool)?
        if account.id != context.account.id {
            let found = try await services.follows.relationships([account.id], viewer: context.account).first
            relationship = (found?.following ?? false, found?.followedBy ?? false)
        }
        let profile = Profile(displayName: account.shownName, username: account.username, note: web.presenter.note(account.note),
                              statuses: account.statusesCount, following: account.followingCount, followers: account.followersCount)
        var feed = FeedContent(statuses: web.presenter.cards(statuses, viewer: context.account, language: frame.language))
        if statuses.count == 20, let last = statuses.last { feed.older = "/@\(account.username)?max_id=\(last.status.id)" }
        frame.title = account.shownName
        frame.here = "/@\(account.username)"
        return web.render("profile", frame, Content(profile: profile, feed: feed, relationship: relationship))
    }

    struct PeopleContent: MustacheParent {
        let heading: String
        let username: String
        let people: [PersonLink]
        let older: String?

        func child(named name: String) -> Any? {
            switch name {
            case "heading": heading
            case "username": username
            case "people": people
            case "older": older
            default: nil
            }
        }
    }

    /// Who follows a person, or whom they follow, most recent first.
    func people(_ request: Request, context: SignedInContext, followers: Bool) async throws -> Response {
        let account = try await services.accounts.account(username: context.parameters.get("username") ?? "")
        let maxID = Web.maxID(request)
        let kind = followers ? "followers" : "following"
        let title = followers ? "profile_followers" : "profile_following"
        let frame = await web.frame(request, context.session, title: title, path: "/@\(account.username)/\(kind)")
        let list = followers ? try await services.follows.followers(of: account.id, page: Page(maxID: maxID, limit: 40))
            : try await services.follows.following(of: account.id, page: Page(maxID: maxID, limit: 40))
        let older = list.count == 40 ? list.last.map { "/@\(account.username)/\(kind)?max_id=\($0.cursor)" } : nil
        return web.render("people", frame, PeopleContent(heading: account.shownName + " · " + frame.string(title), username: account.username,
                                                         people: list.map { web.presenter.person($0.account) }, older: older))
    }

    private func changeFollow(_ request: Request, context: SignedInContext, follow: Bool) async throws -> Response {
        let account = try await services.accounts.account(username: context.parameters.get("username") ?? "")
        if follow {
            _ = try await services.follows.follow(account.id, by: context.account)
        } else {
            _ = try await services.follows.unfollow(account.id, by: context.account)
        }
        return Web.redirect("/@\(account.username)")
    }
}
