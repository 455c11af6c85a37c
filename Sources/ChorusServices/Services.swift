import ChorusCore
import ChorusStore
import Logging

/// Every service, wired once by the composition root.
public struct Services: Sendable {
    public let config: ChorusConfig
    public let database: AppDatabase
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

    public init(config: ChorusConfig, database: AppDatabase, hasher: any PasswordHasher = Argon2Hasher(),
                limiter: LoginRateLimiter? = nil, clock: any ChorusClock = SystemClock()) {
        self.config = config
        self.database = database
        self.clock = clock
        let accounts = AccountService(database: database, hasher: hasher, limiter: limiter ?? LoginRateLimiter(clock: clock), config: config, clock: clock)
        self.accounts = accounts
        self.oauth = OAuthService(database: database, accounts: accounts, clock: clock)
        self.statuses = StatusService(database: database, config: config)
        self.timelines = TimelineService(database: database)
        self.follows = FollowService(database: database)
        self.notifications = NotificationService(database: database)
        self.search = SearchService(database: database)
        self.teams = TeamService(database: database, clock: clock)
        self.streams = StreamHub()
    }

    /// The background worker that feeds live streams from the outbox.
    public func outboxRelay(logger: Logger) -> OutboxRelay {
        OutboxRelay(database: database, hub: streams, logger: logger)
    }

    public func homeFeedWarmer(logger: Logger) -> HomeFeedWarmer {
        HomeFeedWarmer(database: database, logger: logger)
    }
}
