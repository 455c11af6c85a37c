import ChorusCore
import ChorusServices
import ChorusStore
import Foundation

/// A brand channel. Tokens and secrets never appear; where a channel sends
/// to is shown to administrators only.
struct ChannelEntity: Encodable, Sendable {
    var id: String
    var name: String
    var slug: String
    var kind: String
    var maxCharacters: Int
    var mentionsAsNames: Bool
    /// A disabled channel takes no nominations; its approved exports wait.
    var disabled: Bool
    @Nullable var baseUrl: String?
    @Nullable var url: String?
    /// The public Atom feed, for an `atom` channel.
    @Nullable var feedUrl: String?
    var createdAt: String
}

struct ChannelCreatedEntity: Encodable, Sendable {
    var channel: ChannelEntity
    /// A webhook channel's signing secret, shown this once.
    @Nullable var webhookSecret: String?
}

struct PreviewEntity: Encodable, Sendable {
    var channelId: String
    var text: String
    var length: Int
    var maxCharacters: Int
    @Nullable var problem: String?
}

struct ExportEntity: Encodable, Sendable {
    var id: String
    var channelId: String
    var state: String
    var text: String
    var attempts: Int
    @Nullable var lastError: String?
    @Nullable var nextAttemptAt: String?
    @Nullable var externalId: String?
    @Nullable var externalUrl: String?
    @Nullable var publishedAt: String?
    @Nullable var retractedAt: String?
}

struct NominationEntity: Encodable, Sendable {
    var id: String
    var statusId: String
    var authorId: String
    var nominatedBy: String
    var note: String
    var text: String
    var state: String
    var channelIds: [String]
    @Nullable var reviewedBy: String?
    @Nullable var reviewReason: String?
    @Nullable var reviewedAt: String?
    @Nullable var publishAt: String?
    var createdAt: String
    /// Exactly what each channel would receive, and what stands in the way.
    var previews: [PreviewEntity]
    var exports: [ExportEntity]
}

struct LeakRuleEntity: Encodable, Sendable {
    var id: String
    var kind: String
    var value: String
    var note: String
    var createdAt: String
}

extension MastodonPresenter {
    func channel(_ channel: BrandChannelRecord, forAdmin: Bool) -> ChannelEntity {
        ChannelEntity(id: String(channel.id ?? 0), name: channel.name, slug: channel.slug, kind: channel.kind.rawValue,
                      maxCharacters: channel.maxCharacters, mentionsAsNames: channel.mentionsAsNames, disabled: channel.isDisabled,
                      baseUrl: forAdmin ? channel.baseUrl : nil, url: forAdmin ? channel.url : nil,
                      feedUrl: channel.kind == .atom ? "\(baseURL)/brand/\(channel.slug)/feed.atom" : nil,
                      createdAt: JSON.timestamp(channel.createdAt))
    }

    func nomination(_ view: NominationView, previews: [ChannelPreview]) -> NominationEntity {
        let record = view.nomination
        return NominationEntity(
            id: String(record.id ?? 0), statusId: String(record.statusId), authorId: String(record.authorId), nominatedBy: String(record.nominatedBy),
            note: record.note, text: record.text, state: record.state.rawValue, channelIds: view.channelIDs.map(String.init),
            reviewedBy: record.reviewedBy.map(String.init), reviewReason: record.reviewReason, reviewedAt: record.reviewedAt.map(JSON.timestamp),
            publishAt: record.publishAt.map(JSON.timestamp), createdAt: JSON.timestamp(record.createdAt),
            previews: previews.map { PreviewEntity(channelId: String($0.channel.id ?? 0), text: $0.text, length: $0.length,
                                                   maxCharacters: $0.channel.maxCharacters, problem: $0.problem) },
            exports: view.exports.map(export))
    }

    func export(_ export: ExportRecord) -> ExportEntity {
        ExportEntity(id: String(export.id ?? 0), channelId: String(export.channelId), state: export.state.rawValue, text: export.text,
                     attempts: export.attempts, lastError: export.lastError,
                     // A retraction that gave up waits for "try again", not for a time.
                     nextAttemptAt: [.pending, .retracting].contains(export.state) && export.nextAttemptAt.timeIntervalSinceNow < 30 * 86400
                        ? JSON.timestamp(export.nextAttemptAt) : nil,
                     externalId: export.externalId, externalUrl: export.externalUrl, publishedAt: export.publishedAt.map(JSON.timestamp),
                     retractedAt: export.retractedAt.map(JSON.timestamp))
    }

    func leakRule(_ rule: LeakRuleRecord) -> LeakRuleEntity {
        LeakRuleEntity(id: String(rule.id ?? 0), kind: rule.kind, value: rule.value, note: rule.note, createdAt: JSON.timestamp(rule.createdAt))
    }
}
