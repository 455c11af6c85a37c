import AsyncHTTPClient
import ChorusCore
import ChorusServices
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// Outbound app calls over HTTP(S): the host is resolved once, the
/// allowlist is checked against every address it resolved to, and the
/// connection goes to a checked address (so a DNS answer that changes in
/// between cannot move it elsewhere); redirects are never followed; at most
/// 64 KiB of an answer is read.
public struct HTTPWebhookTransport: WebhookTransport {
    let policy: OutboundPolicy
    let resolver: any HostResolver

    public init(policy: OutboundPolicy, resolver: any HostResolver = SystemResolver()) {
        self.policy = policy
        self.resolver = resolver
    }

    public func check(url: String) async throws(WebhookTransportError) {
        _ = try await checkedTarget(of: url)
    }

    public func send(_ method: String, url: String, headers: [(name: String, value: String)], body: Data, timeout: Duration) async throws(WebhookTransportError) -> WebhookResponse {
        let target = try await checkedTarget(of: url)
        // The connection is pinned with AsyncHTTPClient's `dnsOverride`: the
        // URL keeps its host name, so the Host header, the TLS server name
        // (SNI) and the certificate check are all for that name, while the
        // socket connects to the address given here and no second lookup
        // happens. Connecting to an IP-literal URL with a Host header instead
        // would do for http, but https would then send no SNI and verify the
        // certificate against the address. `dnsOverride` is a client-wide
        // setting, so there is one client per (host, checked address), kept
        // in a small pool so that its connections are reused: a receiver
        // whose name still resolves to the same address keeps its
        // keep-alive connections, and one whose answer changed gets a new
        // client for the new, checked, address.
        let client = PinnedClients.shared.client(host: target.host, address: target.address.description)
        do {
            return try await exchange(method, url: url, headers: headers, body: body, timeout: timeout, on: client)
        } catch {
            throw Self.reason(for: error, timeout: timeout)
        }
    }

    /// The host as the HTTP client reads the URL, and the checked address to connect to.
    func checkedTarget(of url: String) async throws(WebhookTransportError) -> (host: String, address: IPAddress) {
        let host = try OutboundPolicy.host(of: url)
        // The override is looked up under the host as AsyncHTTPClient reads
        // it (Foundation's URL, brackets trimmed); should that ever differ
        // from the host checked here, the request is refused rather than
        // resolved again.
        guard let read = URL(string: url)?.host, Self.trimmingBrackets(read).lowercased() == host.lowercased() else {
            throw .refused("The URL's host could not be read unambiguously")
        }
        let addresses = await resolve(host)
        guard let first = addresses.first else { throw .unreachable("the host \(host) could not be resolved") }
        guard policy.allows(host: host, addresses: addresses) else { throw OutboundPolicy.refusal(host: host) }
        // Every address passed; the first is the one the system would try first.
        return (Self.trimmingBrackets(read), first)
    }

    /// One request on `client`, reading at most 64 KiB of the answer.
    func exchange(_ method: String, url: String, headers: [(name: String, value: String)], body: Data, timeout: Duration,
                  on client: HTTPClient) async throws -> WebhookResponse {
        var request = HTTPClientRequest(url: url)
        request.method = HTTPMethod(rawValue: method)
        for header in headers { request.headers.add(name: header.name, value: header.value) }
        if !body.isEmpty { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await client.execute(request, timeout: .seconds(timeout.components.seconds))
        var bytes: [UInt8] = []
        var truncated = false
        for try await chunk in response.body {
            let room = Self.maxResponseBytes - bytes.count
            if chunk.readableBytes > room {
                bytes += chunk.readableBytesView.prefix(room)
                truncated = true
                break
            }
            bytes += chunk.readableBytesView
        }
        return WebhookResponse(status: Int(response.status.code), retryAfter: response.headers.first(name: "retry-after"),
                               body: bytes, truncated: truncated)
    }

    /// Why a request got no answer, without internals.
    static func reason(for error: any Error, timeout: Duration) -> WebhookTransportError {
        switch error {
        case let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout:
            .timedOut(seconds: Int(timeout.components.seconds))
        case let error as HTTPClientError where error == .connectTimeout:
            .unreachable("connecting timed out")
        case let error as HTTPClientError:
            .unreachable(error.shortDescription)
        default:
            .unreachable(describe(error))
        }
    }

    /// A short reason without internals (no addresses of this machine, no payload).
    static func describe(_ error: any Error) -> String {
        let text = String(describing: error)
        if text.localizedCaseInsensitiveContains("refused") { return "connection refused" }
        if text.localizedCaseInsensitiveContains("reset") { return "connection reset" }
        if text.localizedCaseInsensitiveContains("ssl") || text.localizedCaseInsensitiveContains("tls")
            || text.localizedCaseInsensitiveContains("certificate") { return "TLS handshake failed" }
        return "connection failed"
    }

    static func trimmingBrackets(_ host: String) -> String {
        host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
    }

    /// Every address `host` resolves to (a literal address is itself).
    func resolve(_ host: String) async -> [IPAddress] {
        if let literal = IPAddress(host) { return [literal] }
        return await resolver.addresses(of: host)
    }
}

/// HTTP clients pinned to checked addresses, one per (host, address), the
/// least recently used shut down past `capacity`. Process-wide: a client
/// lives as long as the process unless evicted (AsyncHTTPClient requires a
/// shutdown before a client goes away, which eviction does).
final class PinnedClients: Sendable {
    static let shared = PinnedClients(capacity: 64)

    /// What every client shares; only the pinned address differs.
    static let configuration = HTTPClient.Configuration(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(5)),
                                                        decompression: .disabled)

    let capacity: Int
    private let state = Mutex<(clients: [String: HTTPClient], order: [String])>(([:], []))

    init(capacity: Int) { self.capacity = capacity }

    func client(host: String, address: String) -> HTTPClient {
        let key = host.lowercased() + "|" + address
        let (client, evicted) = state.withLock { state -> (HTTPClient, [HTTPClient]) in
            if let client = state.clients[key] {
                state.order.removeAll { $0 == key }
                state.order.append(key)
                return (client, [])
            }
            var configuration = Self.configuration
            configuration.dnsOverride = [host: address]
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            state.clients[key] = client
            state.order.append(key)
            var evicted: [HTTPClient] = []
            while state.order.count > capacity {
                let oldest = state.order.removeFirst()
                if let old = state.clients.removeValue(forKey: oldest) { evicted.append(old) }
            }
            return (client, evicted)
        }
        // Past 64 receivers at once: a request still running on an evicted
        // client is cancelled, and tried again on the retry schedule.
        for old in evicted { Task { try? await old.shutdown() } }
        return client
    }
}
