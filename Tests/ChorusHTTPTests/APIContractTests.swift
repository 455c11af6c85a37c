import ChorusCore
import ChorusServices
import ChorusTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("HTTP: instance, auth, errors, pagination")
struct APIContractTests {
    // MARK: Tests

    @Test func instanceAnswersAnonymouslyWithAndWithoutTrailingSlash() async throws {
        let api = TestAPI(try await TestFixture())
        try await api.run { client in
            for path in ["/api/v1/instance", "/api/v1/instance/"] {
                let response = try await client.call(.get, path)
                #expect(response.status == 200)
                let configuration = response.object?["configuration"] as? [String: Any]
                let statuses = configuration?["statuses"] as? [String: Any]
                #expect(statuses?["max_characters"] as? Int == 140)
                #expect(statuses?["characters_reserved_per_url"] as? Int == 23)
                #expect((response.object?["version"] as? String)?.hasPrefix("4.3.0 (compatible; Chorus ") == true)
            }
            let v2 = try await client.call(.get, "/api/v2/instance")
            #expect(v2.status == 200)
            #expect((v2.object?["usage"] as? [String: Any]) != nil)
        }
    }

    @Test func signedInInstanceHasCountsMadeOnceAndReused() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        _ = try await fixture.post(alice, "one")
        let token = try await fixture.token(for: alice)
        let api = TestAPI(fixture)
        try await api.run { client in
            for _ in 0..<3 {
                let response = try await client.call(.get, "/api/v1/instance", token: token)
                #expect(response.status == 200)
                let stats = response.object?["stats"] as? [String: Any]
                #expect(stats?["user_count"] as? Int == 1 && stats?["status_count"] as? Int == 1)
            }
        }
    }

    @Test func anonymousCallsToInternalRoutesGet401() async throws {
        let api = TestAPI(try await TestFixture())
        try await api.run { client in
            for path in ["/api/v1/timelines/home", "/api/v1/timelines/public", "/api/v1/accounts/1", "/api/v1/statuses/1",
                         "/api/v2/search?q=x", "/api/v1/notifications", "/api/v1/streaming/public", "/api/v1/chorus/audit"] {
                let response = try await client.call(.get, path)
                #expect(response.status == 401, "\(path)")
                #expect(response.object?["error"] is String, "\(path)")
            }
            let bad = try await client.call(.get, "/api/v1/timelines/home", token: "not-a-token")
            #expect(bad.status == 401)
        }
    }

    @Test func badInputGetsClearErrors() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        let token = try await fixture.token(for: alice)
        let api = TestAPI(fixture)
        try await api.run { client in
            let malformed = try await client.call(.post, "/api/v1/statuses", token: token, json: "{\"status\": ")
            #expect(malformed.status == 400)
            let notObject = try await client.call(.post, "/api/v1/statuses", token: token, json: "[1, 2]")
            #expect(notObject.status == 400)
            let tooLong = try await client.call(.post, "/api/v1/statuses", token: token, form: ["status": String(repeating: "长", count: 141)])
            #expect(tooLong.status == 422)
            #expect((tooLong.object?["error"] as? String)?.contains("141") == true)
            let badVisibility = try await client.call(.post, "/api/v1/statuses", token: token, form: ["status": "x", "visibility": "world"])
            #expect(badVisibility.status == 422)
            let huge = String(repeating: "a", count: (1 << 20) + 10)
            let tooLarge = try await client.call(.post, "/api/v1/statuses", token: token, form: ["status": huge])
            #expect(tooLarge.status == 413)
            #expect(tooLarge.object?["error"] is String)
            let unknown = try await client.call(.get, "/api/v1/statuses/123456", token: token)
            #expect(unknown.status == 404)
            let notAnID = try await client.call(.get, "/api/v1/statuses/abc", token: token)
            #expect(notAnID.status == 404)
            let badLimit = try await client.call(.get, "/api/v1/timelines/home?max_id=zz", token: token)
            #expect(badLimit.status == 400)
            let noRoute = try await client.call(.get, "/api/v1/nothing-here", token: token)
            #expect(noRoute.status == 404)
            #expect(noRoute.object?["error"] is String)
        }
    }

    @Test func hiddenPostsAre404NotForbidden() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        let eve = try await fixture.user("eve")
        let hidden = try await fixture.post(alice, "followers only", visibility: .followers)
        let token = try await fixture.token(for: eve)
        try await TestAPI(fixture).run { client in
            for path in ["/api/v1/statuses/\(hidden.status.id)", "/api/v1/statuses/\(hidden.status.id)/context",
                         "/api/v1/statuses/\(hidden.status.id)/favourited_by"] {
                let status = try await client.call(.get, path, token: token).status
                #expect(status == 404, "\(path)")
            }
            let favourite = try await client.call(.post, "/api/v1/statuses/\(hidden.status.id)/favourite", token: token)
            #expect(favourite.status == 404)
            let reblog = try await client.call(.post, "/api/v1/statuses/\(hidden.status.id)/reblog", token: token)
            #expect(reblog.status == 404)
        }
    }

    @Test func scopesAreEnforced() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        let readOnly = try await fixture.token(for: alice, scopes: "read")
        try await TestAPI(fixture).run { client in
            #expect(try await client.call(.get, "/api/v1/timelines/home", token: readOnly).status == 200)
            let post = try await client.call(.post, "/api/v1/statuses", token: readOnly, form: ["status": "hi"])
            #expect(post.status == 403)
            #expect(try await client.call(.post, "/api/v1/chorus/invites", token: readOnly).status == 403)
        }
    }

    @Test func postsWithIdempotencyKeyAndPaginatesWithLinkHeader() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        let token = try await fixture.token(for: alice)
        try await TestAPI(fixture).run { client in
            let first = try await client.call(.post, "/api/v1/statuses", token: token, form: ["status": "你好 #话题#"], headers: [.init("Idempotency-Key")!: "abc"])
            let second = try await client.call(.post, "/api/v1/statuses", token: token, form: ["status": "你好 #话题#"], headers: [.init("Idempotency-Key")!: "abc"])
            #expect(first.status == 200)
            #expect(first.object?["id"] as? String == second.object?["id"] as? String)
            #expect((first.object?["tags"] as? [[String: Any]])?.first?["name"] as? String == "话题")
            for i in 0..<3 { _ = try await client.call(.post, "/api/v1/statuses", token: token, json: "{\"status\": \"json post \(i)\", \"sensitive\": false}") }
            let page = try await client.call(.get, "/api/v1/timelines/home?limit=2", token: token)
            #expect(page.array?.count == 2)
            let link = page.headers[.init("Link")!] ?? ""
            #expect(link.contains("rel=\"next\"") && link.contains("max_id="))
            #expect(link.contains("rel=\"prev\"") && link.contains("min_id="))
            #expect(link.hasPrefix("<\(TestFixture.baseURL)/api/v1/timelines/home?"))
        }
    }

    @Test func securityHeadersOnEveryAnswer() async throws {
        try await TestAPI(try await TestFixture()).run { client in
            let response = try await client.call(.get, "/api/v1/instance")
            #expect(response.headers[.init("X-Content-Type-Options")!] == "nosniff")
            #expect(response.headers[.contentSecurityPolicy] != nil)
        }
    }
}

@Suite("HTTP: parameters as Mastodon clients encode them")
struct ParameterEncodingTests {
    @Test func decodesPlusAsSpaceAndBracketedKeys() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        let bob = try await fixture.user("bob")
        let carol = try await fixture.user("carol")
        _ = try await fixture.services.follows.follow(bob.id, by: alice)
        let token = try await fixture.token(for: alice)
        _ = try await fixture.post(alice, "hello world from 上海")
        try await TestAPI(fixture).run { client in
            let search = try await client.call(.get, "/api/v2/search?q=hello+world&type=statuses", token: token)
            #expect((search.object?["statuses"] as? [[String: Any]])?.count == 1)
            let relationships = try await client.call(.get, "/api/v1/accounts/relationships?id%5B%5D=\(bob.id)&id%5B%5D=\(carol.id)", token: token)
            #expect(relationships.array?.map { $0["following"] as? Bool } == [true, false])
            let encoded = try await client.call(.get, "/api/v2/search?q=%E4%B8%8A%E6%B5%B7&type=statuses", token: token)
            #expect((encoded.object?["statuses"] as? [[String: Any]])?.count == 1)
            let page = try await client.call(.get, "/api/v1/notifications?limit=1&types%5B%5D=follow&types%5B%5D=mention", token: token)
            #expect(page.status == 200)
        }
    }
}
