import ChorusCore
import Testing

@Suite("Post length: grapheme clusters, URLs count 23")
struct PostTextTests {
    @Test func countsChineseCharactersOneEach() {
        #expect(PostText.count("汉字") == 2)
        #expect(PostText.count(String(repeating: "汉", count: 140)) == 140)
    }

    @Test func countsAnEmojiZWJSequenceAsOne() {
        #expect(PostText.count("👩‍💻") == 1)
        #expect(PostText.count("👨‍👩‍👧‍👦👍🏽") == 2)
        #expect(PostText.count("🇨🇳") == 1)
    }

    @Test func countsCombiningMarksWithTheirBase() {
        let decomposed = "e\u{0301}"
        let precomposed = "\u{00E9}"
        #expect(PostText.count(decomposed) == 1)
        #expect(PostText.count(precomposed) == 1)
        #expect(PostText.normalize(decomposed) == precomposed)
    }

    @Test func countsEveryURLAsTwentyThree() {
        #expect(PostText.count("https://example.com") == 23)
        #expect(PostText.count("看 https://example.com/" + String(repeating: "a", count: 200)) == 2 + 23)
        #expect(PostText.count("http://a.io x") == 23 + 2)
    }

    @Test func trimsSurroundingWhitespace() {
        #expect(PostText.count("  你好 \n") == 2)
    }

    @Test func acceptsExactly140AndRejects141() throws {
        _ = try PostText.validate(String(repeating: "字", count: 140))
        #expect(throws: ChorusError.self) { try PostText.validate(String(repeating: "字", count: 141)) }
        let tooLong = String(repeating: "a", count: 118) + " https://example.com/long"
        #expect(PostText.count(tooLong) == 142)
        #expect(throws: ChorusError.self) { try PostText.validate(tooLong) }
    }

    @Test func rejectsAnEmptyPostWithA422() {
        #expect(throws: ChorusError.unprocessable("Validation failed: Text can't be blank")) { try PostText.validate("   \n ") }
    }

    @Test func reportsTheLengthInTheError() {
        do {
            _ = try PostText.validate(String(repeating: "🎉", count: 150))
            Issue.record("expected an error")
        } catch let error as ChorusError {
            #expect(error.kind == .unprocessable)
            #expect(error.message.contains("150"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    // MARK: The byte cap

    static let tooManyBytes = ChorusError.unprocessable("Validation failed: Text is too long (at most 4096 bytes)")

    @Test func refusesAPostOverFourKilobytesThatCountsAsOneLink() {
        let link = "https://example.com/" + String(repeating: "a", count: 5_000)
        #expect(PostText.count(link) == 23)
        #expect(throws: Self.tooManyBytes) { try PostText.validate(link) }
        #expect(throws: Self.tooManyBytes) { try PostText.validate("see " + String(repeating: link, count: 200)) }
    }

    @Test func acceptsExactly4096BytesAfterTrimmingAndRejects4097() throws {
        let link = "https://example.com/"
        let exact = link + String(repeating: "a", count: 4096 - link.utf8.count)
        #expect(exact.utf8.count == 4096)
        #expect(try PostText.validate("  \n" + exact + " \n\t").text == exact)
        #expect(throws: Self.tooManyBytes) { try PostText.validate(exact + "a") }
    }

    @Test func refusesOneCharacterBuiltFromThousandsOfMarks() {
        let heavy = "e" + String(repeating: "\u{0301}", count: 3_000)
        #expect(PostText.count(heavy) == 1)
        #expect(throws: Self.tooManyBytes) { try PostText.validate(heavy) }
    }
}
