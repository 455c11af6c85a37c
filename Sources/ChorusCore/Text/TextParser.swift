/// Splits post text into plain text, `@mentions`, `#tags`, `#话题#` topics and
/// links. The same rules run in the browser's compose counter. Linear in the
/// text: each entity is read once, and a failed one reads a bounded amount.
public enum TextParser {
    static let maxUsernameLength = 30
    static let maxTagLength = 64

    public static func parse(_ text: String) -> [TextSegment] {
        let chars = Array(text)
        var segments: [TextSegment] = []
        var plain = ""
        var i = 0

        func flush() {
            if !plain.isEmpty { segments.append(.text(plain)); plain = "" }
        }

        while i < chars.count {
            let previous: Character? = i > 0 ? chars[i - 1] : nil
            if let (url, end) = link(in: chars, at: i, after: previous) {
                flush(); segments.append(.link(url)); i = end; continue
            }
            if let (name, end) = mention(in: chars, at: i, after: previous) {
                flush(); segments.append(.mention(name)); i = end; continue
            }
            if let (tag, end) = hashtag(in: chars, at: i, after: previous) {
                flush(); segments.append(.hashtag(tag)); i = end; continue
            }
            plain.append(chars[i])
            i += 1
        }
        flush()
        return segments
    }

    // MARK: Links

    static func link(in chars: [Character], at start: Int, after previous: Character?) -> (String, Int)? {
        guard chars[start] == "h" || chars[start] == "H" else { return nil }
        if let previous, isASCIIWord(previous) { return nil }
        let scheme: String
        if hasPrefix(chars, at: start, "https://") { scheme = "https://" } else if hasPrefix(chars, at: start, "http://") { scheme = "http://" } else { return nil }
        // The host starts with a letter or digit. Checked before reading on, so
        // a run of schemes without a host ("http://(http://(…") costs each one
        // a glance instead of a read to the end of the text.
        let host = start + scheme.count
        guard host < chars.count, isASCIIWord(chars[host]) else { return nil }
        var end = host
        var opened = 0
        var closed = 0
        while end < chars.count, isURLCharacter(chars[end]) {
            if chars[end] == "(" { opened += 1 } else if chars[end] == ")" { closed += 1 }
            end += 1
        }
        // Trailing punctuation belongs to the sentence, not the URL; a closing
        // bracket stays when the URL opened one. The brackets were counted
        // while reading, so each character trimmed costs one step.
        while end > host {
            let last = chars[end - 1]
            if ".,:;!?'\"*".contains(last) {
                end -= 1
            } else if last == ")", opened < closed {
                closed -= 1
                end -= 1
            } else {
                break
            }
        }
        return (String(chars[start..<end]), end)
    }

    static func isURLCharacter(_ c: Character) -> Bool {
        guard c.isASCII, !c.isWhitespace else { return false }
        return !"<>\"`{}|\\^".contains(c)
    }

    // MARK: Mentions

    static func mention(in chars: [Character], at start: Int, after previous: Character?) -> (String, Int)? {
        guard chars[start] == "@" else { return nil }
        if let previous, isASCIIWord(previous) || previous == "@" || previous == "/" || previous == "." { return nil }
        var end = start + 1
        while end < chars.count, isASCIIWord(chars[end]), end - start <= maxUsernameLength { end += 1 }
        guard end > start + 1 else { return nil }
        // `@name@domain` addresses another server; Chorus is closed, so it stays text.
        if end < chars.count, chars[end] == "@" { return nil }
        if end < chars.count, isASCIIWord(chars[end]) { return nil }
        return (String(chars[(start + 1)..<end]), end)
    }

    // MARK: Hashtags

    static func hashtag(in chars: [Character], at start: Int, after previous: Character?) -> (Hashtag, Int)? {
        guard chars[start] == "#" || chars[start] == "＃" else { return nil }
        if let previous, isASCIIWord(previous) || previous == "#" || previous == "&" || previous == "/" { return nil }
        if let topic = weiboTopic(in: chars, at: start) { return topic }
        var end = start + 1
        while end < chars.count, isTagCharacter(chars[end]), end - start <= maxTagLength { end += 1 }
        let body = chars[(start + 1)..<end]
        guard !body.isEmpty, !body.allSatisfy({ $0.isNumber }) else { return nil }
        if end < chars.count, isTagCharacter(chars[end]) { return nil }
        let display = String(body)
        return (Hashtag(display: display, source: String(chars[start..<end])), end)
    }

    /// `#话题#`: a closing `#` on the same line; the topic may hold spaces
    /// only when it holds CJK text, as on Weibo (`#Swift 6 发布#`).
    static func weiboTopic(in chars: [Character], at start: Int) -> (Hashtag, Int)? {
        var end = start + 1
        while end < chars.count, end - start <= maxTagLength + 1 {
            let c = chars[end]
            if c == "#" || c == "＃" { break }
            guard isTagCharacter(c) || c == " " || c == "·" || c == "・" || c == "-" else { return nil }
            end += 1
        }
        guard end < chars.count, chars[end] == "#" || chars[end] == "＃" else { return nil }
        let body = chars[(start + 1)..<end]
        guard let first = body.first, let last = body.last, isTagCharacter(first), isTagCharacter(last) else { return nil }
        if body.contains(" "), !body.contains(where: isCJK) { return nil }
        guard !body.allSatisfy({ $0.isNumber }) else { return nil }
        return (Hashtag(display: String(body), source: String(chars[start...end])), end + 1)
    }

    static func isTagCharacter(_ c: Character) -> Bool {
        c.isLetter || c.isNumber || c == "_"
    }

    static func isASCIIWord(_ c: Character) -> Bool {
        c.isASCII && (c.isLetter || c.isNumber || c == "_")
    }

    static func hasPrefix(_ chars: [Character], at start: Int, _ prefix: String) -> Bool {
        var i = start
        for p in prefix {
            guard i < chars.count, chars[i].lowercased() == String(p) else { return false }
            i += 1
        }
        return true
    }

    /// True for Chinese, Japanese and Korean characters.
    public static func isCJK(_ c: Character) -> Bool {
        guard let scalar = c.unicodeScalars.first else { return false }
        switch scalar.value {
        case 0x3040...0x30FF, 0x3100...0x312F, 0x3400...0x4DBF, 0x4E00...0x9FFF,
             0xAC00...0xD7AF, 0xF900...0xFAFF, 0x20000...0x2FA1F:
            return true
        default:
            return false
        }
    }
}
