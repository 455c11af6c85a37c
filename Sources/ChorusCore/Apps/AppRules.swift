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
        guard !host.isEmpty, host.count <= 253 else { return false }
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

/// An IPv4 or IPv6 address as bytes.
public struct IPAddress: Sendable, Equatable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init?(_ text: String) {
        var text = text
        if text.hasPrefix("["), text.hasSuffix("]") { text = String(text.dropFirst().dropLast()) }
        if let v4 = IPAddress.parseV4(text) { bytes = v4; return }
        if let v6 = IPAddress.parseV6(text) { bytes = v6; return }
        return nil
    }

    public init(bytes: [UInt8]) { self.bytes = bytes }

    private static func parseV4(_ text: String) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCII), let value = UInt8(part) else { return nil }
            bytes.append(value)
        }
        return bytes
    }

    private static func parseV6(_ text: String) -> [UInt8]? {
        guard text.contains(":") else { return nil }
        // An IPv4 tail (`::ffff:127.0.0.1`) is two groups written as dotted decimal.
        if text.contains("."), let colon = text.lastIndex(of: ":") {
            guard let v4 = parseV4(String(text[text.index(after: colon)...])) else { return nil }
            let tail = String(UInt16(v4[0]) << 8 | UInt16(v4[1]), radix: 16) + ":" + String(UInt16(v4[2]) << 8 | UInt16(v4[3]), radix: 16)
            return parseV6(String(text[...colon]) + tail)
        }
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String) -> [UInt16]? {
            if part.isEmpty { return [] }
            var result: [UInt16] = []
            for group in part.split(separator: ":", omittingEmptySubsequences: false) {
                guard (1...4).contains(group.count), let value = UInt16(group, radix: 16) else { return nil }
                result.append(value)
            }
            return result
        }
        guard let head = groups(halves[0]) else { return nil }
        var all = head
        if halves.count == 2 {
            guard let tail = groups(halves[1]), head.count + tail.count < 8 else { return nil }
            all += Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        }
        guard all.count == 8 else { return nil }
        return all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xff)] }
    }

    public var isV4: Bool { bytes.count == 4 }

    /// The IPv4 address inside an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`).
    var unmapped: IPAddress {
        if bytes.count == 16, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xff, bytes[11] == 0xff {
            return IPAddress(bytes: Array(bytes[12...]))
        }
        return self
    }

    /// False for loopback, private, link-local, unspecified, multicast,
    /// carrier-grade NAT and documentation ranges.
    public var isPublic: Bool {
        let address = unmapped
        let special = address.isV4 ? IPAddress.specialV4 : IPAddress.specialV6
        return !special.contains { $0.contains(address) }
    }

    private static let specialV4 = ["0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
                                    "192.0.0.0/24", "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24",
                                    "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4"].compactMap(IPNetwork.init(parsing:))
    private static let specialV6 = ["::/128", "::1/128", "fc00::/7", "fe80::/10", "ff00::/8", "2001:db8::/32", "64:ff9b::/96"]
        .compactMap(IPNetwork.init(parsing:))

    public var description: String {
        if isV4 { return bytes.map(String.init).joined(separator: ".") }
        return stride(from: 0, to: 16, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }.joined(separator: ":")
    }
}

/// An address with a prefix length (`10.0.0.0/8`); a bare address is /32 or /128.
public struct IPNetwork: Sendable, Equatable {
    public let address: IPAddress
    public let prefix: Int

    public init?(parsing text: String) {
        let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
        guard let first = parts.first, let address = IPAddress(first) else { return nil }
        let maxPrefix = address.bytes.count * 8
        if parts.count == 2 {
            guard let prefix = Int(parts[1]), (0...maxPrefix).contains(prefix) else { return nil }
            self.prefix = prefix
        } else {
            self.prefix = maxPrefix
        }
        self.address = address
    }

    public func contains(_ other: IPAddress) -> Bool {
        let other = address.isV4 ? other.unmapped : other
        guard other.bytes.count == address.bytes.count else { return false }
        var bits = prefix
        for index in 0..<address.bytes.count where bits > 0 {
            let take = min(8, bits)
            let mask: UInt8 = take == 8 ? 0xff : ~(0xff >> UInt8(take))
            if address.bytes[index] & mask != other.bytes[index] & mask { return false }
            bits -= take
        }
        return true
    }
}
