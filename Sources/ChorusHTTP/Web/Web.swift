import ChorusCore
import ChorusServices
import ChorusStore
import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// What every page type shares: the services, the templates and strings,
/// the presenter of cards. One value, made once in `buildRouter`.
struct Web: Sendable {
    let services: Services
    let pages: WebPages
    let presenter: WebPresenter
    /// Posting from the compose box (slash commands included).
    let compose: ComposeService

    init(services: Services, pages: WebPages, compose: ComposeService) {
        self.services = services
        self.pages = pages
        self.presenter = WebPresenter(localizer: pages.localizer, baseURL: services.config.baseURL)
        self.compose = compose
    }

    var config: ChorusConfig { services.config }

    /// The frame of a page: its language (the person's choice, the cookie,
    /// the browser's), and for a signed-in person their unread count.
    func frame(_ request: Request, _ session: WebSession?, title: String, path: String, nav: PageFrame.Nav? = nil) async -> PageFrame {
        var frame = PageFrame(localizer: pages.localizer, language: language(request, session), title: title, session: session, path: path)
        frame.nav = nav
        if let session, let unread = try? await services.notifications.unreadCount(viewer: session.account), unread > 0 {
            frame.unread = unread
        }
        return frame
    }

    /// The page's language: the person's choice, the cookie, the browser's.
    func language(_ request: Request, _ session: WebSession?) -> String {
        Localizer.negotiate(chosen: session?.account.locale ?? request.cookies[WebSession.languageCookie]?.value,
                            acceptLanguage: request.headers[.acceptLanguage])
    }

    func render(_ template: String, _ frame: PageFrame, _ content: some MustacheParent = NoContent(), status: HTTPResponse.Status = .ok) -> Response {
        pages.render(template, frame, content, status: status)
    }

    func message(_ frame: PageFrame, heading: String, message: String, status: HTTPResponse.Status) -> Response {
        pages.message(frame, heading: heading, message: message, status: status)
    }

    /// A service's refusal in the page's language.
    func error(_ error: ChorusError, _ frame: PageFrame) -> String {
        pages.localizer.error(error.message, frame.language)
    }

    /// Whether a refusal is one a person can act on, shown on the page
    /// (others go up to the error page).
    static func isShown(_ error: ChorusError) -> Bool {
        [.unprocessable, .badRequest, .forbidden, .conflict, .notFound].contains(error.kind)
    }

    /// A "see other" to `location`, never cached.
    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }

    /// A path on this server (never another site), or nil.
    static func localPath(_ value: String?) -> String? { sameOriginPath(value) }

    /// `value` if it is a path on this site after the browser's own clean-up
    /// of a `Location` (which drops tabs and newlines anywhere, trims
    /// spaces and control characters, and reads `\\` as `/`), so that
    /// `/\t/evil.example` cannot turn into `//evil.example`; otherwise nil.
    static func sameOriginPath(_ value: String?) -> String? {
        guard let value, value.hasPrefix("/"), !value.hasPrefix("//") else { return nil }
        let forbidden = value.unicodeScalars.contains { scalar in
            scalar.value < 0x21 || scalar.value == 0x7F || scalar == "\\" || (0x80...0x9F).contains(scalar.value)
                || scalar.properties.isWhitespace || scalar.properties.generalCategory == .format
        }
        // What is left starts with one `/` followed by something else: the
        // browser resolves it against this origin, whatever comes after.
        return forbidden ? nil : value
    }

    /// The page's number in a `max_id` query, if any.
    static func maxID(_ request: Request) -> Int64? {
        Params(query: request).string("max_id").flatMap { Int64($0) }
    }
}
