import Foundation

/// The post length rule: at most 140 user-perceived characters (grapheme
/// clusters), every http(s) URL counting 23, surrounding whitespace trimmed;
/// and at most 4,096 bytes of UTF-8 in all.
public enum PostText {
    public static let maxCharacters = 140
    public static let charactersPerURL = 23
    /// A link counts 23 however long it is, and one character may carry any
    /// number of combining marks, so the count alone does not bound a post's
    /// size: its text (trimmed, links included) holds at most this many bytes.
    public static let maxBytes = 4_096

    /// The text as it will be stored: trimmed and in Unicode NFC.
    public static func normalize(_ raw: String) -> String {
        raw.trimmingCharacters(in: .whitespacesAndNewlines).precomposedStringWithCanonicalMapping
    }

    /// How many characters `text` counts for, after trimming.
    public static func count(_ text: String) -> Int {
        count(segments: TextParser.parse(normalize(text)))
    }

    /// How many characters already-parsed segments count for.
    public static func count(segments: [TextSegment]) -> Int {
        segments.reduce(0) { total, segment in
            if case .link = segment { return total + charactersPerURL }
            return total + segment.source.count
        }
    }

    /// Normalizes, checks the rules and parses; throws a 422 with the reason.
    public static func validate(_ raw: String, limit: Int = maxCharacters) throws -> ParsedPost {
        let text = normalize(raw)
        guard !text.isEmpty else { throw ChorusError.unprocessable("Validation failed: Text can't be blank") }
        guard text.utf8.count <= maxBytes else {
            throw ChorusError.unprocessable("Validation failed: Text is too long (at most \(maxBytes) bytes)")
        }
        let segments = TextParser.parse(text)
        let length = count(segments: segments)
        guard length <= limit else {
            throw ChorusError.unprocessable("Validation failed: Text is too long (\(length) characters; the limit is \(limit))")
        }
        return ParsedPost(text: text, segments: segments, length: length)
    }
}

/// A post's normalized text with its entities.
public struct ParsedPost: Sendable, Equatable {
    public let text: String
    public let segments: [TextSegment]
    public let length: Int

    public init(text: String, segments: [TextSegment], length: Int) {
        self.text = text
        self.segments = segments
        self.length = length
    }

    /// Mentioned usernames, lowercased, in order of first appearance.
    public var mentionedUsernames: [String] {
        var seen = Set<String>()
        return segments.compactMap {
            guard case .mention(let name) = $0 else { return nil }
            return seen.insert(name.lowercased()).inserted ? name.lowercased() : nil
        }
    }

    /// Hashtags (normalized name and the text shown), in order of first appearance.
    public var hashtags: [Hashtag] {
        var seen = Set<String>()
        return segments.compactMap {
            guard case .hashtag(let tag) = $0 else { return nil }
            return seen.insert(tag.name).inserted ? tag : nil
        }
    }
}
