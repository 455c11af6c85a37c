import ChorusCore
import ChorusStore
@testable import ChorusStorePostgres
import ChorusTestSupport
import Foundation
import Synchronization
import Testing

@Suite("PostgreSQL outbox: consumers never skip an event that commits after a later one",
       .enabled(if: TestDatabase.postgres != nil, "needs the private PostgreSQL server of `make test`"))
struct PostgresOutboxTests {
    /// Reads the outbox from position 0 until `expected` events arrived or
    /// 60 s passed (the whole suite shares one server on two cores).
    static func consume(_ database: PostgresDatabase, expected: Int) async throws -> [String] {
        var cursor: Int64 = 0
        var seen: [String] = []
        let deadline = Date().addingTimeInterval(60)
        while seen.count < expected, Date() < deadline {
            let events = try await database.events(after: cursor, limit: 50)
            for event in events {
                #expect(try #require(event.id) > cursor, "positions only grow")
                cursor = try #require(event.id)
                seen.append(event.payload)
            }
            if events.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
        }
        return seen
    }

    @Test func aSlowTransactionsEventIsReadAfterTheFastOnesThatPassedIt() async throws {
        let database = try await TestDatabase.makePostgres()
        let slowStarted = Atomic(false)
        // Inserts its event first, commits last.
        let slow = Task {
            try await database.write { connection in
                try await database.appendEvent(connection, type: "test", payload: ["n": "slow"])
                slowStarted.store(true, ordering: .sequentiallyConsistent)
                try await Task.sleep(for: .milliseconds(700))
            }
        }
        while !slowStarted.load(ordering: .sequentiallyConsistent) { try await Task.sleep(for: .milliseconds(5)) }
        let consumer = Task { try await Self.consume(database, expected: 21) }
        for n in 0..<20 {
            try await database.write { try await database.appendEvent($0, type: "test", payload: ["n": "fast \(n)"]) }
        }
        try await slow.value
        let seen = try await consumer.value
        #expect(seen.count == 21)
        #expect(Set(seen).count == 21, "nothing twice")
        #expect(seen.contains("{\"n\":\"slow\"}"))
    }

    @Test func concurrentWritersWithRandomDelaysLoseNothing() async throws {
        let database = try await TestDatabase.makePostgres()
        let writers = 12
        let perWriter = 15
        let consumer = Task { try await Self.consume(database, expected: writers * perWriter) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<writers {
                group.addTask {
                    for n in 0..<perWriter {
                        try await database.write { connection in
                            try await database.appendEvent(connection, type: "test", payload: ["n": "\(writer).\(n)"])
                            try await Task.sleep(for: .milliseconds(Int.random(in: 0...25)))
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let seen = try await consumer.value
        #expect(seen.count == writers * perWriter)
        #expect(Set(seen).count == writers * perWriter)
        #expect(try await database.latestEventID() == Int64(writers * perWriter))
    }
}

@Suite("PostgreSQL node numbers: two processes never make the same id",
       .enabled(if: TestDatabase.postgres != nil, "needs the private PostgreSQL server of `make test`"))
struct PostgresNodeTests {
    @Test func processesSharingADatabaseHoldDifferentNodeNumbers() async throws {
        let first = try await TestDatabase.makePostgres()
        let pool = first.pool
        let schema = try #require(first.schema)
        let second = try await PostgresDatabase.inSchema(schema, pool: pool)
        #expect(first.node != second.node)
        await #expect(throws: ChorusError.self) { try await PostgresDatabase.inSchema(schema, pool: pool, node: first.node) }
        let third = try await PostgresDatabase.inSchema(schema, pool: pool, node: 40)
        #expect(third.node == 40)
        let ids = (0..<2000).flatMap { _ in [first.ids.next(), second.ids.next(), third.ids.next()] }
        #expect(Set(ids).count == ids.count)
    }

    @Test func aNumberTakenOverIsGivenUpForAFreshOne() async throws {
        let database = try await TestDatabase.makePostgres()
        let before = database.node
        try await database.write { connection in
            _ = try await connection.run("UPDATE chorus_nodes SET holder = 'someone else' WHERE node = \(before)")
        }
        await database.renewOnce()
        #expect(database.node != before)
    }
}
