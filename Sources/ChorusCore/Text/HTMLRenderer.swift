import Foundation

/// Builds a post's HTML from its parsed segments. User text is always
/// escaped; only the markup made here is trusted.
public struct HTMLRenderer: Sendable {
    /// Where links to people and tags point (the Chorus base URL, no trailing slash).
    public let baseURL: String

    public init(baseURL: String) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
    }

    /// Renders `segments`; mentions of people not in `knownUsernames` (lowercased) stay text.
    public func render(_ segments: [TextSegment], knownUsernames: Set<String>) -> String {
        var html = "<p>"
        for segment in segments {
            switch segment {
            case .text(let text):
                html += HTMLRenderer.escape(text)
                    .replacingOccurrences(of: "\r\n", with: "\n")
                    .replacingOccurrences(of: "\n\n", with: "</p><p>")
                    .replacingOccurrences(of: "\n", with: "<br />")
            case .mention(let name):
                if knownUsernames.contains(name.lowercased()) {
                    let user = HTMLRenderer.escape(name)
                    html += "<span class=\"h-card\"><a href=\"\(baseURL)/@\(user)\" class=\"u-url mention\">@<span>\(user)</span></a></span>"
                } else {
                    html += HTMLRenderer.escape("@" + name)
                }
            case .hashtag(let tag):
                let href = baseURL + "/tags/" + HTMLRenderer.escape(HTMLRenderer.percentEncodePath(tag.name))
                html += "<a href=\"\(href)\" class=\"mention hashtag\" rel=\"tag\">#<span>\(HTMLRenderer.escape(tag.display))</span></a>"
            case .link(let url):
                let escaped = HTMLRenderer.escape(url)
                html += "<a href=\"\(escaped)\" rel=\"nofollow noopener noreferrer\" target=\"_blank\">\(escaped)</a>"
            }
        }
        return html + "</p>"
    }

    /// Escapes the five HTML-special characters.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// Percent-encodes a path segment (UTF-8), leaving unreserved characters.
    public static func percentEncodePath(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
