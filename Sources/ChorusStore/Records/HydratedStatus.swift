import ChorusCore
import Foundation

/// A status with everything a presenter needs: its author, the post it
/// reblogs or quotes, mentions, tags and the viewer's own flags.
public struct HydratedStatus: Sendable {
    public var status: StatusRecord
    public var account: AccountRecord
    public var mentions: [AccountRecord]
    public var tags: [TagRef]
    public var favourited: Bool
    public var reblogged: Bool
    public var nested: [HydratedStatus]
    /// What the viewer may know of the quoted post.
    public var quoteState: QuoteState?
    /// The team whose feed holds the post.
    public var team: TeamRecord?
    /// True if the post is pinned in its team's feed.
    public var pinned: Bool

    public init(status: StatusRecord, account: AccountRecord, mentions: [AccountRecord], tags: [TagRef], favourited: Bool,
                reblogged: Bool, nested: [HydratedStatus], quoteState: QuoteState?, team: TeamRecord?, pinned: Bool) {
        self.status = status
        self.account = account
        self.mentions = mentions
        self.tags = tags
        self.favourited = favourited
        self.reblogged = reblogged
        self.nested = nested
        self.quoteState = quoteState
        self.team = team
        self.pinned = pinned
    }

    /// The original post when this status is a reblog.
    public var reblog: HydratedStatus? { status.reblogOfId == nil ? nil : nested.first }
    /// The quoted post, when the viewer may see it.
    public var quoted: HydratedStatus? {
        guard status.quoteOfId != nil, quoteState == .accepted else { return nil }
        return status.reblogOfId == nil ? nested.first : nil
    }

    /// Builds the statuses `ids` (in that order) from what a backend read:
    /// `base` the requested posts the viewer may see, `all` those and the
    /// posts they reblog or quote that the viewer may see, `existingQuoted`
    /// the quoted posts that exist at all. A reblog whose original is out of
    /// sight is dropped; a quote nests its quoted post one level deep
    /// (deeper quotes keep only their state).
    public static func assemble(ids: [Int64], base: [Int64: StatusRecord], all: [Int64: StatusRecord], existingQuoted: Set<Int64>,
                                accounts: [Int64: AccountRecord], mentions: [Int64: [Int64]], tags: [Int64: [TagRef]],
                                favourited: Set<Int64>, reblogged: Set<Int64>, teams: [Int64: TeamRecord],
                                pinned: Set<Int64>) -> [HydratedStatus] {
        func make(_ status: StatusRecord, nestQuote: Bool) -> HydratedStatus? {
            guard let account = accounts[status.accountId] else { return nil }
            var nested: [HydratedStatus] = []
            var quoteState: QuoteState?
            if let original = status.reblogOfId {
                guard let record = all[original], let hydrated = make(record, nestQuote: true) else { return nil }
                nested = [hydrated]
            } else if let quoted = status.quoteOfId {
                if let record = all[quoted] {
                    quoteState = .accepted
                    if nestQuote, let hydrated = make(record, nestQuote: false) { nested = [hydrated] }
                } else {
                    quoteState = existingQuoted.contains(quoted) ? .unauthorized : .deleted
                }
            }
            return HydratedStatus(
                status: status, account: account,
                mentions: (mentions[status.id] ?? []).compactMap { accounts[$0] },
                tags: tags[status.id] ?? [],
                favourited: favourited.contains(status.id), reblogged: reblogged.contains(status.id),
                nested: nested, quoteState: quoteState,
                team: status.teamId.flatMap { teams[$0] }, pinned: pinned.contains(status.id))
        }
        return ids.compactMap { id in base[id].flatMap { make($0, nestQuote: true) } }
    }

    /// Mastodon 4.5 quote states Chorus uses.
    public enum QuoteState: String, Sendable {
        case accepted, deleted, unauthorized
    }
}

/// A hashtag as attached to a status.
public struct TagRef: Sendable, Equatable {
    public var name: String
    public var display: String

    public init(name: String, display: String) {
        self.name = name
        self.display = display
    }
}
