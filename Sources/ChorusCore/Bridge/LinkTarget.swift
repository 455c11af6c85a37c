import Foundation

/// Where a link points, reduced to what decides whether it is internal:
/// http and https are one, the host is lower-cased without a trailing dot,
/// a default port (80, 443) is no port, the path is percent-decoded and
/// lower-cased.
struct LinkTarget: Equatable {
    var host: String
    var port: Int?
    var path: String

    /// Reads `http(s)://[user@]host[:port][/path][?query][#fragment]`; nil for anything else.
    init?(_ url: String) {
        let lowered = url.lowercased()
        let rest: Substring
        if lowered.hasPrefix("https://") { rest = lowered.dropFirst(8) } else if lowered.hasPrefix("http://") { rest = lowered.dropFirst(7) } else { return nil }
        let authorityEnd = rest.firstIndex(where: { "/?#\\".contains($0) }) ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        var hostPart = authority
        var port: Int?
        if let colon = authority.lastIndex(of: ":"), !authority[colon...].contains("]") {
            hostPart = authority[..<colon]
            let digits = authority[authority.index(after: colon)...]
            if !digits.isEmpty {
                guard digits.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(digits) else { return nil }
                port = number
            }
        }
        var host = String(hostPart).removingPercentEncoding ?? String(hostPart)
        if host.hasSuffix(".") { host.removeLast() }
        guard !host.isEmpty else { return nil }
        self.host = host
        self.port = port == 80 || port == 443 ? nil : port
        let pathEnd = rest[authorityEnd...].firstIndex(where: { "?#".contains($0) }) ?? rest.endIndex
        var path = String(rest[authorityEnd..<pathEnd])
        path = path.removingPercentEncoding ?? path
        self.path = Self.removingDotSegments(path)
    }

    /// `/a/./b/../c/` as `/a/c`: the path a server would serve.
    static func removingDotSegments(_ path: String) -> String {
        var kept: [Substring] = []
        for segment in path.split(separator: "/") {
            if segment == ".." { _ = kept.popLast() } else if segment != "." { kept.append(segment) }
        }
        return kept.isEmpty ? "" : "/" + kept.joined(separator: "/")
    }

    /// True if `link` is this target or below it.
    func covers(_ link: LinkTarget) -> Bool {
        link.host == host && link.port == port && (path.isEmpty || link.path == path || link.path.hasPrefix(path + "/"))
    }
}
