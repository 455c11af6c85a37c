import ChorusCore
import Testing

@Suite("Where a new post may go: replies, teams, quotes")
struct PostPlacementTests {
    func placed(_ visibility: Visibility = .company, teamID: Int64? = nil, replyingTo parent: PostRules.Facts? = nil,
                tokenTeamID: Int64? = nil) throws -> PostPlacement {
        var placement = PostPlacement(visibility: visibility, teamID: teamID)
        try placement.reply(to: parent, tokenTeamID: tokenTeamID)
        return placement
    }

    func team(archived: Bool = false, role: TeamRole?) -> TeamRules.Facts {
        TeamRules.Facts(joinPolicy: .open, isArchived: archived, role: role, requested: false)
    }

    // MARK: Tests

    @Test func aReplyTakesItsParentsTeamAndNeverOutranksIt() throws {
        let followers = PostRules.Facts(authorID: 1, visibility: .followers)
        #expect(try placed(.company, replyingTo: followers) == PostPlacement(visibility: .followers, teamID: nil))
        let teamPost = PostRules.Facts(authorID: 1, visibility: .team, teamID: 7)
        #expect(try placed(.company, replyingTo: teamPost) == PostPlacement(visibility: .team, teamID: 7))
        #expect(try placed(.company, teamID: 7, replyingTo: teamPost, tokenTeamID: 7) == PostPlacement(visibility: .team, teamID: 7))
    }

    @Test func aReplyIsRefusedWhenItsParentIsMissingOrElsewhere() {
        #expect(throws: ChorusError.notFound("The post you reply to does not exist")) { try placed(replyingTo: nil) }
        #expect(throws: ChorusError.notFound("The post you reply to does not exist")) {
            try placed(replyingTo: .init(authorID: 1, visibility: .company, isRepost: true))
        }
        let company = PostRules.Facts(authorID: 1, visibility: .company)
        #expect(throws: ChorusError.forbidden("This token may post only in its own team")) { try placed(replyingTo: company, tokenTeamID: 7) }
        #expect(throws: ChorusError.unprocessable("A reply stays in its parent's team")) { try placed(teamID: 7, replyingTo: company) }
    }

    @Test func teamPostsNeedAMemberAndAnnouncementsAManager() throws {
        var placement = PostPlacement(visibility: .company, teamID: 7)
        #expect(throws: ChorusError.notFound("Team not found")) { try placement.enter(nil, kind: .status) }
        #expect(throws: ChorusError.unprocessable("This team is archived: it takes no new posts")) {
            try placement.enter(team(archived: true, role: .owner), kind: .status)
        }
        #expect(throws: ChorusError.forbidden("Join the team to post in it")) { try placement.enter(team(role: nil), kind: .status) }
        #expect(throws: ChorusError.forbidden("Only the team's owners and admins can post announcements")) {
            try placement.enter(team(role: .member), kind: .announcement)
        }
        try placement.enter(team(role: .admin), kind: .announcement)
        #expect(placement.visibility == .team)
        var outside = PostPlacement(visibility: .company, teamID: nil)
        #expect(throws: ChorusError.unprocessable("Announcements are posted in a team")) { try outside.enter(nil, kind: .announcement) }
        try outside.enter(nil, kind: .question)
        #expect(outside == PostPlacement(visibility: .company, teamID: nil))
    }

    @Test func onlyOriginalCompanyPostsAreQuoted() throws {
        #expect(throws: ChorusError.notFound("The post you quote does not exist")) { try PostPlacement.checkQuote(nil) }
        #expect(throws: ChorusError.unprocessable("Only company-visible posts can be quoted")) {
            try PostPlacement.checkQuote(.init(authorID: 1, visibility: .followers))
        }
        #expect(throws: ChorusError.unprocessable("Only company-visible posts can be quoted")) {
            try PostPlacement.checkQuote(.init(authorID: 1, visibility: .company, isRepost: true))
        }
        try PostPlacement.checkQuote(.init(authorID: 1, visibility: .company))
    }
}
