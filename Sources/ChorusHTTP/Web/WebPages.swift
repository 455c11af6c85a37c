import ChorusCore
import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// The templates (`Resources/Templates`) and message catalogues
/// (`Resources/Locales`) of the web pages, and rendering a page.
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
    func render(_ template: String, _ frame: PageFrame, _ content: some MustacheParent = NoContent(), status: HTTPResponse.Status = .ok) -> Response {
        let html = library.render(PageView(frame: frame, content: content), withTemplate: template) ?? ""
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// A friendly page that says what happened and shows nothing internal;
    /// `heading` and `message` are keys of the catalogue.
    func message(_ frame: PageFrame, heading: String, message: String, status: HTTPResponse.Status) -> Response {
        self.message(frame, heading: heading, text: frame.string(message), status: status)
    }

    /// The same with a sentence already in the page's language.
    func message(_ frame: PageFrame, heading: String, text: String, status: HTTPResponse.Status) -> Response {
        var frame = frame
        frame.title = frame.string(heading)
        return render("message", frame, MessageContent(heading: frame.string(heading), message: text), status: status)
    }

    /// The frame of a page for anyone (no session), in the language the
    /// browser chose or asks for.
    func anonymousFrame(_ request: Request, title: String, path: String) -> PageFrame {
        let language = Localizer.negotiate(chosen: request.cookies[WebSession.languageCookie]?.value, acceptLanguage: request.headers[.acceptLanguage])
        return PageFrame(localizer: localizer, language: language, title: title, session: nil, path: path)
    }
}
