import Foundation

/// A page of a Mastodon account's statuses, reduced to what finding an
/// export's post needs.
struct MastodonStatusPage {
    struct Status {
        var id: String
        var createdAt: Date
        /// The text, read back from the status's HTML.
        var text: String
    }

    var statuses: [Status]

    /// Reads `GET /api/v1/accounts/:id/statuses`; nil if the answer is not such a list.
    init?(json body: [UInt8]) {
        guard let list = (try? JSONSerialization.jsonObject(with: Data(body))) as? [[String: Any]] else { return nil }
        var statuses: [Status] = []
        for object in list {
            guard let id = object["id"] as? String, let created = (object["created_at"] as? String).flatMap(Self.date) else { return nil }
            statuses.append(Status(id: id, createdAt: created, text: MastodonText.plain(fromHTML: object["content"] as? String ?? "")))
        }
        self.statuses = statuses
    }

    /// The oldest status on the page: pages come newest first, and the next
    /// page is the one before its id (`max_id`).
    var oldest: Status? { statuses.last }

    /// The statuses created since `since` whose text is `text` (spacing aside).
    func posts(matching text: String, since: Date) -> [Status] {
        let wanted = MastodonText.comparable(text)
        return statuses.filter { $0.createdAt >= since && MastodonText.comparable($0.text) == wanted }
    }

    static func date(_ text: String) -> Date? {
        (try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))) ?? (try? Date(text, strategy: .iso8601))
    }
}

/// Mastodon stores a post's text and shows it as HTML (`<p>`, `<br>`, links
/// with the scheme in hidden spans); this reads the text back.
enum MastodonText {
    static func plain(fromHTML html: String) -> String {
        var text = html.replacingOccurrences(of: "</p><p>", with: "\n\n")
        for lineBreak in ["<br>", "<br/>", "<br />"] { text = text.replacingOccurrences(of: lineBreak, with: "\n") }
        text = text.replacingOccurrences(of: "<[^>]*>", with: "", options: .regularExpression)
        return decodeEntities(text)
    }

    /// The text with every run of white space as one space, trimmed: the
    /// server may normalise line ends and spacing.
    static func comparable(_ text: String) -> String {
        text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var result = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            result += rest[..<amp]
            rest = rest[amp...]
            guard let semicolon = rest.prefix(12).firstIndex(of: ";"), let scalar = entity(rest[rest.index(after: rest.startIndex)..<semicolon]) else {
                result.append("&")
                rest = rest.dropFirst()
                continue
            }
            result.unicodeScalars.append(scalar)
            rest = rest[rest.index(after: semicolon)...]
        }
        return result + rest
    }

    static func entity(_ name: Substring) -> Unicode.Scalar? {
        switch name {
        case "amp": return "&"
        case "lt": return "<"
        case "gt": return ">"
        case "quot": return "\""
        case "apos": return "'"
        case "nbsp": return "\u{A0}"
        default:
            guard name.hasPrefix("#") else { return nil }
            let digits = name.dropFirst()
            let value = digits.first == "x" || digits.first == "X" ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
            return value.flatMap(Unicode.Scalar.init)
        }
    }
}
