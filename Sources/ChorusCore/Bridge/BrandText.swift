import Foundation

/// The text a brand channel receives for an approved post: internal
/// `@mentions` become the person's display name (only where the channel
/// allows it) or disappear, `#tags` stay, links into this Chorus disappear.
public enum BrandText {
    public struct Policy: Sendable {
        /// Replace `@username` by the display name (true) or remove it (false).
        public var mentionsAsNames: Bool
        /// This Chorus's public URL; links under it are internal.
        public var internalBaseURL: String
        /// Display names by lowercased username, for the mentions in the text.
        public var displayNames: [String: String]

        public init(mentionsAsNames: Bool, internalBaseURL: String, displayNames: [String: String] = [:]) {
            self.mentionsAsNames = mentionsAsNames
            self.internalBaseURL = internalBaseURL
            self.displayNames = displayNames
        }
    }

    /// The outgoing text for `text` under `policy`.
    public static func outgoing(_ text: String, policy: Policy) -> String {
        // Compared as parsed URLs, not by prefix: `http://`, `:443`, capitals
        // or a trailing dot on the host still point into this Chorus.
        let base = LinkTarget(policy.internalBaseURL)
        var result = ""
        for segment in TextParser.parse(text) {
            switch segment {
            case .text(let plain):
                result += plain
            case .hashtag(let tag):
                result += tag.source
            case .mention(let username):
                if policy.mentionsAsNames, let name = policy.displayNames[username.lowercased()], !name.isEmpty { result += name }
            case .link(let url):
                if let base, let link = LinkTarget(url), base.covers(link) { continue }
                result += url
            }
        }
        return tidy(result)
    }

    /// Collapses the runs of spaces a removal leaves, and trims each line.
    static func tidy(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            var out = ""
            var lastWasSpace = false
            for character in line {
                let isSpace = character == " " || character == "\t"
                if isSpace && lastWasSpace { continue }
                out.append(isSpace ? " " : character)
                lastWasSpace = isSpace
            }
            return out.trimmingCharacters(in: .whitespaces)
        }
        .joined(separator: "\n")
        .trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
