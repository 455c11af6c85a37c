/// One piece of a post's text: plain text or an entity.
public enum TextSegment: Sendable, Equatable {
    case text(String)
    /// `@username` (without the `@`).
    case mention(String)
    /// `#tag` or Weibo-style `#话题#`.
    case hashtag(Hashtag)
    /// An http(s) URL.
    case link(String)

    /// The exact source text of this segment.
    public var source: String {
        switch self {
        case .text(let text): text
        case .mention(let name): "@" + name
        case .hashtag(let tag): tag.source
        case .link(let url): url
        }
    }
}

/// A hashtag as written and as matched.
public struct Hashtag: Sendable, Equatable, Hashable {
    /// The key used for matching: NFC, lowercased, without spaces.
    public let name: String
    /// The tag as the author wrote it, without the `#` marks.
    public let display: String
    /// The exact source (`#tag` or `#话题#`).
    public let source: String

    public init(display: String, source: String) {
        self.display = display
        self.source = source
        self.name = Hashtag.normalize(display)
    }

    /// The matching key for a tag name typed anywhere (search, URL, timeline).
    public static func normalize(_ raw: String) -> String {
        var name = raw.precomposedStringWithCanonicalMapping.lowercased()
        if name.hasPrefix("#") { name.removeFirst() }
        if name.hasSuffix("#") { name.removeLast() }
        return name.filter { !$0.isWhitespace }
    }
}
