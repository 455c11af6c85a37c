import ChorusCore
import ChorusServices
import ChorusStore
import ChorusTestSupport
import Testing

@Suite("Group commit: concurrent posts share transactions, failures stay their own")
struct GroupCommitTests {
    @Test func concurrentPostsAllLandAndAFailingOneDoesNotSpoilTheBatch() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        let results = try await withThrowingTaskGroup(of: Int64?.self) { group in
            for i in 0..<60 {
                group.addTask {
                    var new = NewStatus(accountID: alice.id, text: "post \(i)", contentHTML: "<p>post \(i)</p>",
                                                    visibility: .company, mentionedUsernames: [], tags: [])
                    if i == 30 { new.accountID = 42 } // violates the foreign key: only this one fails
                    return try? await fixture.database.createStatus(new)
                }
            }
            var ids: [Int64?] = []
            for try await id in group { ids.append(id) }
            return ids
        }
        let stored = results.compactMap { $0 }
        #expect(stored.count == 59)
        #expect(Set(stored).count == 59)
        #expect(try await fixture.services.accounts.account(id: alice.id).statusesCount == 59)
        #expect(try await fixture.services.timelines.home(viewer: alice, page: Page(limit: 40)).count == 40)
    }
}
