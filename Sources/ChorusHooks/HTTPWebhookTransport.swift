import AsyncHTTPClient
import ChorusCore
import ChorusServices
import Foundation
import NIOCore
import NIOHTTP1
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Outbound app calls over HTTP(S): the allowlist is checked against every
/// address the host resolves to, right before each request; redirects are
/// never followed; at most 64 KiB of an answer is read.
///
/// The host is resolved once for the check and again by the connection, so
/// a name whose DNS answer changes in between could slip through; the
/// allowlist by name (not by address) is the stronger setting where that
/// matters.
public struct HTTPWebhookTransport: WebhookTransport {
    /// One client for the life of the process (it is never shut down).
    static let client = HTTPClient(
        eventLoopGroupProvider: .singleton,
        configuration: HTTPClient.Configuration(redirectConfiguration: .disallow,
                                                timeout: .init(connect: .seconds(5)), decompression: .disabled))

    let policy: OutboundPolicy

    public init(policy: OutboundPolicy) {
        self.policy = policy
    }

    public func check(url: String) async throws(WebhookTransportError) {
        let host = try OutboundPolicy.host(of: url)
        let addresses = await Self.resolve(host)
        guard !addresses.isEmpty else { throw .unreachable("the host \(host) could not be resolved") }
        guard policy.allows(host: host, addresses: addresses) else { throw OutboundPolicy.refusal(host: host) }
    }

    public func send(_ method: String, url: String, headers: [(name: String, value: String)], body: Data, timeout: Duration) async throws(WebhookTransportError) -> WebhookResponse {
        try await check(url: url)
        var request = HTTPClientRequest(url: url)
        request.method = HTTPMethod(rawValue: method)
        for header in headers { request.headers.add(name: header.name, value: header.value) }
        if !body.isEmpty { request.body = .bytes(ByteBuffer(bytes: body)) }
        let seconds = Int(timeout.components.seconds)
        do {
            let response = try await Self.client.execute(request, timeout: .seconds(Int64(seconds)))
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
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            throw .timedOut(seconds: seconds)
        } catch let error as HTTPClientError where error == .connectTimeout {
            throw .unreachable("connecting timed out")
        } catch let error as HTTPClientError {
            throw .unreachable(error.shortDescription)
        } catch {
            throw .unreachable(Self.describe(error))
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

    /// Every address `host` resolves to (a literal address is itself).
    static func resolve(_ host: String) async -> [IPAddress] {
        if let literal = IPAddress(host) { return [literal] }
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: resolveBlocking(host)) }
        }
    }

    static func resolveBlocking(_ host: String) -> [IPAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else { return [] }
        defer { freeaddrinfo(first) }
        var addresses: [IPAddress] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let info = cursor, addresses.count < 64 {
            if let address = info.pointee.ai_addr {
                switch Int32(address.pointee.sa_family) {
                case AF_INET:
                    address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
                        var raw = pointer.pointee.sin_addr
                        addresses.append(IPAddress(bytes: withUnsafeBytes(of: &raw) { Array($0) }))
                    }
                case AF_INET6:
                    address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                        var raw = pointer.pointee.sin6_addr
                        addresses.append(IPAddress(bytes: withUnsafeBytes(of: &raw) { Array($0) }))
                    }
                default:
                    break
                }
            }
            cursor = info.pointee.ai_next
        }
        return addresses
    }
}
