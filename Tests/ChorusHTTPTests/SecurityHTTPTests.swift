import ChorusCore
import ChorusHTTP
import ChorusServices
import ChorusStore
import ChorusStoreSQLite
import ChorusTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing
import WSClient

/// Each test is named for what it protects, and failed before its fix.
@Suite("Security: team walls around apps, streaming, redirects, sign-in throttling, proxies, OAuth codes")
struct SecurityHTTPTests {
    static let teamManifest = #"{"name": "Spy", "webhook_url": "https://hooks.example.com/spy", "events": ["post.created"], "team_id": "%@"}"#

    func manifest(teamID: Int64) -> String { Self.teamManifest.replacingOccurrences(of: "%@", with: String(teamID)) }

    /// Registers a client app; its id and secret.
    func registerApp(_ client: some TestClientProtocol, redirect: String = OAuthService.outOfBand) async throws -> (id: String, secret: String) {
        let response = try await client.call(.post, "/api/v1/apps", form: ["client_name": "Test", "redirect_uris": redirect, "scopes": "read write follow"])
        return (response.object?["client_id"] as? String ?? "", response.object?["client_secret"] as? String ?? "")
    }

    func passwordGrant(_ client: some TestClientProtocol, app: (id: String, secret: String), username: String, password: String,
                       headers: HTTPFields = [:]) async throws -> ChorusTestSupport.TestResponse {
        try await client.call(.post, "/oauth/token", form: [
            "grant_type": "password", "client_id": app.id, "client_secret": app.secret, "username": username, "password": password,
        ], headers: headers)
    }

    // MARK: Team walls around apps

    @Test func aCompanyAdministratorCannotInstallIntoOrRepointAPrivateTeamsApp() async throws {
        let transport = RecordingTransport()
        let fixture = try await TestFixture(transport: transport)
        let admin = try await fixture.user("ada", role: .admin)
        let owner = try await fixture.user("olivia")
        let adminToken = try await fixture.token(for: admin, scopes: "read write follow admin:read admin:write")
        let ownerToken = try await fixture.token(for: owner)
        let vault = try await fixture.services.teams.createTeam(by: owner, .init(name: "Vault", slug: "vault", privacy: .private)).team
        let open = try await fixture.services.teams.createTeam(by: owner, .init(name: "Open", slug: "open", privacy: .public)).team
        try await TestAPI(fixture).run { client in
            // Installing would make the bot a member and hand its token over: the same 404 as anyone outside gets.
            let install = try await client.call(.post, "/api/v1/chorus/apps", token: adminToken, json: manifest(teamID: vault.id))
            #expect(install.status == 404)
            #expect(try await fixture.database.teamMembers(teamID: vault.id, limit: 10, offset: 0).count == 1)
            let publicInstall = try await client.call(.post, "/api/v1/chorus/apps", token: adminToken, json: manifest(teamID: open.id))
            #expect(publicInstall.status == 403)

            // The team's own app: the administrator can neither see it nor re-point it and redeliver.
            let installed = try await client.call(.post, "/api/v1/chorus/apps", token: ownerToken, json: manifest(teamID: vault.id))
            #expect(installed.status == 201)
            let id = try #require((installed.object?["app"] as? [String: Any])?["id"] as? String)
            #expect(try await client.call(.get, "/api/v1/chorus/apps/\(id)", token: adminToken).status == 404)
            let repoint = try await client.call(.patch, "/api/v1/chorus/apps/\(id)", token: adminToken, json: #"{"webhook_url": "https://evil.example.com/x"}"#)
            #expect(repoint.status == 404)
            #expect(try await client.call(.get, "/api/v1/chorus/apps/\(id)/deliveries", token: adminToken).status == 404)
            #expect(try await client.call(.post, "/api/v1/chorus/apps/\(id)/rotate_secret", token: adminToken).status == 404)
            #expect(try await client.call(.delete, "/api/v1/chorus/apps/\(id)", token: adminToken).status == 404)
            // Nor does the list name it (or its private team).
            let listed = try await client.call(.get, "/api/v1/chorus/apps", token: adminToken)
            #expect(listed.status == 200 && listed.array?.isEmpty == true && !listed.text.contains("vault"))
            #expect(try await client.call(.get, "/api/v1/chorus/apps", token: ownerToken).array?.count == 1)
        }
    }

    @Test func anArchivedPrivateTeamIsNotConfirmedToOutsidersWhoInstall() async throws {
        let fixture = try await TestFixture(transport: RecordingTransport())
        let owner = try await fixture.user("olivia")
        let outsider = try await fixture.user("nora")
        let outsiderToken = try await fixture.token(for: outsider)
        let vault = try await fixture.services.teams.createTeam(by: owner, .init(name: "Vault", slug: "vault", privacy: .private)).team
        _ = try await fixture.services.teams.setArchived(id: vault.id, true, by: owner)
        try await TestAPI(fixture).run { client in
            let archived = try await client.call(.post, "/api/v1/chorus/apps", token: outsiderToken, json: manifest(teamID: vault.id))
            let missing = try await client.call(.post, "/api/v1/chorus/apps", token: outsiderToken, json: manifest(teamID: 987_654))
            #expect(archived.status == 404 && archived.text == missing.text)
        }
    }

    @Test func aTakenAddressDoesNotRevealAPrivateTeam() async throws {
        let fixture = try await TestFixture()
        let olivia = try await fixture.user("olivia")
        let nora = try await fixture.user("nora")
        let sam = try await fixture.user("sam")
        let vault = try await fixture.services.teams.createTeam(by: olivia, .init(name: "Vault", slug: "vault", privacy: .private)).team
        let noraToken = try await fixture.token(for: nora)
        let oliviaToken = try await fixture.token(for: olivia)
        let samToken = try await fixture.token(for: sam)
        try await TestAPI(fixture).run { client in
            // Nora cannot see the private team: the address is hers to use, as if it were free.
            let created = try await client.call(.post, "/api/v1/chorus/teams", token: noraToken, form: ["name": "Vault fans", "slug": "vault"])
            #expect(created.status == 200)
            let noras = try #require(created.object?["id"] as? String)
            #expect(noras != String(vault.id))
            // Each person's address leads to the team they can see.
            #expect(try await client.call(.get, "/api/v1/chorus/teams/vault", token: noraToken).object?["id"] as? String == noras)
            #expect(try await client.call(.get, "/api/v1/chorus/teams/vault", token: samToken).object?["id"] as? String == noras)
            #expect(try await client.call(.get, "/api/v1/chorus/teams/vault", token: oliviaToken).object?["id"] as? String == String(vault.id))
            // Now a visible team has it: that 409 tells Sam nothing he cannot see.
            let again = try await client.call(.post, "/api/v1/chorus/teams", token: samToken, form: ["name": "Vault", "slug": "vault"])
            #expect(again.status == 409)
        }
    }

    @Test func theAuditLogLeavesOutPrivateTeamsTheReaderIsNotIn() async throws {
        let fixture = try await TestFixture(transport: RecordingTransport())
        let admin = try await fixture.user("ada", role: .admin)
        let olivia = try await fixture.user("olivia")
        let mia = try await fixture.user("mia")
        let vault = try await fixture.services.teams.createTeam(by: olivia, .init(name: "Vault", slug: "vault-x", privacy: .private)).team
        _ = try await fixture.services.teams.addMember(teamID: vault.id, accountID: mia.id, role: .member, by: olivia)
        var manifest = AppManifest(name: "Vault helper")
        manifest.teamID = vault.id
        _ = try await fixture.services.apps.install(manifest, by: olivia)
        let open = try await fixture.services.teams.createTeam(by: olivia, .init(name: "Open", slug: "open-y", privacy: .public)).team
        let adminToken = try await fixture.token(for: admin, scopes: "read write follow admin:read admin:write")
        try await TestAPI(fixture).run { client in
            let log = try await client.call(.get, "/api/v1/chorus/audit?limit=200", token: adminToken)
            #expect(log.status == 200)
            #expect(!log.text.contains("vault-x") && !log.text.contains("team:\(vault.id)") && !log.text.contains("Vault helper"))
            #expect(log.text.contains("team:\(open.id)"))
        }
        // A member of the team (were they an administrator) would see its entries.
        let memberView = try await fixture.database.auditLog(page: Page(limit: 200), readerID: mia.id)
        #expect(memberView.contains { $0.subject == "team:\(vault.id)" })
    }

    // MARK: Streaming

    @Test func aTeamBotsTokenCannotStreamTheCompanyOverAWebSocket() async throws {
        let fixture = try await TestFixture(transport: RecordingTransport())
        let owner = try await fixture.user("olivia")
        let team = try await fixture.services.teams.createTeam(by: owner, .init(name: "Ops", slug: "ops", privacy: .private)).team
        var manifest = AppManifest(name: "Ops bot")
        manifest.teamID = team.id
        let bot = try await fixture.services.apps.install(manifest, by: owner)
        let member = try await fixture.user("mia")
        let memberToken = try await fixture.token(for: member)
        let app = buildApplication(services: fixture.services, settings: ServerSettings(host: "127.0.0.1", port: 0, outboundWorkers: false))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            for stream in ["public", "user"] {
                await #expect(throws: (any Error).self, "stream \(stream)") {
                    try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)/api/v1/streaming?stream=\(stream)&access_token=\(bot.accessToken)",
                                                      logger: Logger(label: "test")) { _, _, _ in }
                }
            }
            // The same path and token work for a person (the refusal is the team rule, not a broken upgrade).
            try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)/api/v1/streaming?stream=public&access_token=\(memberToken)",
                                              logger: Logger(label: "test")) { _, outbound, _ in
                try await outbound.close(.normalClosure, reason: nil)
            }
            let sse = try await client.execute(uri: "/api/v1/streaming/public?access_token=\(bot.accessToken)", method: .get)
            #expect(sse.status == .forbidden)
        }
    }

    @Test func aTokenInTheQueryStringIsOnlyTakenByStreamingRoutes() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        let token = try await fixture.token(for: alice)
        try await TestAPI(fixture).run { client in
            let inQuery = try await client.call(.get, "/api/v1/accounts/verify_credentials?access_token=\(token)")
            let homeInQuery = try await client.call(.get, "/api/v1/timelines/home?access_token=\(token)")
            let inHeader = try await client.call(.get, "/api/v1/accounts/verify_credentials", token: token)
            #expect(inQuery.status == 401 && homeInQuery.status == 401 && inHeader.status == 200)
        }
    }

    // MARK: Redirects

    @Test func theLanguageSwitchNeverRedirectsOffSite() async throws {
        let fixture = try await TestFixture()
        try await TestAPI(fixture).run { client in
            for next in ["/%09/evil.example", "/%0A/evil.example", "/%0D%0A/evil.example", "%2F%2Fevil.example", "/%5Cevil.example",
                         "https://evil.example/", "/%20/evil.example", "%09//evil.example", "/%E2%80%8B/evil.example", "//evil.example"] {
                let response = try await client.call(.get, "/language?lang=en&next=\(next)")
                #expect(response.status == 303)
                #expect(response.headers[.location] == "/", "next=\(next)")
            }
            let local = try await client.call(.get, "/language?lang=en&next=%2Ftags%2Frelease%3Fmax_id%3D5")
            #expect(local.headers[.location] == "/tags/release?max_id=5")
        }
    }

    // MARK: Sign-in throttling

    @Test func parallelPasswordGuessesCannotRaceTheSignInLimit() async throws {
        let fixture = try await TestFixture()
        try await fixture.user("alice")
        try await TestAPI(fixture).run { client in
            let app = try await registerApp(client)
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for attempt in 0..<60 {
                    group.addTask { try await passwordGrant(client, app: app, username: "alice", password: "guess number \(attempt)").status }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            // Five guesses per account reach the password check; the rest are refused before hashing.
            #expect(statuses.filter { $0 == 401 }.count == 5)
            #expect(statuses.filter { $0 == 429 }.count == 55)
            let refused = try await passwordGrant(client, app: app, username: "alice", password: TestFixture.password)
            #expect(refused.status == 429)
            #expect(Int(refused.headers[.retryAfter] ?? "") ?? 0 > 0)
        }
    }

    /// A hasher that takes its time, so hashes pile up.
    struct SlowHasher: PasswordHasher {
        let inner = Argon2Hasher(memoryKiB: 64, iterations: 1)
        func hash(_ password: String) throws -> String { try inner.hash(password) }
        func verify(_ password: String, encoded: String) -> Bool {
            Thread.sleep(forTimeInterval: 0.3)
            return inner.verify(password, encoded: encoded)
        }
    }

    @Test func passwordHashesInFlightAreBoundedAndTheRestAreToldWhenToComeBack() async throws {
        let database = try SQLiteDatabase.inMemory()
        let services = Services(config: ChorusConfig(baseURL: TestFixture.baseURL), database: database, hasher: SlowHasher(),
                                limiter: LoginRateLimiter(limits: .init(perAccount: 100, perAddress: 100)),
                                hashGate: HashGate(concurrent: 1, queued: 2))
        for index in 0..<8 {
            _ = try await services.accounts.createUser(.init(username: "user\(index)", password: TestFixture.password))
        }
        let outcomes = await withTaskGroup(of: Int.self) { group in
            for index in 0..<8 {
                group.addTask {
                    do {
                        _ = try await services.accounts.authenticate(login: "user\(index)", password: TestFixture.password, address: "192.0.2.1")
                        return 200
                    } catch let error as ChorusError {
                        #expect(error.kind != .tooManyRequests || error.retryAfter != nil)
                        return error.kind.status
                    } catch {
                        return 500
                    }
                }
            }
            return await group.reduce(into: [Int]()) { $0.append($1) }
        }
        // One hashes, two wait; the others are turned away at once rather than queued without end.
        #expect(outcomes.filter { $0 == 200 }.count == 3)
        #expect(outcomes.filter { $0 == 429 }.count == 5)
        // Once the queue is empty, sign-in works again.
        _ = try await services.accounts.authenticate(login: "user0", password: TestFixture.password, address: "192.0.2.1")
    }

    // MARK: Behind a reverse proxy

    @Test func behindATrustedProxyEachClientHasItsOwnSignInLimit() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        try await fixture.user("bob")
        let proxied = buildApplication(services: fixture.services, settings: ServerSettings(
            host: "127.0.0.1", port: 0, outboundWorkers: false, trustedProxies: try ServerSettings.trustedProxies(parsing: "127.0.0.1, ::1")))
        try await proxied.test(.live) { client in
            let app = try await registerApp(client)
            let attacker: HTTPFields = [.init("X-Forwarded-For")!: "198.51.100.7"]
            for attempt in 0..<20 {
                _ = try await passwordGrant(client, app: app, username: "user\(attempt)", password: "wrong", headers: attacker)
            }
            #expect(try await passwordGrant(client, app: app, username: "bob", password: TestFixture.password, headers: attacker).status == 429)
            // A colleague behind the same proxy is not locked out, and the audit log names the real address.
            let colleague: HTTPFields = [.init("X-Forwarded-For")!: "203.0.113.9, 127.0.0.1"]
            #expect(try await passwordGrant(client, app: app, username: "alice", password: TestFixture.password, headers: colleague).status == 200)
            let audit = try await fixture.database.auditLog(page: Page(limit: 10))
            #expect(audit.first { $0.action == "session.signed_in" && $0.actorId == alice.id }?.ip == "203.0.113.9")
        }
        // Without the setting the header is not believed: a forged one does not escape the limit.
        let direct = buildApplication(services: try await TestFixture().services, settings: ServerSettings(host: "127.0.0.1", port: 0, outboundWorkers: false))
        try await direct.test(.live) { client in
            let app = try await registerApp(client)
            for attempt in 0..<20 {
                let forged: HTTPFields = [.init("X-Forwarded-For")!: "198.51.100.\(attempt)"]
                _ = try await passwordGrant(client, app: app, username: "user\(attempt)", password: "wrong", headers: forged)
            }
            let forged: HTTPFields = [.init("X-Forwarded-For")!: "198.51.100.200"]
            #expect(try await passwordGrant(client, app: app, username: "user99", password: "wrong", headers: forged).status == 429)
        }
    }

    @Test func forwardingHeadersAreReadOnlyThroughTrustedProxies() throws {
        let trusted = try ServerSettings.trustedProxies(parsing: "10.0.0.0/8, 192.0.2.1")
        func client(_ peer: String?, xff: [String] = [], forwarded: String? = nil) -> String? {
            ForwardedClientAddress.clientAddress(peer: peer, forwarded: forwarded, forwardedFor: xff, trusted: trusted)
        }
        #expect(client("198.51.100.1", xff: ["203.0.113.5"]) == "198.51.100.1")  // not a proxy: the header is ignored
        #expect(client("10.1.1.1", xff: ["203.0.113.5"]) == "203.0.113.5")
        #expect(client("10.1.1.1", xff: ["6.6.6.6, 203.0.113.5, 10.2.2.2"]) == "203.0.113.5")  // a forged left part is not reached
        #expect(client("10.1.1.1", xff: ["6.6.6.6", "203.0.113.5"]) == "203.0.113.5")
        let ipv6 = client("10.1.1.1", forwarded: #"for=192.0.2.60;proto=https, for="[2001:db8:cafe::17]:4711""#)
        #expect(ipv6.flatMap(IPAddress.init) == IPAddress("2001:db8:cafe::17"))
        #expect(client("192.0.2.1", forwarded: "for=unknown") == "192.0.2.1")
        #expect(client("10.1.1.1") == "10.1.1.1")
        #expect(throws: ChorusError.self) { try ServerSettings.trustedProxies(parsing: "10.0.0.0/8, proxy.example") }
    }

    // MARK: OAuth codes (RFC 6749 §4.1.3)

    @Test func anAuthorizationCodeNeedsItsRedirectAndItsClientAndIsNotBurnedByOthers() async throws {
        let fixture = try await TestFixture()
        try await fixture.user("alice")
        try await TestAPI(fixture).run { client in
            let app = try await registerApp(client, redirect: "https://app.example/callback")
            let other = try await registerApp(client, redirect: "https://app.example/callback")
            let authorizePage = "/oauth/authorize?response_type=code&client_id=\(app.id)&redirect_uri=https://app.example/callback&scope=read"
            let authorized = try await client.submit(authorizePage, to: "/oauth/authorize", form: [
                "client_id": app.id, "redirect_uri": "https://app.example/callback", "scope": "read",
                "username": "alice", "password": TestFixture.password,
            ])
            let location = try #require(authorized.headers[.location])
            let code = try #require(URLComponents(string: location)?.queryItems?.first { $0.name == "code" }?.value)
            func exchange(_ app: (id: String, secret: String), redirect: String?) async throws -> ChorusTestSupport.TestResponse {
                var form = ["grant_type": "authorization_code", "client_id": app.id, "client_secret": app.secret, "code": code]
                form["redirect_uri"] = redirect
                return try await client.call(.post, "/oauth/token", form: form)
            }
            #expect(try await exchange(app, redirect: nil).status == 400)
            #expect(try await exchange(app, redirect: "https://app.example/other").status == 400)
            #expect(try await exchange(other, redirect: "https://app.example/callback").status == 400)
            // None of those used the code up; the right client with the right redirect gets its token, once.
            let token = try await exchange(app, redirect: "https://app.example/callback")
            #expect(token.status == 200 && token.object?["access_token"] is String)
            #expect(try await exchange(app, redirect: "https://app.example/callback").status == 400)
        }
    }

    // MARK: Limits

    @Test func postingHasAPerAccountLimitWithRetryAfter() async throws {
        let database = try SQLiteDatabase.inMemory()
        var config = ChorusConfig(baseURL: TestFixture.baseURL)
        config.postLimit = RateLimit(count: 3, window: 60)
        let services = Services(config: config, database: database, hasher: Argon2Hasher(memoryKiB: 64, iterations: 1))
        let alice = try await services.accounts.createUser(.init(username: "alice", password: TestFixture.password))
        let bob = try await services.accounts.createUser(.init(username: "bob", password: TestFixture.password))
        for index in 0..<3 { _ = try await services.statuses.createStatus(by: alice, .init(text: "post \(index)")) }
        do {
            _ = try await services.statuses.createStatus(by: alice, .init(text: "one too many"))
            Issue.record("the fourth post in a minute went through")
        } catch let error as ChorusError {
            #expect(error.kind == .tooManyRequests && (error.retryAfter ?? 0) > 0)
        }
        _ = try await services.statuses.createStatus(by: bob, .init(text: "others are not held up"))
    }

    @Test func liveStreamsPerAccountAreLimited() async throws {
        let fixture = try await TestFixture { $0.streamsPerAccount = 2 }
        let alice = try await fixture.user("alice")
        let bob = try await fixture.user("bob")
        let aliceToken = try await fixture.token(for: alice)
        let bobToken = try await fixture.token(for: bob)
        try await TestAPI(fixture).run { client in
            let first = client.openStream("/api/v1/streaming/user", token: aliceToken)
            let second = client.openStream("/api/v1/streaming/public", token: aliceToken)
            #expect(await waitUntil { fixture.services.streams.count == 2 }, "two streams open")
            // A refusal answers at once; a stream would never end by itself.
            let attempt = client.openStream("/api/v1/streaming/public", token: aliceToken)
            #expect(await waitUntil { attempt.ended.isSet }, "the third stream was refused")
            attempt.task.cancel()
            let third = await attempt.task.value
            #expect(third?.status == 429 && third?.object?["error"] is String && third?.headers[.retryAfter] != nil)
            // Someone else is not held up; and once one closes, there is room again.
            let bobs = client.openStream("/api/v1/streaming/public", token: bobToken)
            #expect(await waitUntil { fixture.services.streams.count == 3 }, "bob's stream open")
            first.task.cancel()
            #expect(await waitUntil { fixture.services.streams.count == 2 }, "the first stream closed")
            let again = client.openStream("/api/v1/streaming/public", token: aliceToken)
            #expect(await waitUntil { fixture.services.streams.count == 3 }, "room again")
            for request in [second, bobs, again] { request.task.cancel() }
        }
    }

    @Test func aStreamOpenedWhileItsTokenIsRevokedEndsAtOnce() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        let token = try await fixture.token(for: alice)
        let principal = try await fixture.services.oauth.authenticate(bearer: token)
        // The request was authenticated; the token is revoked before its stream is registered.
        try await fixture.database.revokeToken(hash: SecretGenerator.sha256Hex(token))
        let stream = try await fixture.services.openStream(accountID: alice.id, tokenID: principal.tokenID, kind: .company)
        let ended = Flag()
        let reading = Task {
            for await _ in stream {}
            ended.set()
        }
        #expect(await waitUntil { ended.isSet })
        reading.cancel()
        #expect(fixture.services.streams.count == 0)
    }

    @Test func aWebSocketFollowsABoundedNumberOfStreams() async throws {
        let fixture = try await TestFixture { $0.subscriptionsPerSocket = 2 }
        let alice = try await fixture.user("alice")
        let token = try await fixture.token(for: alice)
        let app = buildApplication(services: fixture.services, settings: ServerSettings(host: "127.0.0.1", port: 0, outboundWorkers: false))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)/api/v1/streaming?stream=user&access_token=\(token)",
                                              logger: Logger(label: "test")) { inbound, outbound, _ in
                let texts = Texts()
                async let reading: Void = {
                    for try await message in inbound.messages(maxSize: 1 << 16) { if case .text(let text) = message { texts.add(text) } }
                }()
                try await outbound.write(.text(#"{"type": "subscribe", "stream": "public"}"#))
                try await outbound.write(.text(#"{"type": "subscribe", "stream": "hashtag", "tag": "release"}"#))
                #expect(await waitUntil { texts.all.contains { $0.contains(#""status":429"#) && $0.contains("error") } }, "an error frame")
                // The two streams it may follow open on their own tasks; the third never does.
                #expect(await waitUntil { fixture.services.streams.count == 2 }, "two streams")
                try await Task.sleep(for: .milliseconds(200))
                #expect(fixture.services.streams.count == 2)
                try await outbound.close(.normalClosure, reason: nil)
                try await reading
            }
        }
    }

    /// The text frames a socket received.
    final class Texts: Sendable {
        private let state = Mutex<[String]>([])
        func add(_ text: String) { state.withLock { $0.append(text) } }
        var all: [String] { state.withLock { $0 } }
    }

    @Test func searchRefusesDeepOffsets() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        let token = try await fixture.token(for: alice)
        try await TestAPI(fixture).run { client in
            #expect(try await client.call(.get, "/api/v2/search?q=alice&offset=1000", token: token).status == 200)
            let deep = try await client.call(.get, "/api/v2/search?q=alice&offset=1000000000", token: token)
            #expect(deep.status == 422 && deep.object?["error"] is String)
        }
    }

    // MARK: Error answers

    @Test func errorAnswersCarryTheSecurityHeaders() async throws {
        let fixture = try await TestFixture()
        try await TestAPI(fixture).run { client in
            for (path, status) in [("/api/v1/timelines/home", 401), ("/api/v1/statuses/1", 401), ("/nowhere", 404), ("/api/v1/nowhere", 404)] {
                let response = try await client.call(.get, path)
                #expect(response.status == status, "\(path)")
                #expect(response.headers[.init("X-Content-Type-Options")!] == "nosniff", "\(path)")
                #expect(response.headers[.init("X-Frame-Options")!] == "DENY", "\(path)")
                #expect(response.headers[.contentSecurityPolicy] != nil, "\(path)")
            }
        }
    }
}
