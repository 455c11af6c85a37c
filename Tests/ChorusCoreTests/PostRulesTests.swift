import ChorusCore
import Testing

@Suite("Post and team rules: one refusal per action, capabilities from the same rules")
struct PostRulesTests {
    let author: Int64 = 1
    let reader: Int64 = 2

    @Test func repostAndQuoteOnlyCompanyPosts() {
        for visibility in Visibility.allCases {
            let post = PostRules.Facts(authorID: author, visibility: visibility)
            #expect((PostRules.reblog(post) == nil) == (visibility == .company))
            #expect((PostRules.quote(post) == nil) == (visibility == .company))
        }
        #expect(PostRules.quote(PostRules.Facts(authorID: author, visibility: .company, isRepost: true)) != nil)
    }

    @Test func onlyTheAuthorDeletes() {
        let post = PostRules.Facts(authorID: author, visibility: .company)
        #expect(PostRules.delete(post, by: .init(id: author)) == nil)
        #expect(PostRules.delete(post, by: .init(id: reader, teamRole: .owner))?.kind == .forbidden)
    }

    @Test func pinsAreForTheTeamsOwnersAndAdminsAndTopLevelPosts() {
        let post = PostRules.Facts(authorID: author, visibility: .team, teamID: 7)
        #expect(PostRules.pin(post, by: .init(id: reader, teamRole: .owner)) == nil)
        #expect(PostRules.pin(post, by: .init(id: reader, teamRole: .admin)) == nil)
        #expect(PostRules.pin(post, by: .init(id: reader, teamRole: .member))?.kind == .forbidden)
        #expect(PostRules.pin(post, by: .init(id: reader))?.kind == .forbidden)
        var reply = post
        reply.isReply = true
        #expect(PostRules.pin(reply, by: .init(id: reader, teamRole: .owner))?.kind == .unprocessable)
        #expect(PostRules.pin(PostRules.Facts(authorID: author, visibility: .company), by: .init(id: reader, teamRole: .owner))?.kind == .notFound)
    }

    @Test func theAskerOrTheTeamsManagersChooseTheBestAnswer() {
        let question = PostRules.Facts(authorID: author, visibility: .team, kind: .question, teamID: 7)
        #expect(PostRules.chooseBestAnswer(question, by: .init(id: author, teamRole: .member)) == nil)
        #expect(PostRules.chooseBestAnswer(question, by: .init(id: reader, teamRole: .admin)) == nil)
        #expect(PostRules.chooseBestAnswer(question, by: .init(id: reader, teamRole: .member))?.kind == .forbidden)
        let companyQuestion = PostRules.Facts(authorID: author, visibility: .company, kind: .question)
        #expect(PostRules.chooseBestAnswer(companyQuestion, by: .init(id: reader, teamRole: .owner))?.kind == .forbidden)
        #expect(PostRules.chooseBestAnswer(PostRules.Facts(authorID: author, visibility: .company), by: .init(id: author))?.kind == .unprocessable)
    }

    @Test func nominationsNeedAnOriginalCompanyPostWithCompanyNeighbours() {
        let original = PostRules.Facts(authorID: author, visibility: .company, parentIsCompanyWide: true, quotedIsCompanyWide: true)
        #expect(PostRules.nominate(original) == nil)
        var changed = original
        changed.isRepost = true
        #expect(PostRules.nominate(changed) != nil)
        changed = original
        changed.teamID = 7
        #expect(PostRules.nominate(changed) != nil)
        changed = original
        changed.visibility = .followers
        #expect(PostRules.nominate(changed) != nil)
        changed = original
        changed.parentIsCompanyWide = false
        #expect(PostRules.nominate(changed) != nil)
        changed = original
        changed.quotedIsCompanyWide = nil  // not known: not offered
        #expect(PostRules.nominate(changed) != nil)
    }

    @Test func capabilitiesAreTheRulesThatAllow() {
        let post = PostRules.Facts(authorID: author, visibility: .team, kind: .question, teamID: 7, parentIsCompanyWide: true, quotedIsCompanyWide: true)
        let owner = PostRules.capabilities(post, for: .init(id: reader, teamRole: .owner))
        #expect(owner == StatusCapabilities(reblog: false, quote: false, delete: false, pin: true, chooseBestAnswer: true, nominate: false))
        let asker = PostRules.capabilities(post, for: .init(id: author, teamRole: .member))
        #expect(asker == StatusCapabilities(delete: true, chooseBestAnswer: true))
    }

    @Test func joiningPostingAndRunningATeam() {
        let open = TeamRules.Facts(joinPolicy: .open, isArchived: false, role: nil, requested: false)
        #expect(TeamRules.capabilities(open) == TeamCapabilities(join: true))
        var invite = open
        invite.joinPolicy = .invite
        #expect(TeamRules.join(invite)?.kind == .forbidden && !TeamRules.capabilities(invite).join)
        var archived = open
        archived.isArchived = true
        #expect(TeamRules.join(archived)?.kind == .unprocessable)
        var asked = open
        asked.requested = true
        #expect(!TeamRules.capabilities(asked).join)
        var member = open
        member.role = .member
        #expect(TeamRules.capabilities(member) == TeamCapabilities(leave: true, post: true))
        #expect(TeamRules.post(.announcement, in: member)?.kind == .forbidden)
        member.role = .admin
        #expect(TeamRules.capabilities(member) == TeamCapabilities(leave: true, post: true, announce: true, manage: true))
        member.isArchived = true
        #expect(TeamRules.post(.status, in: member)?.kind == .unprocessable)
    }
}
