import ChorusCore
import ChorusServices
import ChorusStore
import ChorusTestSupport
import Testing

@Suite("Teams: membership, team posts, questions, announcements, pins")
struct TeamServiceTests {
    /// A team owned by `owner` with the given settings.
    func team(_ fixture: TestFixture, owner: AccountRecord, privacy: TeamPrivacy = .public, policy: TeamJoinPolicy? = nil,
              slug: String = "falcon") async throws -> TeamRecord {
        try await fixture.services.teams.createTeam(by: owner, .init(name: "Project Falcon", slug: slug, privacy: privacy, joinPolicy: policy)).team
    }

    /// Posts into a team.
    func teamPost(_ fixture: TestFixture, _ author: AccountRecord, _ team: TeamRecord, _ text: String,
                  kind: PostKind = .status, replyTo: Int64? = nil) async throws -> HydratedStatus {
        var draft = StatusService.Draft(text: text, inReplyToID: replyTo)
        draft.teamID = replyTo == nil ? team.id : nil
        draft.kind = kind
        return try await fixture.services.statuses.createStatus(by: author, draft)
    }

    // MARK: Tests

    @Test func creatorIsOwnerAndSlugsAreChecked() async throws {
        let fixture = try await TestFixture()
        let owner = try await fixture.user("owner")
        let created = try await fixture.services.teams.createTeam(by: owner, .init(name: "Project Falcon", privacy: .private))
        #expect(created.role == .owner)
        #expect(created.team.slug == "project-falcon")
        #expect(created.team.joinPolicy == .invite)
        #expect(created.team.membersCount == 1)
        #expect(try await fixture.services.teams.createTeam(by: owner, .init(name: "项目组")).team.slug == "xiang-mu-zu")
        _ = try await fixture.services.teams.createTeam(by: owner, .init(name: "项目组", slug: "xiangmu"))
        await #expect(throws: ChorusError.self) { try await fixture.services.teams.createTeam(by: owner, .init(name: "Again", slug: "XIANGMU")) }
    }

    @Test func addressesComeFromNamesAndAreNumberedOnlyAgainstTeamsTheCreatorCanSee() async throws {
        let fixture = try await TestFixture()
        let teams = fixture.services.teams
        let owner = try await fixture.user("owner")
        let other = try await fixture.user("other")
        #expect(try await teams.createTeam(by: owner, .init(name: "研发部", privacy: .private)).team.slug == "yan-fa-bu")
        // Her own second 研发部, and a public one, get the next free number.
        #expect(try await teams.createTeam(by: owner, .init(name: "研發部", privacy: .private)).team.slug == "yan-fa-bu-2")
        #expect(try await teams.createTeam(by: owner, .init(name: "研发部")).team.slug == "yan-fa-bu-3")
        // Someone outside her private teams sees only the public one: the number says nothing about the private two.
        #expect(try await teams.createTeam(by: other, .init(name: "研发部", privacy: .private)).team.slug == "yan-fa-bu")
        #expect(try await teams.createTeam(by: other, .init(name: "研发部", privacy: .private)).team.slug == "yan-fa-bu-2")
        #expect(try await teams.team(slug: "yan-fa-bu", viewer: other).role == .owner)
        // A typed address is never numbered: taken is taken.
        await #expect(throws: ChorusError.conflict("The team address yan-fa-bu-3 is taken")) {
            try await teams.createTeam(by: other, .init(name: "研发部", slug: "yan-fa-bu-3"))
        }
        // Nothing to spell: "team-" and the end of the team's id.
        let rocket = try await teams.createTeam(by: owner, .init(name: "🚀🎉")).team
        #expect(rocket.slug == "team-" + String(String(rocket.id, radix: 36).suffix(6)))
    }

    @Test func ownersAddPeopleByUsername() async throws {
        let fixture = try await TestFixture()
        let owner = try await fixture.user("owner")
        let wendy = try await fixture.user("wendy")
        let team = try await team(fixture, owner: owner)
        let added = try await fixture.services.teams.addMember(teamID: team.id, username: " @wendy ", role: .admin, by: owner)
        #expect(added.account.id == wendy.id && added.role == .admin)
        await #expect(throws: ChorusError.notFound("No such person")) {
            try await fixture.services.teams.addMember(teamID: team.id, username: "nobody", role: .member, by: owner)
        }
        // A member who may not add people learns nothing about who exists.
        let member = try await fixture.user("member")
        _ = try await fixture.services.teams.addMember(teamID: team.id, accountID: member.id, role: .member, by: owner)
        await #expect(throws: ChorusError.forbidden("Only the team's owners and admins can do this")) {
            try await fixture.services.teams.addMember(teamID: team.id, username: "nobody", role: .member, by: member)
        }
    }

    @Test func joinPoliciesOpenRequestInvite() async throws {
        let fixture = try await TestFixture()
        let owner = try await fixture.user("owner")
        let alice = try await fixture.user("alice")
        let open = try await team(fixture, owner: owner, policy: .open, slug: "open")
        let asking = try await team(fixture, owner: owner, policy: .request, slug: "asking")
        let closed = try await team(fixture, owner: owner, policy: .invite, slug: "closed")
        #expect(try await fixture.services.teams.join(id: open.id, by: alice).role == .member)
        let pending = try await fixture.services.teams.join(id: asking.id, by: alice)
        #expect(pending.role == nil && pending.requested)
        #expect(try await fixture.services.teams.joinRequests(teamID: asking.id, by: owner).map(\.id) == [alice.id])
        await #expect(throws: ChorusError.self) { try await fixture.services.teams.joinRequests(teamID: asking.id, by: alice) }
        try await fixture.services.teams.decideRequest(teamID: asking.id, accountID: alice.id, approve: true, by: owner)
        #expect(try await fixture.services.teams.team(id: asking.id, viewer: alice).role == .member)
        await #expect(throws: ChorusError.self) { try await fixture.services.teams.join(id: closed.id, by: alice) }
    }

    @Test func theLastOwnerCannotLeave() async throws {
        let fixture = try await TestFixture()
        let owner = try await fixture.user("owner")
        let bob = try await fixture.user("bob")
        let falcon = try await team(fixture, owner: owner)
        await #expect(throws: ChorusError.self) { try await fixture.services.teams.leave(id: falcon.id, by: owner) }
        _ = try await fixture.services.teams.addMember(teamID: falcon.id, accountID: bob.id, role: .owner, by: owner)
        let left = try await fixture.services.teams.leave(id: falcon.id, by: owner)
        #expect(left.role == nil)
        #expect(left.team.membersCount == 1)
    }

    @Test func adminsManageMembersButNotOwners() async throws {
        let fixture = try await TestFixture()
        let owner = try await fixture.user("owner")
        let admin = try await fixture.user("admin1")
        let member = try await fixture.user("member")
        let falcon = try await team(fixture, owner: owner, privacy: .private)
        _ = try await fixture.services.teams.addMember(teamID: falcon.id, accountID: admin.id, role: .admin, by: owner)
        _ = try await fixture.services.teams.addMember(teamID: falcon.id, accountID: member.id, role: .member, by: admin)
        await #expect(throws: ChorusError.self) { try await fixture.services.teams.addMember(teamID: falcon.id, accountID: member.id, role: .owner, by: admin) }
        await #expect(throws: ChorusError.self) { try await fixture.services.teams.removeMember(teamID: falcon.id, accountID: owner.id, by: admin) }
        await #expect(throws: ChorusError.self) { try await fixture.services.teams.removeMember(teamID: falcon.id, accountID: admin.id, by: member) }
        let members = try await fixture.services.teams.members(id: falcon.id, viewer: member, limit: 40, offset: 0)
        #expect(members.map(\.role) == [.owner, .admin, .member])
    }

    @Test func onlyMembersPostAndRepliesStayInTheTeam() async throws {
        let fixture = try await TestFixture()
        let owner = try await fixture.user("owner")
        let outsider = try await fixture.user("outsider")
        let falcon = try await team(fixture, owner: owner, policy: .open)
        let post = try await teamPost(fixture, owner, falcon, "站会十点开始")
        #expect(post.status.visibility == .team)
        #expect(post.team?.slug == "falcon")
        await #expect(throws: ChorusError.forbidden("Join the team to post in it")) { try await teamPost(fixture, outsider, falcon, "hi") }
        _ = try await fixture.services.teams.join(id: falcon.id, by: outsider)
        let reply = try await teamPost(fixture, outsider, falcon, "收到", replyTo: post.status.id)
        #expect(reply.status.teamId == falcon.id)
        #expect(reply.status.visibility == .team)
        await #expect(throws: ChorusError.self) { try await fixture.services.statuses.reblog(id: post.status.id, by: outsider) }
    }

    @Test func membersHomeFeedsHoldTeamPostsUntilRemoval() async throws {
        let fixture = try await TestFixture()
        let owner = try await fixture.user("owner")
        let bob = try await fixture.user("bob")
        let follower = try await fixture.user("follower")
        _ = try await fixture.services.follows.follow(owner.id, by: follower)
        let falcon = try await team(fixture, owner: owner, privacy: .private)
        _ = try await fixture.services.teams.addMember(teamID: falcon.id, accountID: bob.id, role: .member, by: owner)
        let post = try await teamPost(fixture, owner, falcon, "secret plan")
        #expect(TestFixture.ids(try await fixture.services.timelines.home(viewer: bob, page: Page())).contains(post.status.id))
        #expect(try await fixture.services.timelines.home(viewer: follower, page: Page()).isEmpty)
        #expect(TestFixture.ids(try await fixture.services.teams.myTeamsTimeline(viewer: bob, page: Page())) == [post.status.id])
        try await fixture.services.teams.removeMember(teamID: falcon.id, accountID: bob.id, by: owner)
        #expect(try await fixture.services.timelines.home(viewer: bob, page: Page()).isEmpty)
        await #expect(throws: ChorusError.self) { try await fixture.services.statuses.status(id: post.status.id, viewer: bob) }
        await #expect(throws: ChorusError.self) { try await fixture.services.teams.team(id: falcon.id, viewer: bob) }
    }

    @Test func announcementsComeFromOwnersAndNotifyEveryMember() async throws {
        let fixture = try await TestFixture()
        let owner = try await fixture.user("owner")
        let bob = try await fixture.user("bob")
        let carol = try await fixture.user("carol")
        let falcon = try await team(fixture, owner: owner)
        _ = try await fixture.services.teams.addMember(teamID: falcon.id, accountID: bob.id, role: .member, by: owner)
        _ = try await fixture.services.teams.addMember(teamID: falcon.id, accountID: carol.id, role: .member, by: owner)
        await #expect(throws: ChorusError.self) { try await teamPost(fixture, bob, falcon, "公告", kind: .announcement) }
        let announcement = try await teamPost(fixture, owner, falcon, "下周一发布，@bob 负责回归", kind: .announcement)
        let forBob = try await fixture.services.notifications.list(viewer: bob, page: Page(), types: [], excludeTypes: [])
        #expect(forBob.map(\.notification.type) == ["mention"])
        let forCarol = try await fixture.services.notifications.list(viewer: carol, page: Page(), types: [], excludeTypes: [])
        #expect(forCarol.map(\.notification.type) == ["status"])
        #expect(forCarol.first?.status?.status.id == announcement.status.id)
        await #expect(throws: ChorusError.self) {
            try await fixture.services.statuses.createStatus(by: owner, { var d = StatusService.Draft(text: "x"); d.kind = .announcement; return d }())
        }
    }

    @Test func pinnedPostsComeFirstOnTheFirstPage() async throws {
        let fixture = try await TestFixture()
        let owner = try await fixture.user("owner")
        let falcon = try await team(fixture, owner: owner)
        let announcement = try await teamPost(fixture, owner, falcon, "置顶公告", kind: .announcement)
        let later = try await teamPost(fixture, owner, falcon, "later post")
        let pinned = try await fixture.services.teams.pin(teamID: falcon.id, statusID: announcement.status.id, by: owner)
        #expect(pinned.pinned)
        let feed = try await fixture.services.teams.timeline(teamID: falcon.id, viewer: owner, filter: .init(), page: Page())
        #expect(TestFixture.ids(feed.pinned) == [announcement.status.id])
        #expect(TestFixture.ids(feed.posts) == [later.status.id])
        let reply = try await teamPost(fixture, owner, falcon, "a reply", replyTo: later.status.id)
        await #expect(throws: ChorusError.self) { try await fixture.services.teams.pin(teamID: falcon.id, statusID: reply.status.id, by: owner) }
        for i in 0..<4 {
            let post = try await teamPost(fixture, owner, falcon, "pin \(i)")
            _ = try await fixture.services.teams.pin(teamID: falcon.id, statusID: post.status.id, by: owner)
        }
        await #expect(throws: ChorusError.self) { try await fixture.services.teams.pin(teamID: falcon.id, statusID: later.status.id, by: owner) }
        try await fixture.services.teams.unpin(teamID: falcon.id, statusID: announcement.status.id, by: owner)
        let after = try await fixture.services.teams.timeline(teamID: falcon.id, viewer: owner, filter: .init(), page: Page())
        #expect(!TestFixture.ids(after.pinned).contains(announcement.status.id))
    }

    @Test func bestAnswerIsAReplyChosenByTheAskerOrATeamAdmin() async throws {
        let fixture = try await TestFixture()
        let owner = try await fixture.user("owner")
        let asker = try await fixture.user("asker")
        let helper = try await fixture.user("helper")
        let falcon = try await team(fixture, owner: owner, policy: .open)
        for person in [asker, helper] { _ = try await fixture.services.teams.join(id: falcon.id, by: person) }
        let question = try await teamPost(fixture, asker, falcon, "构建为什么失败？", kind: .question)
        let answer = try await teamPost(fixture, helper, falcon, "缓存过期了，清一下", replyTo: question.status.id)
        let deeper = try await teamPost(fixture, asker, falcon, "谢谢", replyTo: answer.status.id)
        let unrelated = try await teamPost(fixture, helper, falcon, "unrelated")
        var unanswered = TeamFeedFilter()
        unanswered.kind = .question
        unanswered.unanswered = true
        #expect(TestFixture.ids(try await fixture.services.teams.timeline(teamID: falcon.id, viewer: helper, filter: unanswered, page: Page()).posts) == [question.status.id])

        await #expect(throws: ChorusError.self) { try await fixture.services.teams.chooseBestAnswer(questionID: question.status.id, answerID: answer.status.id, by: helper) }
        await #expect(throws: ChorusError.self) { try await fixture.services.teams.chooseBestAnswer(questionID: question.status.id, answerID: unrelated.status.id, by: asker) }
        await #expect(throws: ChorusError.self) { try await fixture.services.teams.chooseBestAnswer(questionID: answer.status.id, answerID: deeper.status.id, by: asker) }
        let chosen = try await fixture.services.teams.chooseBestAnswer(questionID: question.status.id, answerID: answer.status.id, by: asker)
        #expect(chosen.status.bestAnswerId == answer.status.id)
        let byOwner = try await fixture.services.teams.chooseBestAnswer(questionID: question.status.id, answerID: deeper.status.id, by: owner)
        #expect(byOwner.status.bestAnswerId == deeper.status.id)
        #expect(try await fixture.services.teams.timeline(teamID: falcon.id, viewer: helper, filter: unanswered, page: Page()).posts.isEmpty)
    }

    @Test func archivedTeamsTakeNoPostsOrMembers() async throws {
        let fixture = try await TestFixture()
        let owner = try await fixture.user("owner")
        let alice = try await fixture.user("alice")
        let falcon = try await team(fixture, owner: owner, policy: .open)
        let archived = try await fixture.services.teams.setArchived(id: falcon.id, true, by: owner)
        #expect(archived.team.isArchived)
        await #expect(throws: ChorusError.self) { try await teamPost(fixture, owner, falcon, "too late") }
        await #expect(throws: ChorusError.self) { try await fixture.services.teams.join(id: falcon.id, by: alice) }
        #expect(try await fixture.services.teams.teams(viewer: alice, mine: false).isEmpty)
        #expect(try await fixture.services.teams.teams(viewer: alice, mine: false, includeArchived: true).count == 1)
    }

    @Test func privateTeamMentionsNotifyMembersOnly() async throws {
        let fixture = try await TestFixture()
        let owner = try await fixture.user("owner")
        let outsider = try await fixture.user("outsider")
        let falcon = try await team(fixture, owner: owner, privacy: .private)
        _ = try await teamPost(fixture, owner, falcon, "@outsider should not hear of this")
        #expect(try await fixture.services.notifications.list(viewer: outsider, page: Page(), types: [], excludeTypes: []).isEmpty)
        let found = try await fixture.services.search.search("hear", kind: .statuses, viewer: outsider, accountID: nil, limit: 10, offset: 0, maxID: nil)
        #expect(found.statuses.isEmpty)
    }
}

@Suite("The demo company")
struct DemoCompanyTests {
    @Test func seedsPeopleTeamsAndAnsweredQuestion() async throws {
        let fixture = try await TestFixture()
        let seeded = try await DemoCompany.seed(fixture.services)
        #expect(seeded.signIns.count == 7)
        #expect(seeded.ciHookURL?.hasPrefix(TestFixture.baseURL + "/hooks/") == true)
        let bob = try await fixture.services.accounts.account(username: "bob")
        let visible = try await fixture.services.teams.teams(viewer: bob, mine: false)
        #expect(Set(visible.map(\.team.slug)) == ["release", "customer-care"])
        let admin = try await fixture.services.accounts.account(username: "admin")
        #expect(try await fixture.services.teams.teams(viewer: admin, mine: true).map(\.team.slug) == ["falcon"])
        let release = try #require(visible.first { $0.team.slug == "release" })
        let feed = try await fixture.services.teams.timeline(teamID: release.team.id, viewer: bob, filter: .init(), page: Page())
        #expect(feed.pinned.first?.status.kind == .announcement)
        #expect(feed.posts.contains { $0.status.kind == .question && $0.status.bestAnswerId != nil })
        #expect(feed.posts.contains { $0.account.isBot && $0.status.applicationName == "构建机器人 CI" })
        let editor = try await fixture.services.accounts.account(username: "wangfang")
        #expect(try await fixture.services.bridge.nominations(state: .pending, by: editor, page: Page()).count == 1)
        #expect(try await fixture.services.bridge.nominations(state: .approved, by: editor, page: Page()).first?.exports.count == 1)
        // Seeding again changes nothing.
        #expect(try await DemoCompany.seed(fixture.services).signIns.isEmpty)
    }
}
