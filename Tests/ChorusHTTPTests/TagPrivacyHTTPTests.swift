import ChorusCore
import ChorusServices
import ChorusStore
import ChorusTestSupport
import Foundation
import HTTPTypes
import Testing

/// A tag used only where a reader may not look answers, on every surface,
/// exactly as a tag nobody ever used; counts count only what the reader may see.
@Suite("Hashtags over HTTP: private use stays private")
struct TagPrivacyHTTPTests {
    /// A private team (owner `olivia`, member `mia`) and an outsider `nora`, each with a token and a web session cookie.
    struct World {
        let fixture: TestFixture
        let owner: AccountRecord
        let teamID: Int64
        let tokens: [String: String]
        let cookies: [String: String]

        func teamPost(_ text: String) async throws {
            var draft = StatusService.Draft(text: text)
            draft.teamID = teamID
            _ = try await fixture.services.statuses.createStatus(by: owner, draft)
        }
    }

    static func world() async throws -> World {
        let fixture = try await TestFixture()
        let owner = try await fixture.user("olivia")
        var tokens: [String: String] = [:]
        var cookies: [String: String] = [:]
        let team = try await fixture.services.teams.createTeam(by: owner, .init(name: "Deals", slug: "deals", privacy: .private)).team
        for name in ["mia", "nora"] {
            let account = try await fixture.user(name)
            tokens[name] = try await fixture.token(for: account)
            cookies[name] = try await fixture.sessionCookie(for: account)
            if name == "mia" { _ = try await fixture.services.teams.addMember(teamID: team.id, accountID: account.id, role: .member, by: owner) }
        }
        return World(fixture: fixture, owner: owner, teamID: team.id, tokens: tokens, cookies: cookies)
    }

    /// A response's status and body with the tag's name (as typed, percent-encoded, and encoded
    /// again inside a query) replaced by `TAG`; a JSON body with its keys sorted.
    static func shape(_ response: ChorusTestSupport.TestResponse, tag: String) throws -> String {
        var body = response.text
        if let json = try? JSONSerialization.jsonObject(with: response.body) {
            body = String(decoding: try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys]), as: UTF8.self)
        }
        let encoded = HTMLRenderer.percentEncodePath(tag)
        for form in [encoded.replacingOccurrences(of: "%", with: "%25"), encoded, tag] {
            body = body.replacingOccurrences(of: form, with: "TAG")
        }
        return "\(response.status) " + body
    }

    // MARK: Tests

    @Test func aTagUsedOnlyInAPrivateTeamAnswersLikeAMissingTag() async throws {
        let world = try await Self.world()
        try await world.teamPost("#收购# 谈判进展")
        try await TestAPI(world.fixture).run { client in
            let nora = world.tokens["nora"]!, cookie = world.cookies["nora"]!
            for path in ["/api/v1/tags/", "/api/v2/search?type=hashtags&q=", "/tags/"] {
                func shape(_ tag: String) async throws -> String {
                    let headers: HTTPFields = path.hasPrefix("/api") ? [:] : [.cookie: cookie]
                    return try Self.shape(try await client.call(.get, path + HTMLRenderer.percentEncodePath(tag), token: nora, headers: headers), tag: tag)
                }
                let hidden = try await shape("收购")
                let missing = try await shape("不存在")
                #expect(hidden == missing, "\(path): a hidden tag answers \(hidden.prefix(200)) but a missing one \(missing.prefix(200))")
            }
            // The member sees it.
            let mia = world.tokens["mia"]!
            #expect(try await client.call(.get, "/api/v1/tags/%E6%94%B6%E8%B4%AD", token: mia).object?["name"] as? String == "收购")
            let found = try await client.call(.get, "/api/v2/search?type=hashtags&q=%E6%94%B6%E8%B4%AD", token: mia)
            #expect((found.object?["hashtags"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["收购"])
        }
    }

    @Test func tagPageCountsOnlyPostsTheReaderMaySee() async throws {
        let world = try await Self.world()
        _ = try await world.fixture.post(world.owner, "#falconnews for everyone")
        try await world.teamPost("#falconnews deal one")
        try await world.teamPost("#falconnews deal two")
        try await TestAPI(world.fixture).run { client in
            let outsider = try await client.call(.get, "/tags/falconnews", headers: [.cookie: world.cookies["nora"]!, .acceptLanguage: "en"])
            #expect(outsider.status == 200 && outsider.text.contains("class=\"meta\">1 posts<"), "\(outsider.text)")
            #expect(!outsider.text.contains("deal one"))
            let member = try await client.call(.get, "/tags/falconnews", headers: [.cookie: world.cookies["mia"]!, .acceptLanguage: "en"])
            #expect(member.status == 200 && member.text.contains("class=\"meta\">3 posts<") && member.text.contains("deal one"))
        }
    }
}
