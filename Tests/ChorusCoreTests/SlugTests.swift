import ChorusCore
import Testing

@Suite("Addresses: made from a name in any script")
struct SlugTests {
    // MARK: Tests

    @Test func namesInChineseAndOtherScriptsAreWrittenInLatinLetters() {
        #expect(Slug.derived(from: "研发部") == "yan-fa-bu")
        #expect(Slug.derived(from: "研發部") == "yan-fa-bu")
        #expect(Slug.derived(from: "发布组 Release") == "fa-bu-zu-release")
        #expect(Slug.derived(from: "Project Falcon") == "project-falcon")
        #expect(Slug.derived(from: "Москва") == "moskva")
        #expect(Slug.derived(from: "Café Crème") == "cafe-creme")
        #expect(Slug.derived(from: "Straße Øresund") == "strasse-oresund")
        // Full-width letters and digits spell as the ones they show.
        #expect(Slug.derived(from: "ＡＢＣ团队２") == "abc-tuan-dui2")
        #expect(Slug.derived(from: "  研发部（北京）!! ") == "yan-fa-bu-bei-jing")
    }

    @Test func aNameWithNothingToSpellGivesTooShortAnAddress() {
        #expect(Slug.derived(from: "🚀🎉").isEmpty)
        #expect(Slug.derived(from: "A").count < 2)
        #expect(throws: ChorusError.self) { try Slug.validate(Slug.derived(from: "👩‍💻"), of: "team") }
    }

    @Test func longNamesAreCutAtADashWithinFortyCharacters() throws {
        let slug = Slug.derived(from: "客户服务与支持中心亚太区域第二分部团队成员交流群组")
        #expect(slug == "ke-hu-fu-wu-yu-zhi-chi-zhong-xin-ya-tai")
        #expect(try Slug.validate(slug, of: "team") == slug)
        // Words that end right at the limit are kept; a word that does not fit is left out; one longer word is cut where it must be.
        #expect(Slug.derived(from: String(repeating: "a", count: 40) + " bc") == String(repeating: "a", count: 40))
        #expect(Slug.derived(from: String(repeating: "a", count: 37) + " bc de") == String(repeating: "a", count: 37) + "-bc")
        #expect(Slug.derived(from: String(repeating: "a", count: 38) + " bc") == String(repeating: "a", count: 38))
        #expect(Slug.derived(from: String(repeating: "x", count: 50)) == String(repeating: "x", count: 40))
    }

    @Test func numberedAddressesStayWithinFortyCharacters() throws {
        #expect(Slug.numbered("yan-fa-bu", 2) == "yan-fa-bu-2")
        let long = Slug.derived(from: "客户服务与支持中心亚太区域第二分部团队成员交流群组")
        let numbered = Slug.numbered(long, 12)
        #expect(numbered == "ke-hu-fu-wu-yu-zhi-chi-zhong-xin-ya-12")
        #expect(try Slug.validate(numbered, of: "team") == numbered)
    }
}
