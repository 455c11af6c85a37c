import ChorusCore
import ChorusServices
import ChorusStore
import Foundation
import HTTPTypes
import Hummingbird

/// Converts records into Mastodon API entities, once, in one place.
struct MastodonPresenter: Sendable {
    let baseURL: String
    /// Shared by every copy of the presenter.
    let statusJSON = StatusJSONCache()

    init(config: ChorusConfig) { baseURL = config.baseURL }

    func account(_ account: AccountRecord, credentials: Bool = false) -> AccountEntity {
        let url = "\(baseURL)/@\(account.username)"
        let avatar = "\(baseURL)/avatars/original/missing.png"
        let header = "\(baseURL)/headers/original/missing.png"
        return AccountEntity(
            id: String(account.id), username: account.username, acct: account.username,
            displayName: account.displayName, bot: account.isBot, createdAt: JSON.timestamp(Calendar.utcStartOfDay(account.createdAt)),
            note: account.note.isEmpty ? "" : HTMLRenderer(baseURL: baseURL).render(TextParser.parse(account.note), knownUsernames: []),
            url: url, uri: url, avatar: avatar, avatarStatic: avatar, header: header, headerStatic: header,
            followersCount: account.followersCount, followingCount: account.followingCount, statusesCount: account.statusesCount,
            lastStatusAt: account.lastStatusAt.map(JSON.day),
            source: credentials ? SourceEntity(note: account.note, privacy: "public", language: account.locale) : nil,
            role: credentials ? role(account.role) : nil,
            chorus: AccountExtension(role: account.role.rawValue, active: account.isActive))
    }

    func role(_ role: Role) -> RoleEntity {
        switch role {
        case .admin: RoleEntity(id: "3", name: "Admin", permissions: "1048575", highlighted: true)
        case .editor: RoleEntity(id: "2", name: "Editor", permissions: "0", highlighted: true)
        case .member: RoleEntity(id: "-99", name: "", permissions: "0", highlighted: false)
        }
    }

    func status(_ hydrated: HydratedStatus, includeSource: Bool = false) -> StatusEntity {
        let status = hydrated.status
        let url = "\(baseURL)/@\(hydrated.account.username)/\(status.id)"
        var quote: QuoteEntity?
        if let quotedID = status.quoteOfId, let state = hydrated.quoteState {
            if let quoted = hydrated.quoted {
                quote = QuoteEntity(state: state.rawValue, quotedStatus: Indirect(self.status(quoted)))
            } else {
                quote = QuoteEntity(state: state.rawValue, quotedStatus: nil, quotedStatusId: state == .accepted ? String(quotedID) : nil)
            }
        }
        return StatusEntity(
            id: String(status.id), uri: url, url: url, createdAt: JSON.timestamp(status.createdAt),
            account: account(hydrated.account), content: status.contentHtml, visibility: status.visibility.mastodonValue,
            sensitive: status.sensitive, spoilerText: status.spoilerText,
            application: status.applicationName.map { ApplicationEntity(name: $0, website: nil) },
            mentions: hydrated.mentions.map { MentionEntity(id: String($0.id), username: $0.username, url: "\(baseURL)/@\($0.username)", acct: $0.username) },
            tags: hydrated.tags.map { tag(name: $0.name, display: $0.display) },
            reblogsCount: status.reblogsCount, favouritesCount: status.favouritesCount, repliesCount: status.repliesCount,
            quotesCount: status.quotesCount,
            inReplyToId: status.inReplyToId.map(String.init), inReplyToAccountId: status.inReplyToAccountId.map(String.init),
            reblog: hydrated.reblog.map { Indirect(self.status($0)) }, language: status.language,
            text: includeSource ? status.text : nil, editedAt: status.editedAt.map(JSON.timestamp),
            favourited: hydrated.favourited, reblogged: hydrated.reblogged, quote: quote,
            chorus: StatusExtension(visibility: status.visibility.rawValue,
                                    team: hydrated.team.map { TeamRefEntity(id: String($0.id), name: $0.name, slug: $0.slug) },
                                    kind: status.kind.rawValue, pinned: hydrated.pinned, bestAnswerId: status.bestAnswerId.map(String.init)))
    }

    /// A JSON response holding a list of statuses (every timeline).
    func statusesResponse(_ statuses: [HydratedStatus], headers: HTTPFields = [:]) -> Response {
        var writer = JSONWriter(capacity: 2048 * max(statuses.count, 1))
        statusJSON.writeArray(statuses.map { status($0) }, to: &writer)
        return JSON.body(writer.bytes, status: .ok, headers: headers)
    }

    func tag(name: String, display: String, history: Bool = false) -> TagEntity {
        TagEntity(name: display, url: "\(baseURL)/tags/\(HTMLRenderer.percentEncodePath(name))", history: history ? [] : nil)
    }

    func notification(_ hydrated: HydratedNotification) -> NotificationEntity {
        let record = hydrated.notification
        return NotificationEntity(id: String(record.id), type: record.type, createdAt: JSON.timestamp(record.createdAt),
                                  groupKey: "ungrouped-\(record.id)", account: account(hydrated.from),
                                  status: hydrated.status.map { status($0) })
    }

    func team(_ view: TeamView) -> TeamEntity {
        let team = view.team
        return TeamEntity(id: String(team.id), name: team.name, slug: team.slug, description: team.description,
                          privacy: team.privacy.rawValue, joinPolicy: team.joinPolicy.rawValue, membersCount: team.membersCount,
                          role: view.role?.rawValue, requested: view.requested, archived: team.isArchived,
                          createdAt: JSON.timestamp(team.createdAt), url: "\(baseURL)/teams/\(team.slug)")
    }

    func member(_ member: TeamMember) -> TeamMemberEntity {
        TeamMemberEntity(account: account(member.account), role: member.role.rawValue, since: JSON.timestamp(member.since))
    }

    func relationship(_ record: RelationshipRecord) -> RelationshipEntity {
        RelationshipEntity(id: String(record.accountID), following: record.following, showingReblogs: record.following, followedBy: record.followedBy)
    }
}

extension Calendar {
    /// Midnight UTC of the day of `date` (Mastodon rounds `created_at` of accounts).
    static func utcStartOfDay(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 / 86400).rounded(.down) * 86400)
    }
}
