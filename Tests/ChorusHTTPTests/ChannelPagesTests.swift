import ChorusCore
import ChorusServices
import ChorusStore
import ChorusTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Editing and disabling a brand channel from `/admin/channels`.
@Suite("Brand channel pages: edit, disable and enable in the browser")
struct ChannelPagesTests {
    @Test func anAdministratorEditsDisablesAndEnablesAChannel() async throws {
        let fixture = try await TestFixture(transport: RecordingTransport())
        let admin = try await fixture.user("admin", role: .admin)
        let lily = try await fixture.user("lily")
        let channel = try await fixture.services.bridge.createChannel(.init(name: "新闻", slug: "news", kind: .atom, maxCharacters: 280), by: admin).channel
        let id = try #require(channel.id)
        let post = try await fixture.post(lily, "对外发布的好消息")
        try await TestAPI(fixture).run { client in
            let cookie = try await client.signIn("admin")
            let page = try await client.call(.get, "/admin/channels", headers: [.cookie: cookie, .acceptLanguage: "zh-CN"])
            #expect(page.status == 200 && page.text.contains("action=\"/admin/channels/\(id)/disable\"") && page.text.contains("启用中"))
            let token = try #require(page.csrf)

            let edited = try await client.call(.post, "/admin/channels/\(id)", form: ["csrf": token, "name": "公司新闻", "max_characters": "200"],
                                               headers: [.cookie: cookie])
            #expect(edited.status == 303)
            let renamed = try #require(try await fixture.services.bridge.channels().first)
            #expect(renamed.name == "公司新闻" && renamed.maxCharacters == 200 && renamed.slug == "news")
            let tooLong = try await client.call(.post, "/admin/channels/\(id)", form: ["csrf": token, "max_characters": "0"],
                                                headers: [.cookie: cookie, .acceptLanguage: "en"])
            #expect(tooLong.status == 422 && tooLong.text.contains("role=\"alert\""))
            #expect(try await client.call(.post, "/admin/channels/\(id)/disable", form: ["name": "x"], headers: [.cookie: cookie]).status == 403)

            #expect(try await client.call(.post, "/admin/channels/\(id)/disable", form: ["csrf": token], headers: [.cookie: cookie]).status == 303)
            let disabledPage = try await client.call(.get, "/admin/channels", headers: [.cookie: cookie, .acceptLanguage: "zh-CN"])
            #expect(disabledPage.text.contains("action=\"/admin/channels/\(id)/enable\"") && disabledPage.text.contains("已停用"))
            // A disabled channel is not offered for nomination (its only channel: no nominate form at all).
            let member = try await client.signIn("lily")
            let thread = try await client.call(.get, "/@lily/\(post.status.id)", headers: [.cookie: member])
            #expect(thread.status == 200 && !thread.text.contains("id=\"nominate\""))

            #expect(try await client.call(.post, "/admin/channels/\(id)/enable", form: ["csrf": token], headers: [.cookie: cookie]).status == 303)
            #expect(try await fixture.services.bridge.channels().first?.isDisabled == false)
            let offered = try await client.call(.get, "/@lily/\(post.status.id)", headers: [.cookie: member])
            #expect(offered.text.contains("id=\"nominate\"") && offered.text.contains("value=\"\(id)\""))
        }
    }

    @Test func onlyAdministratorsChangeChannels() async throws {
        let fixture = try await TestFixture(transport: RecordingTransport())
        let admin = try await fixture.user("admin", role: .admin)
        _ = try await fixture.user("editor", role: .editor)
        let channel = try await fixture.services.bridge.createChannel(.init(name: "新闻", slug: "news", kind: .atom), by: admin).channel
        let id = try #require(channel.id)
        try await TestAPI(fixture).run { client in
            let editor = try await client.signIn("editor")
            let approvals = try await client.call(.get, "/approvals", headers: [.cookie: editor])
            let token = try #require(approvals.csrf)
            for path in ["/admin/channels/\(id)", "/admin/channels/\(id)/disable"] {
                let refused = try await client.call(.post, path, form: ["csrf": token, "name": "改名"], headers: [.cookie: editor])
                #expect(refused.status == 403, "\(path)")
            }
            let unchanged = try #require(try await fixture.services.bridge.channels().first)
            #expect(unchanged.name == "新闻" && !unchanged.isDisabled)
        }
    }
}
