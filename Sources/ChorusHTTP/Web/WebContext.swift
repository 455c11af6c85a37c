import ChorusCore
import ChorusServices
import ChorusStore
import HTTPTypes
import Hummingbird

/// The context of every web page: the browser's session, if it has one,
/// resolved once by `WebSessionMiddleware`.
struct WebContext: ChildRequestContext {
    var coreContext: CoreRequestContextStorage
    let remoteAddress: String?
    var session: WebSession?

    init(context: AppRequestContext) throws {
        coreContext = context.coreContext
        remoteAddress = context.remoteAddress
    }

    var maxUploadSize: Int { 1 << 20 }
}

/// The context of pages for signed-in people: the session is not optional,
/// and on a form (any method but GET and HEAD) `form` holds the fields of a
/// body whose form token `FormTokenMiddleware` has already checked.
struct SignedInContext: ChildRequestContext {
    var coreContext: CoreRequestContextStorage
    let remoteAddress: String?
    let session: WebSession
    var form = Params()

    init(context: WebContext) throws {
        guard let session = context.session else { throw ChorusHTTPError.unauthorized }
        coreContext = context.coreContext
        remoteAddress = context.remoteAddress
        self.session = session
    }

    var maxUploadSize: Int { 1 << 20 }
    var account: AccountRecord { session.account }

    /// The posted form read into its request type.
    func form<Body: RequestBody>(_ type: Body.Type) throws -> Body { try Body(form) }
}

/// Reads the session cookie of a web request (a live `session` token of an
/// active person; anything else counts as no cookie).
struct WebSessionMiddleware: RouterMiddleware {
    let services: Services

    func handle(_ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response) async throws -> Response {
        var context = context
        context.session = await WebSession.current(request, remoteAddress: context.remoteAddress, services: services)
        return try await next(request, context)
    }
}

/// Pages for signed-in people send a browser without a session to sign in
/// (the live stream, which a script opens, answers 401 instead).
struct SignInRequiredMiddleware: RouterMiddleware {
    func handle(_ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response) async throws -> Response {
        guard context.session != nil else {
            if request.uri.path == "/live" { return Response(status: .unauthorized, headers: [.cacheControl: "no-store"]) }
            return Web.redirect("/login")
        }
        return try await next(request, context)
    }
}

/// Every form of a signed-in page carries this session's form token (CSRF);
/// one without it is refused with a page saying so, before any handler runs.
struct FormTokenMiddleware: RouterMiddleware {
    let web: Web

    func handle(_ request: Request, context: SignedInContext, next: (Request, SignedInContext) async throws -> Response) async throws -> Response {
        guard request.method != .get, request.method != .head else { return try await next(request, context) }
        var context = context
        context.form = try await Params.from(request, context: context)
        guard context.session.accepts(context.form.string("csrf")) else {
            let frame = await web.frame(request, context.session, title: "error_title", path: "/")
            return web.message(frame, heading: "error_title", message: "bad_form", status: .forbidden)
        }
        return try await next(request, context)
    }
}

/// Pages for some roles only (editors, administrators): anyone else gets a
/// page saying no.
struct RoleGateMiddleware: RouterMiddleware {
    let web: Web
    let allows: @Sendable (Role) -> Bool

    static func editors(_ web: Web) -> Self { Self(web: web) { $0 != .member } }
    static func administrators(_ web: Web) -> Self { Self(web: web) { $0 == .admin } }

    func handle(_ request: Request, context: SignedInContext, next: (Request, SignedInContext) async throws -> Response) async throws -> Response {
        guard allows(context.account.role) else {
            let frame = await web.frame(request, context.session, title: "forbidden_title", path: "/")
            return web.message(frame, heading: "forbidden_title", message: "forbidden_message", status: .forbidden)
        }
        return try await next(request, context)
    }
}
