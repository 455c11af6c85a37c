@testable import ChorusHTTP
import ChorusCore
import ChorusServices
import ChorusStore
import ChorusTestSupport
import Foundation
import Testing

@Suite("Hand-written JSON equals what JSONEncoder makes")
struct FastJSONTests {
    /// Both encodings of `value`, parsed back.
    func both<T: JSONWritable>(_ value: T) throws -> (fast: NSObject, reference: NSObject) {
        var writer = JSONWriter()
        value.write(to: &writer)
        let fast = try JSONSerialization.jsonObject(with: Data(writer.bytes)) as! NSObject
        let reference = try JSONSerialization.jsonObject(with: JSON.encoder().encode(value)) as! NSObject
        return (fast, reference)
    }

    // MARK: Tests

    @Test func statusesAccountsAndNotificationsMatch() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        let bob = try await fixture.user("bob")
        let presenter = MastodonPresenter(config: fixture.services.config)
        let team = try await fixture.services.teams.createTeam(by: alice, .init(name: "Falcon", slug: "falcon")).team
        var question = StatusService.Draft(text: "问题 \"quoted\" \\ back\nslash\t@bob #话题# https://example.com/x?a=1&b=2 👩‍💻")
        question.teamID = team.id
        question.kind = .question
        let teamPost = try await fixture.services.statuses.createStatus(by: alice, question)
        let original = try await fixture.post(alice, "原帖 #swift")
        var quoteDraft = StatusService.Draft(text: "转发 with comment", quotedStatusID: original.status.id)
        quoteDraft.spoilerText = "cw"
        let quote = try await fixture.services.statuses.createStatus(by: bob, quoteDraft)
        let reblog = try await fixture.services.statuses.reblog(id: quote.status.id, by: alice)
        let deleted = try await fixture.services.statuses.deleteStatus(id: original.status.id, by: alice)
        let reloaded = try await fixture.services.statuses.status(id: quote.status.id, viewer: bob)

        for status in [teamPost, original, quote, reblog, reloaded] {
            let (fast, reference) = try both(presenter.status(status))
            #expect(fast == reference, "status \(status.status.id)")
        }
        let (fastDeleted, referenceDeleted) = try both(presenter.status(deleted, includeSource: true))
        #expect(fastDeleted == referenceDeleted)
        let (fastAccount, referenceAccount) = try both(presenter.account(alice, credentials: true))
        #expect(fastAccount == referenceAccount)
        for notification in try await fixture.services.notifications.list(viewer: alice, page: Page(), types: [], excludeTypes: []) {
            let (fast, reference) = try both(presenter.notification(notification))
            #expect(fast == reference)
        }
    }
}

@Suite("Remembered status JSON is never stale")
struct StatusJSONCacheTests {
    func written(_ cache: StatusJSONCache, _ statuses: [StatusEntity]) -> String {
        var writer = JSONWriter()
        cache.writeArray(statuses, to: &writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    @Test func reusesOnlyWhatIsUnchanged() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        let bob = try await fixture.user("bob")
        let presenter = MastodonPresenter(config: fixture.services.config)
        let post = try await fixture.post(alice, "第一条 #发布会")
        let other = try await fixture.post(alice, "second")
        let cache = StatusJSONCache(capacity: 3)
        var plain = JSONWriter()
        plain.array([presenter.status(post), presenter.status(other)]) { w, status in status.write(to: &w) }
        let expected = String(decoding: plain.bytes, as: UTF8.self)
        #expect(written(cache, [presenter.status(post), presenter.status(other)]) == expected)
        #expect(written(cache, [presenter.status(post), presenter.status(other)]) == expected)
        // A favourite changes the count (and, for its author, the flag): the next write shows it.
        _ = try await fixture.services.statuses.favourite(id: post.status.id, by: bob)
        let seenByBob = try await fixture.services.statuses.status(id: post.status.id, viewer: bob)
        let json = written(cache, [presenter.status(seenByBob)])
        #expect(json.contains("\"favourites_count\":1") && json.contains("\"favourited\":true"))
        let seenByAlice = try await fixture.services.statuses.status(id: post.status.id, viewer: alice)
        #expect(written(cache, [presenter.status(seenByAlice)]).contains("\"favourited\":false"))
        // Past its capacity the cache starts over and still writes everything.
        let more = try await (0..<4).asyncMap { try await fixture.post(bob, "more \($0)") }
        #expect(try JSONSerialization.jsonObject(with: Data(written(cache, more.map { presenter.status($0) }).utf8)) is [Any])
    }
}

extension Sequence where Element: Sendable {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}

@Suite("Timestamps as Mastodon writes them")
struct TimestampTests {
    @Test func formatsMillisecondsInUTC() {
        #expect(JSON.timestamp(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(JSON.timestamp(Date(timeIntervalSince1970: 1_795_310_122.657)) == "2026-11-22T01:15:22.657Z")
        #expect(JSON.day(Date(timeIntervalSince1970: 1_795_310_122.657)) == "2026-11-22")
    }
}

@Suite("Form decoding and Link-header encoding")
struct FormCodingTests {
    @Test func decodesPlusPercentAndUTF8() {
        #expect(Params.decodeForm("a+b%20c") == "a b c")
        #expect(Params.decodeForm("%E5%8F%91%E5%B8%83%E4%BC%9A") == "发布会")
        #expect(Params.decodeForm("plain") == "plain")
        #expect(Params.decodeForm("100%25") == "100%")
        #expect(Params.decodeForm("bad%2") == nil)
        #expect(Params.decodeForm("bad%zz") == nil)
        #expect(Params.decodeForm("%FF%FE") == nil)
    }

    @Test func encodesEverythingButUnreservedASCII() {
        #expect(LinkHeader.encode("limit") == "limit")
        #expect(LinkHeader.encode("types[]") == "types[]")
        #expect(LinkHeader.encode("发布") == "%E5%8F%91%E5%B8%83")
        #expect(LinkHeader.encode("a b&c=d") == "a%20b%26c%3Dd")
    }
}
