import ChorusCore
import ChorusServices
import ChorusStore
import Foundation
import HTTPTypes
import Hummingbird
import Synchronization

/// `GET /api/v1/instance` and `/api/v2/instance`: what clients read first.
/// Anonymous callers get the configuration but no counts.
struct InstanceController {
    static let mastodonVersion = "4.3.0 (compatible; Chorus \(ChorusVersion.current))"
    let services: Services
    /// What anonymous callers get never changes while the server runs: made once.
    let anonymousV1: Data
    let anonymousV2: Data
    let stats: InstanceStats

    init(services: Services) {
        self.services = services
        stats = services.instanceStats
        anonymousV1 = (try? JSONSerialization.data(withJSONObject: InstanceController.v1Document(services.config, stats: (0, 0)), options: [.withoutEscapingSlashes])) ?? Data()
        anonymousV2 = (try? JSONSerialization.data(withJSONObject: InstanceController.v2Document(services.config, stats: (0, 0)), options: [.withoutEscapingSlashes])) ?? Data()
    }

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("api/v1/instance", use: v1)
        router.get("api/v2/instance", use: v2)
        router.get(".well-known/oauth-authorization-server", use: oauthMetadata)
    }

    static var configuration: [String: Any] {
        [
            "statuses": [
                "max_characters": PostText.maxCharacters,
                "max_media_attachments": 0,
                "characters_reserved_per_url": PostText.charactersPerURL,
            ],
            "media_attachments": [
                "supported_mime_types": [String](), "image_size_limit": 0, "image_matrix_limit": 0,
                "video_size_limit": 0, "video_frame_rate_limit": 0, "video_matrix_limit": 0,
            ],
            "polls": ["max_options": 0, "max_characters_per_option": 0, "min_expiration": 0, "max_expiration": 0],
            "accounts": ["max_featured_tags": 0, "max_pinned_statuses": 0],
            "translation": ["enabled": false],
        ]
    }

    @Sendable func v1(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard context.principal != nil else { return JSON.body(anonymousV1, status: .ok, headers: [:]) }
        return try rawJSON(Self.v1Document(services.config, stats: try await stats.current()))
    }

    @Sendable func v2(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard context.principal != nil else { return JSON.body(anonymousV2, status: .ok, headers: [:]) }
        return try rawJSON(Self.v2Document(services.config, stats: try await stats.current()))
    }

    static func v1Document(_ config: ChorusConfig, stats: (users: Int, statuses: Int)) -> [String: Any] {
        [
            "uri": config.domain, "title": config.title,
            "short_description": "The company network", "description": "The company network",
            "email": "", "version": mastodonVersion,
            "urls": ["streaming_api": streamingURL(config)],
            "stats": ["user_count": stats.users, "status_count": stats.statuses, "domain_count": 1],
            "thumbnail": NSNull(), "languages": ["zh", "en"],
            "registrations": false, "approval_required": true, "invites_enabled": true,
            "configuration": configuration, "contact_account": NSNull(), "rules": [Any](),
        ]
    }

    static func v2Document(_ config: ChorusConfig, stats: (users: Int, statuses: Int)) -> [String: Any] {
        var configuration = configuration
        configuration["urls"] = ["streaming": streamingURL(config)]
        configuration["vapid"] = ["public_key": ""]
        return [
            "domain": config.domain, "title": config.title, "version": mastodonVersion,
            "source_url": "", "description": "The company network",
            "usage": ["users": ["active_month": stats.users]],
            "thumbnail": ["url": "\(config.baseURL)/favicon.png"],
            "icon": [Any](), "languages": ["zh", "en"],
            "configuration": configuration,
            "registrations": ["enabled": false, "approval_required": true, "message": NSNull(), "url": NSNull()],
            "api_versions": ["mastodon": 2],
            "contact": ["email": "", "account": NSNull()], "rules": [Any](),
        ]
    }

    @Sendable func oauthMetadata(_ request: Request, context: AppRequestContext) async throws -> Response {
        let base = services.config.baseURL
        return try rawJSON([
            "issuer": base + "/",
            "authorization_endpoint": base + "/oauth/authorize",
            "token_endpoint": base + "/oauth/token",
            "revocation_endpoint": base + "/oauth/revoke",
            "app_registration_endpoint": base + "/api/v1/apps",
            "scopes_supported": ScopeSet.known.sorted(),
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code", "password", "client_credentials"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        ])
    }

    static func streamingURL(_ config: ChorusConfig) -> String {
        config.baseURL.replacingOccurrences(of: "https://", with: "wss://").replacingOccurrences(of: "http://", with: "ws://")
    }

    func rawJSON(_ object: [String: Any]) throws -> Response {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.withoutEscapingSlashes])
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// The Chorus release.
public enum ChorusVersion {
    public static let current = "0.1.0"
}
