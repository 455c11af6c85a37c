import ChorusCore
import ChorusServices
import ChorusTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("HTTP: brand channels, nominations, review, the Atom feed")
struct BridgeHTTPTests {
    @Test func theWholeWorkflowThroughTheAPI() async throws {
        let fixture = try await TestFixture(transport: RecordingTransport())
        let admin = try await fixture.user("admin", role: .admin)
        let editor = try await fixture.user("editor", role: .editor)
        let lily = try await fixture.user("lily")
        let adminToken = try await fixture.token(for: admin, scopes: "read write admin:read admin:write")
        let editorToken = try await fixture.token(for: editor)
        let lilyToken = try await fixture.token(for: lily)
        let post = try await fixture.post(lily, "Chorus 3.0 发布 <b>&</b> #发布会#")
        try await TestAPI(fixture).run { client in
            let refused = try await client.call(.post, "/api/v1/chorus/bridge/channels", token: lilyToken, json: #"{"name": "x", "slug": "xx", "kind": "atom"}"#)
            #expect(refused.status == 403)
            let created = try await client.call(.post, "/api/v1/chorus/bridge/channels", token: adminToken,
                                                json: #"{"name": "公司新闻", "slug": "news", "kind": "atom", "max_characters": 280}"#)
            #expect(created.status == 201)
            let channel = try #require(created.object?["channel"] as? [String: Any])
            let channelID = try #require(channel["id"] as? String)
            #expect(channel["feed_url"] as? String == "\(TestFixture.baseURL)/brand/news/feed.atom")
            let mastodon = try await client.call(.post, "/api/v1/chorus/bridge/channels", token: adminToken,
                                                 json: #"{"name": "Brand", "slug": "brand", "kind": "mastodon", "base_url": "https://social.example.com", "access_token": "secret-token"}"#)
            #expect(mastodon.status == 201 && !mastodon.text.contains("secret-token"))
            let listed = try await client.call(.get, "/api/v1/chorus/bridge/channels", token: lilyToken)
            #expect(listed.array?.count == 2 && !listed.text.contains("secret-token") && !listed.text.contains("social.example.com"))
            #expect(try await client.call(.post, "/api/v1/chorus/bridge/channels", token: adminToken,
                                          json: #"{"name": "Bad", "slug": "bad", "kind": "mastodon", "base_url": "https://x.example"}"#).status == 422)

            let nominated = try await client.call(.post, "/api/v1/chorus/bridge/nominations", token: lilyToken,
                                                  json: #"{"status_id": "\#(post.status.id)", "channel_ids": ["\#(channelID)"], "note": "对外发"}"#)
            #expect(nominated.status == 201 && nominated.object?["state"] as? String == "pending")
            // The nominator does not see previews: they would name the leak-guard rules.
            #expect((nominated.object?["previews"] as? [Any])?.isEmpty == true)
            let id = try #require(nominated.object?["id"] as? String)
            #expect(try await client.call(.get, "/api/v1/chorus/bridge/nominations?state=pending", token: lilyToken).status == 403)
            let queue = try await client.call(.get, "/api/v1/chorus/bridge/nominations?state=pending", token: editorToken)
            let preview = try #require((queue.array?.first?["previews"] as? [[String: Any]])?.first)
            #expect(preview["text"] as? String == "Chorus 3.0 发布 <b>&</b> #发布会#" && preview["problem"] is NSNull)
            #expect(try await client.call(.get, "/api/v1/chorus/bridge/nominations?state=bogus", token: editorToken).status == 422)
            let badTime = try await client.call(.post, "/api/v1/chorus/bridge/nominations/\(id)/approve", token: editorToken, json: #"{"publish_at": "soon"}"#)
            #expect(badTime.status == 422)
            let noReason = try await client.call(.post, "/api/v1/chorus/bridge/nominations/\(id)/reject", token: editorToken, json: "{}")
            #expect(noReason.status == 422)
            let approved = try await client.call(.post, "/api/v1/chorus/bridge/nominations/\(id)/approve", token: editorToken)
            #expect(approved.status == 200 && approved.object?["state"] as? String == "approved")
            #expect((approved.object?["exports"] as? [[String: Any]])?.first?["state"] as? String == "pending")

            try await BridgeWorker(database: fixture.database, transport: fixture.services.transport, config: fixture.services.config,
                                   logger: .init(label: "test")).sendDue()
            let feed = try await client.call(.get, "/brand/news/feed.atom")
            #expect(feed.status == 200 && feed.headers[.contentType] == "application/atom+xml; charset=utf-8")
            #expect(feed.text.contains("<content type=\"text\">Chorus 3.0 发布 &lt;b&gt;&amp;&lt;/b&gt; #发布会#</content>"))
            #expect(feed.text.contains("<title>公司新闻</title>") && feed.text.hasPrefix("<?xml"))
            #expect(try await client.call(.get, "/brand/brand/feed.atom").status == 404)
            #expect(try await client.call(.get, "/brand/nothing/feed.atom").status == 404)

            let retracted = try await client.call(.post, "/api/v1/chorus/bridge/nominations/\(id)/retract", token: editorToken, json: #"{"reason": "撤回"}"#)
            #expect(retracted.object?["state"] as? String == "retracted")
            try await BridgeWorker(database: fixture.database, transport: fixture.services.transport, config: fixture.services.config,
                                   logger: .init(label: "test")).sendDue()
            #expect(!(try await client.call(.get, "/brand/news/feed.atom")).text.contains("<entry>"))

            let audit = try await client.call(.get, "/api/v1/chorus/audit", token: adminToken)
            let actions = Set(audit.array?.compactMap { $0["action"] as? String } ?? [])
            #expect(actions.isSuperset(of: ["bridge.nominated", "bridge.approved", "bridge.export_attempt", "bridge.retracted", "bridge.retract_attempt"]))

            let bridgeAudit = try await client.call(.get, "/api/v1/chorus/bridge/audit", token: adminToken)
            #expect(bridgeAudit.array?.allSatisfy { ($0["action"] as? String)?.hasPrefix("bridge.") == true } == true && bridgeAudit.array?.isEmpty == false)
            #expect(try await client.call(.get, "/api/v1/chorus/bridge/audit", token: editorToken).status == 403)
            let renamed = try await client.call(.patch, "/api/v1/chorus/bridge/channels/\(channelID)", token: adminToken, json: #"{"slug": "other"}"#)
            #expect(renamed.status == 422)
            let limited = try await client.call(.patch, "/api/v1/chorus/bridge/channels/\(channelID)", token: adminToken, json: #"{"max_characters": 140}"#)
            #expect(limited.object?["max_characters"] as? Int == 140)
            let rule = try await client.call(.post, "/api/v1/chorus/bridge/leak_rules", token: adminToken, json: #"{"kind": "word", "value": "猎鹰"}"#)
            #expect(rule.status == 201)
            #expect(try await client.call(.get, "/api/v1/chorus/bridge/leak_rules", token: editorToken).array?.count == 1)
            #expect(try await client.call(.get, "/api/v1/chorus/bridge/leak_rules", token: lilyToken).status == 403)
        }
    }

    @Test func aLeakPatternThatCouldBacktrackForeverIsRefusedWhenSaved() async throws {
        let fixture = try await TestFixture(transport: RecordingTransport())
        let admin = try await fixture.user("admin", role: .admin)
        let adminToken = try await fixture.token(for: admin, scopes: "read write admin:read admin:write")
        try await TestAPI(fixture).run { client in
            let refused = try await client.call(.post, "/api/v1/chorus/bridge/leak_rules", token: adminToken, json: #"{"kind": "pattern", "value": "(a+)+$"}"#)
            #expect(refused.status == 422)
            #expect((refused.object?["error"] as? String)?.contains("repeated group") == true, "\(refused.text)")
            #expect(try await client.call(.get, "/api/v1/chorus/bridge/leak_rules", token: adminToken).array?.isEmpty == true)
        }
    }
}
