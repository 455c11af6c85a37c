import Foundation

/// Turns text into the terms of the full-text index, the way CJK analyzers
/// do: each run of CJK characters becomes overlapping bigrams (a lone
/// character stays a unigram), other words stay whole and lowercased. A
/// query is tokenized the same way, each CJK run matched as a phrase of its
/// bigrams, so a two-character Chinese word is one indexed term.
public enum SearchTokens {
    /// The space-separated terms to store for `text`.
    public static func indexTerms(_ text: String) -> String {
        groups(text).flatMap { $0.terms }.joined(separator: " ")
    }

    /// An FTS5 MATCH expression for a user query, or nil if it has no terms
    /// the index can match (a lone CJK character needs a substring scan).
    /// The last Latin word matches as a prefix, so "deplo" finds "deploy".
    public static func matchExpression(_ query: String) -> String? {
        let groups = groups(query)
        guard !groups.isEmpty else { return nil }
        if groups.contains(where: { $0.isCJK && $0.terms.first?.count == 1 }) { return nil }
        var parts = groups.map { group in
            "\"" + group.terms.joined(separator: " ").replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        if let lastGroup = groups.last, !lastGroup.isCJK, let last = query.last, last.isLetter || last.isNumber {
            parts[parts.count - 1] += "*"
        }
        return parts.joined(separator: " ")
    }

    struct Group {
        var terms: [String]
        var isCJK: Bool
    }

    static func groups(_ text: String) -> [Group] {
        var groups: [Group] = []
        var word = ""
        var cjkRun: [Character] = []

        func flushWord() {
            if !word.isEmpty { groups.append(Group(terms: [word.lowercased()], isCJK: false)); word = "" }
        }
        func flushCJK() {
            guard !cjkRun.isEmpty else { return }
            if cjkRun.count == 1 {
                groups.append(Group(terms: [String(cjkRun[0])], isCJK: true))
            } else {
                groups.append(Group(terms: (0..<(cjkRun.count - 1)).map { String(cjkRun[$0...$0 + 1]) }, isCJK: true))
            }
            cjkRun = []
        }

        for c in text.precomposedStringWithCanonicalMapping {
            if TextParser.isCJK(c) {
                flushWord()
                cjkRun.append(c)
            } else if c.isLetter || c.isNumber || c == "_" {
                flushCJK()
                word.append(c)
            } else {
                flushWord()
                flushCJK()
            }
        }
        flushWord()
        flushCJK()
        return groups
    }
}
