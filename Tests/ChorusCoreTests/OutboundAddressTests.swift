import ChorusCore
import Testing

@Suite("Outbound addresses: which are internal, and how they are read")
struct OutboundAddressTests {
    static let loopbackV6 = ["::1", "[0:0:0:0:0:0:0:1]", "::ffff:127.0.0.1", "::127.0.0.1", "2002:7f00:1::"]

    // MARK: Tests

    @Test func ipv6FormsOfLoopbackAreRefusedUnlessAllowlisted() throws {
        for host in Self.loopbackV6 {
            let address = try #require(IPAddress(host), "\(host)")
            #expect(!address.isPublic, "\(host)")
            #expect(!HostAllowlist.empty.allows(host: host, addresses: [address]), "\(host)")
        }
        let list = try HostAllowlist(parsing: ["::1", "::/96", "2002::/16", "::ffff:127.0.0.0/104"])
        for host in Self.loopbackV6 {
            #expect(list.allows(host: host, addresses: [IPAddress(host)!]), "\(host)")
        }
    }

    @Test func addressesThatEmbedOrDiscardAnotherAreNotPublic() {
        // IPv4-compatible, 6to4 (may carry a private IPv4 address), discard, Teredo, local NAT64.
        for special in ["::10.0.0.1", "::8.8.8.8", "2002:c0a8:101::1", "100::1", "2001:0:4136:e378::1", "64:ff9b:1::a00:1", "fec0::1"] {
            #expect(IPAddress(special)?.isPublic == false, "\(special)")
        }
        #expect(IPAddress("2001:4860::8888")?.isPublic == true && IPAddress("2a00:1450::1")?.isPublic == true)
    }
}
