@testable import ChorusHTTP
import ChorusCore
import ChorusServices
import ChorusStore
import ChorusTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Web pages: sign-in, home, compose, languages")
struct WebPagesTests {
    static let html: HTTPFields = [.accept: "text/html"]

    /// Signs in through the form; returns the session cookie ("name=value").
    func signIn(_ client: any TestClientProtocol, _ username: String) async throws -> String {
        let response = try await client.submit("/login", form: ["username": username, "password": TestFixture.password])
        #expect(response.status == 303)
        #expect(response.headers[.location] == "/")
        let cookie = try #require(response.headers[.setCookie])
        #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"))
        return String(cookie.prefix { $0 != ";" })
    }

    func csrf(in page: ChorusTestSupport.TestResponse) -> String? { page.csrf }

    // MARK: Tests

    @Test func signedOutVisitorsSeeOnlyTheSignInPage() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        _ = try await fixture.post(alice, "内部消息")
        try await TestAPI(fixture).run { client in
            let home = try await client.call(.get, "/", headers: Self.html)
            #expect(home.status == 303 && home.headers[.location] == "/login")
            let login = try await client.call(.get, "/login", headers: [.acceptLanguage: "zh-CN,zh;q=0.9"])
            #expect(login.status == 200)
            #expect(login.text.contains("<html lang=\"zh-Hans\">") && login.text.contains("登录 Chorus"))
            #expect(!login.text.contains("内部消息"))
            #expect(login.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
            let bad = try await client.submit("/login", form: ["username": "alice", "password": "wrong password"],
                                              headers: [.acceptLanguage: "en"])
            #expect(bad.status == 401 && bad.text.contains("That username and password do not match."))
            #expect(bad.headers[.setCookie] == nil)
            // Without the form's token (another site posting the form): refused before any password check.
            let forged = try await client.call(.post, "/login", form: ["username": "alice", "password": TestFixture.password])
            #expect(forged.status == 403 && forged.headers[.setCookie]?.hasPrefix("chorus_session") != true)
        }
    }

    @Test func homeShowsTheTimelineAndPostsWithTheFormToken() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        let bob = try await fixture.user("bob")
        _ = try await fixture.services.follows.follow(alice.id, by: bob)
        _ = try await fixture.post(alice, "周五发布会 #发布会#")
        try await TestAPI(fixture).run { client in
            let cookie = try await signIn(client, "bob")
            let home = try await client.call(.get, "/", headers: [.cookie: cookie])
            #expect(home.status == 200)
            #expect(home.text.contains("周五发布会") && home.text.contains("id=\"compose\""))
            let older = try await client.call(.get, "/?max_id=1", headers: [.cookie: cookie])
            #expect(older.status == 200 && older.text.contains("rel=\"prev\"") && !older.text.contains("/js/live.js"))
            #expect(home.text.contains("/js/compose.js"))
            let token = try #require(csrf(in: home))
            // Without the form token: refused, nothing posted.
            let forged = try await client.call(.post, "/statuses", form: ["status": "forged"], headers: [.cookie: cookie])
            #expect(forged.status == 403)
            let posted = try await client.call(.post, "/statuses", form: ["status": "大家好 👩‍💻", "csrf": token], headers: [.cookie: cookie])
            #expect(posted.status == 303 && posted.headers[.location] == "/?posted=1")
            let after = try await client.call(.get, "/?posted=1", headers: [.cookie: cookie])
            #expect(after.text.contains("大家好 👩‍💻") && !after.text.contains("forged"))
            // Over 140 without JavaScript: the server's error on the page, the draft kept.
            let long = String(repeating: "长", count: 141)
            let refused = try await client.call(.post, "/statuses", form: ["status": long, "csrf": token],
                                                headers: [.cookie: cookie])
            #expect(refused.status == 422)
            #expect(refused.text.contains("role=\"alert\"") && refused.text.contains("141") && refused.text.contains(long))
        }
    }

    @Test func profilesShowPostsAndFollowWithTheFormToken() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        let bob = try await fixture.user("bob")
        _ = try await fixture.post(alice, "alice 的公开动态")
        _ = try await fixture.post(alice, "只给粉丝看", visibility: .followers)
        try await TestAPI(fixture).run { client in
            let cookie = try await signIn(client, "bob")
            let before = try await client.call(.get, "/@alice", headers: [.cookie: cookie])
            #expect(before.status == 200)
            #expect(before.text.contains("alice 的公开动态") && !before.text.contains("只给粉丝看"))
            #expect(before.text.contains("action=\"/@alice/follow\""))
            let token = try #require(csrf(in: before))
            let forged = try await client.call(.post, "/@alice/follow", form: [:], headers: [.cookie: cookie])
            #expect(forged.status == 403)
            let followed = try await client.call(.post, "/@alice/follow", form: ["csrf": token], headers: [.cookie: cookie])
            #expect(followed.status == 303 && followed.headers[.location] == "/@alice")
            let after = try await client.call(.get, "/@alice", headers: [.cookie: cookie])
            #expect(after.text.contains("只给粉丝看") && after.text.contains("action=\"/@alice/unfollow\""))
            let followers = try await client.call(.get, "/@alice/followers", headers: [.cookie: cookie])
            #expect(followers.status == 200 && followers.text.contains("href=\"/@bob\""))
            let following = try await client.call(.get, "/@bob/following", headers: [.cookie: cookie])
            #expect(following.status == 200 && following.text.contains("href=\"/@alice\""))
            #expect(try await fixture.services.follows.relationships([alice.id], viewer: bob).first?.following == true)
            let missing = try await client.call(.get, "/@nobody", headers: [.cookie: cookie, .accept: "text/html"])
            #expect(missing.status == 404 && missing.headers[.contentType]?.hasPrefix("text/html") == true)
            let signedOut = try await client.call(.get, "/@alice")
            #expect(signedOut.status == 303 && !signedOut.text.contains("alice 的公开动态"))
            let liveSignedOut = try await client.call(.get, "/live")
            #expect(liveSignedOut.status == 401)
        }
    }

    @Test func teamPagesKeepPrivateTeamsWalled() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        _ = try await fixture.user("bob")
        var open = TeamService.Settings(name: "发布组 Release", slug: "release")
        open.joinPolicy = .open
        _ = try await fixture.services.teams.createTeam(by: alice, open)
        var secret = TeamService.Settings(name: "猎鹰计划", slug: "falcon")
        secret.privacy = .private
        secret.joinPolicy = .invite
        let falcon = try await fixture.services.teams.createTeam(by: alice, secret).team
        var draft = StatusService.Draft(text: "原型机下周到货")
        draft.teamID = falcon.id
        _ = try await fixture.services.statuses.createStatus(by: alice, draft)
        try await TestAPI(fixture).run { client in
            let cookie = try await signIn(client, "bob")
            let list = try await client.call(.get, "/teams", headers: [.cookie: cookie])
            #expect(list.text.contains("/teams/release") && !list.text.contains("猎鹰计划"))
            let walled = try await client.call(.get, "/teams/falcon", headers: [.cookie: cookie, .accept: "text/html"])
            #expect(walled.status == 404 && !walled.text.contains("原型机"))
            let release = try await client.call(.get, "/teams/release", headers: [.cookie: cookie])
            #expect(release.status == 200 && release.text.contains("action=\"/teams/release/join\""))
            let token = try #require(csrf(in: release))
            let joined = try await client.call(.post, "/teams/release/join", form: ["csrf": token], headers: [.cookie: cookie])
            #expect(joined.status == 303)
            let member = try await client.call(.get, "/teams/release", headers: [.cookie: cookie])
            #expect(member.text.contains("name=\"team_id\"") && member.text.contains("action=\"/teams/release/leave\""))
            let teamID = try #require(member.text.range(of: #"name="team_id" value="\d+""#, options: .regularExpression)
                .map { String(member.text[$0].filter(\.isNumber)) })
            let posted = try await client.call(.post, "/statuses", form: ["status": "团队里的第一条", "csrf": token, "team_id": teamID,
                                                                         "next": "/teams/release"], headers: [.cookie: cookie])
            #expect(posted.status == 303 && posted.headers[.location] == "/teams/release")
            #expect(try await client.call(.get, "/teams/release", headers: [.cookie: cookie]).text.contains("团队里的第一条"))
            let company = try await client.call(.get, "/public", headers: [.cookie: cookie])
            #expect(company.status == 200 && !company.text.contains("团队里的第一条") && !company.text.contains("原型机"))
        }
    }

    @Test func cardsFavouriteRepostReplyQuoteAndDelete() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        let bob = try await fixture.user("bob")
        _ = try await fixture.services.follows.follow(alice.id, by: bob)
        let post = try await fixture.post(alice, "周五发布会")
        let limited = try await fixture.post(alice, "只给粉丝", visibility: .followers)
        try await TestAPI(fixture).run { client in
            let cookie = try await signIn(client, "bob")
            let home = try await client.call(.get, "/", headers: [.cookie: cookie])
            let token = try #require(csrf(in: home))
            let id = post.status.id
            #expect(home.text.contains("action=\"/statuses/\(id)/favourite\"") && home.text.contains("action=\"/statuses/\(id)/reblog\""))
            #expect(!home.text.contains("action=\"/statuses/\(limited.status.id)/reblog\""))
            #expect(!home.text.contains("action=\"/statuses/\(id)/delete\""))
            let liked = try await client.call(.post, "/statuses/\(id)/favourite", form: ["csrf": token, "next": "/"], headers: [.cookie: cookie])
            #expect(liked.status == 303 && liked.headers[.location] == "/")
            let reposted = try await client.call(.post, "/statuses/\(id)/reblog", form: ["csrf": token, "next": "//evil.example"],
                                                 headers: [.cookie: cookie])
            #expect(reposted.headers[.location] == "/")
            let after = try await fixture.services.statuses.status(id: id, viewer: bob)
            #expect(after.favourited && after.reblogged && after.status.favouritesCount == 1)
            // The thread page: reply and quote forms.
            let thread = try await client.call(.get, "/@alice/\(id)", headers: [.cookie: cookie])
            #expect(thread.status == 200 && thread.text.contains("name=\"in_reply_to_id\" value=\"\(id)\""))
            #expect(thread.text.contains("@alice ") && thread.text.contains("name=\"quoted_status_id\""))
            let replied = try await client.call(.post, "/statuses", form: ["csrf": token, "status": "@alice 收到", "in_reply_to_id": String(id),
                                                                          "next": "/@alice/\(id)"], headers: [.cookie: cookie])
            #expect(replied.status == 303 && replied.headers[.location] == "/@alice/\(id)")
            let quoted = try await client.call(.post, "/statuses", form: ["csrf": token, "status": "转发：大家注意", "quoted_status_id": String(id),
                                                                         "next": "/"], headers: [.cookie: cookie])
            #expect(quoted.status == 303)
            let withReply = try await client.call(.get, "/@alice/\(id)", headers: [.cookie: cookie])
            #expect(withReply.text.contains("收到"))
            let home2 = try await client.call(.get, "/", headers: [.cookie: cookie])
            #expect(home2.text.contains("转发：大家注意") && home2.text.contains("class=\"quoted\""))
            // Bob deletes his reply from its card.
            let replyID = try #require(try await fixture.services.statuses.context(id: id, viewer: bob).descendants.first?.status.id)
            let deleted = try await client.call(.post, "/statuses/\(replyID)/delete", form: ["csrf": token, "next": "/@alice/\(id)"],
                                                headers: [.cookie: cookie])
            #expect(deleted.status == 303)
            #expect(!(try await client.call(.get, "/@alice/\(id)", headers: [.cookie: cookie])).text.contains("收到"))
            // Someone else's post cannot be deleted.
            let refused = try await client.call(.post, "/statuses/\(id)/delete", form: ["csrf": token], headers: [.cookie: cookie, .accept: "text/html"])
            #expect(refused.status == 403 || refused.status == 404)
        }
    }

    @Test func tagSearchAndNotificationPages() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        _ = try await fixture.user("bob")
        try await TestAPI(fixture).run { client in
            let cookie = try await signIn(client, "bob")
            _ = try await fixture.post(alice, "周五 #发布会# 见 @bob")
            let home = try await client.call(.get, "/", headers: [.cookie: cookie])
            #expect(home.text.contains("id=\"unread-count\">1"))
            let token = try #require(csrf(in: home))
            let tag = try await client.call(.get, "/tags/%E5%8F%91%E5%B8%83%E4%BC%9A", headers: [.cookie: cookie])
            #expect(tag.status == 200 && tag.text.contains("#发布会") && tag.text.contains("周五"))
            let followed = try await client.call(.post, "/tags/%E5%8F%91%E5%B8%83%E4%BC%9A/follow", form: ["csrf": token], headers: [.cookie: cookie])
            #expect(followed.status == 303)
            #expect(try await fixture.services.search.isFollowingTag("发布会", viewer: try await fixture.services.accounts.account(username: "bob")))
            let search = try await client.call(.get, "/search?q=%E5%8F%91%E5%B8%83", headers: [.cookie: cookie])
            #expect(search.status == 200 && search.text.contains("周五") && search.text.contains("/tags/"))
            let people = try await client.call(.get, "/search?q=ali", headers: [.cookie: cookie])
            #expect(people.text.contains("href=\"/@alice\""))
            let notifications = try await client.call(.get, "/notifications", headers: [.cookie: cookie])
            #expect(notifications.status == 200 && notifications.text.contains("class=\"notification unread\"") && notifications.text.contains("周五"))
            // Opening the list marked them read.
            let again = try await client.call(.get, "/", headers: [.cookie: cookie])
            #expect(!again.text.contains("unread-count"))
        }
    }

    @Test func settingsChangeProfilePasswordAndEndOtherSessions() async throws {
        let fixture = try await TestFixture()
        _ = try await fixture.user("alice")
        try await TestAPI(fixture).run { client in
            let here = try await signIn(client, "alice")
            let elsewhere = try await signIn(client, "alice")
            let page = try await client.call(.get, "/settings", headers: [.cookie: here])
            #expect(page.status == 200 && page.text.contains("action=\"/settings/profile\""))
            let token = try #require(csrf(in: page))
            let saved = try await client.call(.post, "/settings/profile", form: ["csrf": token, "display_name": "爱丽丝", "note": "市场部", "locale": "en"],
                                              headers: [.cookie: here])
            #expect(saved.status == 303)
            let after = try await client.call(.get, "/settings?done=settings_saved", headers: [.cookie: here])
            #expect(after.text.contains("value=\"爱丽丝\"") && after.text.contains("Saved.") && after.text.contains("<html lang=\"en\">"))
            let tooLong = try await client.call(.post, "/settings/profile", form: ["csrf": token, "display_name": String(repeating: "名", count: 31)],
                                                headers: [.cookie: here])
            #expect(tooLong.status == 422 && tooLong.text.contains("role=\"alert\""))
            let wrong = try await client.call(.post, "/settings/password", form: ["csrf": token, "current_password": "nope", "new_password": "another password"],
                                              headers: [.cookie: here])
            #expect(wrong.status == 422 && wrong.text.contains("The current password is wrong"))
            let ended = try await client.call(.post, "/settings/sessions", form: ["csrf": token], headers: [.cookie: here])
            #expect(ended.status == 303 && ended.headers[.location] == "/settings?ended=1")
            #expect(try await client.call(.get, "/", headers: [.cookie: elsewhere]).status == 303)
            #expect(try await client.call(.get, "/", headers: [.cookie: here]).status == 200)
            let changed = try await client.call(.post, "/settings/password", form: ["csrf": token, "current_password": TestFixture.password,
                                                                                   "new_password": "a brand new password"], headers: [.cookie: here])
            #expect(changed.status == 303)
        }
    }

    @Test func firstRunSetupCreatesTheFirstAdministratorOnce() async throws {
        let fixture = try await TestFixture()
        try await TestAPI(fixture).run { client in
            let login = try await client.call(.get, "/login")
            #expect(login.status == 303 && login.headers[.location] == "/setup")
            let form = try await client.call(.get, "/setup", headers: [.acceptLanguage: "en"])
            #expect(form.status == 200 && form.text.contains("Create the first administrator"))
            let differ = try await client.submit("/setup", form: ["username": "boss", "password": "long enough pw", "password_confirmation": "other one!"],
                                               headers: [.acceptLanguage: "en"])
            #expect(differ.status == 422 && differ.text.contains("The two passwords differ"))
            let made = try await client.submit("/setup", form: ["username": "boss", "display_name": "老板", "email": "boss@example.com",
                                                                     "password": "long enough pw", "password_confirmation": "long enough pw"])
            #expect(made.status == 303 && made.headers[.location] == "/login")
            #expect(try await fixture.services.accounts.account(username: "boss").role == .admin)
            // Once anyone exists, setup is gone.
            let again = try await client.submit("/setup", form: ["username": "intruder", "password": "long enough pw", "password_confirmation": "long enough pw"])
            #expect(again.status == 303 && again.headers[.location] == "/login")
            #expect((try? await fixture.services.accounts.account(username: "intruder")) == nil)
        }
    }

    @Test func administratorsInviteSetRolesDeactivateAndReadTheAuditLog() async throws {
        let fixture = try await TestFixture()
        _ = try await fixture.user("admin", role: .admin)
        let carol = try await fixture.user("carol")
        try await TestAPI(fixture).run { client in
            let member = try await signIn(client, "carol")
            let refused = try await client.call(.get, "/admin", headers: [.cookie: member])
            #expect(refused.status == 403 && !refused.text.contains("action=\"/admin/invites\""))
            #expect(!(try await client.call(.get, "/", headers: [.cookie: member])).text.contains("href=\"/admin\""))
            let cookie = try await signIn(client, "admin")
            let page = try await client.call(.get, "/admin", headers: [.cookie: cookie])
            #expect(page.status == 200 && page.text.contains("person-carol"))
            let token = try #require(csrf(in: page))
            let invited = try await client.call(.post, "/admin/invites", form: ["csrf": token, "role": "editor", "email": "dan@example.com"],
                                                headers: [.cookie: cookie])
            let link = try #require(invited.text.range(of: #"https://chorus.test/invite/[A-Za-z0-9_-]+"#, options: .regularExpression)
                .map { String(invited.text[$0]) })
            let path = String(link.dropFirst("https://chorus.test".count))
            let join = try await client.call(.get, path, headers: [.acceptLanguage: "zh-CN"])
            #expect(join.status == 200 && join.text.contains("加入 Chorus"))
            let joined = try await client.submit(path, form: ["username": "dan", "password": "dan's password", "password_confirmation": "dan's password"])
            #expect(joined.status == 200)
            #expect(try await fixture.services.accounts.account(username: "dan").role == .editor)
            let reused = try await client.call(.get, path)
            #expect(reused.status == 404)
            let role = try await client.call(.post, "/admin/people/\(carol.id)/role", form: ["csrf": token, "role": "editor"], headers: [.cookie: cookie])
            #expect(role.status == 303)
            let off = try await client.call(.post, "/admin/people/\(carol.id)/deactivate", form: ["csrf": token], headers: [.cookie: cookie])
            #expect(off.status == 303)
            #expect(try await client.call(.get, "/", headers: [.cookie: member]).status == 303)
            let audit = try await client.call(.get, "/admin/audit", headers: [.cookie: cookie, .acceptLanguage: "zh-CN"])
            #expect(audit.status == 200 && audit.text.contains("title=\"account.deactivated\">停用账号") && audit.text.contains(">登录<"))
        }
    }

    @Test func teamOwnersAcceptRequestsPinAndAnnounce() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        let bob = try await fixture.user("bob")
        var settings = TeamService.Settings(name: "客服组", slug: "support")
        settings.joinPolicy = .request
        let team = try await fixture.services.teams.createTeam(by: alice, settings).team
        _ = try await fixture.services.teams.join(id: team.id, by: bob)
        try await TestAPI(fixture).run { client in
            let owner = try await signIn(client, "alice")
            let page = try await client.call(.get, "/teams/support", headers: [.cookie: owner])
            #expect(page.text.contains("action=\"/teams/support/requests/\(bob.id)/approve\"") && page.text.contains("value=\"announcement\""))
            let token = try #require(csrf(in: page))
            let approved = try await client.call(.post, "/teams/support/requests/\(bob.id)/approve", form: ["csrf": token], headers: [.cookie: owner])
            #expect(approved.status == 303)
            let announced = try await client.call(.post, "/statuses", form: ["csrf": token, "status": "周一全员培训", "team_id": String(team.id),
                                                                            "kind": "announcement", "next": "/teams/support"], headers: [.cookie: owner])
            #expect(announced.status == 303)
            let postID = try #require(try await fixture.services.teams.timeline(of: team.id, viewer: alice, filter: TeamFeedFilter(), page: Page()).posts.first?.status.id)
            let pinned = try await client.call(.post, "/teams/support/pin/\(postID)", form: ["csrf": token], headers: [.cookie: owner])
            #expect(pinned.status == 303)
            let member = try await signIn(client, "bob")
            let seen = try await client.call(.get, "/teams/support", headers: [.cookie: member, .acceptLanguage: "zh-CN"])
            #expect(seen.text.contains("id=\"pinned-heading\"") && seen.text.contains("周一全员培训") && seen.text.contains("公告"))
            #expect(!seen.text.contains("value=\"announcement\"") && !seen.text.contains("/teams/support/unpin/"))
            let memberToken = try #require(csrf(in: seen))
            let refused = try await client.call(.post, "/statuses", form: ["csrf": memberToken, "status": "我也发公告", "team_id": String(team.id),
                                                                          "kind": "announcement", "next": "/teams/support"], headers: [.cookie: member])
            #expect(refused.status == 422 && refused.text.contains("role=\"alert\""))
            // Bob asks; Alice answers; Bob marks her reply as the best answer.
            var question = StatusService.Draft(text: "退款流程在哪里？")
            question.teamID = team.id
            question.kind = .question
            let asked = try await fixture.services.statuses.createStatus(by: bob, question)
            let answer = try await fixture.services.statuses.createStatus(by: alice, .init(text: "看知识库第三节", inReplyToID: asked.status.id))
            let thread = try await client.call(.get, "/@bob/\(asked.status.id)", headers: [.cookie: member])
            #expect(thread.text.contains("action=\"/statuses/\(asked.status.id)/best/\(answer.status.id)\""))
            let chosen = try await client.call(.post, "/statuses/\(asked.status.id)/best/\(answer.status.id)", form: ["csrf": memberToken],
                                               headers: [.cookie: member])
            #expect(chosen.status == 303)
            let after = try await client.call(.get, "/@bob/\(asked.status.id)", headers: [.cookie: member, .acceptLanguage: "zh-CN"])
            #expect(after.text.contains("class=\"best-answer\">最佳答案"))
        }
    }

    @Test func serviceErrorsAreShownInTheReadersLanguage() {
        let localizer = Localizer()
        #expect(localizer.error("The current password is wrong", "zh-Hans") == "当前密码不正确。")
        #expect(localizer.error("The current password is wrong", "zh-Hant") == "目前的密碼不正確。")
        #expect(localizer.error("The username 小明 is taken", "zh-Hans") == "用户名 小明 已被占用。")
        #expect(localizer.error("Something new and unknown", "zh-Hans") == "Something new and unknown")
        #expect(localizer.relative(Date(timeIntervalSince1970: 0), now: Date(timeIntervalSince1970: 180), "zh-Hans") == "3 分钟前")
        #expect(localizer.relative(Date(timeIntervalSince1970: 0), now: Date(timeIntervalSince1970: 3600), "en") == "1 hour ago")
    }

    @Test func signingOutEndsTheSession() async throws {
        let fixture = try await TestFixture()
        _ = try await fixture.user("alice")
        try await TestAPI(fixture).run { client in
            let cookie = try await signIn(client, "alice")
            let home = try await client.call(.get, "/", headers: [.cookie: cookie])
            let token = try #require(csrf(in: home))
            let out = try await client.call(.post, "/logout", form: ["csrf": token], headers: [.cookie: cookie])
            #expect(out.status == 303 && out.headers[.location] == "/login")
            // The old cookie no longer works, even if a browser kept it.
            let again = try await client.call(.get, "/", headers: [.cookie: cookie])
            #expect(again.status == 303 && again.headers[.location] == "/login")
        }
    }

    @Test func deactivationEndsWebSessionsAtOnce() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        try await TestAPI(fixture).run { client in
            let cookie = try await signIn(client, "alice")
            _ = try await fixture.services.accounts.deactivate(accountID: alice.id, actor: nil)
            let home = try await client.call(.get, "/", headers: [.cookie: cookie])
            #expect(home.status == 303 && home.headers[.location] == "/login")
        }
    }

    @Test func languageFollowsTheChoiceThenTheBrowser() async throws {
        let fixture = try await TestFixture()
        _ = try await fixture.user("alice")
        try await TestAPI(fixture).run { client in
            let traditional = try await client.call(.get, "/login", headers: [.acceptLanguage: "zh-TW"])
            #expect(traditional.text.contains("<html lang=\"zh-Hant\">") && traditional.text.contains("登入 Chorus"))
            let english = try await client.call(.get, "/login", headers: [.acceptLanguage: "fr, en;q=0.5"])
            #expect(english.text.contains("Sign in to Chorus"))
            let fallback = try await client.call(.get, "/login", headers: [.acceptLanguage: "fr"])
            #expect(fallback.text.contains("<html lang=\"zh-Hans\">"))
            // Choosing a language: remembered for a signed-out browser in a cookie…
            let chosen = try await client.call(.get, "/language?lang=en&next=/login", headers: [.acceptLanguage: "zh-CN"])
            #expect(chosen.status == 303 && chosen.headers[.location] == "/login")
            let languageCookie = String(try #require(chosen.headers[.setCookie]).prefix { $0 != ";" })
            let login = try await client.call(.get, "/login", headers: [.cookie: languageCookie, .acceptLanguage: "zh-CN"])
            #expect(login.text.contains("Sign in to Chorus"))
            // …and on the account for a signed-in person; other sites can't be the next page.
            let session = try await signIn(client, "alice")
            let offsite = try await client.call(.get, "/language?lang=zh-Hant&next=//evil.example", headers: [.cookie: session])
            #expect(offsite.headers[.location] == "/")
            let home = try await client.call(.get, "/", headers: [.cookie: session, .acceptLanguage: "en"])
            #expect(home.text.contains("<html lang=\"zh-Hant\">") && home.text.contains("有什麼新鮮事"))
        }
    }

    @Test func browsersGetFriendlyErrorPagesAndTheAPIGetsJSON() async throws {
        let fixture = try await TestFixture()
        try await TestAPI(fixture).run { client in
            let page = try await client.call(.get, "/no/such/page", headers: [.accept: "text/html", .acceptLanguage: "en"])
            #expect(page.status == 404)
            #expect(page.headers[.contentType]?.hasPrefix("text/html") == true && page.text.contains("This page does not exist"))
            let api = try await client.call(.get, "/api/v1/no/such/route", headers: [.accept: "text/html"])
            #expect(api.status == 404 || api.status == 401)
            #expect(api.object?["error"] is String)
        }
    }
}
