import ChorusCore
import Mustache

/// A post as a card (`status.mustache`): a repost shows the original and
/// who reposted it; the actions act on what is shown, and appear only when
/// the service allows them (`capabilities`).
struct StatusCard: MustacheParent, Sendable {
    /// The id of the timeline entry (the repost, for a repost).
    let id: String
    /// The id of the post shown.
    let targetID: String
    let displayName: String
    let username: String
    let moment: Moment
    let html: String
    let favourited: Bool
    let reblogged: Bool
    let favourites: String
    let reblogs: String
    let replies: String
    var capabilities: StatusCapabilities
    var rebloggedBy: String?
    /// The team's name, for a team post.
    var team: String?
    var teamSlug: String?
    var pinned = false
    var kindLabel: String?
    var quote: QuoteCard?
    var quoteGone = false
    /// The main post of a thread page.
    var focus = false
    /// The chosen best answer of its question.
    var best = false
    /// Where the form to choose this reply as the best answer posts, when the reader may.
    var chooseBest: String?

    func child(named name: String) -> Any? {
        switch name {
        case "id": id
        case "targetID": targetID
        case "displayName": displayName
        case "username": username
        case "iso": moment.iso
        case "exact": moment.exact
        case "relative": moment.relative
        case "html": html
        case "favourited": favourited
        case "reblogged": reblogged
        case "favourites": favourites
        case "reblogs": reblogs
        case "replies": replies
        case "canReblog": capabilities.reblog
        case "canQuote": capabilities.quote
        case "canPin": capabilities.pin
        case "isOwn": capabilities.delete
        case "rebloggedBy": rebloggedBy
        case "team": team
        case "teamSlug": teamSlug
        case "pinned": pinned
        case "kindLabel": kindLabel
        case "quote": quote
        case "quoteGone": quoteGone
        case "focus": focus
        case "best": best
        case "chooseBest": chooseBest
        default: nil
        }
    }
}

/// The post a post quotes, inside its card.
struct QuoteCard: MustacheParent, Sendable {
    let id: String
    let username: String
    let displayName: String
    let html: String

    func child(named name: String) -> Any? {
        switch name {
        case "id": id
        case "username": username
        case "displayName": displayName
        case "html": html
        default: nil
        }
    }
}

/// A person as a link: their name, and their handle.
struct PersonLink: MustacheParent, Sendable {
    let username: String
    let displayName: String
    /// A team role or a line about them, when the list shows one.
    var role: String?
    var id: String?

    func child(named name: String) -> Any? {
        switch name {
        case "username": username
        case "displayName": displayName
        case "role": role
        case "id": id
        default: nil
        }
    }
}

/// A card rendered on its own (the live stream sends each new post's card):
/// the card plus what the page around it would give.
struct LoneCard: MustacheParent {
    let card: StatusCard
    let csrf: String
    let here: String
    let strings: [String: String]

    func child(named name: String) -> Any? {
        switch name {
        case "csrf": csrf
        case "here": here
        case "t": strings
        default: card.child(named: name)
        }
    }
}
