import ChorusCore
import Foundation
import GRDB

// Hand-written row decoding and encoding for the records read and written
// on every request. GRDB's Codable path with snake-case key conversion
// spent a fifth of a home-timeline request converting column names; these
// read columns by name directly. Keep them in step with the migrations (the
// store tests read and write every field).

extension AccountRecord {
    public init(row: Row) throws {
        id = row["id"]
        username = row["username"]
        displayName = row["display_name"]
        email = row["email"]
        note = row["note"]
        role = Role(rawValue: row["role"]) ?? .member
        passwordHash = row["password_hash"]
        isBot = row["is_bot"]
        isActive = row["is_active"]
        locale = row["locale"]
        createdAt = row["created_at"]
        followersCount = row["followers_count"]
        followingCount = row["following_count"]
        statusesCount = row["statuses_count"]
        lastStatusAt = row["last_status_at"]
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

extension StatusRecord {
    public init(row: Row) throws {
        id = row["id"]
        accountId = row["account_id"]
        text = row["text"]
        contentHtml = row["content_html"]
        visibility = Visibility(rawValue: row["visibility"]) ?? .direct
        spoilerText = row["spoiler_text"]
        sensitive = row["sensitive"]
        language = row["language"]
        inReplyToId = row["in_reply_to_id"]
        inReplyToAccountId = row["in_reply_to_account_id"]
        reblogOfId = row["reblog_of_id"]
        quoteOfId = row["quote_of_id"]
        applicationName = row["application_name"]
        createdAt = row["created_at"]
        editedAt = row["edited_at"]
        repliesCount = row["replies_count"]
        reblogsCount = row["reblogs_count"]
        favouritesCount = row["favourites_count"]
        quotesCount = row["quotes_count"]
        teamId = row["team_id"]
        kind = PostKind(rawValue: row["kind"]) ?? .status
        bestAnswerId = row["best_answer_id"]
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
        id = row["id"]
        accountId = row["account_id"]
        type = row["type"]
        fromAccountId = row["from_account_id"]
        statusId = row["status_id"]
        createdAt = row["created_at"]
        readAt = row["read_at"]
    }
}

extension TeamRecord {
    public init(row: Row) throws {
        id = row["id"]
        name = row["name"]
        slug = row["slug"]
        description = row["description"]
        privacy = TeamPrivacy(rawValue: row["privacy"]) ?? .private
        joinPolicy = TeamJoinPolicy(rawValue: row["join_policy"]) ?? .invite
        membersCount = row["members_count"]
        createdBy = row["created_by"]
        createdAt = row["created_at"]
        archivedAt = row["archived_at"]
    }
}

extension AccessTokenRecord {
    public init(row: Row) throws {
        id = row["id"]
        tokenHash = row["token_hash"]
        kind = row["kind"]
        appId = row["app_id"]
        accountId = row["account_id"]
        scopes = row["scopes"]
        createdAt = row["created_at"]
        lastUsedAt = row["last_used_at"]
    }
}
