import ChorusCore
import ChorusServices
import ChorusStore
import ChorusTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// For each thing a person may do with a post or a team, the page offers
/// the button exactly when the API accepts the action: both come from one
/// rule (`PostRules`, `TeamRules`). Each case looks at the page first, then
/// tries the action through the API and checks the answer agrees.
@Suite("Capabilities: a page offers an action exactly when the service allows it")
struct CapabilityTests {
    /// The people and posts every case uses.
    struct World {
        let fixture: TestFixture
        let alice: AccountRecord, bob: AccountRecord, carol: AccountRecord
        let team: TeamRecord
        let companyPost: HydratedStatus
        let followersPost: HydratedStatus

        init() async throws {
            fixture = try await TestFixture()
            alice = try await fixture.user("alice")
            bob = try await fixture.user("bob")
            carol = try await fixture.user("carol")
            // Alice owns the team; Bob is a member; Carol is outside it.
            team = try await fixture.services.teams.createTeam(by: alice, .init(name: "Falcon", slug: "falcon")).team
            _ = try await fixture.services.teams.addMember(teamID: team.id, accountID: bob.id, role: .member, by: alice)
            _ = try await fixture.services.follows.follow(alice.id, by: bob)
            companyPost = try await fixture.post(alice, "全公司都能看")
            followersPost = try await fixture.post(alice, "只给关注者", visibility: .followers)
        }

        func teamPost(_ author: AccountRecord, _ text: String, kind: PostKind = .status, replyTo: Int64? = nil) async throws -> HydratedStatus {
            var draft = StatusService.Draft(text: text, inReplyToID: replyTo)
            if replyTo == nil { draft.teamID = team.id }
            draft.kind = kind
            return try await fixture.services.statuses.createStatus(by: author, draft)
        }
    }

    /// The page at `path` as `viewer` sees it, and whether it holds `marker`.
    func offers(_ client: any TestClientProtocol, _ world: World, _ viewer: AccountRecord, _ path: String, _ marker: String) async throws -> Bool {
        let page = try await client.call(.get, path, headers: [.cookie: try await world.fixture.sessionCookie(for: viewer)])
        #expect(page.status == 200, "\(path) as \(viewer.username)")
        return page.text.contains(marker)
    }

    /// Whether the API accepted the action (2xx), or refused it with a 4xx.
    func accepted(_ response: ChorusTestSupport.TestResponse, _ what: String) -> Bool {
        #expect(response.status < 500, "\(what): \(response.status)")
        return (200..<300).contains(response.status)
    }

    @Test func repost() async throws {
        let world = try await World()
        let teamPost = try await world.teamPost(world.bob, "团队内部")
        try await TestAPI(world.fixture).run { client in
            for (post, allowed) in [(world.companyPost, true), (world.followersPost, false), (teamPost, false)] {
                let id = post.status.id
                let path = post.status.teamId == nil ? "/@alice/\(id)" : "/teams/falcon"
                let shown = try await offers(client, world, world.bob, path, "action=\"/statuses/\(id)/reblog\"")
                let token = try await world.fixture.token(for: world.bob)
                let done = accepted(try await client.call(.post, "/api/v1/statuses/\(id)/reblog", token: token), "reblog \(id)")
                #expect(shown == allowed && done == allowed, "post \(post.status.text): shown \(shown), accepted \(done)")
            }
        }
    }

    @Test func quote() async throws {
        let world = try await World()
        let teamPost = try await world.teamPost(world.alice, "团队公告草稿")
        try await TestAPI(world.fixture).run { client in
            for (post, allowed) in [(world.companyPost, true), (world.followersPost, false), (teamPost, false)] {
                let id = post.status.id
                let shown = try await offers(client, world, world.bob, "/@alice/\(id)", "id=\"quote\"")
                let token = try await world.fixture.token(for: world.bob)
                let done = accepted(try await client.call(.post, "/api/v1/statuses", token: token,
                                                          form: ["status": "引用一下", "quoted_status_id": String(id)]), "quote \(id)")
                #expect(shown == allowed && done == allowed, "post \(post.status.text): shown \(shown), accepted \(done)")
            }
        }
    }

    @Test func delete() async throws {
        let world = try await World()
        try await TestAPI(world.fixture).run { client in
            for (viewer, allowed) in [(world.bob, false), (world.alice, true)] {
                let id = world.companyPost.status.id
                let shown = try await offers(client, world, viewer, "/@alice/\(id)", "action=\"/statuses/\(id)/delete\"")
                let token = try await world.fixture.token(for: viewer)
                let done = accepted(try await client.call(.delete, "/api/v1/statuses/\(id)", token: token), "delete as \(viewer.username)")
                #expect(shown == allowed && done == allowed, "\(viewer.username): shown \(shown), accepted \(done)")
            }
        }
    }

    @Test func pin() async throws {
        let world = try await World()
        let topLevel = try await world.teamPost(world.bob, "值得置顶")
        let reply = try await world.teamPost(world.alice, "回复不能置顶", replyTo: topLevel.status.id)
        try await TestAPI(world.fixture).run { client in
            // A member and an outsider of the (public) team see no "pin", and are refused; the owner may pin a
            // top-level post, never a reply.
            for (viewer, post, allowed) in [(world.bob, topLevel, false), (world.carol, topLevel, false), (world.alice, reply, false),
                                            (world.alice, topLevel, true)] {
                let id = post.status.id
                let shown = try await offers(client, world, viewer, "/teams/falcon", "action=\"/teams/falcon/pin/\(id)\"")
                let token = try await world.fixture.token(for: viewer)
                let done = accepted(try await client.call(.post, "/api/v1/chorus/teams/\(world.team.id)/pins/\(id)", token: token),
                                    "pin \(id) as \(viewer.username)")
                #expect(shown == allowed && done == allowed, "\(viewer.username) pins \(post.status.text): shown \(shown), accepted \(done)")
            }
        }
    }

    @Test func chooseTheBestAnswer() async throws {
        let world = try await World()
        let question = try await world.teamPost(world.bob, "谁知道发布时间？", kind: .question)
        let answer = try await world.teamPost(world.alice, "下周五", replyTo: question.status.id)
        let plain = try await world.teamPost(world.bob, "普通帖子")
        let plainReply = try await world.teamPost(world.alice, "好的", replyTo: plain.status.id)
        let member = try await world.fixture.user("dave")
        _ = try await world.fixture.services.teams.addMember(teamID: world.team.id, accountID: member.id, role: .member, by: world.alice)
        try await TestAPI(world.fixture).run { client in
            // The asker and the team's owner may choose; another member may not; a post that is not a question has none.
            for (viewer, post, reply, allowed) in [(member, question, answer, false), (world.bob, plain, plainReply, false),
                                                   (world.alice, question, answer, true), (world.bob, question, answer, true)] {
                let (q, a) = (post.status.id, reply.status.id)
                if allowed { _ = try await world.fixture.services.teams.chooseBestAnswer(questionID: q, answerID: nil, by: world.bob) }
                let author = post.account.username
                let shown = try await offers(client, world, viewer, "/@\(author)/\(q)", "action=\"/statuses/\(q)/best/\(a)\"")
                let token = try await world.fixture.token(for: viewer)
                let done = accepted(try await client.call(.post, "/api/v1/chorus/statuses/\(q)/best_answer", token: token,
                                                          form: ["answer_id": String(a)]), "best answer as \(viewer.username)")
                #expect(shown == allowed && done == allowed, "\(viewer.username) on \(post.status.text): shown \(shown), accepted \(done)")
            }
        }
    }

    @Test func nominateForTheBrandChannels() async throws {
        let world = try await World()
        let admin = try await world.fixture.user("admin", role: .admin)
        let channel = try await world.fixture.services.bridge.createChannel(.init(name: "官方", slug: "official", kind: .atom), by: admin).channel
        let replyToPrivate = try await world.fixture.post(world.bob, "回复关注者帖子", replyTo: world.followersPost.status.id)
        let replyToCompany = try await world.fixture.post(world.bob, "回复全公司帖子", replyTo: world.companyPost.status.id)
        let teamPost = try await world.teamPost(world.bob, "团队帖子")
        try await TestAPI(world.fixture).run { client in
            for (post, allowed) in [(world.companyPost, true), (replyToCompany, true), (world.followersPost, false),
                                    (replyToPrivate, false), (teamPost, false)] {
                let id = post.status.id
                let shown = try await offers(client, world, world.bob, "/@\(post.account.username)/\(id)", "id=\"nominate\"")
                let token = try await world.fixture.token(for: world.bob)
                let done = accepted(try await client.call(.post, "/api/v1/chorus/bridge/nominations", token: token,
                                                          form: ["status_id": String(id), "channel_ids[]": String(channel.id ?? 0)]),
                                    "nominate \(id)")
                #expect(shown == allowed && done == allowed, "post \(post.status.text): shown \(shown), accepted \(done)")
            }
        }
    }

    @Test func joinATeam() async throws {
        let world = try await World()
        let owner = world.alice
        let teams = world.fixture.services.teams
        let open = world.team
        let asking = try await teams.createTeam(by: owner, .init(name: "Review", slug: "review", joinPolicy: .request)).team
        let inviteOnly = try await teams.createTeam(by: owner, .init(name: "Board", slug: "board", joinPolicy: .invite)).team
        let archived = try await teams.createTeam(by: owner, .init(name: "Old", slug: "old")).team
        _ = try await teams.setArchived(id: archived.id, true, by: owner)
        try await TestAPI(world.fixture).run { client in
            for (team, allowed) in [(open, true), (asking, true), (inviteOnly, false), (archived, false)] {
                let shown = try await offers(client, world, world.carol, "/teams/\(team.slug)", "id=\"join-button\"")
                let token = try await world.fixture.token(for: world.carol)
                let done = accepted(try await client.call(.post, "/api/v1/chorus/teams/\(team.id)/join", token: token), "join \(team.slug)")
                #expect(shown == allowed && done == allowed, "\(team.slug): shown \(shown), accepted \(done)")
            }
        }
    }

    @Test func announceInATeam() async throws {
        let world = try await World()
        try await TestAPI(world.fixture).run { client in
            for (viewer, allowed) in [(world.bob, false), (world.alice, true)] {
                let shown = try await offers(client, world, viewer, "/teams/falcon", "<option value=\"announcement\">")
                let token = try await world.fixture.token(for: viewer)
                let done = accepted(try await client.call(.post, "/api/v1/statuses", token: token,
                                                          form: ["status": "通知", "chorus_team_id": String(world.team.id), "chorus_kind": "announcement"]),
                                    "announce as \(viewer.username)")
                #expect(shown == allowed && done == allowed, "\(viewer.username): shown \(shown), accepted \(done)")
            }
        }
    }

    @Test func manageATeam() async throws {
        let world = try await World()
        try await TestAPI(world.fixture).run { client in
            // The settings link is for the team's owners and admins; a member and an outsider get none, and the API refuses them.
            for (viewer, allowed) in [(world.bob, false), (world.carol, false), (world.alice, true)] {
                let shown = try await offers(client, world, viewer, "/teams/falcon", "id=\"team-settings-link\"")
                let token = try await world.fixture.token(for: viewer)
                let done = accepted(try await client.call(.patch, "/api/v1/chorus/teams/\(world.team.id)", token: token, form: ["description": "新简介"]),
                                    "edit as \(viewer.username)")
                #expect(shown == allowed && done == allowed, "\(viewer.username): shown \(shown), accepted \(done)")
            }
        }
    }

    @Test func archiveATeam() async throws {
        let world = try await World()
        let admin = try await world.fixture.user("dave")
        _ = try await world.fixture.services.teams.addMember(teamID: world.team.id, accountID: admin.id, role: .admin, by: world.alice)
        try await TestAPI(world.fixture).run { client in
            // Both run the team, only the owner archives it.
            for (viewer, allowed) in [(admin, false), (world.alice, true)] {
                let shown = try await offers(client, world, viewer, "/teams/falcon/settings", "id=\"archive-button\"")
                let token = try await world.fixture.token(for: viewer)
                let done = accepted(try await client.call(.post, "/api/v1/chorus/teams/\(world.team.id)/archive", token: token), "archive as \(viewer.username)")
                #expect(shown == allowed && done == allowed, "\(viewer.username): shown \(shown), accepted \(done)")
            }
        }
    }

    @Test func changeAndRemoveTeamMembers() async throws {
        let world = try await World()
        let admin = try await world.fixture.user("dave")
        let teams = world.fixture.services.teams
        _ = try await teams.addMember(teamID: world.team.id, accountID: admin.id, role: .admin, by: world.alice)
        try await TestAPI(world.fixture).run { client in
            // An admin changes and removes members but not the owner; the owner changes anyone.
            for (viewer, target, allowed) in [(admin, world.alice, false), (admin, world.bob, true), (world.alice, admin, true)] {
                let path = "/teams/falcon/members/\(target.id)"
                let token = try await world.fixture.token(for: viewer)
                let roleShown = try await offers(client, world, viewer, "/teams/falcon/settings", "action=\"\(path)/role\"")
                let roleDone = accepted(try await client.call(.post, "/api/v1/chorus/teams/\(world.team.id)/members", token: token,
                                                              form: ["account_id": String(target.id), "role": "admin"]), "role of \(target.username)")
                let removeShown = try await offers(client, world, viewer, "/teams/falcon/settings", "action=\"\(path)/remove\"")
                let removeDone = accepted(try await client.call(.delete, "/api/v1/chorus/teams/\(world.team.id)/members/\(target.id)", token: token),
                                          "remove \(target.username)")
                #expect(roleShown == allowed && roleDone == allowed && removeShown == allowed && removeDone == allowed,
                        "\(viewer.username) on \(target.username): role shown \(roleShown), accepted \(roleDone); remove shown \(removeShown), accepted \(removeDone)")
                if allowed { _ = try await teams.addMember(teamID: world.team.id, accountID: target.id, role: target.id == admin.id ? .admin : .member, by: world.alice) }
            }
        }
    }
}
