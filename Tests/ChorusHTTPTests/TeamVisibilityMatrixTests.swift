import ChorusCore
import ChorusHTTP
import ChorusServices
import ChorusStore
import ChorusTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import WSClient

/// The team visibility matrix, cell by cell: every surface × viewer × team
/// privacy has its expected outcome written in `expected`, and each test
/// observes the outcome through the HTTP API (or the WebSocket user stream).
@Suite("Teams: visibility matrix over HTTP and streaming")
struct TeamVisibilityMatrixTests {
    /// Who looks. None of them is the team's owner, who writes the posts.
    enum Viewer: String, CaseIterable, Sendable {
        case member, nonMember, removedMember, companyAdmin
    }

    /// Where they look. `post` and `userStream` are about the team, not one post.
    enum Surface: String, CaseIterable, Sendable {
        case teamList, showTeam, members, teamTimeline, myTeamsTimeline, status, context, favouritedBy, accountStatuses,
             favourite, reblog, quote, search, home, tagTimeline, tagPage, hashtagSearch, tagLookup, companyTimeline, mentionNotification,
             post, settingsPage, teamAppsPage, teamAppPage, teamAppForms, userStream
    }

    /// What a viewer observes.
    enum Outcome: Equatable, Sendable, CustomStringConvertible {
        case ok, notFound, refused, forbidden
        /// 200 and the post (or team) is in the list; `absent`: 200 and it is not.
        case listed, absent
        /// The names of the live-stream events that concerned the post (sorted; empty: nothing arrived).
        case events([String])
        case unexpected(String)

        init(code: Int) {
            switch code {
            case 200: self = .ok
            case 404: self = .notFound
            case 422: self = .refused
            case 403: self = .forbidden
            default: self = .unexpected("HTTP \(code)")
            }
        }

        var description: String {
            switch self {
            case .ok: "200"
            case .notFound: "404"
            case .refused: "422"
            case .forbidden: "403"
            case .listed: "listed"
            case .absent: "absent"
            case .events(let names): "events \(names)"
            case .unexpected(let what): what
            }
        }
    }

    // MARK: The matrix

    /// The expected outcome of every cell: per surface, the public team's row, then the private team's,
    /// each in `Viewer` order (member, non-member, removed member, company admin).
    static let expected: [Surface: (public: [Outcome], private: [Outcome])] = [
        //                     public team: member, non-member, removed, admin | private team: the same four
        .teamList:            ([.listed, .listed, .listed, .listed], [.listed, .absent, .absent, .absent]),
        .showTeam:            ([.ok, .ok, .ok, .ok], [.ok, .notFound, .notFound, .notFound]),
        .members:             ([.ok, .ok, .ok, .ok], [.ok, .notFound, .notFound, .notFound]),
        .teamTimeline:        ([.listed, .listed, .listed, .listed], [.listed, .notFound, .notFound, .notFound]),
        .myTeamsTimeline:     ([.listed, .absent, .absent, .absent], [.listed, .absent, .absent, .absent]),
        .status:              ([.ok, .ok, .ok, .ok], [.ok, .notFound, .notFound, .notFound]),
        .context:             ([.ok, .ok, .ok, .ok], [.ok, .notFound, .notFound, .notFound]),
        .favouritedBy:        ([.ok, .ok, .ok, .ok], [.ok, .notFound, .notFound, .notFound]),
        .accountStatuses:     ([.listed, .listed, .listed, .listed], [.listed, .absent, .absent, .absent]),
        .favourite:           ([.ok, .ok, .ok, .ok], [.ok, .notFound, .notFound, .notFound]),
        .reblog:              ([.refused, .refused, .refused, .refused], [.refused, .notFound, .notFound, .notFound]),
        .quote:               ([.refused, .refused, .refused, .refused], [.refused, .notFound, .notFound, .notFound]),
        .search:              ([.listed, .listed, .listed, .listed], [.listed, .absent, .absent, .absent]),
        .home:                ([.listed, .absent, .absent, .absent], [.listed, .absent, .absent, .absent]),
        // A tag shows what its reader may see: the team posts of a public team to everyone, a private team's to its members.
        .tagTimeline:         ([.listed, .listed, .listed, .listed], [.listed, .absent, .absent, .absent]),
        .tagPage:             ([.listed, .listed, .listed, .listed], [.listed, .absent, .absent, .absent]),
        // `#收购#` is only ever used in the team: a non-member cannot find it, nor tell it from a tag nobody used.
        .hashtagSearch:       ([.listed, .listed, .listed, .listed], [.listed, .absent, .absent, .absent]),
        .tagLookup:           ([.ok, .ok, .ok, .ok], [.ok, .notFound, .notFound, .notFound]),
        .companyTimeline:     ([.absent, .absent, .absent, .absent], [.absent, .absent, .absent, .absent]),
        // Mentioned people who may read the post hear about it; nobody else does.
        .mentionNotification: ([.listed, .listed, .listed, .listed], [.listed, .absent, .absent, .absent]),
        .post:                ([.ok, .forbidden, .forbidden, .forbidden], [.ok, .notFound, .notFound, .notFound]),
        // The team's settings page (`/teams/falcon/settings`) is for its owners and admins: a plain member is refused,
        // and outside a private team it is the team's 404, as for the API's changes.
        .settingsPage:        ([.forbidden, .forbidden, .forbidden, .forbidden], [.forbidden, .notFound, .notFound, .notFound]),
        // A team's apps (web pages and their forms) are for its owners and admins only, none of the four:
        // the same 404 for a member, an outsider and a company administrator, as in the API.
        .teamAppsPage:        ([.notFound, .notFound, .notFound, .notFound], [.notFound, .notFound, .notFound, .notFound]),
        .teamAppPage:         ([.notFound, .notFound, .notFound, .notFound], [.notFound, .notFound, .notFound, .notFound]),
        .teamAppForms:        ([.notFound, .notFound, .notFound, .notFound], [.notFound, .notFound, .notFound, .notFound]),
        // Events about a new team post that mentions all four viewers.
        .userStream:          ([.events(["notification", "update"]), .events(["notification"]), .events(["notification"]), .events(["notification"])],
                               [.events(["notification", "update"]), .events([]), .events([]), .events([])]),
    ]

    /// The expected outcome of one cell.
    static func expectation(_ surface: Surface, _ viewer: Viewer, _ privacy: TeamPrivacy) -> Outcome {
        let row = expected[surface]!
        return (privacy == .public ? row.public : row.private)[Viewer.allCases.firstIndex(of: viewer)!]
    }

    // MARK: Helpers

    /// A company with a team, its owner, the four viewers and their tokens. The
    /// removed member posted `earlyPost` in the team before an owner removed them.
    /// Everyone follows the owner and the removed member, so follows never explain a leak.
    struct World: Sendable {
        let fixture: TestFixture
        let privacy: TeamPrivacy
        let teamID: Int64
        let owner: AccountRecord
        let accounts: [Viewer: AccountRecord]
        let tokens: [Viewer: String]
        /// Web session cookies (`chorus_session=…`).
        let cookies: [Viewer: String]
        let earlyPost: Int64
        /// A company post with the team posts' hashtag: proves the tag and company timelines work.
        let controlPost: Int64
        /// An app the owner installed in the team.
        let appID: Int64

        /// Posts `text` into the team as its owner.
        func ownerPosts(_ text: String) async throws -> Int64 {
            var draft = StatusService.Draft(text: text)
            draft.teamID = teamID
            return try await fixture.services.statuses.createStatus(by: owner, draft).status.id
        }
    }

    /// Builds the world for a team of the given privacy (set up through the services).
    static func world(_ privacy: TeamPrivacy) async throws -> World {
        let fixture = try await TestFixture()
        let services = fixture.services
        let owner = try await fixture.user("olivia")
        let accounts: [Viewer: AccountRecord] = [
            .member: try await fixture.user("mia"), .nonMember: try await fixture.user("nora"),
            .removedMember: try await fixture.user("remy"), .companyAdmin: try await fixture.user("ada", role: .admin),
        ]
        var tokens: [Viewer: String] = [:]
        var cookies: [Viewer: String] = [:]
        for (viewer, account) in accounts {
            let scopes = viewer == .companyAdmin ? "read write follow admin:read admin:write" : "read write follow"
            tokens[viewer] = try await fixture.token(for: account, scopes: scopes)
            cookies[viewer] = try await fixture.sessionCookie(for: account)
            _ = try await services.follows.follow(owner.id, by: account)
            if viewer != .removedMember { _ = try await services.follows.follow(accounts[.removedMember]!.id, by: account) }
        }
        let team = try await services.teams.createTeam(by: owner, .init(name: "Falcon", slug: "falcon", privacy: privacy))
        let teamID = team.team.id
        for viewer in [Viewer.member, .removedMember] {
            _ = try await services.teams.addMember(teamID: teamID, accountID: accounts[viewer]!.id, role: .member, by: owner)
        }
        var draft = StatusService.Draft(text: "early zebrafalcon notes #falconnews #收购#")
        draft.teamID = teamID
        let early = try await services.statuses.createStatus(by: accounts[.removedMember]!, draft).status.id
        try await services.teams.removeMember(teamID: teamID, accountID: accounts[.removedMember]!.id, by: owner)
        let control = try await fixture.post(owner, "company-wide news #falconnews").status.id
        let app = try await services.apps.install(AppManifest(name: "Falcon bot", teamID: teamID), by: owner).installed.app
        return World(fixture: fixture, privacy: privacy, teamID: teamID, owner: owner, accounts: accounts, tokens: tokens, cookies: cookies,
                     earlyPost: early, controlPost: control, appID: app.id ?? 0)
    }

    /// A team post to look for, and who wrote it.
    struct Post: Sendable {
        let label: String
        let id: Int64
        let authorID: Int64
    }

    /// `listed` if a 200 answer's `items` hold one whose `key` is `id`, `absent` if not; otherwise the status code.
    static func listing(_ response: ChorusTestSupport.TestResponse, _ items: [[String: Any]]?, id: String, key: (([String: Any]) -> String?) = { $0["id"] as? String }) -> Outcome {
        guard response.status == 200 else { return Outcome(code: response.status) }
        guard let items else { return .unexpected("200 without a list") }
        return items.contains { key($0) == id } ? .listed : .absent
    }

    /// What `viewer` observes on an HTTP `surface` about team post `post` (or about the team).
    static func observe(_ surface: Surface, post: Post, as viewer: Viewer, in world: World, client: any TestClientProtocol) async throws -> Outcome {
        let token = world.tokens[viewer]!
        let id = String(post.id), team = String(world.teamID)
        func get(_ path: String) async throws -> ChorusTestSupport.TestResponse { try await client.call(.get, path, token: token) }
        switch surface {
        case .teamList:
            let response = try await get("/api/v1/chorus/teams")
            return listing(response, response.array, id: team)
        case .showTeam:
            let byID = Outcome(code: try await get("/api/v1/chorus/teams/\(team)").status)
            let bySlug = Outcome(code: try await get("/api/v1/chorus/teams/falcon").status)
            return byID == bySlug ? byID : .unexpected("\(byID) by id but \(bySlug) by slug")
        case .members:
            return Outcome(code: try await get("/api/v1/chorus/teams/\(team)/members").status)
        case .teamTimeline:
            let response = try await get("/api/v1/chorus/timelines/team/\(team)")
            return listing(response, response.array, id: id)
        case .status:
            let response = try await get("/api/v1/statuses/\(id)")
            guard response.status == 200 else { return Outcome(code: response.status) }
            let chorus = response.object?["chorus"] as? [String: Any]
            let teamRef = chorus?["team"] as? [String: Any]
            guard chorus?["visibility"] as? String == "team", teamRef?["id"] as? String == team, teamRef?["slug"] as? String == "falcon" else {
                return .unexpected("200 without chorus.visibility team and chorus.team: \(response.text)")
            }
            return .ok
        case .myTeamsTimeline:
            let response = try await get("/api/v1/chorus/timelines/teams")
            return listing(response, response.array, id: id)
        case .context:
            return Outcome(code: try await get("/api/v1/statuses/\(id)/context").status)
        case .favouritedBy:
            return Outcome(code: try await get("/api/v1/statuses/\(id)/favourited_by").status)
        case .accountStatuses:
            let response = try await get("/api/v1/accounts/\(post.authorID)/statuses")
            return listing(response, response.array, id: id)
        case .favourite:
            return Outcome(code: try await client.call(.post, "/api/v1/statuses/\(id)/favourite", token: token).status)
        case .reblog:
            return Outcome(code: try await client.call(.post, "/api/v1/statuses/\(id)/reblog", token: token).status)
        case .quote:
            let response = try await client.call(.post, "/api/v1/statuses", token: token, form: ["status": "look at this", "quoted_status_id": id])
            return Outcome(code: response.status)
        case .search:
            let response = try await get("/api/v2/search?q=zebrafalcon&type=statuses")
            return listing(response, response.object?["statuses"] as? [[String: Any]], id: id)
        case .home:
            let response = try await get("/api/v1/timelines/home?limit=40")
            return listing(response, response.array, id: id)
        case .tagTimeline, .companyTimeline:
            let response = try await get(surface == .tagTimeline ? "/api/v1/timelines/tag/falconnews" : "/api/v1/timelines/public?limit=40")
            guard listing(response, response.array, id: String(world.controlPost)) == .listed else { return .unexpected("control company post missing") }
            return listing(response, response.array, id: id)
        case .tagPage:
            let response = try await client.call(.get, "/tags/falconnews", headers: [.cookie: world.cookies[viewer]!])
            let cards = { (id: String) in response.text.contains("data-id=\"\(id)\"") ? Outcome.listed : .absent }
            guard response.status == 200 else { return Outcome(code: response.status) }
            guard cards(String(world.controlPost)) == .listed else { return .unexpected("control company post missing") }
            return cards(id)
        case .hashtagSearch:
            let response = try await get("/api/v2/search?type=hashtags&q=%E6%94%B6%E8%B4%AD")
            return listing(response, response.object?["hashtags"] as? [[String: Any]], id: "收购") { $0["name"] as? String }
        case .tagLookup:
            return Outcome(code: try await get("/api/v1/tags/%E6%94%B6%E8%B4%AD").status)
        case .mentionNotification:
            let response = try await get("/api/v1/notifications?types%5B%5D=mention")
            return listing(response, response.array, id: id) { ($0["status"] as? [String: Any])?["id"] as? String }
        case .post:
            let response = try await client.call(.post, "/api/v1/statuses", token: token, form: ["status": "my turn", "chorus_team_id": team])
            return Outcome(code: response.status)
        case .settingsPage:
            return Outcome(code: try await client.call(.get, "/teams/falcon/settings", headers: [.cookie: world.cookies[viewer]!]).status)
        case .teamAppsPage:
            return Outcome(code: try await client.call(.get, "/teams/falcon/apps", headers: [.cookie: world.cookies[viewer]!]).status)
        case .teamAppPage:
            return Outcome(code: try await client.call(.get, "/teams/falcon/apps/\(world.appID)", headers: [.cookie: world.cookies[viewer]!]).status)
        case .teamAppForms:
            // Each form with the viewer's own valid form token: install, rotate, re-enable, uninstall.
            let cookie = world.cookies[viewer]!
            guard let csrf = try await client.call(.get, "/", headers: [.cookie: cookie]).csrf else { return .unexpected("no form token") }
            let app = "/teams/falcon/apps/\(world.appID)"
            var outcomes: [String: Outcome] = [:]
            for action in ["/teams/falcon/apps", "\(app)/rotate", "\(app)/enable", "\(app)/uninstall"] {
                let form = ["csrf": csrf, "manifest": #"{"name": "Sneaky"}"#, "confirm": "true"]
                outcomes[action] = Outcome(code: try await client.call(.post, action, form: form, headers: [.cookie: cookie]).status)
            }
            let distinct = Set(outcomes.values.map(\.description))
            return distinct.count == 1 ? outcomes.values.first! : .unexpected("forms disagree: \(outcomes)")
        case .userStream:
            return .unexpected("the user stream is observed over a WebSocket")
        }
    }

    /// A flag a test sets when it is done with its WebSockets; `wait` gives up after ten seconds.
    actor Done {
        private var isSet = false
        func set() { isSet = true }
        func wait() async {
            for _ in 0..<500 {
                if isSet { return }
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
    }

    /// Holds `token`'s user stream open on 127.0.0.1, collecting frames into `inbox` until `done`.
    static func listen(port: Int, token: String, into inbox: StreamingTests.Inbox, until done: Done) async throws {
        try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)/api/v1/streaming?stream=user&access_token=\(token)",
                                          logger: Logger(label: "test")) { inbound, outbound, _ in
            async let reading: Void = StreamingTests.collect(inbound, into: inbox)
            await done.wait()
            try await outbound.close(.normalClosure, reason: nil)
            try await reading
        }
    }

    /// The events a user stream received about `post`: an `update` must carry it as a team post
    /// and a `notification` must be a mention of it; anything else is named as it came.
    static func streamOutcome(_ frames: [StreamingTests.Frame], post: Int64, teamID: Int64) -> Outcome {
        let id = String(post)
        let names = frames.filter { $0.payload.contains(id) }.map { frame -> String in
            let payload = (try? JSONSerialization.jsonObject(with: Data(frame.payload.utf8))) as? [String: Any]
            switch frame.event {
            case "update":
                let team = (payload?["chorus"] as? [String: Any])?["team"] as? [String: Any]
                return payload?["id"] as? String == id && team?["id"] as? String == String(teamID) ? "update" : "update (not as a team post)"
            case "notification":
                let status = payload?["status"] as? [String: Any]
                return payload?["type"] as? String == "mention" && status?["id"] as? String == id ? "notification" : "notification (not a mention of it)"
            default:
                return frame.event
            }
        }
        return .events(Set(names).sorted())
    }

    // MARK: Tests

    @Test("HTTP surfaces", arguments: TeamPrivacy.allCases, Viewer.allCases)
    func httpSurfaces(privacy: TeamPrivacy, viewer: Viewer) async throws {
        let world = try await Self.world(privacy)
        let mentions = "@mia @nora @remy @ada"
        let early = Post(label: "removed member's early post", id: world.earlyPost, authorID: world.accounts[.removedMember]!.id)
        let fresh = Post(label: "owner's post", id: try await world.ownerPosts("\(mentions) zebrafalcon launch plan #falconnews #收购#"), authorID: world.owner.id)
        try await TestAPI(world.fixture).run { client in
            for surface in Surface.allCases where surface != .userStream {
                // The removed member's own past post and the owner's post made after the removal.
                for post in surface == .mentionNotification ? [fresh] : [early, fresh] {
                    let actual = try await Self.observe(surface, post: post, as: viewer, in: world, client: client)
                    let expected = Self.expectation(surface, viewer, privacy)
                    #expect(actual == expected, "surface \(surface), viewer \(viewer), \(privacy) team, \(post.label): expected \(expected), got \(actual)")
                }
            }
        }
    }

    @Test("Live user stream", arguments: TeamPrivacy.allCases)
    func userStream(privacy: TeamPrivacy) async throws {
        let world = try await Self.world(privacy)
        let inboxes = Dictionary(uniqueKeysWithValues: Viewer.allCases.map { ($0, StreamingTests.Inbox()) })
        let app = buildApplication(services: world.fixture.services, settings: ServerSettings(host: "127.0.0.1", port: 0))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let done = Done()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for viewer in Viewer.allCases {
                    group.addTask { try await Self.listen(port: port, token: world.tokens[viewer]!, into: inboxes[viewer]!, until: done) }
                }
                do {
                    // Wait (at most five seconds) until all four streams are subscribed.
                    for _ in 0..<250 {
                        if world.fixture.services.streams.count >= Viewer.allCases.count { break }
                        try await Task.sleep(for: .milliseconds(20))
                    }
                    #expect(world.fixture.services.streams.count == Viewer.allCases.count)
                    let teamPost = try await world.ownerPosts("@mia @nora @remy @ada live from the falcon team")
                    // A company post everyone's home feed gets (they all follow the owner): once it
                    // arrives, anything sent earlier on that stream has arrived too.
                    let sentinel = String(try await world.fixture.post(world.owner, "sentinel for everyone").status.id)
                    for viewer in Viewer.allCases {
                        _ = try await inboxes[viewer]!.wait(for: "update") { $0.contains(sentinel) }
                        let actual = Self.streamOutcome(await inboxes[viewer]!.all, post: teamPost, teamID: world.teamID)
                        let expected = Self.expectation(.userStream, viewer, privacy)
                        #expect(actual == expected, "surface userStream, viewer \(viewer), \(privacy) team: expected \(expected), got \(actual)")
                    }
                } catch {
                    await done.set()
                    throw error
                }
                await done.set()
                try await group.waitForAll()
            }
        }
    }
}
