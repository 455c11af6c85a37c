import ChorusCore
import ChorusServices
import Foundation
import HTTPTypes
import Hummingbird

/// OAuth: app registration, the sign-in page, tokens and revocation.
struct OAuthController {
    let services: Services
    let pages: WebPages

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post("api/v1/apps", use: registerApp)
        router.get("api/v1/apps/verify_credentials", use: verifyApp)
        router.get("oauth/authorize", use: authorizePage)
        router.post("oauth/authorize", use: authorize)
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

    @Sendable func authorizePage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let params = Params(query: request)
        do {
            guard params.string("response_type") ?? "code" == "code" else { throw ChorusError.badRequest("Only response_type=code is supported") }
            let (app, scopes) = try await services.oauth.validateAuthorization(
                clientID: params.string("client_id") ?? "", redirectURI: params.string("redirect_uri") ?? "", scope: params.string("scope"))
            return signInPage(request, appName: app.name, scopes: scopes.description, params: params, error: nil)
        } catch let error as ChorusError {
            let model = model(request, title: "authorize_failed_title")
            return pages.message(model, heading: pages.localizer.string("authorize_failed_title", model.language),
                                 message: pages.localizer.error(error.message, model.language),
                                 status: .init(code: error.kind.status))
        }
    }

    @Sendable func authorize(_ request: Request, context: AppRequestContext) async throws -> Response {
        let params = try await Params.from(request, context: context)
        let clientID = params.string("client_id") ?? ""
        let redirectURI = params.string("redirect_uri") ?? ""
        guard FormGuard.accepts(request, params) else {
            let (app, scopes) = try await services.oauth.validateAuthorization(clientID: clientID, redirectURI: redirectURI, scope: params.string("scope"))
            return signInPage(request, appName: app.name, scopes: scopes.description, params: params,
                              error: pages.localizer.string("bad_form", model(request, title: "authorize_title").language), status: .forbidden)
        }
        do {
            let code = try await services.oauth.authorize(
                clientID: clientID, redirectURI: redirectURI, scope: params.string("scope"),
                login: params.string("username") ?? "", password: params.string("password") ?? "",
                codeChallenge: params.nonEmpty("code_challenge"), codeChallengeMethod: params.nonEmpty("code_challenge_method"),
                address: context.remoteAddress)
            if redirectURI == OAuthService.outOfBand {
                var page = model(request, title: "authorize_code_heading")
                page["code"] = code
                return pages.render("code", page)
            }
            var components = URLComponents(string: redirectURI)
            var items = components?.queryItems ?? []
            items.append(URLQueryItem(name: "code", value: code))
            if let state = params.string("state") { items.append(URLQueryItem(name: "state", value: state)) }
            components?.queryItems = items
            return Response(status: .found, headers: [.location: components?.string ?? redirectURI])
        } catch let error as ChorusError where error.kind == .unauthorized || error.kind == .tooManyRequests {
            let (app, scopes) = try await services.oauth.validateAuthorization(clientID: clientID, redirectURI: redirectURI, scope: params.string("scope"))
            return signInPage(request, appName: app.name, scopes: scopes.description, params: params,
                              error: pages.localizer.error(error.message, model(request, title: "authorize_title").language),
                              status: .init(code: error.kind.status))
        }
    }

    /// The page a browser sees when an app asks for access (no session: the
    /// person signs in here and the app gets a code).
    func signInPage(_ request: Request, appName: String, scopes: String, params: Params, error: String?, status: HTTPResponse.Status = .ok) -> Response {
        var page = model(request, title: "authorize_title")
        let keep = ["client_id", "redirect_uri", "scope", "state", "response_type", "code_challenge", "code_challenge_method"]
        page["hidden"] = keep.compactMap { name in params.string(name).map { ["name": name, "value": $0] } }
        page["appWants"] = pages.localizer.string("authorize_wants", page.language).replacingOccurrences(of: "{app}", with: appName)
        page["scopes"] = scopes
        page["username"] = params.string("username") ?? ""
        page["error"] = error
        let finish = FormGuard.protect(request, &page, config: services.config)
        return finish(pages.render("authorize", page, status: status))
    }

    func model(_ request: Request, title: String) -> PageModel {
        let language = Localizer.negotiate(chosen: request.cookies[WebSession.languageCookie]?.value, acceptLanguage: request.headers[.acceptLanguage])
        return PageModel(pages: pages, language: language, title: title, session: nil, path: request.uri.description)
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
