import ChorusCore
import ChorusServices
import ChorusStore
import ChorusTestSupport
import Foundation
import Testing

@Suite("Outbox: pruning never outruns a durable consumer")
struct OutboxPruningTests {
    @Test func pruningKeepsEveryEventAConsumerHasNotRead() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        let start = try await fixture.database.latestEventID()
        for index in 0..<4 { try await fixture.post(alice, "post \(index)") }
        let events = try await fixture.database.events(after: start, limit: 10)
        #expect(events.count == 4)
        // The app dispatcher was stopped after reading the first of them.
        try await fixture.database.queueDeliveries([], cursor: AppEventDispatcher.cursorName, to: events[0].id!, messageID: { "msg" })

        // Every event is past the age limit (a negative age puts the cut-off in the future).
        try await fixture.database.pruneEvents(olderThan: -60)
        let left = try await fixture.database.events(after: 0, limit: 10).map(\.id)
        #expect(left == events.dropFirst().map(\.id))

        // Once it has caught up, they go.
        try await fixture.database.queueDeliveries([], cursor: AppEventDispatcher.cursorName, to: events[3].id!, messageID: { "msg" })
        try await fixture.database.pruneEvents(olderThan: -60)
        #expect(try await fixture.database.events(after: 0, limit: 10).isEmpty)
    }
}
