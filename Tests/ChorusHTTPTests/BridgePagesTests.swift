import ChorusCore
import ChorusServices
import ChorusTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

extension WebPagesTests {
    @Test func nominateReviewAndManageChannelsInTheBrowser() async throws {
        let fixture = try await TestFixture(transport: RecordingTransport())
        _ = try await fixture.user("admin", role: .admin)
        _ = try await fixture.user("editor", role: .editor)
        let lily = try await fixture.user("lily")
        let post = try await fixture.post(lily, "年度发布会今天举行 #发布会#")
        try await TestAPI(fixture).run { client in
            let admin = try await signIn(client, "admin")
            let channelsPage = try await client.call(.get, "/admin/channels", headers: [.cookie: admin, .acceptLanguage: "zh-CN"])
            #expect(channelsPage.status == 200 && channelsPage.text.contains("防泄密规则"))
            let token = try #require(csrf(in: channelsPage))
            let webhook = try await client.call(.post, "/admin/channels", form: ["csrf": token, "name": "官网", "slug": "site", "kind": "webhook",
                                                                                  "max_characters": "300", "url": "https://www.example.com/brand"],
                                                headers: [.cookie: admin])
            #expect(webhook.status == 200 && webhook.text.contains("whsec_"))
            let atom = try await client.call(.post, "/admin/channels", form: ["csrf": token, "name": "新闻", "slug": "news", "kind": "atom",
                                                                               "max_characters": "280"], headers: [.cookie: admin])
            #expect(atom.status == 303)
            let bad = try await client.call(.post, "/admin/channels", form: ["csrf": token, "name": "X", "slug": "news", "kind": "atom"],
                                            headers: [.cookie: admin])
            #expect(bad.status == 422)
            let rule = try await client.call(.post, "/admin/leak_rules", form: ["csrf": token, "kind": "word", "value": "猎鹰"], headers: [.cookie: admin])
            #expect(rule.status == 303)

            let member = try await signIn(client, "lily")
            #expect(try await client.call(.get, "/approvals", headers: [.cookie: member]).status == 403)
            #expect(try await client.call(.get, "/admin/channels", headers: [.cookie: member]).status == 403)
            let thread = try await client.call(.get, "/@lily/\(post.status.id)", headers: [.cookie: member, .acceptLanguage: "zh-CN"])
            #expect(thread.text.contains("推荐到品牌渠道") && thread.text.contains("name=\"channel_ids[]\""))
            let memberToken = try #require(csrf(in: thread))
            let channelIDs = try await fixture.services.bridge.channels().compactMap(\.id).map(String.init)
            let none = try await client.call(.post, "/statuses/\(post.status.id)/nominate", form: ["csrf": memberToken, "note": "x"],
                                             headers: [.cookie: member, .acceptLanguage: "en"])
            #expect(none.status == 422 && none.text.contains("choose at least one channel"))
            let nominated = try await client.call(.post, "/statuses/\(post.status.id)/nominate",
                                                  form: ["csrf": memberToken, "channel_ids[]": channelIDs[1], "note": "值得对外"], headers: [.cookie: member])
            #expect(nominated.status == 303 && nominated.headers[.location]?.contains("nominated=1") == true)

            let editor = try await signIn(client, "editor")
            let queue = try await client.call(.get, "/approvals", headers: [.cookie: editor, .acceptLanguage: "zh-CN"])
            #expect(queue.status == 200 && queue.text.contains("各渠道将收到的文字") && queue.text.contains("data-channel=\"news\"")
                && queue.text.contains("值得对外") && queue.text.contains(">年度发布会今天举行 #发布会#</blockquote>"))
            let nominationID = try #require(try await fixture.services.bridge.nominations(state: .pending, by: fixture.services.accounts.account(username: "editor"),
                                                                                          page: Page()).first?.nomination.id)
            let editorToken = try #require(csrf(in: queue))
            let badTime = try await client.call(.post, "/approvals/\(nominationID)/approve", form: ["csrf": editorToken, "publish_at": "tomorrow"],
                                                headers: [.cookie: editor])
            #expect(badTime.status == 422)
            let approved = try await client.call(.post, "/approvals/\(nominationID)/approve", form: ["csrf": editorToken, "publish_at": ""],
                                                 headers: [.cookie: editor])
            #expect(approved.status == 303)
            let after = try await client.call(.get, "/approvals?done=approved", headers: [.cookie: editor, .acceptLanguage: "zh-CN"])
            // The export waits for the worker or has gone out already (the application's background services may run here).
            #expect(after.text.contains("已批准") && (after.text.contains("data-state=\"pending\"") || after.text.contains("data-state=\"published\"")))
            #expect(after.text.contains("action=\"/approvals/\(nominationID)/retract\""))
            #expect(after.text.contains("href=\"/approvals\""))
        }
    }
}
