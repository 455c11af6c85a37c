import ChorusCore
import ChorusServices
import ChorusStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import Logging

/// Where and how to serve.
public struct ServerSettings: Sendable {
    public var host: String
    public var port: Int
    /// The folder of static files (`Public/`); nil serves none.
    public var publicDirectory: String?
    /// Run the workers that send app webhooks and brand exports (tests that
    /// drive those workers themselves turn them off).
    public var outboundWorkers: Bool
    /// Reverse proxies whose `X-Forwarded-For`/`Forwarded` headers are
    /// believed (addresses or CIDR networks); empty believes nobody.
    public var trustedProxies: [IPNetwork]

    public init(host: String = "127.0.0.1", port: Int = 8080, publicDirectory: String? = nil, outboundWorkers: Bool = true,
                trustedProxies: [IPNetwork] = []) {
        self.host = host
        self.port = port
        self.publicDirectory = publicDirectory
        self.outboundWorkers = outboundWorkers
        self.trustedProxies = trustedProxies
    }

    /// Parses a comma-separated list of addresses and networks (`CHORUS_TRUSTED_PROXIES`).
    public static func trustedProxies(parsing text: String) throws -> [IPNetwork] {
        try text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.map { entry in
            guard let network = IPNetwork(parsing: entry) else {
                throw ChorusError.badRequest("Not an address or network in the trusted proxies: \(entry)")
            }
            return network
        }
    }
}

/// The composition root: wires every controller and middleware. Tests call
/// the same function with an in-memory database.
public func buildApplication(services: Services, settings: ServerSettings, logger: Logger = Logger(label: "chorus")) -> some ApplicationProtocol {
    // One presenter, so one status JSON cache, for the API, the streams and app payloads.
    let presenter = MastodonPresenter(config: services.config)
    let router = buildRouter(services: services, settings: settings, presenter: presenter)
    let renderer = StreamRenderer(services: services, presenter: presenter)
    var app = Application(
        router: router,
        server: .http1WebSocketUpgrade(configuration: .init(), shouldUpgrade: WebSocketStreaming.shouldUpgrade(services: services, renderer: renderer)),
        configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "Chorus"),
        logger: logger)
    app.addServices(services.outboxRelay(logger: logger), services.homeFeedWarmer(logger: logger))
    if settings.outboundWorkers {
        let (dispatcher, deliverer) = services.appWorkers(renderer: AppPayloads(presenter: presenter), logger: logger)
        app.addServices(dispatcher, deliverer, services.bridgeWorker(logger: logger))
    }
    return app
}

/// The router with every route; separate so tests can drive it directly.
public func buildRouter(services: Services, settings: ServerSettings) -> Router<AppRequestContext> {
    buildRouter(services: services, settings: settings, presenter: MastodonPresenter(config: services.config))
}

func buildRouter(services: Services, settings: ServerSettings, presenter: MastodonPresenter) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    let pages = WebPages()
    // Outermost first: the security headers also go on the error answers made below them.
    router.add(middleware: SecurityHeadersMiddleware())
    router.add(middleware: JSONErrorMiddleware(pages: pages))
    router.add(middleware: ClientAddressMiddleware(trusted: settings.trustedProxies))
    if let directory = settings.publicDirectory {
        router.add(middleware: FileMiddleware(directory, searchForIndexHtml: false))
    }
    router.add(middleware: AuthMiddleware(oauth: services.oauth))

    let compose = ComposeService(services: services, renderer: AppPayloads(presenter: presenter))
    InstanceController(services: services).addRoutes(to: router)
    OAuthController(services: services).addRoutes(to: router)
    Web(services: services, pages: pages, compose: compose).addRoutes(to: router)
    router.get("health") { _, _ in "OK" }

    let v1 = router.group("api/v1", context: AuthenticatedContext.self)
    let v2 = router.group("api/v2", context: AuthenticatedContext.self)
    AccountsController(services: services, presenter: presenter).addRoutes(to: v1)
    StatusesController(services: services, presenter: presenter, compose: compose).addRoutes(to: v1)
    ChorusAppsController(services: services, presenter: presenter).addRoutes(anonymous: router, group: v1)
    BridgeController(services: services, presenter: presenter).addRoutes(anonymous: router, group: v1)
    TimelinesController(services: services, presenter: presenter).addRoutes(to: v1)
    NotificationsController(services: services, presenter: presenter).addRoutes(to: v1)
    SearchController(services: services, presenter: presenter).addRoutes(v1: v1, v2: v2)
    AdminController(services: services, presenter: presenter).addRoutes(to: v1)
    TeamsController(services: services, presenter: presenter).addRoutes(to: v1)
    CompatibilityController().addRoutes(to: v1)
    v2.get("filters") { _, context in
        _ = try context.user("read:filters")
        return try JSON.response([String]())
    }
    StreamingController(services: services, renderer: StreamRenderer(services: services, presenter: presenter))
        .addRoutes(anonymous: router, group: v1)
    return router
}
