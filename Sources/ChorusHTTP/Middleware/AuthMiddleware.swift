import ChorusCore
import ChorusServices
import Foundation
import HTTPTypes
import Hummingbird

/// Reads a bearer token (the `Authorization` header, or `access_token` in
/// the query for streaming clients that cannot set headers) and puts the
/// principal into the context. A token that is present but invalid is a 401
/// at once; no token leaves the request anonymous for public routes.
struct AuthMiddleware: RouterMiddleware {
    let oauth: OAuthService

    func handle(_ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response) async throws -> Response {
        var context = context
        if let token = AuthMiddleware.bearerToken(request) {
            context.principal = try await oauth.authenticate(bearer: token)
        }
        return try await next(request, context)
    }

    static func bearerToken(_ request: Request) -> String? {
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" { return String(parts[1]).trimmingCharacters(in: .whitespaces) }
            return nil
        }
        if let token = request.uri.queryParameters["access_token"], !token.isEmpty { return String(token) }
        if let protocolHeader = request.headers[.secWebSocketProtocol], !protocolHeader.isEmpty, request.uri.path.hasPrefix("/api/v1/streaming") {
            return protocolHeader.split(separator: ",").first.map { $0.trimmingCharacters(in: .whitespaces) }
        }
        return nil
    }
}
