import ChorusCore
import ChorusStore
import Logging

/// Every service, wired once by the composition root.
public struct Services: Sendable {
    public let config: ChorusConfig
    public let database: any ChorusDatabase
    public let clock: any ChorusClock
    public let accounts: AccountService
    public let oauth: OAuthService
    public let statuses: StatusService
    public let timelines: TimelineService
    public let follows: FollowService
    public let notifications: NotificationService
    public let search: SearchService
    public let teams: TeamService
    public let streams: StreamHub
    public let apps: AppService
    public let bridge: BridgeService
    /// The rules for outbound calls (the administrator's allowlist).
    public let outbound: OutboundPolicy
    /// How app webhooks and commands reach their receivers.
    public let transport: any WebhookTransport
    /// The counts of the instance document, made at most once a minute.
    public let instanceStats: InstanceStats
    /// Wakes the delivery worker when the dispatcher queued something.
    public let deliveryWakeup = Wakeup()

    /// `transport` makes the outbound HTTP client under the given policy;
    /// without one, outbound calls are refused (tests of other things).
    public init(config: ChorusConfig, database: any ChorusDatabase, hasher: any PasswordHasher = Argon2Hasher(),
                limiter: LoginRateLimiter? = nil, hashGate: HashGate = HashGate(), clock: any ChorusClock = SystemClock(),
                transport makeTransport: ((OutboundPolicy) -> any WebhookTransport)? = nil) {
        self.config = config
        self.database = database
        self.clock = clock
        let streams = StreamHub(perAccount: config.streamsPerAccount)
        self.streams = streams
        let accounts = AccountService(database: database, hasher: hasher, limiter: limiter ?? LoginRateLimiter(clock: clock),
                                      hashGate: hashGate, config: config, clock: clock, streams: streams)
        self.accounts = accounts
        self.oauth = OAuthService(database: database, accounts: accounts, clock: clock, streams: streams, sessionPolicy: config.sessionPolicy)
        self.statuses = StatusService(database: database, config: config)
        self.timelines = TimelineService(database: database)
        self.follows = FollowService(database: database)
        self.notifications = NotificationService(database: database)
        self.search = SearchService(database: database)
        self.instanceStats = InstanceStats(database: database)
        self.teams = TeamService(database: database, clock: clock)
        let outbound = OutboundPolicy()
        self.outbound = outbound
        let transport = makeTransport?(outbound) ?? UnconfiguredTransport()
        self.transport = transport
        self.apps = AppService(database: database, statuses: statuses, config: config, clock: clock, policy: outbound, transport: transport)
        self.bridge = BridgeService(database: database, config: config, clock: clock, transport: transport)
    }

    /// Opens a live stream for a token's holder. The token is checked again
    /// once the stream is registered: a revocation that raced the opening
    /// (between the request's authentication and the registration, where
    /// closing the token's streams could not yet find this one) ends it
    /// here, so a revoked token never keeps a stream.
    public func openStream(accountID: Int64, tokenID: Int64, kind: StreamKind) async throws -> AsyncStream<StreamMessage> {
        let stream = try streams.subscribe(accountID: accountID, tokenID: tokenID, kind: kind)
        if try await !database.tokenExists(id: tokenID) { streams.close(tokenIDs: [tokenID]) }
        return stream
    }

    /// The worker that publishes approved posts to the brand channels.
    public func bridgeWorker(logger: Logger) -> BridgeWorker {
        BridgeWorker(database: database, transport: transport, config: config, clock: clock, logger: logger,
                     crashAfterExternalCall: config.bridgeCrashAfterExternalCall)
    }

    /// The background workers of apps: queuing events, and delivering them.
    public func appWorkers(renderer: any AppPayloadRenderer, logger: Logger) -> (AppEventDispatcher, DeliveryWorker) {
        (AppEventDispatcher(database: database, statuses: statuses, renderer: renderer, wakeup: deliveryWakeup, logger: logger),
         DeliveryWorker(database: database, transport: transport, schedule: config.hookRetrySchedule, wakeup: deliveryWakeup,
                        logger: logger, clock: clock))
    }

    /// The background worker that feeds live streams from the outbox.
    public func outboxRelay(logger: Logger) -> OutboxRelay {
        OutboxRelay(database: database, hub: streams, logger: logger, sessionPolicy: config.sessionPolicy)
    }

    public func homeFeedWarmer(logger: Logger) -> HomeFeedWarmer {
        HomeFeedWarmer(database: database, logger: logger)
    }
}
