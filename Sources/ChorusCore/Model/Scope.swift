/// OAuth scopes, Mastodon style: `read`, `write`, `follow`, `push`,
/// `admin:read`, `admin:write`, and their sub-scopes such as `read:statuses`.
public struct ScopeSet: Sendable, Equatable, CustomStringConvertible {
    public static let known: Set<String> = ["read", "write", "follow", "push", "admin:read", "admin:write", "profile"]

    public let scopes: Set<String>

    public init(_ scopes: some Sequence<String>) { self.scopes = Set(scopes) }

    /// Parses a space- or plus-separated list; throws on an unknown scope.
    public init(parsing text: String?, default fallback: String = "read") throws {
        let raw = (text?.isEmpty == false ? text! : fallback)
        let parts = raw.split(whereSeparator: { $0 == " " || $0 == "+" || $0 == "," }).map(String.init)
        for part in parts where !ScopeSet.isValid(part) {
            throw ChorusError.badRequest("Unknown scope: \(part)")
        }
        self.init(parts)
    }

    static func isValid(_ scope: String) -> Bool {
        if known.contains(scope) { return true }
        for top in ["read:", "write:", "admin:read:", "admin:write:"] where scope.hasPrefix(top) && scope.count > top.count {
            return true
        }
        return false
    }

    /// True if these scopes grant `required` (e.g. `read` grants `read:statuses`;
    /// `follow` grants the follow-related sub-scopes as Mastodon does).
    public func allows(_ required: String) -> Bool {
        if scopes.contains(required) { return true }
        var parent = required
        while let colon = parent.lastIndex(of: ":") {
            parent = String(parent[..<colon])
            if scopes.contains(parent) { return true }
        }
        if scopes.contains("follow"), ["read:follows", "write:follows", "read:blocks", "write:blocks", "read:mutes", "write:mutes"].contains(required) {
            return true
        }
        return false
    }

    /// True if every scope here is also granted by `other`.
    public func isSubset(of other: ScopeSet) -> Bool { scopes.allSatisfy { other.allows($0) } }

    public var description: String { scopes.sorted().joined(separator: " ") }
}
