import ChorusCore
import Mustache

/// A list of posts with a link to older ones (the company feed, a person's
/// posts, a tag).
struct FeedContent: MustacheParent, Sendable {
    var statuses: [StatusCard]
    var older: String?

    func child(named name: String) -> Any? {
        switch name {
        case "statuses": statuses
        case "older": older
        default: nil
        }
    }
}

/// The compose box's limits, for its live counter.
struct ComposeLimits: Sendable {
    let maxCharacters = PostText.maxCharacters
    let urlLength = PostText.charactersPerURL

    func child(named name: String) -> Any? {
        switch name {
        case "maxCharacters": maxCharacters
        case "urlLength": urlLength
        default: nil
        }
    }
}

/// The home page: the compose box (with a draft kept after a refusal), the
/// home timeline, and the pager.
struct HomeContent: MustacheParent, Sendable {
    var feed: FeedContent
    var newer: String?
    var live: Bool
    var teams: [Choice]
    var visibilities: [Choice]
    var draft: String
    let limits = ComposeLimits()

    func child(named name: String) -> Any? {
        switch name {
        case "newer": newer
        case "live": live
        case "teams": teams
        case "hasTeams": !teams.isEmpty
        case "visibilities": visibilities
        case "draft": draft
        case "remaining": limits.maxCharacters - PostText.count(draft)
        default: limits.child(named: name) ?? feed.child(named: name)
        }
    }
}
