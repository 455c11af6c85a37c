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

    /// `POST /api/v1/apps`: a client registering itself.
    struct RegisterAppRequest: RequestBody {
        let name: String
        let redirectURIs: [String]
        let scopes: String?
        let website: String?

        init(_ params: Params) throws {
            guard let name = params.nonEmpty("client_name") else { throw ChorusError.unprocessable("Validation failed: client_name is missing") }
            self.name = name
            redirectURIs = params.strings("redirect_uris")
            scopes = params.nonEmpty("scopes")
            website = params.nonEmpty("website")
        }
    }

    @Sendable func registerApp(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await RegisterAppRequest.decode(request, context: context)
        let registered = try await services.oauth.registerApp(name: body.name, redirectURIs: body.redirectURIs, scopes: body.scopes, website: body.website)
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

    /// `POST /oauth/token`: a grant, with the client's credentials in the
    /// body unless the request carries them as HTTP Basic authentication.
    struct TokenGrantRequest: RequestBody {
        let grantType: String
        let clientID: String?
        let clientSecret: String?
        let code: String?
        let redirectURI: String?
        let codeVerifier: String?
        let username: String?
        let password: String?
        let scope: String?

        init(_ params: Params) throws {
            grantType = params.string("grant_type") ?? ""
            clientID = params.string("client_id")
            clientSecret = params.string("client_secret")
            code = params.string("code")
            redirectURI = params.string("redirect_uri")
            codeVerifier = params.string("code_verifier")
            username = params.string("username")
            password = params.string("password")
            scope = params.nonEmpty("scope")
        }

        /// The grant, the client named by `basic` credentials when there are some.
        func tokenRequest(basic: (String, String)?) -> OAuthService.TokenRequest {
            var tokenRequest = OAuthService.TokenRequest(grantType: grantType, clientID: basic?.0 ?? clientID, clientSecret: basic?.1 ?? clientSecret)
            tokenRequest.code = code
            tokenRequest.redirectURI = redirectURI
            tokenRequest.codeVerifier = codeVerifier
            tokenRequest.username = username
            tokenRequest.password = password
            tokenRequest.scope = scope
            return tokenRequest
        }
    }

    @Sendable func token(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await TokenGrantRequest.decode(request, context: context)
        let issued = try await services.oauth.issueToken(body.tokenRequest(basic: OAuthController.basicCredentials(request)), address: context.remoteAddress)
        return try JSON.response(TokenEntity(accessToken: issued.token, scope: issued.scopes.description, createdAt: Int(issued.createdAt.timeIntervalSince1970)),
                                 headers: [.cacheControl: "no-store"])
    }

    /// `POST /oauth/revoke`: the token, and the client's credentials as for `/oauth/token`.
    struct RevokeRequest: RequestBody {
        let token: String
        let clientID: String?
        let clientSecret: String?

        init(_ params: Params) throws {
            clientID = params.string("client_id")
            clientSecret = params.string("client_secret")
            token = try params.require("token")
        }
    }

    @Sendable func revoke(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body = try await RevokeRequest.decode(request, context: context)
        let basic = OAuthController.basicCredentials(request)
        try await services.oauth.revoke(token: body.token, clientID: basic?.0 ?? body.clientID, clientSecret: basic?.1 ?? body.clientSecret)
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
