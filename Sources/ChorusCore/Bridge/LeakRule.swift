import Foundation

/// A rule of the leak guard: a word (matched case-insensitively anywhere in
/// the text) or a regular expression (code names, internal host names,
/// e-mail domains, ID formats).
public struct LeakRule: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case word, pattern
    }

    public var id: Int64
    public var kind: Kind
    public var value: String

    public init(id: Int64, kind: Kind, value: String) {
        self.id = id
        self.kind = kind
        self.value = value
    }

    /// Checks a new rule: a non-empty word, or a pattern that compiles.
    public static func validate(kind: Kind, value: String) throws -> String {
        let value = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !value.isEmpty, value.count <= 200 else { throw ChorusError.unprocessable("Validation failed: a rule is 1 to 200 characters") }
        if kind == .pattern {
            guard (try? NSRegularExpression(pattern: value, options: [.caseInsensitive])) != nil else {
                throw ChorusError.unprocessable("Validation failed: the pattern is not a valid regular expression")
            }
        }
        return value
    }

    /// True if the rule matches `text`.
    public func matches(_ text: String) -> Bool {
        switch kind {
        case .word:
            return text.range(of: value, options: [.caseInsensitive, .widthInsensitive]) != nil
        case .pattern:
            guard let regex = try? NSRegularExpression(pattern: value, options: [.caseInsensitive]) else { return false }
            return regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
        }
    }

    /// The first rule that matches, if any.
    public static func firstMatch(in text: String, rules: [LeakRule]) -> LeakRule? {
        rules.first { $0.matches(text) }
    }
}
