import ChorusCore
import ChorusStore
import Foundation
import PostgresNIO

// Rows read back into the plain records, by column name.

extension AccessTokenRecord: PostgresRecord {
    init(_ row: PostgresRandomAccessRow) throws {
        try self.init(id: row.value("id"), tokenHash: row.value("token_hash"), kind: row.value("kind"),
                      appId: row.value("app_id"), accountId: row.value("account_id"), scopes: row.value("scopes"),
                      createdAt: row.value("created_at"), lastUsedAt: row.value("last_used_at"), teamId: row.value("team_id"),
                      userAgent: row.value("user_agent"), ip: row.value("ip"))
    }
}

extension AccountRecord: PostgresRecord {
    init(_ row: PostgresRandomAccessRow) throws {
        try self.init(id: row.value("id"), username: row.value("username"), displayName: row.value("display_name"),
                      email: row.value("email"), note: row.value("note"), role: row.choice("role"),
                      passwordHash: row.value("password_hash"), isBot: row.value("is_bot"), isActive: row.value("is_active"),
                      locale: row.value("locale"), createdAt: row.value("created_at"),
                      followersCount: row.value("followers_count"), followingCount: row.value("following_count"),
                      statusesCount: row.value("statuses_count"), lastStatusAt: row.value("last_status_at"))
    }
}

extension AppCommandRecord: PostgresRecord {
    init(_ row: PostgresRandomAccessRow) throws {
        try self.init(appId: row.value("app_id"), name: row.value("name"), description: row.value("description"),
                      scope: row.value("scope"))
    }
}

extension AppRecord: PostgresRecord {
    init(_ row: PostgresRandomAccessRow) throws {
        try self.init(id: row.value("id"), name: row.value("name"), description: row.value("description"),
                      botAccountId: row.value("bot_account_id"), teamId: row.value("team_id"),
                      installedBy: row.value("installed_by"), tokenId: row.value("token_id"), scopes: row.value("scopes"),
                      webhookUrl: row.value("webhook_url"), events: row.value("events"),
                      webhookSecret: row.value("webhook_secret"), previousSecret: row.value("previous_secret"),
                      previousExpiresAt: row.value("previous_expires_at"), disabledAt: row.value("disabled_at"),
                      disabledReason: row.value("disabled_reason"), incomingHash: row.value("incoming_hash"),
                      createdAt: row.value("created_at"), updatedAt: row.value("updated_at"))
    }
}

extension AuditRecord: PostgresRecord {
    init(_ row: PostgresRandomAccessRow) throws {
        try self.init(id: row.value("id"), actorId: row.value("actor_id"), action: row.value("action"),
                      subject: row.value("subject"), detail: row.value("detail"), ip: row.value("ip"),
                      createdAt: row.value("created_at"))
    }
}

extension BrandChannelRecord: PostgresRecord {
    init(_ row: PostgresRandomAccessRow) throws {
        try self.init(id: row.value("id"), name: row.value("name"), slug: row.value("slug"), kind: row.choice("kind"),
                      maxCharacters: row.value("max_characters"), mentionsAsNames: row.value("mentions_as_names"),
                      baseUrl: row.value("base_url"), accessToken: row.value("access_token"), url: row.value("url"),
                      secret: row.value("secret"), createdAt: row.value("created_at"), updatedAt: row.value("updated_at"),
                      disabledAt: row.value("disabled_at"))
    }
}

extension DeliveryRecord: PostgresRecord {
    init(_ row: PostgresRandomAccessRow) throws {
        try self.init(id: row.value("id"), appId: row.value("app_id"), eventId: row.value("event_id"),
                      messageId: row.value("message_id"), eventType: row.value("event_type"), body: row.value("body"),
                      state: row.choice("state"), attempts: row.value("attempts"), lastStatus: row.value("last_status"),
                      lastError: row.value("last_error"), nextAttemptAt: row.value("next_attempt_at"),
                      leaseUntil: row.value("lease_until"), createdAt: row.value("created_at"),
                      deliveredAt: row.value("delivered_at"), statusId: row.value("status_id"), teamId: row.value("team_id"))
    }
}

extension ExportRecord: PostgresRecord {
    init(_ row: PostgresRandomAccessRow) throws {
        try self.init(id: row.value("id"), nominationId: row.value("nomination_id"), channelId: row.value("channel_id"),
                      text: row.value("text"), idempotencyKey: row.value("idempotency_key"), state: row.choice("state"),
                      attempts: row.value("attempts"), lastError: row.value("last_error"),
                      nextAttemptAt: row.value("next_attempt_at"), leaseUntil: row.value("lease_until"),
                      externalId: row.value("external_id"), externalUrl: row.value("external_url"),
                      publishedAt: row.value("published_at"), retractedAt: row.value("retracted_at"),
                      createdAt: row.value("created_at"))
    }
}

extension InviteRecord: PostgresRecord {
    init(_ row: PostgresRandomAccessRow) throws {
        try self.init(id: row.value("id"), tokenHash: row.value("token_hash"), role: row.value("role"), email: row.value("email"),
                      createdBy: row.value("created_by"), createdAt: row.value("created_at"), expiresAt: row.value("expires_at"),
                      usedAt: row.value("used_at"), usedBy: row.value("used_by"))
    }
}

extension LeakRuleRecord: PostgresRecord {
    init(_ row: PostgresRandomAccessRow) throws {
        try self.init(id: row.value("id"), kind: row.value("kind"), value: row.value("value"), note: row.value("note"),
                      createdBy: row.value("created_by"), createdAt: row.value("created_at"))
    }
}

extension NominationRecord: PostgresRecord {
    init(_ row: PostgresRandomAccessRow) throws {
        try self.init(id: row.value("id"), statusId: row.value("status_id"), authorId: row.value("author_id"),
                      nominatedBy: row.value("nominated_by"), note: row.value("note"), text: row.value("text"),
                      state: row.choice("state"), reviewedBy: row.value("reviewed_by"), reviewReason: row.value("review_reason"),
                      reviewedAt: row.value("reviewed_at"), publishAt: row.value("publish_at"),
                      createdAt: row.value("created_at"))
    }
}

extension NotificationRecord: PostgresRecord {
    init(_ row: PostgresRandomAccessRow) throws {
        try self.init(id: row.value("id"), accountId: row.value("account_id"), type: row.value("type"),
                      fromAccountId: row.value("from_account_id"), statusId: row.value("status_id"),
                      createdAt: row.value("created_at"), readAt: row.value("read_at"))
    }
}

extension OAuthAppRecord: PostgresRecord {
    init(_ row: PostgresRandomAccessRow) throws {
        try self.init(id: row.value("id"), name: row.value("name"), website: row.value("website"),
                      redirectUris: row.value("redirect_uris"), scopes: row.value("scopes"), clientId: row.value("client_id"),
                      clientSecretHash: row.value("client_secret_hash"), ownerAccountId: row.value("owner_account_id"),
                      createdAt: row.value("created_at"))
    }
}

extension OAuthCodeRecord: PostgresRecord {
    init(_ row: PostgresRandomAccessRow) throws {
        try self.init(codeHash: row.value("code_hash"), appId: row.value("app_id"), accountId: row.value("account_id"),
                      scopes: row.value("scopes"), redirectUri: row.value("redirect_uri"),
                      codeChallenge: row.value("code_challenge"), expiresAt: row.value("expires_at"))
    }
}

extension OutboxEvent: PostgresRecord {
    init(_ row: PostgresRandomAccessRow) throws {
        try self.init(id: row.value("id"), type: row.value("type"), payload: row.value("payload"),
                      createdAt: row.value("created_at"))
    }
}

extension StatusRecord: PostgresRecord {
    init(_ row: PostgresRandomAccessRow) throws {
        try self.init(id: row.value("id"), accountId: row.value("account_id"), text: row.value("text"),
                      contentHtml: row.value("content_html"), visibility: row.choice("visibility"),
                      spoilerText: row.value("spoiler_text"), sensitive: row.value("sensitive"), language: row.value("language"),
                      inReplyToId: row.value("in_reply_to_id"), inReplyToAccountId: row.value("in_reply_to_account_id"),
                      reblogOfId: row.value("reblog_of_id"), quoteOfId: row.value("quote_of_id"),
                      applicationName: row.value("application_name"), createdAt: row.value("created_at"),
                      editedAt: row.value("edited_at"), repliesCount: row.value("replies_count"),
                      reblogsCount: row.value("reblogs_count"), favouritesCount: row.value("favourites_count"),
                      quotesCount: row.value("quotes_count"), teamId: row.value("team_id"), kind: row.choice("kind"),
                      bestAnswerId: row.value("best_answer_id"))
    }
}

extension TeamRecord: PostgresRecord {
    init(_ row: PostgresRandomAccessRow) throws {
        try self.init(id: row.value("id"), name: row.value("name"), slug: row.value("slug"),
                      description: row.value("description"), privacy: row.choice("privacy"), joinPolicy: row.choice("join_policy"),
                      membersCount: row.value("members_count"), createdBy: row.value("created_by"),
                      createdAt: row.value("created_at"), archivedAt: row.value("archived_at"))
    }
}
