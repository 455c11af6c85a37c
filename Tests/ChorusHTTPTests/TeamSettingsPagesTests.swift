import ChorusCore
import ChorusServices
import ChorusStore
import ChorusTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// A team's owners run it in the browser: they start it from `/teams` and
/// change it on `/teams/:slug/settings`; the page holds the service's rules
/// (and its reasons) and shows everyone else what the API tells them.
@Suite("Web pages: creating a team and its settings")
struct TeamSettingsPagesTests {
    /// A browser signed in as one person.
    struct Browser {
        let client: any TestClientProtocol
        let cookie: String

        init(_ client: any TestClientProtocol, _ fixture: TestFixture, _ account: AccountRecord) async throws {
            self.client = client
            cookie = try await fixture.sessionCookie(for: account)
        }

        func get(_ path: String) async throws -> ChorusTestSupport.TestResponse {
            try await client.call(.get, path, headers: [.cookie: cookie, .accept: "text/html", .acceptLanguage: "zh-CN"])
        }

        /// Posts a form with this session's form token (taken from `/teams`, a page everyone signed in sees).
        func post(_ path: String, _ form: [String: String], token: Bool = true) async throws -> ChorusTestSupport.TestResponse {
            var fields = form
            if token {
                let page = try await get("/teams")
                let csrf: String = try #require(page.csrf, "no form token on /teams")
                fields["csrf"] = csrf
            }
            return try await client.call(.post, path, form: fields, headers: [.cookie: cookie, .accept: "text/html", .acceptLanguage: "zh-CN"])
        }
    }

    /// Alice owns "Falcon" (`/teams/falcon`, of the given privacy); Bob is a member.
    struct World {
        let fixture: TestFixture
        let alice: AccountRecord, bob: AccountRecord, carol: AccountRecord
        let team: TeamRecord

        init(privacy: TeamPrivacy = .public) async throws {
            fixture = try await TestFixture()
            alice = try await fixture.user("alice")
            bob = try await fixture.user("bob")
            carol = try await fixture.user("carol")
            team = try await fixture.services.teams.createTeam(by: alice, .init(name: "猎鹰 Falcon", slug: "falcon", privacy: privacy)).team
            _ = try await fixture.services.teams.addMember(teamID: team.id, accountID: bob.id, role: .member, by: alice)
        }

        var teams: TeamService { fixture.services.teams }

        func role(_ account: AccountRecord) async throws -> TeamRole? {
            try await teams.members(id: team.id, viewer: alice, limit: 80, offset: 0).first { $0.account.id == account.id }?.role
        }
    }

    // MARK: Tests

    @Test func aPersonStartsATeamInTheBrowserAndItsAddressComesFromItsName() async throws {
        let fixture = try await TestFixture()
        let wendy = try await fixture.user("wendy")
        try await TestAPI(fixture).run { client in
            let browser = try await Browser(client, fixture, wendy)
            let list = try await browser.get("/teams")
            #expect(list.status == 200 && list.text.contains("action=\"/teams\"") && list.text.contains("name=\"slug\""))
            let created = try await browser.post("/teams", ["name": "研发部", "slug": "", "description": "后端与客户端",
                                                            "privacy": "private", "join_policy": "invite"])
            #expect(created.status == 303 && created.headers[.location] == "/teams/yan-fa-bu?created=1")
            let page = try await browser.get("/teams/yan-fa-bu?created=1")
            #expect(page.status == 200 && page.text.contains("<h1 id=\"team-name\">研发部</h1>"))
            #expect(page.text.contains("\(TestFixture.baseURL)/teams/yan-fa-bu") && page.text.contains("id=\"team-settings-link\""))
            let team = try await fixture.services.teams.team(slug: "yan-fa-bu", viewer: wendy)
            #expect(team.role == .owner && team.team.privacy == .private && team.team.joinPolicy == .invite && team.team.description == "后端与客户端")
            // A second 研发部 of hers gets the next free address instead of a refusal.
            let again = try await browser.post("/teams", ["name": "研发部", "privacy": "public", "join_policy": "open"])
            #expect(again.headers[.location] == "/teams/yan-fa-bu-2?created=1")
            // A typed address is taken as it is.
            let typed = try await browser.post("/teams", ["name": "发布组 Release", "slug": "release", "privacy": "public", "join_policy": "request"])
            #expect(typed.headers[.location] == "/teams/release?created=1")
        }
    }

    @Test func aRefusedNewTeamShowsTheReasonAndKeepsWhatWasTyped() async throws {
        let world = try await World()
        try await TestAPI(world.fixture).run { client in
            let browser = try await Browser(client, world.fixture, world.carol)
            let unnamed = try await browser.post("/teams", ["name": "  ", "description": "没有名字的团队", "privacy": "private", "join_policy": "request"])
            #expect(unnamed.status == 422 && unnamed.text.contains("id=\"create-team-error\"") && unnamed.text.contains("团队名称需为 1 到 60 个字。"))
            #expect(unnamed.text.contains(">没有名字的团队</textarea>") && unnamed.text.contains("value=\"private\" checked"))
            #expect(unnamed.text.contains("value=\"request\" checked"))
            // A typed address a team she can see already has: refused, never numbered.
            let taken = try await browser.post("/teams", ["name": "Falcon 2", "slug": "falcon", "privacy": "public", "join_policy": "open"])
            #expect(taken.status == 422 && taken.text.contains("团队地址 falcon 已被占用。") && taken.text.contains("value=\"Falcon 2\""))
            let badAddress = try await browser.post("/teams", ["name": "Falcon 2", "slug": "猎鹰", "privacy": "public", "join_policy": "open"])
            #expect(badAddress.status == 422 && badAddress.text.contains("团队地址需为 2 到 40 个小写字母、数字或连字符。"))
            #expect(try await world.teams.teams(viewer: world.carol, mine: true).isEmpty)
        }
    }

    @Test func ownersEditTheNameDescriptionPrivacyAndJoinPolicy() async throws {
        let world = try await World()
        try await TestAPI(world.fixture).run { client in
            let browser = try await Browser(client, world.fixture, world.alice)
            let page = try await browser.get("/teams/falcon/settings")
            #expect(page.status == 200 && page.text.contains("action=\"/teams/falcon/settings\"") && page.text.contains("value=\"猎鹰 Falcon\""))
            #expect(page.text.contains("name=\"privacy\"") && page.text.contains("\(TestFixture.baseURL)/teams/falcon"))
            let saved = try await browser.post("/teams/falcon/settings", ["name": "猎鹰计划", "description": "新一代无人机",
                                                                          "privacy": "private", "join_policy": "request"])
            #expect(saved.status == 303 && saved.headers[.location] == "/teams/falcon/settings?done=saved")
            let team = try await world.teams.team(id: world.team.id, viewer: world.alice).team
            #expect(team.name == "猎鹰计划" && team.description == "新一代无人机" && team.privacy == .private && team.joinPolicy == .request)
            #expect(team.slug == "falcon")
            let after = try await browser.get("/teams/falcon/settings?done=saved")
            #expect(after.text.contains("已保存。") && after.text.contains("value=\"private\" checked") && after.text.contains("value=\"request\" checked"))
            // Refused: the reason on the page, the typed name kept.
            let long = String(repeating: "名", count: 61)
            let refused = try await browser.post("/teams/falcon/settings", ["name": long, "description": "", "privacy": "private", "join_policy": "request"])
            #expect(refused.status == 422 && refused.text.contains("团队名称需为 1 到 60 个字。") && refused.text.contains("value=\"\(long)\""))
            #expect(try await world.teams.team(id: world.team.id, viewer: world.alice).team.name == "猎鹰计划")
        }
    }

    @Test func archivingMakesTheTeamReadOnlyAndUnarchivingRestoresIt() async throws {
        let world = try await World()
        try await TestAPI(world.fixture).run { client in
            let owner = try await Browser(client, world.fixture, world.alice)
            let page = try await owner.get("/teams/falcon/settings")
            #expect(page.text.contains("id=\"archive-button\"") && page.text.contains("归档后团队变为只读"))
            let archived = try await owner.post("/teams/falcon/archive", [:])
            #expect(archived.status == 303 && archived.headers[.location] == "/teams/falcon/settings?done=archived")
            #expect(try await world.teams.team(id: world.team.id, viewer: world.alice).team.isArchived)
            let settings = try await owner.get("/teams/falcon/settings?done=archived")
            #expect(settings.text.contains("id=\"unarchive-button\"") && settings.text.contains("id=\"archived-banner\"") && !settings.text.contains("id=\"archive-button\""))
            // Read-only: the member's page has no compose box, and the service takes no post.
            let member = try await Browser(client, world.fixture, world.bob)
            let teamPage = try await member.get("/teams/falcon")
            #expect(teamPage.status == 200 && teamPage.text.contains("id=\"team-archived\"") && !teamPage.text.contains("id=\"compose\""))
            let token = try await world.fixture.token(for: world.bob)
            let post = try await client.call(.post, "/api/v1/statuses", token: token, form: ["status": "还能发吗", "chorus_team_id": String(world.team.id)])
            #expect(post.status == 422)
            let restored = try await owner.post("/teams/falcon/unarchive", [:])
            #expect(restored.status == 303 && restored.headers[.location] == "/teams/falcon/settings?done=unarchived")
            #expect(try await !world.teams.team(id: world.team.id, viewer: world.alice).team.isArchived)
            #expect(try await member.get("/teams/falcon").text.contains("id=\"compose\""))
        }
    }

    @Test func ownersAddMembersByUsernameChangeTheirRolesAndRemoveThem() async throws {
        let world = try await World()
        let dave = try await world.fixture.user("dave")
        try await TestAPI(world.fixture).run { client in
            let owner = try await Browser(client, world.fixture, world.alice)
            let added = try await owner.post("/teams/falcon/members", ["username": "@dave", "role": "admin"])
            #expect(added.status == 303 && added.headers[.location] == "/teams/falcon/settings?done=added")
            #expect(try await world.role(dave) == .admin)
            let page = try await owner.get("/teams/falcon/settings?done=added")
            #expect(page.text.contains("已添加成员。") && page.text.contains("id=\"member-dave\""))
            #expect(page.text.contains("action=\"/teams/falcon/members/\(dave.id)/role\"") && page.text.contains("action=\"/teams/falcon/members/\(dave.id)/remove\""))
            let changed = try await owner.post("/teams/falcon/members/\(world.bob.id)/role", ["role": "admin"])
            #expect(changed.status == 303 && changed.headers[.location] == "/teams/falcon/settings?done=role")
            #expect(try await world.role(world.bob) == .admin)
            let removed = try await owner.post("/teams/falcon/members/\(dave.id)/remove", [:])
            #expect(removed.status == 303 && removed.headers[.location] == "/teams/falcon/settings?done=removed")
            #expect(try await world.role(dave) == nil)
            // Nobody by that name: the reason, and the name kept in the field.
            let unknown = try await owner.post("/teams/falcon/members", ["username": "nobody", "role": "member"])
            #expect(unknown.status == 422 && unknown.text.contains("找不到这个人。") && unknown.text.contains("value=\"nobody\""))
        }
    }

    @Test func aTeamAdminManagesMembersButNotOwnersPrivacyOrArchiving() async throws {
        let world = try await World()
        _ = try await world.teams.addMember(teamID: world.team.id, accountID: world.bob.id, role: .admin, by: world.alice)
        try await TestAPI(world.fixture).run { client in
            let admin = try await Browser(client, world.fixture, world.bob)
            let page = try await admin.get("/teams/falcon/settings")
            #expect(page.status == 200 && page.text.contains("id=\"team-settings\""))
            #expect(!page.text.contains("name=\"privacy\"") && page.text.contains("id=\"privacy-owners-only\""))
            #expect(!page.text.contains("id=\"archive-button\"") && page.text.contains("只有负责人能归档或取消归档。"))
            #expect(!page.text.contains("action=\"/teams/falcon/members/\(world.alice.id)/remove\""))
            #expect(!page.text.contains("action=\"/teams/falcon/members/\(world.alice.id)/role\""))
            #expect(!page.text.contains("<option value=\"owner\""))
            // Saving the form without privacy keeps it; the buttons the page leaves out are refused with the service's reason.
            let saved = try await admin.post("/teams/falcon/settings", ["name": "猎鹰", "description": "", "join_policy": "request"])
            #expect(saved.status == 303)
            #expect(try await world.teams.team(id: world.team.id, viewer: world.alice).team.privacy == .public)
            let removeOwner = try await admin.post("/teams/falcon/members/\(world.alice.id)/remove", [:])
            #expect(removeOwner.status == 422 && removeOwner.text.contains("只有负责人能移除负责人。"))
            let archive = try await admin.post("/teams/falcon/archive", [:])
            #expect(archive.status == 422 && archive.text.contains("只有负责人能归档团队。"))
            #expect(try await world.role(world.alice) == .owner)
        }
    }

    @Test func theLastOwnerCannotBeDemotedOrRemovedAndThePageSaysWhy() async throws {
        let world = try await World()
        try await TestAPI(world.fixture).run { client in
            let owner = try await Browser(client, world.fixture, world.alice)
            let demoted = try await owner.post("/teams/falcon/members/\(world.alice.id)/role", ["role": "member"])
            #expect(demoted.status == 422 && demoted.text.contains("id=\"team-settings-error\"") && demoted.text.contains("团队至少需要一位负责人。"))
            let removed = try await owner.post("/teams/falcon/members/\(world.alice.id)/remove", [:])
            #expect(removed.status == 422 && removed.text.contains("团队至少需要一位负责人。"))
            #expect(try await world.role(world.alice) == .owner)
            // With a second owner she may step down, and leaves the settings for the team's page.
            _ = try await world.teams.addMember(teamID: world.team.id, accountID: world.bob.id, role: .owner, by: world.alice)
            let stepped = try await owner.post("/teams/falcon/members/\(world.alice.id)/role", ["role": "member"])
            #expect(stepped.status == 303 && stepped.headers[.location] == "/teams/falcon")
            #expect(try await world.role(world.alice) == .member)
        }
    }

    @Test func formsWithoutTheFormTokenAreRefused() async throws {
        let world = try await World()
        let dave = try await world.fixture.user("dave")
        try await TestAPI(world.fixture).run { client in
            let owner = try await Browser(client, world.fixture, world.alice)
            let forms: [(String, [String: String])] = [
                ("/teams", ["name": "伪造团队"]), ("/teams/falcon/settings", ["name": "被改名"]), ("/teams/falcon/archive", [:]),
                ("/teams/falcon/members", ["username": "dave", "role": "owner"]), ("/teams/falcon/members/\(world.bob.id)/role", ["role": "owner"]),
                ("/teams/falcon/members/\(world.bob.id)/remove", [:]),
            ]
            for (path, form) in forms {
                let forged = try await owner.post(path, form, token: false)
                #expect(forged.status == 403, "\(path)")
            }
            let team = try await world.teams.team(id: world.team.id, viewer: world.alice).team
            #expect(team.name == "猎鹰 Falcon" && !team.isArchived)
            #expect(try await world.teams.teams(viewer: world.alice, mine: true).count == 1)
            #expect(try await world.role(world.bob) == .member)
            #expect(try await world.role(dave) == nil)
        }
    }

    @Test func aMemberSeesNoSettingsLinkAndIsRefusedAtTheAddressAsByTheAPI() async throws {
        let world = try await World()
        try await TestAPI(world.fixture).run { client in
            for viewer in [world.bob, world.carol] {
                let browser = try await Browser(client, world.fixture, viewer)
                let team = try await browser.get("/teams/falcon")
                #expect(team.status == 200 && !team.text.contains("id=\"team-settings-link\"") && !team.text.contains("/teams/falcon/settings"))
                let settings = try await browser.get("/teams/falcon/settings")
                let token = try await world.fixture.token(for: viewer)
                let api = try await client.call(.patch, "/api/v1/chorus/teams/\(world.team.id)", token: token, form: ["name": "改个名"])
                #expect(settings.status == 403 && api.status == 403, "\(viewer.username)")
                #expect(settings.text.contains(">没有权限</h1>") && !settings.text.contains("id=\"team-settings\""))
                let save = try await browser.post("/teams/falcon/settings", ["name": "改个名"])
                #expect(save.status == 403, "\(viewer.username)")
            }
            #expect(try await world.teams.team(id: world.team.id, viewer: world.alice).team.name == "猎鹰 Falcon")
            let owner = try await Browser(client, world.fixture, world.alice)
            #expect(try await owner.get("/teams/falcon").text.contains("href=\"/teams/falcon/settings\""))
        }
    }

    @Test func outsidersOfAPrivateTeamGetItsNotFoundPageAtTheSettings() async throws {
        let world = try await World(privacy: .private)
        let admin = try await world.fixture.user("boss", role: .admin)
        try await TestAPI(world.fixture).run { client in
            let unknown = try await Browser(client, world.fixture, world.carol).get("/teams/no-such-team/settings")
            for outsider in [world.carol, admin] {
                let browser = try await Browser(client, world.fixture, outsider)
                let settings = try await browser.get("/teams/falcon/settings")
                #expect(settings.status == 404 && !settings.text.contains("猎鹰"), "\(outsider.username)")
                #expect(settings.text == unknown.text, "the page of a team that does not exist")
                for (path, form) in [("/teams/falcon/settings", ["name": "x"]), ("/teams/falcon/archive", [:]), ("/teams/falcon/members", ["username": "carol"])] {
                    let refused = try await browser.post(path, form)
                    #expect(refused.status == 404 && !refused.text.contains("猎鹰"), "\(outsider.username) \(path)")
                }
            }
            #expect(try await world.role(world.carol) == nil)
            let member = try await Browser(client, world.fixture, world.bob)
            #expect(try await member.get("/teams/falcon/settings").status == 403)
        }
    }
}
