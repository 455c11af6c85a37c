import ChorusCore
import ChorusServices
import ChorusStore
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// The request context of every route: who is calling (if anyone) and from where.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `AuthMiddleware` when a valid bearer token came with the request.
    public var principal: Principal?
    /// The client's address, for rate limits and the audit log: the socket
    /// peer, or behind a trusted proxy the address it forwarded for.
    public var remoteAddress: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress?.ipAddress
    }

    /// Bodies over 1 MiB are refused with 413.
    public var maxUploadSize: Int { 1 << 20 }
}

/// The context of routes that need a signed-in caller: `principal` is not
/// optional, so no handler unwraps an identity by hand.
public struct AuthenticatedContext: ChildRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let principal: Principal
    public let remoteAddress: String?

    public init(context: AppRequestContext) throws {
        guard let principal = context.principal else { throw ChorusHTTPError.unauthorized }
        self.coreContext = context.coreContext
        self.principal = principal
        self.remoteAddress = context.remoteAddress
    }

    public var maxUploadSize: Int { 1 << 20 }

    /// The signed-in account, after checking the token grants `scope`.
    public func user(_ scope: String) throws -> ChorusStore.AccountRecord {
        try principal.require(scope)
        return try principal.user()
    }
}

/// Errors raised before a service is reached.
enum ChorusHTTPError {
    static let unauthorized = ChorusError.unauthorized("The access token is invalid")
}
