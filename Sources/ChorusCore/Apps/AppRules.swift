import Foundation

/// The events an app may subscribe to.
public enum AppEventType: String, Sendable, CaseIterable {
    case postCreated = "post.created"
    case postDeleted = "post.deleted"
    case postMentioned = "post.mentioned"
    case postFavourited = "post.favourited"
    case followCreated = "follow.created"
    case teamMemberJoined = "team.member.joined"
    case teamMemberLeft = "team.member.left"

    /// Parses a manifest's list; throws naming the first unknown event.
    public static func parseList(_ names: [String]) throws -> [AppEventType] {
        var seen: [AppEventType] = []
        for name in names {
            guard let event = AppEventType(rawValue: name) else {
                throw ChorusError.unprocessable("Unknown event: \(name) (known: \(allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            if !seen.contains(event) { seen.append(event) }
        }
        return seen
    }
}

/// A post that starts with `/name`: a slash command for an app.
public struct SlashCommand: Sendable, Equatable {
    public var name: String
    /// The rest of the text after the name, trimmed.
    public var argument: String

    public init(name: String, argument: String) {
        self.name = name
        self.argument = argument
    }

    /// A valid command name: a lowercase letter or digit, then up to 31 of
    /// letters, digits, `_` and `-`.
    public static func isValidName(_ name: String) -> Bool {
        guard (1...32).contains(name.count), let first = name.unicodeScalars.first, isNameScalar(first), first != "_", first != "-" else { return false }
        return name.unicodeScalars.allSatisfy(isNameScalar)
    }

    private static func isNameScalar(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "_" || scalar == "-"
    }

    /// What a post's text means: a command, or text to publish. `/name` is
    /// a command when the name is followed by a space or the end (so
    /// `/etc/hosts` is text); `//…` publishes the text with one slash less,
    /// for a post that really starts with a slash and a word.
    public enum Reading: Sendable, Equatable {
        case command(SlashCommand)
        case text(String)
    }

    public static func read(_ text: String) -> Reading {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("//") { return .text(String(trimmed.dropFirst())) }
        guard trimmed.hasPrefix("/") else { return .text(text) }
        let body = trimmed.dropFirst()
        let end = body.firstIndex(where: { $0.isWhitespace }) ?? body.endIndex
        let name = body[..<end].lowercased()
        guard isValidName(name) else { return .text(text) }
        let argument = body[end...].trimmingCharacters(in: .whitespacesAndNewlines)
        return .command(SlashCommand(name: name, argument: argument))
    }
}

/// When a failed delivery is tried again: 5 s, 5 min, 30 min, 2 h, 5 h,
/// 10 h after the attempts before, each stretched by up to 20 % at random
/// so receivers coming back are not hit by every sender at once. After the
/// last delay the delivery is given up.
public struct RetrySchedule: Sendable, Equatable {
    public static let standard = RetrySchedule(delays: [5, 300, 1800, 7200, 18000, 36000])

    public var delays: [TimeInterval]
    public var jitter: Double

    public init(delays: [TimeInterval], jitter: Double = 0.2) {
        self.delays = delays
        self.jitter = jitter
    }

    /// Reads `"5,300,1800"` (seconds); nil if malformed or empty.
    public init?(parsing text: String) {
        let parts = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let delays = parts.compactMap(TimeInterval.init)
        guard !delays.isEmpty, delays.count == parts.count, delays.allSatisfy({ $0 >= 0 }) else { return nil }
        self.init(delays: delays)
    }

    /// The delay after `attempts` failed attempts, or nil to give up.
    /// A receiver's `Retry-After` (429/503) replaces the scheduled delay,
    /// within the schedule's longest delay.
    public func delay(afterAttempts attempts: Int, retryAfter: TimeInterval? = nil, random: Double = Double.random(in: 0...1)) -> TimeInterval? {
        guard attempts >= 1, attempts <= delays.count else { return nil }
        if let retryAfter, retryAfter >= 0 { return min(retryAfter, delays.max() ?? retryAfter) }
        let base = delays[attempts - 1]
        return base + base * jitter * random
    }
}

/// The administrator's list of hosts and networks app webhooks may call.
/// Entries are host names (`hooks.example.com`), wildcard domains
/// (`*.corp.example.com`), IP addresses and CIDR networks (`10.0.0.0/8`,
/// `fd00::/8`). An empty list allows every public address. Loopback,
/// private, link-local and other special addresses are refused unless an
/// entry names them (so a test can allow `127.0.0.1`).
public struct HostAllowlist: Sendable, Equatable {
    public let entries: [String]
    private let networks: [IPNetwork]
    private let names: [String]

    public init(parsing entries: [String]) throws {
        var networks: [IPNetwork] = []
        var names: [String] = []
        var kept: [String] = []
        for raw in entries {
            let entry = raw.trimmingCharacters(in: .whitespaces).lowercased()
            guard !entry.isEmpty else { continue }
            if let network = IPNetwork(parsing: entry) {
                networks.append(network)
            } else if HostAllowlist.isHostPattern(entry) {
                names.append(entry)
            } else {
                throw ChorusError.unprocessable("Not a host name, address or network: \(raw)")
            }
            kept.append(entry)
        }
        self.entries = kept
        self.networks = networks
        self.names = names
    }

    public static let empty = try! HostAllowlist(parsing: [])

    private static func isHostPattern(_ entry: String) -> Bool {
        let host = entry.hasPrefix("*.") ? String(entry.dropFirst(2)) : entry
        guard !host.isEmpty, host.count <= 253, !IPAddress.isNumericLookalike(host) else { return false }
        return host.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            !label.isEmpty && label.count <= 63 && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
    }

    /// True if an entry names `host` (as a name or a wildcard domain).
    public func namesHost(_ host: String) -> Bool {
        let host = host.lowercased()
        return names.contains { name in
            if name.hasPrefix("*.") { return host.hasSuffix(String(name.dropFirst(1))) }
            return name == host
        }
    }

    /// May a webhook to `host`, which resolved to `addresses`, be sent?
    /// Every address must pass: an entry names the host or covers the
    /// address, or (with an empty list) the address is public.
    public func allows(host: String, addresses: [IPAddress]) -> Bool {
        guard !addresses.isEmpty else { return false }
        let named = namesHost(host)
        return addresses.allSatisfy { address in
            if networks.contains(where: { $0.contains(address) }) { return true }
            if named { return true }
            return entries.isEmpty && address.isPublic
        }
    }
}
