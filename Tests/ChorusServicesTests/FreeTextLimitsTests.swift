import ChorusCore
import ChorusServices
import ChorusStore
import ChorusTestSupport
import Testing

/// One user-perceived character may be built of any number of combining
/// marks, so a limit in characters alone bounds nothing: every free-text
/// field also has a cap in bytes.
@Suite("Free text: character limits are byte limits too")
struct FreeTextLimitsTests {
    /// One character of `marks` combining accents on an `A` (2 bytes each).
    static func heavy(_ marks: Int) -> String { "A" + String(repeating: "\u{0301}", count: marks) }

    // MARK: Tests

    @Test func displayNamesAndBiosAreCappedInBytes() async throws {
        let fixture = try await TestFixture()
        #expect(Self.heavy(2_000).count == 1)
        await #expect(throws: ChorusError.self) {
            try await fixture.services.accounts.createUser(.init(username: "zed", password: TestFixture.password, displayName: Self.heavy(2_000)))
        }
        let alice = try await fixture.user("alice")
        await #expect(throws: ChorusError.self) {
            try await fixture.services.accounts.updateProfile(accountID: alice.id, displayName: Self.heavy(2_000), note: nil, locale: nil)
        }
        await #expect(throws: ChorusError.self) {
            try await fixture.services.accounts.updateProfile(accountID: alice.id, displayName: nil, note: Self.heavy(5_000), locale: nil)
        }
        // Ordinary text up to the character limits still fits.
        let saved = try await fixture.services.accounts.updateProfile(accountID: alice.id, displayName: String(repeating: "爱", count: 30),
                                                                      note: String(repeating: "👩‍💻", count: 200), locale: nil)
        #expect(saved.displayName.count == 30)
    }

    @Test func teamNamesAndDescriptionsAreCappedInBytes() async throws {
        let fixture = try await TestFixture()
        let owner = try await fixture.user("owner")
        let teams = fixture.services.teams
        await #expect(throws: ChorusError.self) { try await teams.createTeam(by: owner, .init(name: Self.heavy(2_000), slug: "heavy")) }
        await #expect(throws: ChorusError.self) {
            try await teams.createTeam(by: owner, .init(name: "Falcon", slug: "falcon", description: Self.heavy(5_000)))
        }
        let team = try await teams.createTeam(by: owner, .init(name: "Falcon", slug: "falcon", description: String(repeating: "项", count: 500))).team
        await #expect(throws: ChorusError.self) { try await teams.updateTeam(id: team.id, by: owner, .init(name: Self.heavy(2_000))) }
        await #expect(throws: ChorusError.self) { try await teams.updateTeam(id: team.id, by: owner, .init(description: Self.heavy(5_000))) }
    }

    @Test func contentWarningsAreCappedInBytes() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        var draft = StatusService.Draft(text: "behind a warning")
        draft.spoilerText = Self.heavy(2_000)
        await #expect(throws: ChorusError.unprocessable("Validation failed: Content warning is too long")) {
            try await fixture.services.statuses.createStatus(by: alice, draft)
        }
    }
}
