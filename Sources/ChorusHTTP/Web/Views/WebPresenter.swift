import ChorusCore
import ChorusServices
import ChorusStore
import Foundation

/// Makes the view models of the pages from what services return: one place
/// that knows how a post, a person or a moment is shown.
struct WebPresenter: Sendable {
    let localizer: Localizer
    let baseURL: String

    /// The card of a post as `viewer` sees it. `capabilities` are what the
    /// service allows them (by default: what a card alone can tell, outside
    /// any team role).
    func card(_ hydrated: HydratedStatus, viewer: AccountRecord, language: String, now: Date,
              capabilities: StatusCapabilities? = nil) -> StatusCard {
        let shown = hydrated.shown
        func count(_ n: Int) -> String { n > 0 ? String(n) : "" }
        var card = StatusCard(
            id: String(hydrated.status.id), targetID: String(shown.status.id), displayName: shown.account.shownName,
            username: shown.account.username, moment: moment(shown.status.createdAt, now: now, language: language),
            html: shown.status.contentHtml, favourited: shown.favourited, reblogged: shown.reblogged,
            favourites: count(shown.status.favouritesCount), reblogs: count(shown.status.reblogsCount), replies: count(shown.status.repliesCount),
            capabilities: capabilities ?? hydrated.capabilities(for: viewer.id))
        if hydrated.reblog != nil { card.rebloggedBy = hydrated.account.shownName }
        if let team = shown.team {
            card.team = team.name
            card.teamSlug = team.slug
            card.pinned = shown.pinned
            if shown.status.kind != .status { card.kindLabel = localizer.string("kind_\(shown.status.kind.rawValue)", language) }
        }
        if let quoted = shown.quoted {
            card.quote = QuoteCard(id: String(quoted.status.id), username: quoted.account.username, displayName: quoted.account.shownName,
                                   html: quoted.status.contentHtml)
        } else if shown.status.quoteOfId != nil {
            card.quoteGone = true
        }
        return card
    }

    func cards(_ statuses: [HydratedStatus], viewer: AccountRecord, language: String, now: Date = Date()) -> [StatusCard] {
        statuses.map { card($0, viewer: viewer, language: language, now: now) }
    }

    func person(_ account: AccountRecord, role: String? = nil) -> PersonLink {
        PersonLink(username: account.username, displayName: account.shownName, role: role, id: String(account.id))
    }

    func moment(_ date: Date, now: Date, language: String) -> Moment {
        Moment(date, now: now, language: language, localizer: localizer)
    }

    /// A person's profile text as HTML (links, mentions, tags).
    func note(_ text: String) -> String {
        text.isEmpty ? "" : HTMLRenderer(baseURL: baseURL).render(TextParser.parse(text), knownUsernames: [])
    }
}

extension AccountRecord {
    /// The name pages show: the display name, or the username when it has none.
    var shownName: String { displayName.isEmpty ? username : displayName }
}
