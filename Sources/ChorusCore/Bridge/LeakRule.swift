import Foundation

/// A rule of the leak guard: a word (matched case-insensitively anywhere in
/// the text) or a regular expression (code names, internal host names,
/// e-mail domains, ID formats).
///
/// A pattern runs on every view of the approval queue, so its cost is
/// bounded three ways. When saved, a pattern may not repeat a group that
/// itself repeats or has alternatives (`(a+)+`, `(a|aa)*`) nor refer back
/// to a group (`\1`): those make the backtracking engine take exponential
/// time. When run, the text is at most `maxTextLength` UTF-16 units, and
/// each match gets `timeBudget`: NSRegularExpression has no timeout, but
/// with `.reportProgress` it calls back every few thousand steps, and the
/// callback stops the match. A rule that cannot be decided within these
/// bounds (or that the engine gives up on) blocks the approval like a
/// match, naming the rule: the guard fails closed.
public struct LeakRule: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case word, pattern
    }

    /// What running a rule on a text came to.
    public enum Verdict: Sendable, Equatable {
        case clear, matches
        /// The rule could not be run to the end within its bounds.
        case undecided
    }

    public var id: Int64
    public var kind: Kind
    public var value: String

    public init(id: Int64, kind: Kind, value: String) {
        self.id = id
        self.kind = kind
        self.value = value
    }

    /// The longest rule, in characters.
    public static let maxLength = 200
    /// The longest text a pattern is run on, in UTF-16 units (far above any channel's limit).
    public static let maxTextLength = 10_000
    /// How long one pattern may run on one text.
    public static let timeBudget: Duration = .milliseconds(50)

    /// Checks a new rule: a non-empty word, or a pattern that compiles and
    /// cannot backtrack without bound.
    public static func validate(kind: Kind, value: String) throws -> String {
        let value = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !value.isEmpty, value.count <= maxLength else {
            throw ChorusError.unprocessable("Validation failed: a rule is 1 to \(maxLength) characters")
        }
        if kind == .pattern {
            guard (try? NSRegularExpression(pattern: value, options: [.caseInsensitive])) != nil else {
                throw ChorusError.unprocessable("Validation failed: the pattern is not a valid regular expression")
            }
            if let hazard = PatternHazard.find(in: value) { throw ChorusError.unprocessable("Validation failed: \(hazard)") }
        }
        return value
    }

    /// Runs the rule on `text`, within the bounds above.
    public func verdict(on text: String) -> Verdict {
        switch kind {
        case .word:
            return text.range(of: value, options: [.caseInsensitive, .widthInsensitive]) != nil ? .matches : .clear
        case .pattern:
            let range = NSRange(text.startIndex..., in: text)
            guard range.length <= Self.maxTextLength, PatternHazard.find(in: value) == nil,
                  let regex = try? NSRegularExpression(pattern: value, options: [.caseInsensitive]) else { return .undecided }
            let deadline = ContinuousClock.now + Self.timeBudget
            var verdict = Verdict.clear
            regex.enumerateMatches(in: text, options: [.reportProgress, .reportCompletion], range: range) { match, flags, stop in
                if match != nil {
                    verdict = .matches
                    stop.pointee = true
                } else if flags.contains(.internalError) || (!flags.contains(.completed) && ContinuousClock.now > deadline) {
                    // The engine ran out of backtracking room, or of time.
                    verdict = .undecided
                    stop.pointee = true
                }
            }
            return verdict
        }
    }
}
