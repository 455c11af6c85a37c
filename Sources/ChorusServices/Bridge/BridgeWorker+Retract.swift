import ChorusCore
import ChorusStore
import Foundation

extension BridgeWorker {
    /// How many posts a page of the account's own posts asks for: few
    /// enough that the answer stays under the transport's 64 KiB.
    static let lookupPageSize = 10
    /// How many pages back a lookup goes before giving up for now.
    static let lookupPages = 10
    /// How much earlier than the export a post may look, for clocks that disagree.
    static let clockSkew: TimeInterval = 120

    func retract(_ item: ClaimedExport) async throws(WebhookTransportError) -> ExportOutcome {
        let export = item.export
        let channel = item.channel
        switch channel.kind {
        case .atom:
            return .retracted
        case .webhook:
            let outcome = try await webhook(item, type: "brand.post.retracted")
            if case .published = outcome { return .retracted }
            return outcome
        case .mastodon:
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
                    return answerFailure(response, attempts: export.attempts + 1)
                }
            }
            return .retracted
        }
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
        guard (200..<300).contains(me.status) else { return .notNow(answerFailure(me, attempts: attempts)) }
        guard let account = (try? JSONSerialization.jsonObject(with: Data(me.body))) as? [String: Any], let accountID = account["id"] as? String else {
            return .notNow(retryOrFail("The server's answer had no account id", attempts: attempts))
        }
        let since = export.createdAt.addingTimeInterval(-Self.clockSkew)
        let first = base + "/api/v1/accounts/\(Self.pathSegment(accountID))/statuses?limit=\(Self.lookupPageSize)&exclude_reblogs=true"
        var url = first
        var found: [String] = []
        for _ in 0..<Self.lookupPages {
            let response = try await mastodon("GET", url, token: token)
            guard (200..<300).contains(response.status) else { return .notNow(answerFailure(response, attempts: attempts)) }
            guard !response.truncated, let page = MastodonStatusPage(json: response.body) else {
                return .notNow(retryOrFail("The server's list of posts could not be read", attempts: attempts))
            }
            found += page.posts(matching: export.text, since: since).map(\.id)
            // A short page is the end of the list; a page reaching back before the export, the end of what matters.
            guard page.statuses.count >= Self.lookupPageSize, let oldest = page.oldest, oldest.createdAt >= since else { return .found(found) }
            url = first + "&max_id=" + Self.pathSegment(oldest.id)
        }
        return .notNow(retryOrFail("The post could not be looked up: the channel has posted too often since", attempts: attempts))
    }

    /// A call to the channel's Mastodon API as its account.
    func mastodon(_ method: String, _ url: String, token: String, headers: [(name: String, value: String)] = [],
                  body: Data = Data()) async throws(WebhookTransportError) -> WebhookResponse {
        try await transport.send(method, url: url, headers: [("authorization", "Bearer " + token), ("accept", "application/json"),
                                                             ("user-agent", "Chorus-Bridge/1")] + headers, body: body, timeout: timeout)
    }

    /// An id from the server, safe to put in a URL.
    static func pathSegment(_ id: String) -> String {
        id.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }
}
