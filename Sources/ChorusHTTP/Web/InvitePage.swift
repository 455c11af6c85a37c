import ChorusCore
import ChorusServices
import HTTPTypes
import Hummingbird

/// `/invite/:token`: the invitee chooses a username and password.
struct InvitePage {
    let services: Services

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("invite/:token", use: show)
        router.post("invite/:token", use: accept)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let token = context.parameters.get("token") ?? ""
        do {
            _ = try await services.accounts.openInvite(token: token)
            return HTMLPage.response(form(token: token, params: nil, error: nil))
        } catch let error as ChorusError {
            return HTMLPage.response(HTMLPage.message(title: "邀请无效 · Invitation not valid", message: error.message), status: .notFound)
        }
    }

    @Sendable func accept(_ request: Request, context: AppRequestContext) async throws -> Response {
        let token = context.parameters.get("token") ?? ""
        let params = try await Params.from(request, context: context)
        do {
            guard params.string("password") == params.string("password_confirmation") else {
                throw ChorusError.unprocessable("The two passwords differ")
            }
            let account = try await services.accounts.acceptInvite(token: token, username: params.string("username") ?? "",
                                                                   password: params.string("password") ?? "",
                                                                   displayName: params.nonEmpty("display_name"))
            return HTMLPage.response(HTMLPage.message(title: "欢迎 · Welcome", message: "Your account @\(account.username) is ready. Sign in with any Mastodon app or the web."))
        } catch let error as ChorusError where error.kind == .unprocessable || error.kind == .conflict {
            return HTMLPage.response(form(token: token, params: params, error: error.message), status: .init(code: error.kind.status))
        } catch let error as ChorusError {
            return HTMLPage.response(HTMLPage.message(title: "邀请无效 · Invitation not valid", message: error.message), status: .init(code: error.kind.status))
        }
    }

    func form(token: String, params: Params?, error: String?) -> String {
        let errorHTML = error.map { "<p class=\"error\" role=\"alert\">\(HTMLPage.escape($0))</p>" } ?? ""
        return HTMLPage.layout(title: "Join", body: """
            <h1>加入 Chorus · Join Chorus</h1>\(errorHTML)
            <form method="post" action="/invite/\(HTMLPage.escape(token))">
            <label for="username">用户名 · Username</label>
            <input id="username" name="username" required pattern="[A-Za-z0-9_]{1,30}" value="\(HTMLPage.escape(params?.string("username") ?? ""))">
            <label for="display_name">显示名称 · Display name</label>
            <input id="display_name" name="display_name" maxlength="30" value="\(HTMLPage.escape(params?.string("display_name") ?? ""))">
            <label for="password">密码 · Password</label>
            <input id="password" name="password" type="password" minlength="8" autocomplete="new-password" required>
            <label for="password_confirmation">确认密码 · Confirm password</label>
            <input id="password_confirmation" name="password_confirmation" type="password" minlength="8" autocomplete="new-password" required>
            <button type="submit">创建账号 · Create account</button>
            </form>
            """)
    }
}
