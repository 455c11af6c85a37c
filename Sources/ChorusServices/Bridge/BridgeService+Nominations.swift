import ChorusCore
import ChorusStore
import Foundation

/// How one channel would receive a nomination, shown to editors before
/// they approve: the exact text, its length, and what stands in the way.
public struct ChannelPreview: Sendable {
    public var channel: BrandChannelRecord
    public var text: String
    public var length: Int
    /// Why it cannot go out as it is (too long, a leak-guard rule, the channel disabled), if so.
    public var problem: String?
}

/// Nominations: anyone proposes a post; editors see the queue and the outgoing text.
extension BridgeService {
    /// Proposes a company post for channels. Refused, with the reason, for
    /// anything but an original company-visible post: other visibilities,
    /// team posts (private or not), replies to non-company posts, quotes of
    /// them, and reposts; and for a disabled channel. The text is frozen now.
    public func nominate(statusID: Int64, channelIDs: [Int64], note: String, by actor: AccountRecord) async throws -> NominationView {
        guard let status = try await database.visibleStatus(id: statusID, viewerID: actor.id) else { throw ChorusError.notFound("Post not found") }
        if let refusal = PostRules.nominate(try await database.ruleFacts(of: status)) { throw refusal }
        let unique = Array(Set(channelIDs)).sorted()
        guard !unique.isEmpty else { throw ChorusError.unprocessable("Validation failed: choose at least one channel (channel_ids)") }
        let channels = Dictionary(uniqueKeysWithValues: try await database.channels().map { ($0.id ?? 0, $0) })
        guard unique.allSatisfy({ channels[$0] != nil }) else { throw ChorusError.unprocessable("Validation failed: unknown channel") }
        if let disabled = unique.compactMap({ channels[$0] }).first(where: \.isDisabled) {
            throw ChorusError.unprocessable("The channel \(disabled.name) is disabled: it takes no nominations until an administrator enables it again")
        }
        let note = note.trimmingCharacters(in: .whitespacesAndNewlines)
        guard note.count <= 500 else { throw ChorusError.unprocessable("Validation failed: the note is longer than 500 characters") }
        for open in try await database.openNominations(statusID: statusID) where open.nomination.text == status.text
            && !Set(open.channelIDs).isDisjoint(with: unique) {
            throw ChorusError.conflict("This post is already nominated for one of these channels")
        }
        return try await database.createNomination(
            NominationRecord(statusId: statusID, authorId: status.accountId, nominatedBy: actor.id, note: note, text: status.text, createdAt: clock.now()),
            channelIDs: unique)
    }

    public func nominations(state: NominationRecord.State?, by actor: AccountRecord, page: Page) async throws -> [NominationView] {
        try requireEditor(actor)
        return try await database.nominations(state: state, page: page)
    }

    /// One nomination: editors see any; anyone sees their own.
    public func nomination(id: Int64, by actor: AccountRecord) async throws -> NominationView {
        guard let view = try await database.nomination(id: id),
              actor.role == .editor || actor.role == .admin || view.nomination.nominatedBy == actor.id else {
            throw ChorusError.notFound("Nomination not found")
        }
        return view
    }

    /// The text each channel would receive, and what would stop it.
    public func preview(_ view: NominationView) async throws -> [ChannelPreview] {
        let rules = try await database.leakRules().compactMap { record in
            LeakRule.Kind(rawValue: record.kind).map { LeakRule(id: record.id ?? 0, kind: $0, value: record.value) }
        }
        let names = try await displayNames(in: view.nomination.text)
        var previews: [ChannelPreview] = []
        for channelID in view.channelIDs {
            guard let channel = try await database.channel(id: channelID) else { continue }
            let text = BrandText.outgoing(view.nomination.text, policy: .init(mentionsAsNames: channel.mentionsAsNames,
                                                                              internalBaseURL: config.baseURL, displayNames: names))
            let length = PostText.count(text)
            var problems: [String] = []
            if channel.isDisabled {
                problems.append("The channel \(channel.name) is disabled: nothing can be approved for it until an administrator enables it again")
            }
            if text.isEmpty { problems.append("Nothing is left to publish on \(channel.name) once internal mentions and links are removed") }
            if length > channel.maxCharacters {
                problems.append("Too long for \(channel.name): \(length) characters, the channel takes \(channel.maxCharacters)")
            }
            for rule in rules {
                switch rule.verdict(on: text) {
                case .clear:
                    break
                case .matches:
                    problems.append("Blocked by the leak guard: the \(rule.kind.rawValue) rule “\(rule.value)” matches the text for \(channel.name)")
                case .undecided:
                    problems.append("Blocked by the leak guard: the \(rule.kind.rawValue) rule “\(rule.value)” could not be checked on the text for "
                        + "\(channel.name) within its limits; an administrator can simplify or delete it")
                }
            }
            previews.append(ChannelPreview(channel: channel, text: text, length: length, problem: problems.isEmpty ? nil : problems.joined(separator: "; ")))
        }
        return previews
    }

    func displayNames(in text: String) async throws -> [String: String] {
        var names: [String: String] = [:]
        for case .mention(let username) in TextParser.parse(text) {
            if let account = try await database.account(username: username) {
                names[username.lowercased()] = account.displayName.isEmpty ? nil : account.displayName
            }
        }
        return names
    }
}
