import ChorusCore
import ChorusHTTP
import ChorusServices
import ChorusStore
import ChorusStoreSQLite
import Foundation
import Logging

/// A fresh Chorus on an in-memory database, with helpers to make people and
/// tokens. Passwords use cheap argon2id parameters so tests stay fast.
public struct TestFixture: Sendable {
    public let services: Services
    public static let password = "correct horse battery"
    public static let baseURL = "https://chorus.test"

    /// `clock` is the time of the whole Chorus (pass a `TestClock` to move it);
    /// `hasher` defaults to cheap argon2id; `configure` changes settings (limits);
    /// `database` is a given one instead of a fresh one (`TestDatabase.make`).
    public init(limits: LoginRateLimiter.Limits = .init(), transport: (any WebhookTransport)? = nil,
                retrySchedule: RetrySchedule = .standard, clock: any ChorusClock = SystemClock(),
                hasher: any PasswordHasher = Argon2Hasher(memoryKiB: 64, iterations: 1),
                database given: (any ChorusDatabase)? = nil,
                configure: (inout ChorusConfig) -> Void = { _ in }) async throws {
        let database = if let given { given } else { try await TestDatabase.make(clock: clock) }
        var config = ChorusConfig(baseURL: TestFixture.baseURL, hookRetrySchedule: retrySchedule)
        configure(&config)
        services = Services(config: config, database: database,
                            hasher: hasher, limiter: LoginRateLimiter(limits: limits, clock: clock), clock: clock,
                            transport: transport.map { transport in { _ in transport } })
    }

    public var database: any ChorusDatabase { services.database }

    /// The SQLite backend under this Chorus, for tests of SQLite itself.
    public var sqlite: SQLiteDatabase? { services.database as? SQLiteDatabase }

    /// Creates an active person with the shared test password.
    @discardableResult
    public func user(_ username: String, role: Role = .member) async throws -> AccountRecord {
        try await services.accounts.createUser(.init(username: username, password: TestFixture.password, displayName: username.capitalized,
                                                     email: "\(username)@example.com", role: role))
    }

    /// Posts as `author`.
    @discardableResult
    public func post(_ author: AccountRecord, _ text: String, visibility: Visibility = .company, replyTo: Int64? = nil) async throws -> HydratedStatus {
        try await services.statuses.createStatus(by: author, .init(text: text, visibility: visibility, inReplyToID: replyTo))
    }

    /// Registers an app and returns a bearer token for `account` via the password grant.
    public func token(for account: AccountRecord, scopes: String = "read write follow push") async throws -> String {
        let registered = try await services.oauth.registerApp(name: "Test client", redirectURIs: [OAuthService.outOfBand],
                                                              scopes: "read write follow push admin:read admin:write", website: nil)
        var request = OAuthService.TokenRequest(grantType: "password", clientID: registered.app.clientId, clientSecret: registered.clientSecret)
        request.username = account.username
        request.password = TestFixture.password
        request.scope = scopes
        return try await services.oauth.issueToken(request, address: "127.0.0.1").token
    }

    /// A web session's cookie (`chorus_session=…`) for `account`, as signing in makes it.
    public func sessionCookie(for account: AccountRecord) async throws -> String {
        let session = try await services.oauth.issueSession(accountID: account.id, client: SessionClient(address: "127.0.0.1", userAgent: "Tests"))
        return "chorus_session=" + session.token
    }

    /// Queues app deliveries for every outbox event so far.
    public func dispatchAppEvents() async throws {
        let dispatcher = AppEventDispatcher(database: database, statuses: services.statuses,
                                            renderer: makeAppPayloadRenderer(config: services.config), logger: Logger(label: "test"))
        for _ in 0..<100 where try await dispatcher.drain(batch: 500) > 0 {}
        try await dispatcher.saveCursor()
    }

    /// Queues app events, then sends every delivery that is due.
    public func deliverAppEvents() async throws {
        try await dispatchAppEvents()
        try await DeliveryWorker(database: database, transport: services.transport, schedule: services.config.hookRetrySchedule,
                                 wakeup: Wakeup(), logger: Logger(label: "test")).sendDue()
    }

    /// The compose service the HTTP layer uses.
    public var compose: ComposeService { ComposeService(services: services, renderer: makeAppPayloadRenderer(config: services.config)) }

    /// The ids of a list of statuses, for compact assertions.
    public static func ids(_ statuses: [HydratedStatus]) -> [Int64] { statuses.map(\.status.id) }
}
