import ChorusCore
import Testing

@Suite("Team rules: who runs a team and who changes its owners")
struct TeamRulesTests {
    func facts(_ role: TeamRole?) -> TeamRules.Facts {
        TeamRules.Facts(joinPolicy: .open, isArchived: false, role: role, requested: false)
    }

    // MARK: Tests

    @Test func onlyOwnersArchiveAndChangePrivacy() {
        #expect(TeamRules.capabilities(facts(.owner)) == TeamCapabilities(leave: true, post: true, announce: true, manage: true, archive: true, changePrivacy: true))
        for role in [TeamRole.admin, .member, nil] {
            #expect(TeamRules.archive(facts(role))?.kind == .forbidden)
            #expect(TeamRules.changePrivacy(facts(role))?.kind == .forbidden)
            let capabilities = TeamRules.capabilities(facts(role))
            #expect(!capabilities.archive && !capabilities.changePrivacy)
        }
    }

    @Test func adminsChangeMembersAndAdminsOnlyOwnersTouchOwners() {
        #expect(TeamRules.assignableRoles(to: .member, in: facts(.owner)) == [.member, .admin, .owner])
        #expect(TeamRules.assignableRoles(to: .owner, in: facts(.owner)) == [.member, .admin, .owner])
        #expect(TeamRules.assignableRoles(to: .member, in: facts(.admin)) == [.member, .admin])
        #expect(TeamRules.assignableRoles(to: nil, in: facts(.admin)) == [.member, .admin])
        #expect(TeamRules.assignableRoles(to: .owner, in: facts(.admin)).isEmpty)
        #expect(TeamRules.setRole(.owner, of: .admin, in: facts(.admin))?.message == "Only owners can make or change owners")
        #expect(TeamRules.assignableRoles(to: .member, in: facts(.member)).isEmpty)
        #expect(TeamRules.setRole(.member, of: nil, in: facts(nil))?.kind == .forbidden)

        #expect(TeamRules.remove(.admin, from: facts(.admin)) == nil)
        #expect(TeamRules.remove(.owner, from: facts(.admin))?.message == "Only owners can remove an owner")
        #expect(TeamRules.remove(.owner, from: facts(.owner)) == nil)
        #expect(TeamRules.remove(.member, from: facts(.member))?.kind == .forbidden)
    }
}
