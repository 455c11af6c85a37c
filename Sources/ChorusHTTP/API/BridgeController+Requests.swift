import ChorusCore
import ChorusServices
import ChorusStore
import Foundation

/// What the brand bridge routes read from a request.
extension BridgeController {
    /// `POST /chorus/bridge/channels`: a new channel; what a kind does not
    /// use may be left out.
    struct ChannelRequest: RequestBody {
        let name: String?
        let slug: String?
        let maxCharacters: Int?
        let mentionsAsNames: Bool?
        let baseURL: String?
        let accessToken: String?
        let url: String?
        let kind: BrandChannelRecord.Kind?

        init(_ params: Params) throws {
            name = params.string("name")
            slug = params.nonEmpty("slug")
            maxCharacters = try params.int("max_characters")
            mentionsAsNames = try params.bool("mentions_as_names")
            baseURL = params.string("base_url")
            accessToken = params.string("access_token")
            url = params.string("url")
            kind = try params.parse("kind", BrandChannelRecord.Kind.init(rawValue:),
                                    invalid: .unprocessable("Validation failed: kind must be mastodon, webhook or atom"))
        }

        var settings: ChannelSettings {
            ChannelSettings(name: name, slug: slug, kind: kind, maxCharacters: maxCharacters, mentionsAsNames: mentionsAsNames,
                            baseURL: baseURL, accessToken: accessToken, url: url)
        }
    }

    /// `PATCH /chorus/bridge/channels/:id`: a channel's settings, absent
    /// ones kept. Its address and kind are fixed once it exists.
    struct ChannelChangesRequest: RequestBody {
        let channel: ChannelRequest

        init(_ params: Params) throws {
            guard params.string("slug") == nil, params.string("kind") == nil else {
                throw ChorusError.unprocessable("A channel's slug and kind cannot be changed: add a new channel instead")
            }
            channel = try ChannelRequest(params)
        }

        var settings: ChannelSettings { channel.settings }
    }

    /// `POST /chorus/bridge/leak_rules`: the service checks the kind and value.
    struct LeakRuleRequest: RequestBody {
        let kind: String
        let value: String
        let note: String

        init(_ params: Params) throws {
            kind = params.string("kind") ?? ""
            value = params.string("value") ?? ""
            note = params.string("note") ?? ""
        }
    }

    /// `POST /chorus/bridge/nominations`: a post, the channels proposed for it, a note.
    struct NominateRequest: RequestBody {
        let statusID: Int64
        let channelIDs: [Int64]
        let note: String

        init(_ params: Params) throws {
            guard let statusID = try params.id("status_id") else { throw ChorusError.unprocessable("Validation failed: status_id is required") }
            self.statusID = statusID
            let channels = (params.list("channel_ids") ?? []).map { raw -> Int64? in Int64(raw) }
            guard channels.allSatisfy({ $0 != nil }) else { throw ChorusError.unprocessable("Validation failed: channel_ids must be channel ids") }
            channelIDs = channels.compactMap { $0 }
            note = params.string("note") ?? ""
        }
    }

    /// `GET /chorus/bridge/nominations`: those in one state, or all; a page.
    struct NominationsRequest: RequestBody {
        let state: NominationRecord.State?
        let page: Page

        init(_ params: Params) throws {
            state = try params.parse("state", NominationRecord.State.init(rawValue:), invalid: .unprocessable(
                "Validation failed: state must be pending, approved, rejected or retracted"))
            page = try params.page()
        }
    }

    /// `POST /chorus/bridge/nominations/:id/approve`: when to publish, now if absent.
    struct ApproveRequest: RequestBody {
        let publishAt: Date?

        init(_ params: Params) throws {
            publishAt = try params.parse("publish_at", JSON.parseTimestamp, invalid: .unprocessable(
                "Validation failed: publish_at must be an ISO 8601 time such as 2026-12-01T09:00:00Z"))
        }
    }

    /// Rejecting or retracting a nomination: why (the service requires one
    /// for a rejection and supplies one for a retraction).
    struct ReasonRequest: RequestBody {
        let reason: String

        init(_ params: Params) throws {
            reason = params.string("reason") ?? ""
        }
    }
}
