import ChorusCore
import Testing

@Suite("Leak guard rules: checked when saved, bounded when run")
struct LeakRuleTests {
    func refusal(_ pattern: String) -> String? {
        do { _ = try LeakRule.validate(kind: .pattern, value: pattern); return nil }
        catch let error as ChorusError { return error.message } catch { return "\(error)" }
    }

    // MARK: Tests

    @Test func patternsThatBacktrackWithoutBoundAreRefusedWhenSaved() {
        for pattern in ["(a+)+$", "(a*)*b", "(?:x+y*)+z", "(\\w+\\s?)*$", "(a|aa)+$", "(a|a?)+b", "((ab)+)+", "(a{1,9})+b", "(a)\\1", "(?<n>a)\\k<n>"] {
            let message = refusal(pattern)
            #expect(message?.hasPrefix("Validation failed:") == true, "\(pattern): \(message ?? "accepted")")
        }
        #expect(refusal("(") == "Validation failed: the pattern is not a valid regular expression")
    }

    @Test func ordinaryPatternsAreAccepted() {
        for pattern in [#"[a-z0-9.-]+\.corp\.example"#, #"\bPRJ-\d{4,6}\b"#, #"(?:falcon|eagle) ?\d+"#, #"[\w.]+@corp\.example"#,
                        #"(\.[a-z]{2})?"#, "(ab){2}", #"\(x+\)+"#, "[(a+)+]"] {
            #expect(refusal(pattern) == nil, "\(pattern)")
        }
    }

    @Test func aPatternRunsWithinATimeBudgetAndFailsClosed() {
        // Adjacent repetitions of one class pass the check when saved, but take polynomial time on a long run of digits.
        let slow = LeakRule(id: 1, kind: .pattern, value: #"\d*\d*\d*\d*\d*\d*x"#)
        let started = ContinuousClock.now
        #expect(slow.verdict(on: String(repeating: "1", count: 3000)) == .undecided)
        #expect(ContinuousClock.now - started < .seconds(1))
        #expect(LeakRule(id: 2, kind: .pattern, value: "x").verdict(on: String(repeating: "a", count: LeakRule.maxTextLength + 1)) == .undecided)
        let code = LeakRule(id: 3, kind: .pattern, value: #"prj-\d+"#)
        #expect(code.verdict(on: "see PRJ-42") == .matches && code.verdict(on: "nothing to see") == .clear)
        #expect(LeakRule(id: 4, kind: .word, value: "猎鹰").verdict(on: "猎鹰计划") == .matches)
    }
}
