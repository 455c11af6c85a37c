import ChorusCore
import ChorusServices
import ChorusStore
import Crypto
import Foundation
import Hummingbird

/// A signed-in browser: the session cookie holds a token of kind `session`
/// (so deactivation and sign-out revoke it like any token), and every form
/// carries a token derived from it (CSRF).
struct WebSession: Sendable {
    static let cookieName = "chorus_session"
    static let languageCookie = "chorus_lang"

    let token: String
    let principal: Principal
    let account: AccountRecord

    /// The form token of this session: an HMAC of a fixed label keyed by the
    /// session token, so it needs no storage and dies with the session.
    var csrf: String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("chorus-csrf".utf8), using: SymmetricKey(data: Data(token.utf8)))
        return Data(mac).map { String(format: "%02x", $0) }.joined()
    }

    /// The session of a request's cookie, if it is a live session token and
    /// its person active; any other token is treated as no cookie at all.
    /// `remoteAddress` is the client's, for the list of sessions.
    static func current(_ request: Request, remoteAddress: String?, services: Services) async -> WebSession? {
        guard let token = request.cookies[cookieName]?.value, !token.isEmpty,
              let principal = try? await services.oauth.authenticateSession(token: token, client: client(request, remoteAddress: remoteAddress)),
              let account = principal.account else { return nil }
        return WebSession(token: token, principal: principal, account: account)
    }

    /// Whether a submitted form token belongs to this session.
    func accepts(_ submitted: String?) -> Bool {
        guard let submitted else { return false }
        return SecretGenerator.constantTimeEquals(submitted, csrf)
    }

    /// The session cookie; the browser keeps it as long as a session can
    /// last at all (the server ends it sooner when it goes unused).
    static func cookie(_ value: String, config: ChorusConfig, maxAge: Int? = nil) -> Cookie {
        .chorus(cookieName, value, maxAge: maxAge ?? Int(config.sessionLifetime), config: config)
    }

    /// The browser and address a request comes from.
    static func client(_ request: Request, remoteAddress: String?) -> SessionClient {
        SessionClient(address: remoteAddress, userAgent: request.headers[.userAgent])
    }
}

extension Cookie {
    /// A cookie of Chorus's own: for the whole site, HttpOnly, SameSite=Lax,
    /// and Secure when the base URL is https, so it never travels in clear.
    static func chorus(_ name: String, _ value: String, maxAge: Int? = nil, config: ChorusConfig) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: config.baseURL.hasPrefix("https://"), httpOnly: true, sameSite: .lax)
    }
}

/// Forms shown before anyone is signed in (sign-in, first-run setup,
/// invitations, an app's authorization) carry a token that must equal a
/// cookie set with the form (double submit): another site can make a
/// browser post such a form, but can neither read the cookie nor set it.
enum FormGuard {
    static let cookieName = "chorus_form"
    static let fieldName = "form_token"

    /// The browser's token, or a new one (then `isNew`: set the cookie).
    static func token(_ request: Request) -> (value: String, isNew: Bool) {
        if let value = request.cookies[cookieName]?.value, value.count >= 32 { return (value, false) }
        return (SecretGenerator.token(), true)
    }

    static func accepts(_ request: Request, _ params: Params) -> Bool {
        guard let cookie = request.cookies[cookieName]?.value, cookie.count >= 32, let field = params.string(fieldName) else { return false }
        return SecretGenerator.constantTimeEquals(cookie, field)
    }

    /// Adds the token to a page, and the cookie to its response when new.
    static func protect(_ request: Request, _ frame: inout PageFrame, config: ChorusConfig) -> (Response) -> Response {
        let (value, isNew) = token(request)
        frame.formToken = value
        return { response in
            guard isNew else { return response }
            var response = response
            response.setCookie(.chorus(cookieName, value, config: config))
            return response
        }
    }
}
