import ChorusCore
import Testing

@Suite("Outbound addresses: which are internal, and how they are read")
struct OutboundAddressTests {
    /// inet_aton's readings of hosts that do not look like the address they are.
    static let numericLookalikes = [
        "012.0.0.1",   // octal: 10.0.0.1, not 12.0.0.1
        "0x7f.1",      // hex and a short form: 127.0.0.1
        "0x7f000001",  // one hex number: 127.0.0.1
        "127.1",       // short form: 127.0.0.1
        "2130706433",  // one decimal number: 127.0.0.1
        "10.0.1",      // short form: 10.0.0.1
        "1.2.3.4.",    // a trailing dot
        "0177.0.0.01",
    ]

    static let loopbackV6 = ["::1", "[0:0:0:0:0:0:0:1]", "::ffff:127.0.0.1", "::127.0.0.1", "2002:7f00:1::"]

    // MARK: Tests

    @Test func numericHostsInOddFormsAreNeitherAddressesNorHostNames() throws {
        for host in Self.numericLookalikes {
            #expect(IPAddress(host) == nil, "\(host)")
            #expect(throws: ChorusError.self, "\(host)") { try HostAllowlist(parsing: [host]) }
        }
        #expect(IPAddress("0.0.0.0")?.bytes == [0, 0, 0, 0] && IPAddress("10.0.0.1")?.bytes == [10, 0, 0, 1])
        // Names that merely contain numbers stay names.
        #expect(try HostAllowlist(parsing: ["10.example.com", "0x.example.com", "ci-2.corp"]).entries.count == 3)
        #expect(IPAddress("[10.0.0.1]") == nil)
    }

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
