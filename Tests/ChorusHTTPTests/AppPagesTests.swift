import ChorusCore
import ChorusServices
import ChorusTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

extension WebPagesTests {
    @Test func administratorsSeeAppsAndTheirDeliveryLog() async throws {
        let transport = RecordingTransport()
        let fixture = try await TestFixture(transport: transport)
        let admin = try await fixture.user("admin", role: .admin)
        _ = try await fixture.user("carol")
        transport.script("https://hooks.example.com/x", [.status(500)])
        let installed = try await fixture.services.apps.install(
            AppManifest(name: "巡检机器人", webhookURL: "https://hooks.example.com/x", events: ["post.created"], commands: [("check", "")]), by: admin)
        let appID = installed.installed.app.id!
        _ = try await fixture.post(admin, "触发一次投递")
        try await fixture.deliverAppEvents()
        try await TestAPI(fixture).run { client in
            let member = try await signIn(client, "carol")
            #expect(try await client.call(.get, "/admin/apps", headers: [.cookie: member]).status == 403)
            let cookie = try await signIn(client, "admin")
            let list = try await client.call(.get, "/admin/apps", headers: [.cookie: cookie, .acceptLanguage: "zh-CN"])
            #expect(list.status == 200 && list.text.contains("巡检机器人") && list.text.contains("/check") && list.text.contains("全公司"))
            #expect(!list.text.contains(installed.webhookSecret))
            let log = try await client.call(.get, "/admin/apps/\(appID)", headers: [.cookie: cookie, .acceptLanguage: "zh-CN"])
            #expect(log.status == 200 && log.text.contains("post.created") && log.text.contains("等待中") && log.text.contains("The receiver answered 500"))
            let token = try #require(csrf(in: log))
            let deliveryID = try #require(try await fixture.database.deliveries(appID: appID, page: Page()).first?.id)
            let again = try await client.call(.post, "/admin/apps/\(appID)/deliveries/\(deliveryID)/redeliver", form: ["csrf": token],
                                              headers: [.cookie: cookie])
            #expect(again.status == 303)
            let forged = try await client.call(.post, "/admin/apps/\(appID)/deliveries/\(deliveryID)/redeliver", form: ["csrf": "0"],
                                               headers: [.cookie: cookie])
            #expect(forged.status == 403)
            #expect(try await client.call(.get, "/admin/apps/999", headers: [.cookie: cookie]).status == 404)
        }
    }

    @Test func aSlashCommandFromTheComposeBoxShowsItsAnswer() async throws {
        let transport = RecordingTransport()
        let fixture = try await TestFixture(transport: transport)
        let admin = try await fixture.user("admin", role: .admin)
        transport.script("https://hooks.example.com/faq", [.status(200, body: #"{"text": "报销单在财务系统提交", "visibility": "ephemeral"}"#)])
        _ = try await fixture.services.apps.install(
            AppManifest(name: "FAQ", webhookURL: "https://hooks.example.com/faq", commands: [("faq", "")]), by: admin)
        try await TestAPI(fixture).run { client in
            let cookie = try await signIn(client, "admin")
            let home = try await client.call(.get, "/", headers: [.cookie: cookie])
            let token = try #require(csrf(in: home))
            let answered = try await client.call(.post, "/statuses", form: ["csrf": token, "status": "/faq 报销"], headers: [.cookie: cookie])
            #expect(answered.status == 200 && answered.text.contains("FAQ: 报销单在财务系统提交"))
            #expect(try await fixture.services.timelines.company(viewer: admin, page: Page()).isEmpty)
            let unknown = try await client.call(.post, "/statuses", form: ["csrf": token, "status": "/nope 报销"],
                                                headers: [.cookie: cookie, .acceptLanguage: "en"])
            #expect(unknown.status == 422 && unknown.text.contains("No app answers /nope here"))
        }
    }
}
