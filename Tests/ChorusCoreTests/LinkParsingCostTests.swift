import ChorusCore
import Foundation
import Synchronization
import Testing

/// Parsing takes time in proportion to the text, whatever the text: a link
/// followed by thousands of `)`, or thousands of would-be links, must not
/// make the parser rescan what it already read. Each input here is about
/// 200 KB: linear parsing takes milliseconds, quadratic parsing many minutes.
@Suite("Entities: parsing cost is linear in the text")
struct LinkParsingCostTests {
    /// What the parsing thread found, once it is done.
    final class Parsed: Sendable {
        private let state = Mutex<[TextSegment]?>(nil)
        func finish(_ segments: [TextSegment]) { state.withLock { $0 = segments } }
        var segments: [TextSegment]? { state.withLock { $0 } }
    }

    /// Parses `text` on its own thread and waits for it at most `seconds`; nil if it did not finish
    /// (a parse cannot be stopped, so on failure it runs on in the background until the process ends).
    static func parse(_ text: String, within seconds: Int) async -> [TextSegment]? {
        let parsed = Parsed()
        Thread.detachNewThread { parsed.finish(TextParser.parse(text)) }
        for _ in 0..<(seconds * 50) {
            if let segments = parsed.segments { return segments }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return parsed.segments
    }

    /// Adversarial inputs and the links each holds.
    static let inputs: [(label: String, text: String, links: [String])] = [
        ("a link and 100,000 closing brackets", "http://a" + String(repeating: ")", count: 100_000), ["http://a"]),
        ("a link and 50,000 \").\"", "http://a" + String(repeating: ").", count: 50_000), ["http://a"]),
        ("100,000 opening brackets, a link, 100,000 closing", String(repeating: "(", count: 100_000) + "http://a" + String(repeating: ")", count: 100_000), ["http://a"]),
        ("25,000 schemes without a host", String(repeating: "http://(", count: 25_000), []),
        ("50,000 \"((((\"", String(repeating: "((((", count: 50_000), []),
    ]

    // MARK: Tests

    @Test("Adversarial input parses in linear time", arguments: 0..<inputs.count)
    func adversarialLinksParseInLinearTime(index: Int) async {
        let input = Self.inputs[index]
        let parsed = await Self.parse(input.text, within: 60)
        #expect(parsed != nil, "\(input.label): parsing did not finish within a minute")
        guard let segments = parsed else { return }
        #expect(segments.map(\.source).joined() == input.text, "\(input.label): parsing lost text")
        #expect(segments.compactMap { if case .link(let url) = $0 { url } else { nil } } == input.links, "\(input.label)")
    }
}
