import ChorusCore
import ChorusServices
import Foundation
import HTTPTypes
import Hummingbird

/// Reads a bearer token (the `Authorization` header, or on the streaming
/// routes only `access_token` in the query for clients that cannot set headers) and puts the
/// principal into the context. A token that is present but invalid is a 401
/// at once; no token leaves the request anonymous for public routes.
struct AuthMiddleware: RouterMiddleware {
    let oauth: OAuthService

    func handle(_ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response) async throws -> Response {
        var context = context
        if let token = AuthMiddleware.bearerToken(request) {
            context.principal = try await AuthMiddleware.authenticate(token, method: request.method, path: request.uri.path, oauth: oauth)
        }
        return try await next(request, context)
    }

    /// The one check of a bearer token, for routed requests and for the
    /// WebSocket upgrade (which happens before the router): a valid token,
    /// and a team install's token only where `teamTokenAllows` lets it.
    static func authenticate(_ token: String, method: HTTPRequest.Method, path: String, oauth: OAuthService) async throws -> Principal {
        let principal = try await oauth.authenticate(bearer: token)
        if let teamID = principal.teamID, !teamTokenAllows(method, path: path, teamID: teamID) {
            throw ChorusError.forbidden("This token belongs to an app installed in one team: it may only post there and read that team")
        }
        return principal
    }

    /// What a team install's token may do: post (in its team: the compose
    /// service enforces that), delete its own posts, read its team's feed,
    /// details and members, and check itself.
    static func teamTokenAllows(_ method: HTTPRequest.Method, path: String, teamID: Int64) -> Bool {
        let parts = path.split(separator: "/").map(String.init)
        let team = String(teamID)
        switch (method, parts) {
        case (.get, ["api", "v1", "accounts", "verify_credentials"]), (.get, ["api", "v1", "instance"]), (.get, ["api", "v2", "instance"]),
             (.post, ["api", "v1", "statuses"]):
            return true
        case (.delete, let p) where p.count == 4 && p[0...2] == ["api", "v1", "statuses"]:
            return true
        case (.get, let p) where p == ["api", "v1", "chorus", "timelines", "team", team] || p == ["api", "v1", "chorus", "teams", team]
            || p == ["api", "v1", "chorus", "teams", team, "members"]:
            return true
        default:
            return false
        }
    }

    static func bearerToken(_ request: Request) -> String? {
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" { return String(parts[1]).trimmingCharacters(in: .whitespaces) }
            return nil
        }
        // A token in the query string ends up in proxy and access logs, so, as
        // in Mastodon, only streaming clients (which cannot set headers) may use it.
        guard isStreaming(request.uri.path) else { return nil }
        if let token = request.uri.queryParameters["access_token"], !token.isEmpty { return String(token) }
        if let protocolHeader = request.headers[.secWebSocketProtocol], !protocolHeader.isEmpty {
            return protocolHeader.split(separator: ",").first.map { $0.trimmingCharacters(in: .whitespaces) }
        }
        return nil
    }

    static func isStreaming(_ path: String) -> Bool {
        path == "/api/v1/streaming" || path.hasPrefix("/api/v1/streaming/")
    }
}
