/// Where a new post goes — its visibility and its team — decided step by
/// step on what the posting transaction read: the post it replies to, the
/// team with the author's role, the post it quotes. The store runs these
/// steps inside the transaction that writes the post, so a reply, a team
/// post or a quote is checked against the data it is stored with. The team
/// and quote steps are `TeamRules.post` and `PostRules.quote`, the rules the
/// pages' buttons come from; none of it does I/O.
public struct PostPlacement: Sendable, Equatable {
    public var visibility: Visibility
    public var teamID: Int64?

    /// The placement asked for, before any rule ran.
    public init(visibility: Visibility, teamID: Int64?) {
        self.visibility = visibility
        self.teamID = teamID
    }

    /// A reply stays where its parent is (in the same team, or out of teams)
    /// and is never more visible than it. `parent` is nil when the post does
    /// not exist or the author may not see it (both are a 404). `tokenTeamID`
    /// is the team of a team-scoped token, which posts only in that team.
    public mutating func reply(to parent: PostRules.Facts?, tokenTeamID: Int64?) throws(ChorusError) {
        let missing = ChorusError.notFound("The post you reply to does not exist")
        guard let parent else { throw missing }
        if let tokenTeamID, parent.teamID != tokenTeamID { throw ChorusError.forbidden("This token may post only in its own team") }
        guard !parent.isRepost else { throw missing }
        if let asked = teamID, asked != parent.teamID { throw ChorusError.unprocessable("A reply stays in its parent's team") }
        teamID = parent.teamID
        visibility = parent.teamID == nil ? visibility.narrowed(toParent: parent.visibility) : .team
    }

    /// A team post needs a team the author may see and `TeamRules.post`'s
    /// consent (a member, not archived; an owner or admin to announce); an
    /// announcement needs a team. `team` is nil when the team does not exist
    /// or the author may not see it.
    public mutating func enter(_ team: TeamRules.Facts?, kind: PostKind) throws(ChorusError) {
        guard teamID != nil else {
            if kind == .announcement { throw ChorusError.unprocessable("Announcements are posted in a team") }
            return
        }
        guard let team else { throw ChorusError.notFound("Team not found") }
        if let refusal = TeamRules.post(kind, in: team) { throw refusal }
        visibility = .team
    }

    /// A quoted post must exist, be visible to the author (`quoted` is nil
    /// otherwise) and pass `PostRules.quote`.
    public static func checkQuote(_ quoted: PostRules.Facts?) throws(ChorusError) {
        guard let quoted else { throw ChorusError.notFound("The post you quote does not exist") }
        if let refusal = PostRules.quote(quoted) { throw refusal }
    }
}
