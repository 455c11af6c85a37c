import ChorusCore
import ChorusServices
import HTTPTypes
import Hummingbird

/// Mastodon endpoints that mobile and desktop clients call at start-up for
/// features Chorus does not have (yet). They answer what an empty Mastodon
/// account would, so clients start cleanly instead of failing on a 404.
struct CompatibilityController {
    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        for path in ["custom_emojis", "filters", "lists", "bookmarks", "announcements", "follow_requests", "mutes", "blocks",
                     "domain_blocks", "suggestions", "endorsements", "featured_tags", "conversations", "scheduled_statuses"] {
            group.get(RouterPath(path)) { _, context in
                _ = try context.user("read")
                return try JSON.response([String]())
            }
        }
        group.get("markers") { _, context in
            _ = try context.user("read:statuses")
            return try JSON.response([String: String]())
        }
        group.get("preferences") { _, context in
            _ = try context.user("read:accounts")
            return try JSON.response(Preferences())
        }
    }

    struct Preferences: Encodable, Sendable {
        enum CodingKeys: String, CodingKey {
            case visibility = "posting:default:visibility", sensitive = "posting:default:sensitive"
            case language = "posting:default:language", media = "reading:expand:media", spoilers = "reading:expand:spoilers"
        }
        var visibility = "public"
        var sensitive = false
        @Nullable var language: String?
        var media = "default"
        var spoilers = false
    }
}
