import ChorusCore
import ChorusServices
import ChorusTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("HTTP: apps, delivery log, allowlist, incoming hooks, team-scoped tokens")
struct AppsHTTPTests {
    static let manifest = """
        {"name": "FAQ 助手", "description": "Answers questions", "webhook_url": "https://hooks.example.com/faq",
         "events": ["post.created", "post.mentioned"], "scopes": ["read", "write:statuses"],
         "commands": [{"name": "faq", "description": "Look up an answer"}], "incoming": true}
        """

    @Test func installListUpdateRotateAndUninstall() async throws {
        let transport = RecordingTransport()
        let fixture = try await TestFixture(transport: transport)
        let admin = try await fixture.user("admin", role: .admin)
        let member = try await fixture.user("member")
        let adminToken = try await fixture.token(for: admin)
        let memberToken = try await fixture.token(for: member)
        try await TestAPI(fixture).run { client in
            let refused = try await client.call(.post, "/api/v1/chorus/apps", token: memberToken, json: Self.manifest)
            #expect(refused.status == 403)
            let created = try await client.call(.post, "/api/v1/chorus/apps", token: adminToken, json: Self.manifest)
            #expect(created.status == 201)
            let body = try #require(created.object)
            let app = try #require(body["app"] as? [String: Any])
            let id = try #require(app["id"] as? String)
            #expect((body["webhook_secret"] as? String)?.hasPrefix("whsec_") == true)
            #expect((body["incoming_url"] as? String)?.hasPrefix(TestFixture.baseURL + "/hooks/") == true)
            #expect(body["access_token"] is String)
            #expect((app["bot"] as? [String: Any])?["bot"] as? Bool == true)
            #expect((app["commands"] as? [[String: Any]])?.first?["name"] as? String == "faq")
            #expect(app["events"] as? [String] == ["post.created", "post.mentioned"])
            #expect(app["team_id"] is NSNull && app["incoming"] as? Bool == true)

            // Secrets are never shown again.
            let shown = try await client.call(.get, "/api/v1/chorus/apps/\(id)", token: adminToken)
            #expect(shown.status == 200 && !shown.text.contains("whsec_") && !shown.text.contains(body["access_token"] as! String))
            #expect(try await client.call(.get, "/api/v1/chorus/apps", token: adminToken).array?.count == 1)
            #expect(try await client.call(.get, "/api/v1/chorus/apps", token: memberToken).array?.count == 0)
            #expect(try await client.call(.get, "/api/v1/chorus/apps/\(id)", token: memberToken).status == 404)

            let updated = try await client.call(.patch, "/api/v1/chorus/apps/\(id)", token: adminToken, json: #"{"events": ["post.deleted"]}"#)
            #expect(updated.object?["events"] as? [String] == ["post.deleted"])
            let badEvent = try await client.call(.patch, "/api/v1/chorus/apps/\(id)", token: adminToken, json: #"{"events": ["post.nope"]}"#)
            #expect(badEvent.status == 422 && (badEvent.object?["error"] as? String)?.contains("post.nope") == true)
            let noURL = try await client.call(.patch, "/api/v1/chorus/apps/\(id)", token: adminToken, json: #"{"webhook_url": null}"#)
            #expect(noURL.status == 422)

            let rotated = try await client.call(.post, "/api/v1/chorus/apps/\(id)/rotate_secret", token: adminToken)
            #expect((rotated.object?["webhook_secret"] as? String)?.hasPrefix("whsec_") == true && rotated.object?["previous_secret_expires_at"] is String)

            let ping = try await client.call(.post, "/api/v1/chorus/apps/\(id)/ping", token: adminToken)
            #expect(ping.status == 202 && ping.object?["event_type"] as? String == "ping" && ping.object?["state"] as? String == "pending")
            try await fixture.deliverAppEvents()
            let log = try await client.call(.get, "/api/v1/chorus/apps/\(id)/deliveries", token: adminToken)
            let entry = try #require(log.array?.first)
            #expect(entry["state"] as? String == "delivered" && entry["attempts"] as? Int == 1 && entry["last_status_code"] as? Int == 200)
            #expect(entry["webhook_id"] as? String == transport.sent.first?.headers["webhook-id"])
            let deliveryID = try #require(entry["id"] as? String)
            let again = try await client.call(.post, "/api/v1/chorus/apps/\(id)/deliveries/\(deliveryID)/redeliver", token: adminToken)
            #expect(again.status == 202 && again.object?["state"] as? String == "pending")
            #expect(try await client.call(.post, "/api/v1/chorus/apps/\(id)/deliveries/999/redeliver", token: adminToken).status == 404)

            let removed = try await client.call(.delete, "/api/v1/chorus/apps/\(id)", token: adminToken)
            #expect(removed.status == 200)
            #expect(try await client.call(.get, "/api/v1/chorus/apps/\(id)", token: adminToken).status == 404)
            let revoked = try await client.call(.get, "/api/v1/accounts/verify_credentials", token: body["access_token"] as? String)
            #expect(revoked.status == 401)
        }
    }

    @Test func badManifestsGetClearErrors() async throws {
        let fixture = try await TestFixture(transport: RecordingTransport())
        let admin = try await fixture.user("admin", role: .admin)
        let token = try await fixture.token(for: admin)
        try await TestAPI(fixture).run { client in
            for (json, status) in [(#"{"name": "x", "commands": "faq"}"#, 422), (#"{"name": "x", "commands": [{"description": "d"}]}"#, 422),
                                   (#"{"name": ""}"#, 422), ("not json", 400), (#"{"name": "x", "webhook_url": "javascript:alert(1)"}"#, 422),
                                   (#"{"name": "x", "team_id": "999"}"#, 404)] {
                let response = try await client.call(.post, "/api/v1/chorus/apps", token: token, json: json)
                #expect(response.status == status, "\(json)")
                #expect(response.object?["error"] is String, "\(json)")
            }
        }
    }

    @Test func theAllowlistIsForAdministrators() async throws {
        let fixture = try await TestFixture()
        let admin = try await fixture.user("admin", role: .admin)
        let member = try await fixture.user("member")
        let adminToken = try await fixture.token(for: admin, scopes: "read write admin:read admin:write")
        let memberToken = try await fixture.token(for: member)
        try await TestAPI(fixture).run { client in
            #expect(try await client.call(.get, "/api/v1/chorus/admin/hook_allowlist", token: memberToken).status == 403)
            let set = try await client.call(.put, "/api/v1/chorus/admin/hook_allowlist", token: adminToken,
                                            json: #"{"allowed": ["127.0.0.1", "*.corp.example.com", "10.0.0.0/8"]}"#)
            #expect(set.status == 200 && set.object?["allowed"] as? [String] == ["127.0.0.1", "*.corp.example.com", "10.0.0.0/8"])
            #expect(fixture.services.outbound.allowlist.entries.count == 3)
            let bad = try await client.call(.put, "/api/v1/chorus/admin/hook_allowlist", token: adminToken, json: #"{"allowed": ["http://x/y"]}"#)
            #expect(bad.status == 422)
            let cleared = try await client.call(.put, "/api/v1/chorus/admin/hook_allowlist", token: adminToken, json: #"{"allowed": []}"#)
            #expect(cleared.object?["allowed"] as? [String] == [])
        }
    }

    @Test func incomingHooksAndTeamScopedTokens() async throws {
        let fixture = try await TestFixture(transport: RecordingTransport())
        let owner = try await fixture.user("owner")
        let ownerToken = try await fixture.token(for: owner)
        let team = try await fixture.services.teams.createTeam(by: owner, .init(name: "Ops", slug: "ops", privacy: .private)).team
        try await TestAPI(fixture).run { client in
            let created = try await client.call(.post, "/api/v1/chorus/apps", token: ownerToken,
                                                json: #"{"name": "CI", "incoming": true, "team_id": "\#(team.id)"}"#)
            #expect(created.status == 201)
            let hook = try #require((created.object?["incoming_url"] as? String)?.replacingOccurrences(of: TestFixture.baseURL, with: ""))
            let botToken = try #require(created.object?["access_token"] as? String)

            let posted = try await client.call(.post, hook, json: #"{"text": "构建 #7 通过"}"#)
            #expect(posted.status == 201)
            #expect((posted.object?["chorus"] as? [String: Any])?["visibility"] as? String == "team")
            #expect(try await client.call(.post, hook, json: #"{"text": "\#(String(repeating: "长", count: 141))"}"#).status == 422)
            #expect(try await client.call(.post, hook, json: #"{"text": "x", "team": "elsewhere"}"#).status == 404)
            let unknown = try await client.call(.post, "/hooks/not-a-secret", json: #"{"text": "x"}"#)
            #expect(unknown.status == 404 && unknown.object?["error"] as? String == "Unknown hook")

            // The team install's token posts in its team and reads it, and nothing else.
            let post = try await client.call(.post, "/api/v1/statuses", token: botToken, form: ["status": "部署开始"])
            #expect(post.status == 200 && (post.object?["chorus"] as? [String: Any])?["visibility"] as? String == "team")
            #expect(try await client.call(.get, "/api/v1/chorus/timelines/team/\(team.id)", token: botToken).status == 200)
            for path in ["/api/v1/timelines/home", "/api/v1/timelines/public", "/api/v1/chorus/apps", "/api/v2/search?q=x"] {
                let response = try await client.call(.get, path, token: botToken)
                #expect(response.status == 403, "\(path)")
            }
        }
    }

    @Test func aCommandAnswersThroughTheStatusesAPI() async throws {
        let transport = RecordingTransport()
        let fixture = try await TestFixture(transport: transport)
        let admin = try await fixture.user("admin", role: .admin)
        let token = try await fixture.token(for: admin)
        transport.script("https://hooks.example.com/faq", [.status(200, body: #"{"text": "发票在财务系统开", "visibility": "ephemeral"}"#)])
        try await TestAPI(fixture).run { client in
            #expect(try await client.call(.post, "/api/v1/chorus/apps", token: token, json: Self.manifest).status == 201)
            let answer = try await client.call(.post, "/api/v1/statuses", token: token, form: ["status": "/faq 发票"])
            #expect(answer.status == 200)
            #expect(answer.object?["visibility"] as? String == "ephemeral" && answer.object?["text"] as? String == "发票在财务系统开")
            #expect((answer.object?["app"] as? [String: Any])?["name"] as? String == "FAQ 助手" && answer.object?["status"] is NSNull)
            let unknown = try await client.call(.post, "/api/v1/statuses", token: token, form: ["status": "/nothing here"])
            #expect(unknown.status == 422 && (unknown.object?["error"] as? String)?.contains("//") == true)
        }
    }
}
