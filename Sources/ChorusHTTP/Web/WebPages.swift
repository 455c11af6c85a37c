import ChorusCore
import ChorusServices
import ChorusStore
import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// Renders the web pages: Mustache templates (`Resources/Templates`) with
/// strings from the message catalogues (`Resources/Locales`).
struct WebPages: Sendable {
    let library: MustacheLibrary
    let localizer: Localizer

    init() {
        var templates: [String: MustacheTemplate] = [:]
        if let folder = Bundle.module.url(forResource: "Templates", withExtension: nil),
           let files = try? FileManager.default.contentsOfDirectory(atPath: folder.path) {
            for file in files where file.hasSuffix(".mustache") {
                guard let text = try? String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8),
                      let template = try? MustacheTemplate(string: text) else { continue }
                templates[String(file.dropLast(".mustache".count))] = template
            }
        }
        library = MustacheLibrary(templates: templates)
        localizer = Localizer()
    }

    /// A page as an HTML response (never cached: pages show private content).
    func render(_ template: String, _ page: PageModel, status: HTTPResponse.Status = .ok) -> Response {
        let html = library.render(page.values, withTemplate: template) ?? ""
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// A friendly error page that shows nothing internal.
    func message(_ page: PageModel, heading: String, message: String, status: HTTPResponse.Status) -> Response {
        var page = page
        page["title"] = heading
        page["heading"] = heading
        page["message"] = message
        return render("message", page, status: status)
    }
}

/// What every page gets: the strings of its language, the signed-in person
/// and their form token, the language links. Pages add their own values.
struct PageModel {
    private(set) var values: [String: Any] = [:]
    let language: String

    init(pages: WebPages, language: String, title: String, session: WebSession?, path: String) {
        self.language = language
        let strings = pages.localizer.strings(language)
        values["t"] = strings
        values["title"] = strings[title] ?? title
        if let session {
            values["user"] = ["displayName": session.account.shownName]
            values["csrf"] = session.csrf
            values["isAdmin"] = session.account.role == .admin
            values["isEditor"] = session.account.role != .member
        }
        let next = LinkHeader.encode(path)
        values["languages"] = [("zh-Hans", "简体中文"), ("zh-Hant", "繁體中文"), ("en", "English")].map { code, name in
            ["code": code, "name": name, "next": next, "current": code == language] as [String: Any]
        }
    }

    subscript(key: String) -> Any? {
        get { values[key] }
        set { values[key] = newValue }
    }
}

extension AccountRecord {
    /// The name pages show: the display name, or the username when it has none.
    var shownName: String { displayName.isEmpty ? username : displayName }
}
