import Foundation

/// An IPv4 or IPv6 address as bytes.
public struct IPAddress: Sendable, Equatable, CustomStringConvertible {
    public let bytes: [UInt8]

    /// Reads an address the way `inet_pton` does: IPv4 as exactly four
    /// decimal numbers without leading zeros, IPv6 in the standard notation,
    /// optionally in brackets.
    public init?(_ text: String) {
        if text.hasPrefix("["), text.hasSuffix("]") {
            guard let v6 = IPAddress.parseV6(String(text.dropFirst().dropLast())) else { return nil }
            bytes = v6
            return
        }
        if let v4 = IPAddress.parseV4(text) { bytes = v4; return }
        if let v6 = IPAddress.parseV6(text) { bytes = v6; return }
        return nil
    }

    /// True for a host the system resolver (`inet_aton`, as browsers do)
    /// would read as an IPv4 address although it is not written as one:
    /// octal `012.0.0.1` (10.0.0.1), hex `0x7f.1`, short `127.1`, a single
    /// number `2130706433`, a trailing dot. Such a host is neither an
    /// address nor a name to Chorus, so the address checked is never other
    /// than the one connected to.
    public static func isNumericLookalike(_ host: String) -> Bool {
        guard IPAddress(host) == nil else { return false }
        var labels = host.split(separator: ".", omittingEmptySubsequences: false)
        if labels.count > 1, labels.last?.isEmpty == true { labels.removeLast() }
        // As in the URL standard: a host whose last label is a number is an IPv4 address.
        guard let last = labels.last?.lowercased() else { return false }
        if last.hasPrefix("0x") { return last.dropFirst(2).allSatisfy(\.isHexDigit) }
        return !last.isEmpty && last.allSatisfy(\.isWholeNumber)
    }

    public init(bytes: [UInt8]) { self.bytes = bytes }

    private static func parseV4(_ text: String) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            // A leading zero would be octal to inet_aton: refused, as inet_pton does.
            guard (1...3).contains(part.count), part.allSatisfy(isDecimalDigit), part.count == 1 || part.first != "0",
                  let value = UInt8(part) else { return nil }
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
                guard (1...4).contains(group.count), group.allSatisfy(\.isHexDigit), group.allSatisfy(\.isASCII),
                      let value = UInt16(group, radix: 16) else { return nil }
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

    private static func isDecimalDigit(_ character: Character) -> Bool {
        character.isASCII && character.isWholeNumber
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
    /// carrier-grade NAT and documentation ranges, and for IPv6 ranges that
    /// embed an IPv4 address.
    public var isPublic: Bool {
        let address = unmapped
        let special = address.isV4 ? IPAddress.specialV4 : IPAddress.specialV6
        return !special.contains { $0.contains(address) }
    }

    private static let specialV4 = ["0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
                                    "192.0.0.0/24", "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24",
                                    "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4"].compactMap(IPNetwork.init(parsing:))
    /// IPv6 ranges that are not the public internet, or that carry an IPv4
    /// address which may be a private one: `::/96` (unspecified, loopback
    /// and IPv4-compatible), discard-only `100::/64`, Teredo `2001::/32`,
    /// 6to4 `2002::/16`, NAT64 (well-known and local), unique-local,
    /// link-local, site-local, multicast and documentation.
    private static let specialV6 = ["::/96", "100::/64", "2001::/32", "2001:db8::/32", "2002::/16", "64:ff9b::/96", "64:ff9b:1::/48",
                                    "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8"]
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
