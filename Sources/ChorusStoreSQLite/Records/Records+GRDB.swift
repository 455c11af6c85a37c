import ChorusCore
import ChorusStore
import GRDB

/// A record stored in the table of the same meaning, with snake_case columns.
public protocol SnakeCaseRecord: FetchableRecord, EncodableRecord {}

extension SnakeCaseRecord {
    public static var databaseColumnDecodingStrategy: DatabaseColumnDecodingStrategy { .convertFromSnakeCase }
    public static var databaseColumnEncodingStrategy: DatabaseColumnEncodingStrategy { .convertToSnakeCase }
}

extension AccountRecord: SnakeCaseRecord, PersistableRecord {
    public static let databaseTableName = "accounts"
    public enum Columns {
        public static let id = Column("id")
        public static let username = Column("username")
        public static let email = Column("email")
        public static let isActive = Column("is_active")
    }
}

extension AppRecord: SnakeCaseRecord, MutablePersistableRecord {
    public static let databaseTableName = "apps"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension AppCommandRecord: SnakeCaseRecord, PersistableRecord {
    public static let databaseTableName = "app_commands"
}

extension DeliveryRecord: SnakeCaseRecord, MutablePersistableRecord {
    public static let databaseTableName = "app_deliveries"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension BrandChannelRecord: SnakeCaseRecord, MutablePersistableRecord {
    public static let databaseTableName = "brand_channels"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension NominationRecord: SnakeCaseRecord, MutablePersistableRecord {
    public static let databaseTableName = "brand_nominations"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension ExportRecord: SnakeCaseRecord, MutablePersistableRecord {
    public static let databaseTableName = "brand_exports"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension LeakRuleRecord: SnakeCaseRecord, MutablePersistableRecord {
    public static let databaseTableName = "leak_rules"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension OAuthAppRecord: SnakeCaseRecord, MutablePersistableRecord {
    public static let databaseTableName = "oauth_apps"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension OAuthCodeRecord: SnakeCaseRecord, PersistableRecord {
    public static let databaseTableName = "oauth_codes"
}

extension AccessTokenRecord: SnakeCaseRecord, MutablePersistableRecord {
    public static let databaseTableName = "access_tokens"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension InviteRecord: SnakeCaseRecord, MutablePersistableRecord {
    public static let databaseTableName = "invites"
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension StatusRecord: SnakeCaseRecord, PersistableRecord {
    public static let databaseTableName = "statuses"
}

extension NotificationRecord: SnakeCaseRecord, PersistableRecord {
    public static let databaseTableName = "notifications"
}

extension OutboxEvent: SnakeCaseRecord, MutablePersistableRecord {
    public static let databaseTableName = "outbox"
}

extension AuditRecord: SnakeCaseRecord, MutablePersistableRecord {
    public static let databaseTableName = "audit_log"
}

extension TeamRecord: SnakeCaseRecord, PersistableRecord {
    public static let databaseTableName = "teams"
}
