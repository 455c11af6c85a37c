import ChorusCore
import Testing

@Suite("HTML rendering and search terms")
struct RenderingAndSearchTests {
    let renderer = HTMLRenderer(baseURL: "https://chorus.test/")

    @Test func escapesUserText() {
        let html = renderer.render(TextParser.parse("<script>alert('x')</script> & \"q\""), knownUsernames: [])
        #expect(html == "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;</p>")
    }

    @Test func linksKnownMentionsOnly() {
        let html = renderer.render(TextParser.parse("@alice @ghost"), knownUsernames: ["alice"])
        #expect(html.contains("<a href=\"https://chorus.test/@alice\" class=\"u-url mention\">@<span>alice</span></a>"))
        #expect(html.contains("@ghost</p>"))
    }

    @Test func linksHashtagsWithEncodedPaths() {
        let html = renderer.render(TextParser.parse("#发布会#"), knownUsernames: [])
        #expect(html.contains("href=\"https://chorus.test/tags/%E5%8F%91%E5%B8%83%E4%BC%9A\""))
        #expect(html.contains("#<span>发布会</span>"))
    }

    @Test func linkHrefCannotBreakOutOfTheAttribute() {
        let html = renderer.render(TextParser.parse("https://x.io/a'onmouseover=alert(1)"), knownUsernames: [])
        #expect(!html.contains("'onmouseover"))
    }

    @Test func rendersLineBreaks() {
        #expect(renderer.render(TextParser.parse("a\nb\n\nc"), knownUsernames: []) == "<p>a<br />b</p><p>c</p>")
    }

    @Test func indexesCJKAsOverlappingBigrams() {
        #expect(SearchTokens.indexTerms("新版本发布会 Swift") == "新版 版本 本发 发布 布会 swift")
        #expect(SearchTokens.indexTerms("好") == "好")
    }

    @Test func matchesCJKRunsAsPhrasesAndLatinByPrefix() {
        #expect(SearchTokens.matchExpression("发布") == "\"发布\"")
        #expect(SearchTokens.matchExpression("发布会") == "\"发布 布会\"")
        #expect(SearchTokens.matchExpression("deplo") == "\"deplo\"*")
        #expect(SearchTokens.matchExpression("发") == nil)
        #expect(SearchTokens.matchExpression("!!") == nil)
    }
}
