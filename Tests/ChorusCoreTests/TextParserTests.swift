import ChorusCore
import Testing

@Suite("Entities: mentions, hashtags, Weibo topics, links")
struct TextParserTests {
    func tags(_ text: String) -> [String] {
        TextParser.parse(text).compactMap { if case .hashtag(let tag) = $0 { return tag.display } else { return nil } }
    }

    func mentions(_ text: String) -> [String] {
        TextParser.parse(text).compactMap { if case .mention(let name) = $0 { return name } else { return nil } }
    }

    func links(_ text: String) -> [String] {
        TextParser.parse(text).compactMap { if case .link(let url) = $0 { return url } else { return nil } }
    }

    @Test func findsMentionsButNotEmailAddresses() {
        #expect(mentions("@alice 你好 @bob_2!") == ["alice", "bob_2"])
        #expect(mentions("mail me at alice@example.com") == [])
        #expect(mentions("看@lihua的帖子") == ["lihua"])
        #expect(mentions("@remote@other.server") == [])
    }

    @Test func findsLatinAndChineseHashtags() {
        #expect(tags("#Swift is fun") == ["Swift"])
        #expect(tags("今天 #发布会 开始") == ["发布会"])
        #expect(tags("#123 is not a tag") == [])
        #expect(tags("C# and F#") == [])
    }

    @Test func findsWeiboTopicsBetweenTwoHashes() {
        #expect(tags("#新品发布#今天下午") == ["新品发布"])
        #expect(tags("看#话题#很热") == ["话题"])
        #expect(tags("#Swift 6 发布# 来了") == ["Swift 6 发布"])
        #expect(tags("#Swift#") == ["Swift"])
        #expect(tags("#a #b") == ["a", "b"])
        #expect(tags("＃全角＃") == ["全角"])
    }

    @Test func weiboTopicSourceKeepsBothHashes() {
        let segments = TextParser.parse("#话题#")
        #expect(segments == [.hashtag(Hashtag(display: "话题", source: "#话题#"))])
        #expect(PostText.count("#话题#") == 4)
    }

    @Test func normalizesTagsForMatching() {
        #expect(Hashtag.normalize("#SwiftLang") == "swiftlang")
        #expect(Hashtag.normalize("Swift 6 发布") == "swift6发布")
        #expect(Hashtag(display: "发布会", source: "#发布会").name == "发布会")
    }

    @Test func findsLinksWithoutTrailingPunctuation() {
        #expect(links("see https://example.com/a.") == ["https://example.com/a"])
        #expect(links("(https://example.com/wiki/Foo_(bar))") == ["https://example.com/wiki/Foo_(bar)"])
        #expect(links("链接https://example.com/x很好") == ["https://example.com/x"])
        #expect(links("not a link: https:// nor ftp://x.y") == [])
    }

    @Test func keepsTextAroundEntitiesExactly() {
        let text = "Hi @bob, see #话题# at https://x.io!"
        #expect(TextParser.parse(text).map(\.source).joined() == text)
    }
}
