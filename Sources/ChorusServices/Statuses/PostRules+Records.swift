import ChorusCore
import ChorusStore

extension StatusRecord {
    /// The post as `PostRules` sees it.
    public func ruleFacts(parentIsCompanyWide: Bool? = nil, quotedIsCompanyWide: Bool? = nil) -> PostRules.Facts {
        PostRules.Facts(authorID: accountId, visibility: visibility, kind: kind, teamID: teamId, isRepost: reblogOfId != nil,
                        isReply: inReplyToId != nil, parentIsCompanyWide: inReplyToId == nil ? true : parentIsCompanyWide,
                        quotedIsCompanyWide: quoteOfId == nil ? true : quotedIsCompanyWide)
    }

    /// Whether the post reaches the whole company and no team (what may
    /// sit next to a post that leaves the company).
    public var isCompanyWide: Bool { visibility == .company && teamId == nil }
}

extension HydratedStatus {
    /// The post a card shows: the original, for a repost.
    public var shown: HydratedStatus { reblog ?? self }

    /// What `viewerID` may do with the post shown, given their role in its
    /// team (nil outside it). Nominating needs the parent, which a card does
    /// not carry: `StatusService.thread` answers that one.
    public func capabilities(for viewerID: Int64, teamRole: TeamRole? = nil) -> StatusCapabilities {
        let shown = shown
        let quoted = shown.status.quoteOfId == nil ? true : shown.quoted.map { $0.status.isCompanyWide }
        return PostRules.capabilities(shown.status.ruleFacts(quotedIsCompanyWide: quoted), for: PostRules.Actor(id: viewerID, teamRole: teamRole))
    }
}
