import ChorusCore
import Foundation

/// The terms of the full-text index for PostgreSQL, where `status_search`
/// holds them as an array (see "Full-text search" in 0001_schema.sql), and
/// a user query as the conditions on that array that find what SQLite's
/// FTS5 MATCH of `SearchTokens.matchExpression` finds.
///
/// FTS5's tokenizer ('unicode61 remove_diacritics 2') runs again over the
/// terms SQLite stores and over the MATCH text: it removes the diacritics of
/// Latin letters and splits words at "_". Both are applied here to stored
/// and query terms alike, so "cafe" finds "café" and "foo" finds "foo_bar".
enum PostgresSearchTerms {
    /// The array to store for a post's `text + " " + spoiler_text`. A term
    /// of 2 KB or more is left out: a tsvector lexeme cannot hold it (and the
    /// prefix index is a tsvector of the terms).
    static func stored(_ text: String) -> [String] {
        SearchTokens.indexTerms(text).split(separator: " ").flatMap { tokens(String($0)) }.filter { $0.utf8.count < 2048 }
    }

    /// What a query asks of the array.
    struct Query: Equatable {
        /// Terms every match holds (`terms @> $1`): whole words and CJK bigrams.
        var whole: [String]
        /// The last word as a prefix, as tsquery text (`'deplo':*`).
        var prefix: String?
        /// CJK runs of several bigrams: FTS5 matches them as phrases, so the
        /// post's text must hold the run itself.
        var runs: [String]
        /// Words that FTS5 splits at "_" ("foo_bar"): it matches them as
        /// phrases, so the parts must follow each other in the stored terms.
        /// The last part is a prefix when the word is the query's last.
        var sequences: [Sequence] = []
    }

    struct Sequence: Equatable {
        var terms: [String]
        var lastIsPrefix: Bool
    }

    /// The conditions for a user query; nil when the index cannot answer it
    /// (no terms, or a lone CJK character: a substring scan), exactly when
    /// `SearchTokens.matchExpression` is nil.
    static func query(_ text: String) -> Query? {
        guard let match = SearchTokens.matchExpression(text) else { return nil }
        var result = Query(whole: [], prefix: nil, runs: [])
        for group in phrases(match) {
            guard let first = group.terms.first?.first else { continue }
            if TextParser.isCJK(first) {
                result.whole += group.terms
                if group.terms.count > 1 {
                    result.runs.append(group.terms.dropFirst().reduce(group.terms[0]) { run, bigram in run + String(bigram.suffix(1)) })
                }
            } else {
                var words = group.terms.flatMap(tokens)
                if group.terms.count == 1, words.count > 1 {
                    result.sequences.append(Sequence(terms: words, lastIsPrefix: group.isPrefix))
                }
                if group.isPrefix, let last = words.popLast() {
                    result.prefix = "'" + last.replacingOccurrences(of: "'", with: "''") + "':*"
                }
                result.whole += words
            }
        }
        var seen = Set<String>()
        result.whole = result.whole.filter { seen.insert($0).inserted }
        return result
    }

    /// The phrases of an FTS5 expression as `matchExpression` writes them:
    /// `"a b" "c"*`, each quoted (`""` for a quote inside), `*` after a prefix.
    private static func phrases(_ match: String) -> [(terms: [String], isPrefix: Bool)] {
        var result: [(terms: [String], isPrefix: Bool)] = []
        var characters = Array(match)[...]
        while let start = characters.firstIndex(of: "\"") {
            characters = characters[(start + 1)...]
            var phrase = ""
            while let c = characters.first {
                characters = characters.dropFirst()
                if c == "\"" {
                    if characters.first == "\"" {
                        phrase.append("\"")
                        characters = characters.dropFirst()
                    } else {
                        break
                    }
                } else {
                    phrase.append(c)
                }
            }
            let isPrefix = characters.first == "*"
            result.append((phrase.split(separator: " ").map(String.init), isPrefix))
        }
        return result
    }

    /// One term as FTS5's tokenizer sees it: Latin diacritics removed,
    /// split at "_", lowercased.
    static func tokens(_ term: String) -> [String] {
        let folded = String(term.map { c -> String in
            guard c.unicodeScalars.allSatisfy(isLatin) else { return String(c) }
            return String(c).folding(options: .diacriticInsensitive, locale: nil)
        }.joined())
        return folded.lowercased().split(separator: "_").map(String.init)
    }

    private static func isLatin(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x41...0x5A, 0x61...0x7A, 0xC0...0x24F, 0x1E00...0x1EFF: true
        case 0x300...0x36F: true // combining marks on a Latin letter
        default: false
        }
    }
}
