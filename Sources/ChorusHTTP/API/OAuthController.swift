import ChorusCore
import ChorusServices
import Foundation
import HTTPTypes
import Hummingbird

/// OAuth: app registration, tokens and revocation (the sign-in page an app
/// sends a browser to is `AuthorizePages`).
struct OAuthController {
    let services: Services

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("api/v1/apps", use: registerApp)
        router.get("api/v1/apps/verify_credentials", use: verifyApp)
        router.post("oauth/token", use: token)
        router.post("oauth/revoke", use: revoke)
    }

    @Sendable func registerApp(_ request: Request, context: AppRequestContext) async throws -> Response {
        let params = try await Params.from(request, context: context)
        guard let name = params.nonEmpty("client_name") else { throw ChorusError.unprocessable("Validation failed: client_name is missing") }
        let registered = try await services.oauth.registerApp(name: name, redirectURIs: params.strings("redirect_uris"),
                                                              scopes: params.nonEmpty("scopes"), website: params.nonEmpty("website"))
        let app = registered.app
        return try JSON.response(RegisteredAppEntity(
            id: String(app.id ?? 0), name: app.name, website: app.website, scopes: app.scopes.split(separator: " ").map(String.init),
            redirectUri: app.redirectURIList.joined(separator: "\n"), redirectUris: app.redirectURIList,
            clientId: app.clientId, clientSecret: registered.clientSecret))
    }

    @Sendable func verifyApp(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let principal = context.principal, let appID = principal.appID, let app = try await services.oauth.app(id: appID) else {
            throw ChorusError.unauthorized()
        }
        return try JSON.response(AppEntity(name: app.name, website: app.website, scopes: app.scopes.split(separator: " ").map(String.init),
                                           redirectUri: app.redirectURIList.joined(separator: "\n"), redirectUris: app.redirectURIList))
    }

    @Sendable func token(_ request: Request, context: AppRequestContext) async throws -> Response {
        let params = try await Params.from(request, context: context)
        var (clientID, clientSecret) = (params.string("client_id"), params.string("client_secret"))
        if let basic = OAuthController.basicCredentials(request) { (clientID, clientSecret) = (basic.0, basic.1) }
        var tokenRequest = OAuthService.TokenRequest(grantType: params.string("grant_type") ?? "", clientID: clientID, clientSecret: clientSecret)
        tokenRequest.code = params.string("code")
        tokenRequest.redirectURI = params.string("redirect_uri")
        tokenRequest.codeVerifier = params.string("code_verifier")
        tokenRequest.username = params.string("username")
        tokenRequest.password = params.string("password")
        tokenRequest.scope = params.nonEmpty("scope")
        let issued = try await services.oauth.issueToken(tokenRequest, address: context.remoteAddress)
        return try JSON.response(TokenEntity(accessToken: issued.token, scope: issued.scopes.description, createdAt: Int(issued.createdAt.timeIntervalSince1970)),
                                 headers: [.cacheControl: "no-store"])
    }

    @Sendable func revoke(_ request: Request, context: AppRequestContext) async throws -> Response {
        let params = try await Params.from(request, context: context)
        var (clientID, clientSecret) = (params.string("client_id"), params.string("client_secret"))
        if let basic = OAuthController.basicCredentials(request) { (clientID, clientSecret) = (basic.0, basic.1) }
        try await services.oauth.revoke(token: try params.require("token"), clientID: clientID, clientSecret: clientSecret)
        return try JSON.empty()
    }

    static func basicCredentials(_ request: Request) -> (String, String)? {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("basic "),
              let data = Data(base64Encoded: String(header.dropFirst(6))), let text = String(data: data, encoding: .utf8),
              let colon = text.firstIndex(of: ":") else { return nil }
        return (String(text[..<colon]).removingPercentEncoding ?? "", String(text[text.index(after: colon)...]).removingPercentEncoding ?? "")
    }
}

struct RegisteredAppEntity: Encodable, Sendable {
    var id: String
    var name: String
    @Nullable var website: String?
    var scopes: [String]
    var redirectUri: String
    var redirectUris: [String]
    var clientId: String
    var clientSecret: String
    var clientSecretExpiresAt = 0
    var vapidKey = ""
}

struct AppEntity: Encodable, Sendable {
    var name: String
    @Nullable var website: String?
    var scopes: [String]
    var redirectUri: String
    var redirectUris: [String]
    var vapidKey = ""
}

struct TokenEntity: Encodable, Sendable {
    var accessToken: String
    var tokenType = "Bearer"
    var scope: String
    var createdAt: Int
}
