import ChorusCore
import ChorusServices
import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// The page a browser sees when an app asks for access (`/oauth/authorize`):
/// the person signs in here, and the app gets a code (or the page shows it,
/// for apps without a redirect).
struct AuthorizePages {
    let web: Web
    var services: Services { web.services }

    func addRoutes(to anyone: RouterGroup<WebContext>) {
        anyone.get("oauth/authorize", use: authorizePage)
        anyone.post("oauth/authorize", use: authorize)
    }

    /// What the app asks for (the query of the page, the fields of its form).
    struct AuthorizationRequest: RequestBody {
        let params: Params
        var clientID: String { params.string("client_id") ?? "" }
        var redirectURI: String { params.string("redirect_uri") ?? "" }
        var scope: String? { params.string("scope") }

        init(_ params: Params) throws { self.params = params }

        /// The fields carried through the sign-in form unchanged.
        var carried: [Choice] {
            ["client_id", "redirect_uri", "scope", "state", "response_type", "code_challenge", "code_challenge_method"].compactMap { name in
                params.string(name).map { Choice(value: $0, label: name) }
            }
        }
    }

    struct Content: MustacheParent {
        let appWants: String
        let scopes: String
        let username: String
        let hidden: [Choice]
        var code: String?

        func child(named key: String) -> Any? {
            switch key {
            case "appWants": appWants
            case "scopes": scopes
            case "username": username
            case "hidden": hidden
            case "code": code
            default: nil
            }
        }
    }

    @Sendable func authorizePage(_ request: Request, context: WebContext) async throws -> Response {
        let asked = try AuthorizationRequest.query(request)
        do {
            guard asked.params.string("response_type") ?? "code" == "code" else { throw ChorusError.badRequest("Only response_type=code is supported") }
            let (app, scopes) = try await services.oauth.validateAuthorization(clientID: asked.clientID, redirectURI: asked.redirectURI, scope: asked.scope)
            return signInPage(request, appName: app.name, scopes: scopes.description, asked: asked, error: nil)
        } catch let error as ChorusError {
            let frame = web.pages.anonymousFrame(request, title: "authorize_failed_title", path: request.uri.description)
            return web.pages.message(frame, heading: "authorize_failed_title", text: web.error(error, frame), status: .init(code: error.kind.status))
        }
    }

    @Sendable func authorize(_ request: Request, context: WebContext) async throws -> Response {
        let asked = try await AuthorizationRequest.decode(request, context: context)
        let frame = web.pages.anonymousFrame(request, title: "authorize_title", path: request.uri.description)
        guard FormGuard.accepts(request, asked.params) else {
            let (app, scopes) = try await services.oauth.validateAuthorization(clientID: asked.clientID, redirectURI: asked.redirectURI, scope: asked.scope)
            return signInPage(request, appName: app.name, scopes: scopes.description, asked: asked, error: frame.string("bad_form"), status: .forbidden)
        }
        do {
            let code = try await services.oauth.authorize(
                clientID: asked.clientID, redirectURI: asked.redirectURI, scope: asked.scope,
                login: asked.params.string("username") ?? "", password: asked.params.string("password") ?? "",
                codeChallenge: asked.params.nonEmpty("code_challenge"), codeChallengeMethod: asked.params.nonEmpty("code_challenge_method"),
                address: context.remoteAddress)
            if asked.redirectURI == OAuthService.outOfBand {
                let codeFrame = web.pages.anonymousFrame(request, title: "authorize_code_heading", path: request.uri.description)
                return web.render("code", codeFrame, Content(appWants: "", scopes: "", username: "", hidden: [], code: code))
            }
            var components = URLComponents(string: asked.redirectURI)
            var items = components?.queryItems ?? []
            items.append(URLQueryItem(name: "code", value: code))
            if let state = asked.params.string("state") { items.append(URLQueryItem(name: "state", value: state)) }
            components?.queryItems = items
            return Response(status: .found, headers: [.location: components?.string ?? asked.redirectURI])
        } catch let error as ChorusError where error.kind == .unauthorized || error.kind == .tooManyRequests {
            let (app, scopes) = try await services.oauth.validateAuthorization(clientID: asked.clientID, redirectURI: asked.redirectURI, scope: asked.scope)
            return signInPage(request, appName: app.name, scopes: scopes.description, asked: asked, error: web.error(error, frame),
                              status: .init(code: error.kind.status))
        }
    }

    func signInPage(_ request: Request, appName: String, scopes: String, asked: AuthorizationRequest, error: String?,
                    status: HTTPResponse.Status = .ok) -> Response {
        var frame = web.pages.anonymousFrame(request, title: "authorize_title", path: request.uri.description)
        frame.error = error
        let content = Content(appWants: frame.string("authorize_wants").replacingOccurrences(of: "{app}", with: appName), scopes: scopes,
                              username: asked.params.string("username") ?? "", hidden: asked.carried)
        let finish = FormGuard.protect(request, &frame, config: web.config)
        return finish(web.render("authorize", frame, content, status: status))
    }
}
