import ChorusCore
import ChorusServices
import ChorusStore
import Mustache

/// What the new-team form and the settings form show: the team's values,
/// or what the person typed when the service refused it.
struct TeamFormValues: MustacheParent, Sendable {
    var name = ""
    var slug = ""
    var description = ""
    var privacy = TeamPrivacy.public
    var joinPolicy = TeamJoinPolicy.open

    init() {}

    init(_ team: TeamRecord) {
        name = team.name
        slug = team.slug
        description = team.description
        privacy = team.privacy
        joinPolicy = team.joinPolicy
    }

    func child(named key: String) -> Any? {
        switch key {
        case "name": name
        case "slug": slug
        case "description": description
        case "private": privacy == .private
        case "policyOpen": joinPolicy == .open
        case "policyRequest": joinPolicy == .request
        case "policyInvite": joinPolicy == .invite
        default: nil
        }
    }
}

/// The list of teams with the new-team form.
struct TeamListContent: MustacheParent {
    let teams: [TeamHeader]
    let draft: TeamFormValues

    func child(named name: String) -> Any? {
        switch name {
        case "teams": teams
        case "draft": draft
        case "showPrivacy": true
        default: nil
        }
    }
}

/// A member on the settings page: the roles the reader may give them (the
/// current one selected; none: no form) and whether they may remove them.
struct MemberRow: MustacheParent, Sendable {
    let person: PersonLink
    let role: String
    let roles: [Choice]
    let canRemove: Bool

    func child(named name: String) -> Any? {
        switch name {
        case "roleLabel": role
        case "roles": roles
        case "hasRoles": !roles.isEmpty
        case "canRemove": canRemove
        default: person.child(named: name)
        }
    }
}

/// A team's settings page (its owners and admins).
struct TeamSettingsContent: MustacheParent {
    let team: TeamHeader
    /// The team's full address, shown (it never changes).
    let address: String
    let capabilities: TeamCapabilities
    let draft: TeamFormValues
    let members: [MemberRow]
    /// The roles a newcomer may get from the reader.
    let newRoles: [Choice]
    /// The username typed into "add a member" when it was refused.
    let username: String
    let moreMembers: String?

    func child(named name: String) -> Any? {
        switch name {
        case "team": team
        case "address": address
        case "canArchive": capabilities.archive
        case "showPrivacy": capabilities.changePrivacy
        case "draft": draft
        case "members": members
        case "newRoles": newRoles
        case "draftUsername": username
        case "moreMembers": moreMembers
        default: nil
        }
    }
}
