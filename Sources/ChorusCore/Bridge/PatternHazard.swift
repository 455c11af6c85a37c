import Foundation

/// What makes a regular expression unsafe to run on every review.
enum PatternHazard {
    /// A sentence naming the first hazard in `pattern`, or nil.
    static func find(in pattern: String) -> String? {
        let chars = Array(pattern.unicodeScalars)
        /// What a group holds so far: a quantifier, alternatives.
        struct Group { var quantified = false, alternatives = false }
        var groups = [Group()]
        var i = 0
        while i < chars.count {
            switch chars[i] {
            case "\\":
                let next = i + 1 < chars.count ? chars[i + 1] : " "
                if ("1"..."9").contains(next) || next == "k" { return "a pattern may not refer back to a group (\\\(next))" }
                if next == "Q" {
                    i = index(after: ["\\", "E"], in: chars, from: i + 2)
                    continue
                }
                // `\p{L}`, `\x{41}`, `\N{…}`: the braces are not a quantifier.
                if "pPxNu".unicodeScalars.contains(next), i + 2 < chars.count, chars[i + 2] == "{" {
                    i = index(after: ["}"], in: chars, from: i + 3)
                    continue
                }
                i += 2
            case "[":
                i = endOfClass(in: chars, from: i)
            case "(":
                switch groupOpening(in: chars, at: i) {
                case .comment(let end), .flags(let end):
                    i = end
                case .group(let end):
                    groups.append(Group())
                    i = end
                }
            case ")":
                let group = groups.count > 1 ? groups.removeLast() : Group()
                i += 1
                let (repeats, end) = quantifier(in: chars, at: i)
                if end > i {
                    if repeats, group.quantified || group.alternatives {
                        return "a repeated group may not itself hold a repetition or alternatives, as in (a+)+ or (a|b)*: "
                            + "that can take exponential time; repeat the characters instead, as in [ab]*"
                    }
                    groups[groups.count - 1].quantified = true
                    i = end
                }
                groups[groups.count - 1].quantified = groups[groups.count - 1].quantified || group.quantified
                groups[groups.count - 1].alternatives = groups[groups.count - 1].alternatives || group.alternatives
            case "|":
                groups[groups.count - 1].alternatives = true
                i += 1
            default:
                let (_, end) = quantifier(in: chars, at: i)
                if end > i {
                    groups[groups.count - 1].quantified = true
                    i = end
                } else {
                    i += 1
                }
            }
        }
        return nil
    }

    enum Opening { case group(end: Int), comment(end: Int), flags(end: Int) }

    /// What the `(` at `i` opens, and where its syntax ends: a group
    /// (`(`, `(?:`, `(?=`, `(?<name>` …), a comment `(?#…)`, or flags `(?i)`.
    static func groupOpening(in chars: [Unicode.Scalar], at i: Int) -> Opening {
        guard i + 2 < chars.count, chars[i + 1] == "?" else { return .group(end: i + 1) }
        let kind = chars[i + 2]
        if kind == "#" { return .comment(end: index(after: [")"], in: chars, from: i + 3)) }
        if ":=!>".unicodeScalars.contains(kind) { return .group(end: i + 3) }
        if kind == "<" {
            if i + 3 < chars.count, "=!".unicodeScalars.contains(chars[i + 3]) { return .group(end: i + 4) }
            return .group(end: index(after: [">"], in: chars, from: i + 3))
        }
        // `(?ims-x)` sets flags; `(?ims-x:…)` is a group with them.
        var end = i + 2
        while end < chars.count, chars[end].properties.isAlphabetic || chars[end] == "-" { end += 1 }
        if end < chars.count, chars[end] == ")" { return .flags(end: end + 1) }
        return .group(end: min(end + 1, chars.count))
    }

    /// The quantifier starting at `i`, if any: whether it repeats (more
    /// than once), and where it ends (`i` if there is none).
    static func quantifier(in chars: [Unicode.Scalar], at i: Int) -> (repeats: Bool, end: Int) {
        guard i < chars.count else { return (false, i) }
        var end = i
        var repeats = false
        switch chars[i] {
        case "*", "+":
            repeats = true
            end = i + 1
        case "?":
            end = i + 1
        case "{":
            // `{n}`, `{n,}`, `{n,m}`; anything else is a literal brace.
            guard let close = chars[i...].firstIndex(of: "}") else { return (false, i) }
            let body = String(String.UnicodeScalarView(chars[(i + 1)..<close]))
            let bounds = body.split(separator: ",", omittingEmptySubsequences: false)
            guard (1...2).contains(bounds.count), let low = Int(bounds[0]) else { return (false, i) }
            let high = bounds.count == 2 ? (bounds[1].isEmpty ? Int.max : Int(bounds[1])) : low
            guard let high else { return (false, i) }
            repeats = high > 1
            end = close + 1
        default:
            return (false, i)
        }
        // A lazy `?` or possessive `+` suffix belongs to the quantifier.
        if end < chars.count, chars[end] == "?" || chars[end] == "+" { end += 1 }
        return (repeats, end)
    }

    /// The index after the character class opening at `start` (classes nest in ICU).
    static func endOfClass(in chars: [Unicode.Scalar], from start: Int) -> Int {
        var depth = 0
        var i = start
        while i < chars.count {
            switch chars[i] {
            case "\\": i += 1
            case "[": depth += 1
            case "]" where i > start + 1 && !(i == start + 2 && chars[start + 1] == "^"):
                depth -= 1
                if depth == 0 { return i + 1 }
            default: break
            }
            i += 1
        }
        return chars.count
    }

    /// The index after the next occurrence of `marker` from `start`, or the end.
    static func index(after marker: [Unicode.Scalar], in chars: [Unicode.Scalar], from start: Int) -> Int {
        var i = start
        while i + marker.count <= chars.count {
            if Array(chars[i..<(i + marker.count)]) == marker { return i + marker.count }
            i += 1
        }
        return chars.count
    }
}
