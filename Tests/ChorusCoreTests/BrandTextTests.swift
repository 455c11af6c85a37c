import ChorusCore
import Testing

@Suite("Brand text: what leaves for the brand channels")
struct BrandTextTests {
    func outgoing(_ text: String, base: String = "https://chorus.corp.example") -> String {
        BrandText.outgoing(text, policy: .init(mentionsAsNames: false, internalBaseURL: base))
    }

    // MARK: Tests

    @Test func linksIntoThisChorusAreRemovedHoweverTheyAreWritten() {
        for link in ["https://chorus.corp.example/@lily/1", "http://chorus.corp.example/@lily/1", "https://chorus.corp.example:443/@lily/1",
                     "http://chorus.corp.example:80/x", "https://CHORUS.Corp.Example/@lily", "https://chorus.corp.example./@lily/1",
                     "HTTPS://chorus.corp.example", "https://chorus.corp.example?q=1", "https://chorus.corp.example#top",
                     "https://someone@chorus.corp.example/x"] {
            #expect(outgoing("见 \(link) 谢谢") == "见 谢谢", "\(link)")
        }
    }

    @Test func otherLinksStay() {
        for link in ["https://chorus.corp.example.evil.com/x", "https://www.example.com/chorus.corp.example", "https://chorus.corp.example:8443/x",
                     "https://other.corp.example/x", "https://chorus.corp.examplex/x"] {
            #expect(outgoing("见 \(link) 谢谢") == "见 \(link) 谢谢", "\(link)")
        }
    }

    @Test func aBaseURLWithAPathOrPortCoversOnlyWhatIsUnderIt() {
        let base = "https://intranet.example:8443/chorus/"
        #expect(outgoing("a https://INTRANET.example:8443/chorus/@lily b", base: base) == "a b")
        #expect(outgoing("a https://intranet.example:8443/chorus b", base: base) == "a b")
        #expect(outgoing("a https://intranet.example:8443/wiki b", base: base) == "a https://intranet.example:8443/wiki b")
        #expect(outgoing("a https://intranet.example:8443/chorusx b", base: base) == "a https://intranet.example:8443/chorusx b")
        #expect(outgoing("a https://intranet.example/chorus/x b", base: base) == "a https://intranet.example/chorus/x b")
    }
}
