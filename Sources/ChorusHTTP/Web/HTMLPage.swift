import ChorusCore
import HTTPTypes
import Hummingbird

/// The few server-rendered pages the API needs (sign-in for OAuth, invites).
/// User-supplied text is always escaped.
enum HTMLPage {
    static func response(_ html: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    static func layout(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="zh-Hans"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title)) · Chorus</title><link rel="stylesheet" href="/css/chorus.css"></head>
        <body><main class="narrow">\(body)</main></body></html>
        """
    }

    static func message(title: String, message: String, code: String? = nil) -> String {
        layout(title: title, body: "<h1>\(escape(title))</h1><p>\(escape(message))</p>" + (code.map { "<pre><code>\(escape($0))</code></pre>" } ?? ""))
    }

    static func escape(_ text: String) -> String { HTMLRenderer.escape(text) }

    static func hidden(_ name: String, _ value: String?) -> String {
        guard let value else { return "" }
        return "<input type=\"hidden\" name=\"\(escape(name))\" value=\"\(escape(value))\">"
    }
}

/// The OAuth sign-in page.
enum SignInPage {
    static func render(appName: String, scopes: String, params: Params, error: String?) -> String {
        let keep = ["client_id", "redirect_uri", "scope", "state", "response_type", "code_challenge", "code_challenge_method"]
        let hidden = keep.map { HTMLPage.hidden($0, params.string($0)) }.joined()
        let errorHTML = error.map { "<p class=\"error\" role=\"alert\">\(HTMLPage.escape($0))</p>" } ?? ""
        return HTMLPage.layout(title: "Sign in", body: """
            <h1>登录 Chorus · Sign in</h1>
            <p><strong>\(HTMLPage.escape(appName))</strong> wants access to your account (\(HTMLPage.escape(scopes))).</p>
            \(errorHTML)
            <form method="post" action="/oauth/authorize">\(hidden)
            <label for="username">用户名或邮箱 · Username or e-mail</label>
            <input id="username" name="username" autocomplete="username" required value="\(HTMLPage.escape(params.string("username") ?? ""))">
            <label for="password">密码 · Password</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required>
            <button type="submit">授权 · Authorize</button>
            </form>
            """)
    }
}
