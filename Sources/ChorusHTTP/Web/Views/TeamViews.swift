import ChorusCore
import ChorusStore
import Mustache

/// A team as its page and the list of teams show it.
struct TeamHeader: MustacheParent, Sendable {
    let id: String
    let slug: String
    let name: String
    let description: String
    let isPrivate: Bool
    let members: Int
    let isArchived: Bool
    let joinPolicy: String
    /// Whether the reader is a member (the list's badge).
    var isMember = false

    init(_ team: TeamRecord, isMember: Bool = false) {
        id = String(team.id)
        slug = team.slug
        name = team.name
        description = team.description
        isPrivate = team.privacy == .private
        members = team.membersCount
        isArchived = team.isArchived
        joinPolicy = team.joinPolicy.rawValue
        self.isMember = isMember
    }

    func child(named key: String) -> Any? {
        switch key {
        case "id": id
        case "slug": slug
        case "name": name
        case "description": description
        case "private": isPrivate
        case "members": members
        case "archived": isArchived
        case "joinPolicy": joinPolicy
        case "role": isMember
        default: nil
        }
    }
}
