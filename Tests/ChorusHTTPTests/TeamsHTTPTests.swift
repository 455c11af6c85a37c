import ChorusCore
import ChorusServices
import ChorusTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("HTTP: team endpoints")
struct TeamsHTTPTests {
    // MARK: Tests

    @Test func teamLifecycleThroughTheAPI() async throws {
        let fixture = try await TestFixture()
        let owner = try await fixture.user("owner")
        let alice = try await fixture.user("alice")
        let ownerToken = try await fixture.token(for: owner)
        let aliceToken = try await fixture.token(for: alice)
        try await TestAPI(fixture).run { client in
            let bad = try await client.call(.post, "/api/v1/chorus/teams", token: ownerToken, form: ["name": "X", "slug": "x-team", "privacy": "secret"])
            #expect(bad.status == 422)
            let created = try await client.call(.post, "/api/v1/chorus/teams", token: ownerToken,
                                                form: ["name": "发布组", "slug": "release", "privacy": "public", "join_policy": "request"])
            #expect(created.status == 200)
            #expect(created.object?["role"] as? String == "owner")
            let id = created.object?["id"] as? String ?? ""

            let bySlug = try await client.call(.get, "/api/v1/chorus/teams/release", token: aliceToken)
            #expect(bySlug.object?["id"] as? String == id)
            #expect(bySlug.object?["role"] is NSNull)

            let asked = try await client.call(.post, "/api/v1/chorus/teams/\(id)/join", token: aliceToken)
            #expect(asked.object?["requested"] as? Bool == true)
            let notAllowed = try await client.call(.get, "/api/v1/chorus/teams/\(id)/requests", token: aliceToken)
            #expect(notAllowed.status == 403)
            let requests = try await client.call(.get, "/api/v1/chorus/teams/\(id)/requests", token: ownerToken)
            #expect(requests.array?.first?["username"] as? String == "alice")
            let approve = try await client.call(.post, "/api/v1/chorus/teams/\(id)/requests/\(alice.id)/approve", token: ownerToken)
            #expect(approve.status == 200)
            let members = try await client.call(.get, "/api/v1/chorus/teams/\(id)/members", token: aliceToken)
            #expect(members.array?.map { $0["role"] as? String } == ["owner", "member"])

            let question = try await client.call(.post, "/api/v1/statuses", token: aliceToken,
                                                 form: ["status": "部署脚本在哪？", "chorus_team_id": id, "chorus_kind": "question"])
            #expect(question.status == 200)
            let chorus = question.object?["chorus"] as? [String: Any]
            #expect(chorus?["kind"] as? String == "question")
            #expect((chorus?["team"] as? [String: Any])?["slug"] as? String == "release")
            #expect(question.object?["visibility"] as? String == "private")
            let questionID = question.object?["id"] as? String ?? ""
            let answer = try await client.call(.post, "/api/v1/statuses", token: ownerToken, form: ["status": "在 ops 仓库", "in_reply_to_id": questionID])
            let answerID = answer.object?["id"] as? String ?? ""
            #expect((answer.object?["chorus"] as? [String: Any])?["visibility"] as? String == "team")

            let unanswered = try await client.call(.get, "/api/v1/chorus/timelines/team/\(id)?kind=question&unanswered=true", token: ownerToken)
            #expect(unanswered.array?.map { $0["id"] as? String } == [questionID])
            let chosen = try await client.call(.post, "/api/v1/chorus/statuses/\(questionID)/best_answer", token: aliceToken, form: ["answer_id": answerID])
            #expect((chosen.object?["chorus"] as? [String: Any])?["best_answer_id"] as? String == answerID)
            let noneLeft = try await client.call(.get, "/api/v1/chorus/timelines/team/\(id)?kind=question&unanswered=true", token: ownerToken)
            #expect(noneLeft.array?.isEmpty == true)

            let pinDenied = try await client.call(.post, "/api/v1/chorus/teams/\(id)/pins/\(questionID)", token: aliceToken)
            #expect(pinDenied.status == 403)
            let pinned = try await client.call(.post, "/api/v1/chorus/teams/\(id)/pins/\(questionID)", token: ownerToken)
            #expect((pinned.object?["chorus"] as? [String: Any])?["pinned"] as? Bool == true)
            let feed = try await client.call(.get, "/api/v1/chorus/timelines/team/\(id)", token: aliceToken)
            #expect(feed.array?.first?["id"] as? String == questionID)

            let lastOwner = try await client.call(.post, "/api/v1/chorus/teams/\(id)/leave", token: ownerToken)
            #expect(lastOwner.status == 422)
            let left = try await client.call(.post, "/api/v1/chorus/teams/\(id)/leave", token: aliceToken)
            #expect(left.object?["role"] is NSNull)
            let mine = try await client.call(.get, "/api/v1/chorus/teams?mine=true", token: aliceToken)
            #expect(mine.array?.isEmpty == true)
        }
    }

    @Test func privateTeamsAre404AndAnnouncementsNeedManagers() async throws {
        let fixture = try await TestFixture()
        let owner = try await fixture.user("owner")
        let member = try await fixture.user("member")
        let admin = try await fixture.user("boss", role: .admin)
        let team = try await fixture.services.teams.createTeam(by: owner, .init(name: "Falcon", slug: "falcon", privacy: .private)).team
        _ = try await fixture.services.teams.addMember(teamID: team.id, accountID: member.id, role: .member, by: owner)
        let memberToken = try await fixture.token(for: member)
        let adminToken = try await fixture.token(for: admin, scopes: "read write admin:read admin:write")
        try await TestAPI(fixture).run { client in
            let announcement = try await client.call(.post, "/api/v1/statuses", token: memberToken,
                                                     form: ["status": "公告", "chorus_team_id": String(team.id), "chorus_kind": "announcement"])
            #expect(announcement.status == 403)
            for path in ["/api/v1/chorus/teams/\(team.id)", "/api/v1/chorus/teams/falcon", "/api/v1/chorus/teams/\(team.id)/members",
                         "/api/v1/chorus/timelines/team/\(team.id)"] {
                let response = try await client.call(.get, path, token: adminToken)
                #expect(response.status == 404, "\(path)")
            }
            let join = try await client.call(.post, "/api/v1/chorus/teams/\(team.id)/join", token: adminToken)
            #expect(join.status == 404)
            let post = try await client.call(.post, "/api/v1/statuses", token: adminToken, form: ["status": "let me in", "chorus_team_id": String(team.id)])
            #expect(post.status == 404)
            let listed = try await client.call(.get, "/api/v1/chorus/teams", token: adminToken)
            #expect(listed.array?.isEmpty == true)
        }
    }
}
