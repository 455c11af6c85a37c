import ChorusCore
import ChorusHTTP
import ChorusServices
import ChorusStore
import ChorusTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import WSClient

/// More rows of the containment matrix: what each kind of credential opens.
/// A web session is a token of kind `session`; every other token (an app's,
/// a read-only one, a team bot's) is for the API only and must not work as
/// the session cookie, and a team bot's token reads only its team, on every
/// path (routed requests, server-sent events and the WebSocket upgrade).
/// Then: a queued webhook is withheld once its bot lost sight of the post.
@Suite("Teams: visibility matrix, continued: credentials and webhook retries")
struct CredentialMatrixTests {
    /// Whose credential, and of which kind.
    enum Credential: String, CaseIterable, Sendable {
        /// A member's web session (signed in through the form).
        case session
        /// The same member's OAuth token with `read` only.
        case readOnlyToken
        /// The bot token of an app installed in a private team.
        case teamBotToken
        /// An administrator's token with `read admin:read` only.
        case adminReadOnlyToken
    }

    /// Where it is used: as the `chorus_session` cookie on web pages, as a
    /// bearer token on the API and streams.
    enum CredentialSurface: String, CaseIterable, Sendable {
        case webCompanyPage, webComposeForm, webAdminPage, apiCompanyTimeline, sseCompanyStream, webSocketCompanyStream
    }

    /// What is observed.
    enum Access: Equatable, Sendable, CustomStringConvertible {
        /// The page or answer with the company post in it; for the form, the post was made.
        case opened
        /// The browser is sent to sign in, as without any cookie.
        case signInPage
        case forbidden
        case refused
        case unexpected(String)

        var description: String {
            switch self {
            case .opened: "opened"
            case .signInPage: "sign-in page"
            case .forbidden: "403"
            case .refused: "refused"
            case .unexpected(let what): what
            }
        }
    }

    /// Per surface, in `Credential` order: session, read-only token, team bot token, admin read-only token.
    static let credentialExpected: [CredentialSurface: [Access]] = [
        .webCompanyPage:          [.opened, .signInPage, .signInPage, .signInPage],
        .webComposeForm:          [.opened, .signInPage, .signInPage, .signInPage],
        // The session is a member's: the admin page is not theirs either way.
        .webAdminPage:            [.forbidden, .signInPage, .signInPage, .signInPage],
        .apiCompanyTimeline:      [.opened, .opened, .forbidden, .opened],
        .sseCompanyStream:        [.opened, .opened, .forbidden, .opened],
        .webSocketCompanyStream:  [.opened, .opened, .refused, .opened],
    ]

    struct CredentialWorld: Sendable {
        let fixture: TestFixture
        let credentials: [Credential: String]
        let companyPost: Int64
        /// Whose session and read-only token they are.
        let member: AccountRecord
    }

    static func credentialWorld() async throws -> CredentialWorld {
        let fixture = try await TestFixture(transport: RecordingTransport())
        let owner = try await fixture.user("olivia")
        let mia = try await fixture.user("mia")
        let ada = try await fixture.user("ada", role: .admin)
        let team = try await fixture.services.teams.createTeam(by: owner, .init(name: "Falcon", slug: "falcon", privacy: .private)).team
        var manifest = AppManifest(name: "Falcon bot")
        manifest.teamID = team.id
        let bot = try await fixture.services.apps.install(manifest, by: owner)
        let session = try await fixture.services.oauth.issueSession(accountID: mia.id, client: SessionClient(address: "127.0.0.1", userAgent: "Test")).token
        let post = try await fixture.post(owner, "company news for everyone").status.id
        return CredentialWorld(fixture: fixture, credentials: [
            .session: session,
            .readOnlyToken: try await fixture.token(for: mia, scopes: "read"),
            .teamBotToken: bot.accessToken,
            .adminReadOnlyToken: try await fixture.token(for: ada, scopes: "read admin:read"),
        ], companyPost: post, member: mia)
    }

    static func signInOr(_ response: ChorusTestSupport.TestResponse, opened: Bool) -> Access {
        if response.status == 303, response.headers[.location]?.hasPrefix("/login") == true { return .signInPage }
        if response.status == 403 { return .forbidden }
        return opened ? .opened : .unexpected("HTTP \(response.status) \(response.headers[.location] ?? "")")
    }

    static func observe(_ surface: CredentialSurface, _ credential: Credential, in world: CredentialWorld,
                        client: any TestClientProtocol, port: Int) async throws -> Access {
        let token = world.credentials[credential]!
        let cookie: HTTPFields = [.cookie: "chorus_session=\(token)"]
        let post = String(world.companyPost)
        switch surface {
        case .webCompanyPage:
            let page = try await client.call(.get, "/public", headers: cookie)
            return signInOr(page, opened: page.status == 200 && page.text.contains("company news for everyone"))
        case .webComposeForm:
            // Whoever holds a token can work out its form token: only the kind of token may decide.
            let home = try await client.call(.get, "/", headers: cookie)
            let csrf = home.text.range(of: #"name="csrf" value="[0-9a-f]+""#, options: .regularExpression)
                .map { String(home.text[$0].dropFirst(#"name="csrf" value=""#.count).dropLast()) } ?? ""
            let text = "posted with the \(credential.rawValue)"
            let posted = try await client.call(.post, "/statuses", form: ["status": text, "csrf": csrf], headers: cookie)
            let made = try await world.fixture.services.search.search(text, kind: .statuses, viewer: world.member, accountID: nil,
                                                                        limit: 5, offset: 0, maxID: nil).statuses
            if posted.status == 303, posted.headers[.location]?.hasPrefix("/login") == true { return made.isEmpty ? .signInPage : .unexpected("posted, then sent to sign in") }
            return made.isEmpty ? .unexpected("HTTP \(posted.status), nothing posted") : .opened
        case .webAdminPage:
            let page = try await client.call(.get, "/admin", headers: cookie)
            return signInOr(page, opened: page.status == 200)
        case .apiCompanyTimeline:
            let response = try await client.call(.get, "/api/v1/timelines/public", token: token)
            if response.status == 403 { return .forbidden }
            return response.array?.contains { $0["id"] as? String == post } == true ? .opened : .unexpected("HTTP \(response.status)")
        case .sseCompanyStream:
            let status = statusOfGet(port: port, path: "/api/v1/streaming/public", headers: ["Authorization": "Bearer \(token)"])
            return status == 200 ? .opened : status == 403 ? .forbidden : .unexpected("HTTP \(status.map(String.init) ?? "none")")
        case .webSocketCompanyStream:
            do {
                try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)/api/v1/streaming?stream=public&access_token=\(token)",
                                                  logger: Logger(label: "test")) { _, outbound, _ in
                    try await outbound.close(.normalClosure, reason: nil)
                }
                return .opened
            } catch {
                return .refused
            }
        }
    }

    @Test func everyKindOfCredentialOpensExactlyWhatItShould() async throws {
        let world = try await Self.credentialWorld()
        let app = buildApplication(services: world.fixture.services, settings: ServerSettings(host: "127.0.0.1", port: 0, outboundWorkers: false))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            for surface in CredentialSurface.allCases {
                for (index, credential) in Credential.allCases.enumerated() {
                    let seen = try await Self.observe(surface, credential, in: world, client: client, port: port)
                    #expect(seen == Self.credentialExpected[surface]![index], "\(surface) with the \(credential)")
                }
            }
        }
    }

    // MARK: Webhook retries after access is lost

    /// What happened between a failed attempt and its retry.
    enum AccessLoss: String, CaseIterable, Sendable {
        case nothing, postDeleted, botRemovedFromTeam, botDeactivated
    }

    /// Whether the retry of a private-team post's `post.created` reached the receiver.
    static let retryExpected: [AccessLoss: Bool] = [.nothing: true, .postDeleted: false, .botRemovedFromTeam: false, .botDeactivated: false]

    @Test(arguments: AccessLoss.allCases)
    func aWebhookRetryReachesTheReceiverOnlyWhileTheBotMaySeeThePost(_ loss: AccessLoss) async throws {
        let url = "https://hooks.example.com/matrix"
        let transport = RecordingTransport()
        transport.script(url, [.status(500), .status(200)])
        let fixture = try await TestFixture(transport: transport, retrySchedule: RetrySchedule(delays: [0, 0], jitter: 0))
        let owner = try await fixture.user("olivia", role: .admin)
        let team = try await fixture.services.teams.createTeam(by: owner, .init(name: "Falcon", slug: "falcon", privacy: .private)).team
        // A company-wide app whose bot the owner added to the private team.
        let app = try await fixture.services.apps.install(AppManifest(name: "Watcher", webhookURL: url, events: ["post.created"]), by: owner)
        _ = try await fixture.services.teams.addMember(teamID: team.id, accountID: app.installed.bot.id, role: .member, by: owner)
        var draft = StatusService.Draft(text: "falcon team only", visibility: .team)
        draft.teamID = team.id
        let post = try await fixture.services.statuses.createStatus(by: owner, draft)
        try await fixture.deliverAppEvents()
        #expect(transport.sent(to: url).count == 1)
        switch loss {
        case .nothing: break
        case .postDeleted: _ = try await fixture.services.statuses.deleteStatus(id: post.status.id, by: owner)
        case .botRemovedFromTeam: try await fixture.services.teams.removeMember(teamID: team.id, accountID: app.installed.bot.id, by: owner)
        case .botDeactivated: _ = try await fixture.services.accounts.deactivate(accountID: app.installed.bot.id, actor: owner)
        }
        try await fixture.deliverAppEvents()
        let retried = transport.sent(to: url).count == 2
        #expect(retried == Self.retryExpected[loss], "after \(loss)")
    }
}
