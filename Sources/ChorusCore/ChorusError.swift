/// The one error type of Chorus: a kind that maps to an HTTP status and a
/// message that is safe to show to the caller. Underlying causes are logged,
/// never sent.
public struct ChorusError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, in the terms a client can act on.
    public enum Kind: Sendable, Equatable {
        case badRequest, unauthorized, forbidden, notFound, conflict
        case payloadTooLarge, unprocessable, tooManyRequests, unavailable
        /// An app answered wrongly or not at all (a slash command).
        case badGateway, gatewayTimeout

        /// The HTTP status code for this kind.
        public var status: Int {
            switch self {
            case .badRequest: 400
            case .unauthorized: 401
            case .forbidden: 403
            case .notFound: 404
            case .conflict: 409
            case .payloadTooLarge: 413
            case .unprocessable: 422
            case .tooManyRequests: 429
            case .unavailable: 503
            case .badGateway: 502
            case .gatewayTimeout: 504
            }
        }
    }

    public let kind: Kind
    /// A human-readable reason, safe to show to the caller.
    public let message: String
    /// For 429 and 503: seconds after which trying again may succeed
    /// (the `Retry-After` header). Not part of equality.
    public var retryAfter: Int?

    public init(_ kind: Kind, _ message: String, retryAfter: Int? = nil) {
        self.kind = kind
        self.message = message
        self.retryAfter = retryAfter
    }

    public static func == (lhs: ChorusError, rhs: ChorusError) -> Bool { lhs.kind == rhs.kind && lhs.message == rhs.message }

    public var description: String { "\(kind) (\(kind.status)): \(message)" }

    public static func badRequest(_ message: String) -> ChorusError { .init(.badRequest, message) }
    public static func unauthorized(_ message: String = "The access token is invalid") -> ChorusError { .init(.unauthorized, message) }
    public static func forbidden(_ message: String = "This action is outside the authorized scopes") -> ChorusError { .init(.forbidden, message) }
    public static func notFound(_ message: String = "Record not found") -> ChorusError { .init(.notFound, message) }
    public static func conflict(_ message: String) -> ChorusError { .init(.conflict, message) }
    public static func unprocessable(_ message: String) -> ChorusError { .init(.unprocessable, message) }
    public static func tooManyRequests(_ message: String = "Too many requests", retryAfter: Int? = nil) -> ChorusError {
        .init(.tooManyRequests, message, retryAfter: retryAfter)
    }
}
