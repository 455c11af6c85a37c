import ChorusCore
import ChorusServices
import Testing

@Suite("Outbound policy: which URLs an app or a channel may be given")
struct OutboundPolicyTests {
    func refusal(_ url: String) -> String? {
        do { _ = try OutboundPolicy.host(of: url); return nil } catch { return error.message }
    }

    // MARK: Tests

    @Test func hostsTheSystemResolverWouldReadAsAnotherAddressAreRefused() throws {
        for url in ["http://012.0.0.1/", "http://0x7f.1/", "http://0x7f000001/", "http://127.1/", "http://2130706433/",
                    "https://10.1:8443/hook", "http://1.2.3.4./", "http://%31%32%37.0.0.1/"] {
            #expect(refusal(url) != nil, "\(url)")
        }
        #expect(try OutboundPolicy.host(of: "https://hooks.example.com/x") == "hooks.example.com")
        #expect(try OutboundPolicy.host(of: "http://10.0.0.1:8080/x") == "10.0.0.1")
        #expect(try OutboundPolicy.host(of: "http://[::1]:8080/x") == "::1")
        #expect(try OutboundPolicy.host(of: "https://1password.example/x") == "1password.example")
    }
}
