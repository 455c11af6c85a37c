import ChorusCore
import ChorusServices
import ChorusTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("HTTP: disabling and enabling a brand channel")
struct BridgeChannelDisablingHTTPTests {
    @Test func administratorsDisableAndEnableAChannelThroughTheAPI() async throws {
        let fixture = try await TestFixture(transport: RecordingTransport())
        let admin = try await fixture.user("admin", role: .admin)
        let editor = try await fixture.user("editor", role: .editor)
        let lily = try await fixture.user("lily")
        let adminToken = try await fixture.token(for: admin, scopes: "read write admin:read admin:write")
        // An editor holding the administrators' scopes is still not an administrator.
        let editorToken = try await fixture.token(for: editor, scopes: "read write admin:read admin:write")
        let lilyToken = try await fixture.token(for: lily)
        let post = try await fixture.post(lily, "停用频道的帖子")
        try await TestAPI(fixture).run { client in
            let created = try await client.call(.post, "/api/v1/chorus/bridge/channels", token: adminToken,
                                                json: #"{"name": "公司新闻", "slug": "news", "kind": "atom"}"#)
            let channel = try #require(created.object?["channel"] as? [String: Any])
            #expect(channel["disabled"] as? Bool == false)
            let id = try #require(channel["id"] as? String)

            // Given the channel disabled by an administrator
            let forbidden = try await client.call(.post, "/api/v1/chorus/bridge/channels/\(id)/disable", token: editorToken)
            #expect(forbidden.status == 403 && forbidden.object?["error"] as? String == "Only administrators manage brand channels and the leak guard")
            #expect(try await client.call(.post, "/api/v1/chorus/bridge/channels/\(id)/disable", token: lilyToken).status == 403)
            #expect(try await client.call(.post, "/api/v1/chorus/bridge/channels/999/disable", token: adminToken).status == 404)
            let disabled = try await client.call(.post, "/api/v1/chorus/bridge/channels/\(id)/disable", token: adminToken)
            #expect(disabled.status == 200 && disabled.object?["disabled"] as? Bool == true && disabled.object?["id"] as? String == id)

            // Then everyone sees it disabled, it takes no nomination, and its feed is gone
            let listed = try await client.call(.get, "/api/v1/chorus/bridge/channels", token: lilyToken)
            #expect(listed.array?.first?["disabled"] as? Bool == true)
            let refused = try await client.call(.post, "/api/v1/chorus/bridge/nominations", token: lilyToken,
                                                json: #"{"status_id": "\#(post.status.id)", "channel_ids": ["\#(id)"]}"#)
            #expect(refused.status == 422)
            #expect((refused.object?["error"] as? String)?.hasPrefix("The channel 公司新闻 is disabled") == true, "\(refused.text)")
            #expect(try await client.call(.get, "/brand/news/feed.atom").status == 404)

            // When it is enabled again, all of that comes back
            let enabled = try await client.call(.post, "/api/v1/chorus/bridge/channels/\(id)/enable", token: adminToken)
            #expect(enabled.status == 200 && enabled.object?["disabled"] as? Bool == false)
            #expect(try await client.call(.get, "/brand/news/feed.atom").status == 200)
            let nominated = try await client.call(.post, "/api/v1/chorus/bridge/nominations", token: lilyToken,
                                                  json: #"{"status_id": "\#(post.status.id)", "channel_ids": ["\#(id)"]}"#)
            #expect(nominated.status == 201)

            let audit = try await client.call(.get, "/api/v1/chorus/bridge/audit", token: adminToken)
            let actions = audit.array?.compactMap { $0["action"] as? String } ?? []
            #expect(actions.contains("bridge.channel_disabled") && actions.contains("bridge.channel_enabled"))
        }
    }

    @Test func anApprovalForADisabledChannelIsRefusedNamingIt() async throws {
        let fixture = try await TestFixture(transport: RecordingTransport())
        let admin = try await fixture.user("admin", role: .admin)
        let editor = try await fixture.user("editor", role: .editor)
        let lily = try await fixture.user("lily")
        let adminToken = try await fixture.token(for: admin, scopes: "read write admin:read admin:write")
        let editorToken = try await fixture.token(for: editor)
        let post = try await fixture.post(lily, "审核之前停用")
        let channel = try await fixture.services.bridge.createChannel(ChannelSettings(name: "官网", slug: "site", kind: .atom, maxCharacters: 500), by: admin)
        let nomination = try await fixture.services.bridge.nominate(statusID: post.status.id, channelIDs: [channel.channel.id!], note: "", by: lily)
        try await TestAPI(fixture).run { client in
            #expect(try await client.call(.post, "/api/v1/chorus/bridge/channels/\(channel.channel.id!)/disable", token: adminToken).status == 200)
            let queue = try await client.call(.get, "/api/v1/chorus/bridge/nominations?state=pending", token: editorToken)
            let problem = (queue.array?.first?["previews"] as? [[String: Any]])?.first?["problem"] as? String
            #expect(problem?.hasPrefix("The channel 官网 is disabled") == true, "\(queue.text)")
            let approved = try await client.call(.post, "/api/v1/chorus/bridge/nominations/\(nomination.nomination.id!)/approve", token: editorToken)
            #expect(approved.status == 422 && approved.object?["error"] as? String == problem)
        }
    }
}
