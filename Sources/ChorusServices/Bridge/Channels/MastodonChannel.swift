import ChorusCore
import ChorusStore
import Foundation

/// The brand account on a Mastodon-compatible server: a public post made
/// with an `Idempotency-Key` derived from the export, so an attempt
/// repeated after a crash between the call and recording its answer returns
/// the post made the first time. A retraction never posts: a post an
/// unanswered attempt may have made is looked up among the account's own
/// posts.
struct MastodonChannel: BrandChannelAdapter {
    let delivery: ChannelDelivery

    /// How many posts a page of the account's own posts asks for: few
    /// enough that the answer stays under the transport's 64 KiB.
    static let lookupPageSize = 10
    /// How many pages back a lookup goes before giving up for now.
    static let lookupPages = 10
    /// How much earlier than the export a post may look, for clocks that disagree.
    static let clockSkew: TimeInterval = 120

    func publish(_ item: ClaimedExport) async throws(WebhookTransportError) -> ExportOutcome {
        let export = item.export
        let channel = item.channel
        guard let base = channel.baseUrl, let token = channel.accessToken else { return .failed(error: "The channel has no server or token") }
        let body = Data(formEncode(["status": export.text, "visibility": "public"]).utf8)
        let response = try await mastodon("POST", base + "/api/v1/statuses", token: token, headers: [
            ("idempotency-key", export.idempotencyKey), ("content-type", "application/x-www-form-urlencoded"),
        ], body: body)
        switch response.status {
        case 200..<300:
            let object = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any]
            guard let id = object?["id"] as? String else { return delivery.retryOrFail("The server's answer had no post id", attempts: export.attempts + 1) }
            return .published(externalID: id, url: object?["url"] as? String)
        default:
            return delivery.answerFailure(response, attempts: export.attempts + 1)
        }
    }

    func retract(_ item: ClaimedExport) async throws(WebhookTransportError) -> ExportOutcome {
        let export = item.export
        let channel = item.channel
        guard let base = channel.baseUrl, let token = channel.accessToken else { return .failed(error: "The channel has no server or token") }
        var externalIDs = export.externalId.map { [$0] } ?? []
        if export.externalId == nil {
            // An earlier attempt got no answer, so the post may exist. It is
            // looked for among the account's own posts, never made again:
            // the same Idempotency-Key returns the first post only while
            // the server remembers the key (about an hour), and publishes
            // the text anew after that.
            switch try await findPosts(of: export, base: base, token: token) {
            case .found(let ids): externalIDs = ids
            case .notNow(let outcome): return outcome
            }
        }
        for id in externalIDs {
            let response = try await mastodon("DELETE", base + "/api/v1/statuses/" + Self.pathSegment(id), token: token)
            // Gone already is as good as deleted.
            guard (200..<300).contains(response.status) || response.status == 404 else {
                return delivery.answerFailure(response, attempts: export.attempts + 1)
            }
        }
        return .retracted
    }

    /// What looking for an export's posts came to.
    enum Lookup {
        /// The ids of the posts it made (none if it made none).
        case found([String])
        /// The lookup could not finish: try again later, or give up.
        case notNow(ExportOutcome)
    }

    /// The posts an unanswered attempt may have made: the channel account's
    /// own statuses with the export's text, created since the export was
    /// (less a margin for clock skew), newest first.
    func findPosts(of export: ExportRecord, base: String, token: String) async throws(WebhookTransportError) -> Lookup {
        let attempts = export.attempts + 1
        let me = try await mastodon("GET", base + "/api/v1/accounts/verify_credentials", token: token)
        guard (200..<300).contains(me.status) else { return .notNow(delivery.answerFailure(me, attempts: attempts)) }
        guard let account = (try? JSONSerialization.jsonObject(with: Data(me.body))) as? [String: Any], let accountID = account["id"] as? String else {
            return .notNow(delivery.retryOrFail("The server's answer had no account id", attempts: attempts))
        }
        let since = export.createdAt.addingTimeInterval(-Self.clockSkew)
        let first = base + "/api/v1/accounts/\(Self.pathSegment(accountID))/statuses?limit=\(Self.lookupPageSize)&exclude_reblogs=true"
        var url = first
        var found: [String] = []
        for _ in 0..<Self.lookupPages {
            let response = try await mastodon("GET", url, token: token)
            guard (200..<300).contains(response.status) else { return .notNow(delivery.answerFailure(response, attempts: attempts)) }
            guard !response.truncated, let page = MastodonStatusPage(json: response.body) else {
                return .notNow(delivery.retryOrFail("The server's list of posts could not be read", attempts: attempts))
            }
            found += page.posts(matching: export.text, since: since).map(\.id)
            // A short page is the end of the list; a page reaching back before the export, the end of what matters.
            guard page.statuses.count >= Self.lookupPageSize, let oldest = page.oldest, oldest.createdAt >= since else { return .found(found) }
            url = first + "&max_id=" + Self.pathSegment(oldest.id)
        }
        return .notNow(delivery.retryOrFail("The post could not be looked up: the channel has posted too often since", attempts: attempts))
    }

    /// A call to the channel's Mastodon API as its account.
    func mastodon(_ method: String, _ url: String, token: String, headers: [(name: String, value: String)] = [],
                  body: Data = Data()) async throws(WebhookTransportError) -> WebhookResponse {
        try await delivery.transport.send(method, url: url, headers: [("authorization", "Bearer " + token), ("accept", "application/json"),
                                                                      ("user-agent", "Chorus-Bridge/1")] + headers, body: body, timeout: delivery.timeout)
    }

    /// An id from the server, safe to put in a URL.
    static func pathSegment(_ id: String) -> String {
        id.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }

    func formEncode(_ fields: [String: String]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return fields.sorted { $0.key < $1.key }.map { key, value in
            "\(key)=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")"
        }.joined(separator: "&")
    }
}
