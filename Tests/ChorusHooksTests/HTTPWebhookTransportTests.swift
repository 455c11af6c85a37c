import ChorusCore
import ChorusHooks
import ChorusServices
import Foundation
import Synchronization
import Testing

@Suite("Outbound HTTP: the connection goes to the address the allowlist checked")
struct HTTPWebhookTransportTests {
    /// Answers from a fixed table and remembers what it was asked; an
    /// unknown host does not resolve.
    final class FixedResolver: HostResolver {
        let table: [String: [IPAddress]]
        private let questions = Mutex<[String]>([])

        init(_ table: [String: [IPAddress]]) { self.table = table }

        var asked: [String] { questions.withLock { $0 } }

        func addresses(of host: String) async -> [IPAddress] {
            questions.withLock { $0.append(host) }
            return table[host] ?? []
        }
    }

    /// A name no DNS server knows, which the test resolver points at this machine.
    static let name = "hooks.rebind.test"

    func transport(_ resolver: FixedResolver, allowing entries: [String] = ["127.0.0.1"]) throws -> HTTPWebhookTransport {
        HTTPWebhookTransport(policy: OutboundPolicy(allowlist: try HostAllowlist(parsing: entries)), resolver: resolver)
    }

    // MARK: Tests

    @Test func aRequestGoesToTheCheckedAddressAndNamesTheHostItWasGiven() async throws {
        let server = try OneConnectionServer()
        let resolver = FixedResolver([Self.name: [IPAddress("127.0.0.1")!]])
        let reply = Array("HTTP/1.1 204 No Content\r\ncontent-length: 0\r\nconnection: close\r\n\r\n".utf8)
        async let received = server.receive(reply: reply, within: 5) { OneConnectionServer.endsHTTPHead($0) }
        let response = try await transport(resolver).send("GET", url: "http://\(Self.name):\(server.port)/hook", headers: [], body: Data(),
                                                          timeout: .seconds(5))
        let request = String(decoding: await received, as: UTF8.self).lowercased()
        #expect(response.status == 204)
        #expect(request.hasPrefix("get /hook http/1.1\r\n") && request.contains("\r\nhost: \(Self.name):\(server.port)\r\n"), "\(request)")
        // Resolved once, for the check; the connection did not ask again.
        #expect(resolver.asked == [Self.name])
    }

    @Test func anAddressInTheURLIsCalledAsWrittenWithoutALookup() async throws {
        let server = try OneConnectionServer()
        let resolver = FixedResolver([:])
        let reply = Array("HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok".utf8)
        async let received = server.receive(reply: reply, within: 5) { OneConnectionServer.endsHTTPHead($0) }
        let response = try await transport(resolver).send("GET", url: "http://127.0.0.1:\(server.port)/hook", headers: [], body: Data(),
                                                          timeout: .seconds(5))
        #expect(response.status == 200 && response.body == Array("ok".utf8))
        #expect(String(decoding: await received, as: UTF8.self).lowercased().contains("\r\nhost: 127.0.0.1:\(server.port)\r\n"))
        #expect(resolver.asked.isEmpty)
    }

    @Test func overHTTPSTheCheckedAddressIsAskedForTheHostNameInTLS() async throws {
        let server = try OneConnectionServer()
        let resolver = FixedResolver([Self.name: [IPAddress("127.0.0.1")!]])
        async let received = server.receive(reply: [], within: 5) { TLSClientHello.isComplete($0) }
        // The listener speaks no TLS, so the handshake fails after the hello.
        await #expect(throws: WebhookTransportError.self) {
            try await transport(resolver).send("GET", url: "https://\(Self.name):\(server.port)/hook", headers: [], body: Data(), timeout: .seconds(1))
        }
        #expect(TLSClientHello.serverName(in: await received) == Self.name)
    }

    @Test func hostsInOddNumericFormsAreRefusedBeforeAnyLookup() async throws {
        let resolver = FixedResolver([:])
        let transport = try transport(resolver, allowing: [])
        for url in ["http://012.0.0.1/", "http://0x7f.1/", "http://0x7f000001/", "http://127.1/", "http://2130706433/", "http://0300.0250.0.1/"] {
            do {
                try await transport.check(url: url)
                Issue.record("allowed \(url)")
            } catch {
                guard case .refused = error else { Issue.record("\(url): \(error)"); continue }
            }
        }
        #expect(resolver.asked.isEmpty)
    }

    @Test func aNameResolvingToLoopbackIsRefusedUnlessAllowlisted() async throws {
        let resolver = FixedResolver([Self.name: [IPAddress("::1")!], "six.rebind.test": [IPAddress("2002:7f00:1::")!]])
        let open = try transport(resolver, allowing: [])
        await #expect(throws: OutboundPolicy.refusal(host: Self.name)) { try await open.check(url: "https://\(Self.name)/x") }
        await #expect(throws: OutboundPolicy.refusal(host: "six.rebind.test")) { try await open.check(url: "https://six.rebind.test/x") }
        try await transport(resolver, allowing: ["::1"]).check(url: "https://\(Self.name)/x")
        try await transport(resolver, allowing: ["::1"]).check(url: "http://[::1]:8080/x")
        #expect(resolver.asked == [Self.name, "six.rebind.test", Self.name])
    }
}
