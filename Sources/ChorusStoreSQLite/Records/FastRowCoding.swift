import ChorusCore
import ChorusStore
import Foundation
import GRDB

// Hand-written row decoding and encoding for the records read and written
// on every request. GRDB's Codable path with snake-case key conversion
// spent a fifth of a home-timeline request converting column names; these
// read columns by name directly, and the two busiest (accounts, statuses)
// by position: a column looked up by name is lowercased and hashed at every
// row, so `fetchAllByPosition` finds the positions once per statement. Keep
// them in step with the migrations (the store tests read and write every
// field).

/// A record decoded from column positions found once per statement.
protocol PositionalRecord: FetchableRecord {
    /// The columns the record reads, in the order `init(row:at:)` uses them.
    static var columns: [String] { get }
    init(row: Row, at position: [Int])
}

extension PositionalRecord {
    /// Where each of `columns` is among `names`.
    static func positions(in names: [String]) throws -> [Int] {
        try columns.map { column in
            guard let index = names.firstIndex(of: column) else {
                throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "no column \(column) for \(Self.self)")
            }
            return index
        }
    }

    public init(row: Row) throws {
        self.init(row: row, at: try Self.positions(in: Array(row.columnNames)))
    }

    /// Every row of a statement, decoded by position.
    static func fetchAllByPosition(_ statement: Statement, arguments: StatementArguments) throws -> [Self] {
        let position = try positions(in: statement.columnNames)
        var records: [Self] = []
        let rows = try Row.fetchCursor(statement, arguments: arguments)
        while let row = try rows.next() { records.append(Self(row: row, at: position)) }
        return records
    }
}

extension AccountRecord: PositionalRecord {
    static let columns = ["id", "username", "display_name", "email", "note", "role", "password_hash", "is_bot", "is_active", "locale", "created_at", "followers_count", "following_count", "statuses_count", "last_status_at"]

    init(row: Row, at position: [Int]) {
        self.init(id: row[position[0]],
                  username: row[position[1]],
                  displayName: row[position[2]],
                  email: row[position[3]],
                  note: row[position[4]],
                  role: Role(rawValue: row[position[5]]) ?? .member,
                  passwordHash: row[position[6]],
                  isBot: row[position[7]],
                  isActive: row[position[8]],
                  locale: row[position[9]],
                  createdAt: row[position[10]],
                  followersCount: row[position[11]],
                  followingCount: row[position[12]],
                  statusesCount: row[position[13]],
                  lastStatusAt: row[position[14]])
    }

    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        container["username"] = username
        container["display_name"] = displayName
        container["email"] = email
        container["note"] = note
        container["role"] = role.rawValue
        container["password_hash"] = passwordHash
        container["is_bot"] = isBot
        container["is_active"] = isActive
        container["locale"] = locale
        container["created_at"] = createdAt
        container["followers_count"] = followersCount
        container["following_count"] = followingCount
        container["statuses_count"] = statusesCount
        container["last_status_at"] = lastStatusAt
    }
}

extension StatusRecord: PositionalRecord {
    static let columns = ["id", "account_id", "text", "content_html", "visibility", "spoiler_text", "sensitive", "language", "in_reply_to_id", "in_reply_to_account_id", "reblog_of_id", "quote_of_id", "application_name", "created_at", "edited_at", "replies_count", "reblogs_count", "favourites_count", "quotes_count", "team_id", "kind", "best_answer_id"]

    init(row: Row, at position: [Int]) {
        self.init(id: row[position[0]],
                  accountId: row[position[1]],
                  text: row[position[2]],
                  contentHtml: row[position[3]],
                  visibility: Visibility(rawValue: row[position[4]]) ?? .direct,
                  spoilerText: row[position[5]],
                  sensitive: row[position[6]],
                  language: row[position[7]],
                  inReplyToId: row[position[8]],
                  inReplyToAccountId: row[position[9]],
                  reblogOfId: row[position[10]],
                  quoteOfId: row[position[11]],
                  applicationName: row[position[12]],
                  createdAt: row[position[13]],
                  editedAt: row[position[14]],
                  repliesCount: row[position[15]],
                  reblogsCount: row[position[16]],
                  favouritesCount: row[position[17]],
                  quotesCount: row[position[18]],
                  teamId: row[position[19]],
                  kind: PostKind(rawValue: row[position[20]]) ?? .status,
                  bestAnswerId: row[position[21]])
    }

    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        container["account_id"] = accountId
        container["text"] = text
        container["content_html"] = contentHtml
        container["visibility"] = visibility.rawValue
        container["spoiler_text"] = spoilerText
        container["sensitive"] = sensitive
        container["language"] = language
        container["in_reply_to_id"] = inReplyToId
        container["in_reply_to_account_id"] = inReplyToAccountId
        container["reblog_of_id"] = reblogOfId
        container["quote_of_id"] = quoteOfId
        container["application_name"] = applicationName
        container["created_at"] = createdAt
        container["edited_at"] = editedAt
        container["replies_count"] = repliesCount
        container["reblogs_count"] = reblogsCount
        container["favourites_count"] = favouritesCount
        container["quotes_count"] = quotesCount
        container["team_id"] = teamId
        container["kind"] = kind.rawValue
        container["best_answer_id"] = bestAnswerId
    }
}

extension NotificationRecord {
    public init(row: Row) throws {
        self.init(id: row["id"],
                  accountId: row["account_id"],
                  type: row["type"],
                  fromAccountId: row["from_account_id"],
                  statusId: row["status_id"],
                  createdAt: row["created_at"],
                  readAt: row["read_at"])
    }
}

extension TeamRecord {
    public init(row: Row) throws {
        self.init(id: row["id"],
                  name: row["name"],
                  slug: row["slug"],
                  description: row["description"],
                  privacy: TeamPrivacy(rawValue: row["privacy"]) ?? .private,
                  joinPolicy: TeamJoinPolicy(rawValue: row["join_policy"]) ?? .invite,
                  membersCount: row["members_count"],
                  createdBy: row["created_by"],
                  createdAt: row["created_at"],
                  archivedAt: row["archived_at"])
    }
}

extension AccessTokenRecord {
    public init(row: Row) throws {
        self.init(id: row["id"],
                  tokenHash: row["token_hash"],
                  kind: row["kind"],
                  appId: row["app_id"],
                  accountId: row["account_id"],
                  scopes: row["scopes"],
                  createdAt: row["created_at"],
                  lastUsedAt: row["last_used_at"],
                  teamId: row["team_id"],
                  userAgent: row["user_agent"],
                  ip: row["ip"])
    }
}
