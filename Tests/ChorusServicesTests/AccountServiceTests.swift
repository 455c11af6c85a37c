import ChorusCore
import ChorusServices
import ChorusStore
import ChorusTestSupport
import Synchronization
import Testing

@Suite("Accounts: creation, sign-in, roles, deactivation, invites")
struct AccountServiceTests {
    // MARK: Tests

    @Test func createsAPersonWithAnArgon2idHash() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        #expect(alice.passwordHash?.hasPrefix("$argon2id$v=19$") == true)
        #expect(alice.role == .member)
    }

    @Test func productionHasherUsesAtLeastOWASPParameters() throws {
        let encoded = try Argon2Hasher().hash("a long password")
        #expect(encoded.hasPrefix("$argon2id$v=19$m=19456,t=2,p=1$"))
        #expect(Argon2Hasher().verify("a long password", encoded: encoded))
        #expect(!Argon2Hasher().verify("another password", encoded: encoded))
    }

    @Test func refusesATakenUsernameWithAConflict() async throws {
        let fixture = try await TestFixture()
        try await fixture.user("alice")
        await #expect(throws: ChorusError.self) { try await fixture.user("ALICE") }
    }

    @Test func refusesBadUsernamesAndShortPasswords() async throws {
        let fixture = try await TestFixture()
        await #expect(throws: ChorusError.self) {
            try await fixture.services.accounts.createUser(.init(username: "李华", password: TestFixture.password))
        }
        await #expect(throws: ChorusError.self) {
            try await fixture.services.accounts.createUser(.init(username: "lihua", password: "short"))
        }
    }

    @Test func signsInWithUsernameOrEmail() async throws {
        let fixture = try await TestFixture()
        let alice = try await fixture.user("alice")
        let byName = try await fixture.services.accounts.authenticate(login: "Alice", password: TestFixture.password, address: nil)
        let byEmail = try await fixture.services.accounts.authenticate(login: "alice@example.com", password: TestFixture.password, address: nil)
        #expect(byName.id == alice.id && byEmail.id == alice.id)
        await #expect(throws: ChorusError.unauthorized("Invalid username or password")) {
            try await fixture.services.accounts.authenticate(login: "alice", password: "wrong password", address: nil)
        }
    }

    @Test func rateLimitsRepeatedFailuresPerAccount() async throws {
        let fixture = try await TestFixture(limits: .init(perAccount: 3, perAddress: 100, window: 300))
        try await fixture.user("alice")
        for _ in 0..<3 {
            _ = try? await fixture.services.accounts.authenticate(login: "alice", password: "wrong password", address: "10.0.0.1")
        }
        do {
            _ = try await fixture.services.accounts.authenticate(login: "alice", password: TestFixture.password, address: "10.0.0.2")
            Issue.record("expected 429")
        } catch let error as ChorusError {
            #expect(error.kind == .tooManyRequests)
        }
    }

    @Test func rateLimitsRepeatedFailuresPerAddress() async throws {
        let fixture = try await TestFixture(limits: .init(perAccount: 100, perAddress: 2, window: 300))
        try await fixture.user("alice")
        for name in ["x1", "x2"] {
            _ = try? await fixture.services.accounts.authenticate(login: name, password: "whatever1", address: "10.0.0.9")
        }
        await #expect(throws: ChorusError.tooManyRequests("Too many failed sign-in attempts; try again in a few minutes")) {
            try await fixture.services.accounts.authenticate(login: "alice", password: TestFixture.password, address: "10.0.0.9")
        }
    }

    @Test func deactivationRevokesEveryTokenAtOnce() async throws {
        let fixture = try await TestFixture()
        let admin = try await fixture.user("boss", role: .admin)
        let alice = try await fixture.user("alice")
        let token = try await fixture.token(for: alice)
        _ = try await fixture.services.oauth.authenticate(bearer: token)
        _ = try await fixture.services.accounts.deactivate(accountID: alice.id, actor: admin)
        await #expect(throws: ChorusError.self) { try await fixture.services.oauth.authenticate(bearer: token) }
        await #expect(throws: ChorusError.self) {
            try await fixture.services.accounts.authenticate(login: "alice", password: TestFixture.password, address: nil)
        }
        let log = try await fixture.services.accounts.auditLog(actor: admin, page: Page())
        #expect(log.contains { $0.action == "account.deactivated" && $0.actorId == admin.id })
    }

    @Test func onlyAdministratorsManagePeople() async throws {
        let fixture = try await TestFixture()
        let member = try await fixture.user("member")
        let other = try await fixture.user("other")
        await #expect(throws: ChorusError.self) { try await fixture.services.accounts.deactivate(accountID: other.id, actor: member) }
        await #expect(throws: ChorusError.self) { try await fixture.services.accounts.setRole(accountID: other.id, role: .admin, actor: member) }
        await #expect(throws: ChorusError.self) { try await fixture.services.accounts.createInvite(by: member, role: .member, email: nil) }
    }

    @Test func anInviteWorksOnce() async throws {
        let fixture = try await TestFixture()
        let admin = try await fixture.user("boss", role: .admin)
        let invite = try await fixture.services.accounts.createInvite(by: admin, role: .editor, email: "new@example.com")
        let token = String(invite.url.split(separator: "/").last!)
        #expect(invite.url.hasPrefix(TestFixture.baseURL + "/invite/"))
        let account = try await fixture.services.accounts.acceptInvite(token: token, username: "newbie", password: TestFixture.password, displayName: "新人")
        #expect(account.role == .editor)
        #expect(account.email == "new@example.com")
        await #expect(throws: ChorusError.self) {
            try await fixture.services.accounts.acceptInvite(token: token, username: "second", password: TestFixture.password, displayName: nil)
        }
    }
}

/// A password hasher that counts how often it verified, so a test can prove
/// that a refused sign-in still spent the hash (and took as long).
final class CountingHasher: PasswordHasher {
    let inner = Argon2Hasher(memoryKiB: 64, iterations: 1)
    private let verified = Mutex(0)

    var verifications: Int { verified.withLock { $0 } }

    func hash(_ password: String) throws -> String { try inner.hash(password) }

    func verify(_ password: String, encoded: String) -> Bool {
        verified.withLock { $0 += 1 }
        return inner.verify(password, encoded: encoded)
    }
}

@Suite("Sign-in: a deactivated account is refused like a wrong password")
struct DeactivatedSignInServiceTests {
    @Test func aDeactivatedAccountSpendsTheHashAndCountsAsAFailure() async throws {
        let hasher = CountingHasher()
        let fixture = try await TestFixture(limits: .init(perAccount: 2), hasher: hasher)
        let alice = try await fixture.user("alice")
        _ = try await fixture.services.accounts.deactivate(accountID: alice.id, actor: nil)
        let before = hasher.verifications
        for _ in 0..<2 {
            await #expect(throws: ChorusError.unauthorized("Invalid username or password")) {
                _ = try await fixture.services.accounts.authenticate(login: "alice", password: TestFixture.password, address: "10.0.0.1")
            }
        }
        #expect(hasher.verifications == before + 2)
        // Limited after as many attempts as wrong passwords are.
        await #expect(throws: ChorusError.self) {
            do {
                _ = try await fixture.services.accounts.authenticate(login: "alice", password: TestFixture.password, address: "10.0.0.1")
            } catch let error as ChorusError {
                #expect(error.kind == .tooManyRequests)
                throw error
            }
        }
    }

    @Test func onlyAdministratorsListEveryone() async throws {
        let fixture = try await TestFixture()
        let admin = try await fixture.user("ada", role: .admin)
        let member = try await fixture.user("mia")
        #expect(try await fixture.services.accounts.listAccounts(by: admin).count == 2)
        #expect(try await fixture.services.accounts.listAccounts(by: nil).count == 2)  // the command line
        await #expect(throws: ChorusError.forbidden("Only administrators can do this")) {
            try await fixture.services.accounts.listAccounts(by: member)
        }
    }
}
