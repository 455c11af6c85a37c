import ChorusCore
import HTTPTypes
import Hummingbird

/// Finds the real client address behind the company's reverse proxies.
/// `X-Forwarded-For` and `Forwarded` are believed only when the socket peer
/// is one of the trusted proxies (anyone else could write them), and then
/// only as far back as the chain runs through trusted proxies: the first
/// address from the right that is not one of them is the client. Rate
/// limits and the audit log use the result.
struct ClientAddressMiddleware: RouterMiddleware {
    let trusted: [IPNetwork]

    func handle(_ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response) async throws -> Response {
        guard !trusted.isEmpty else { return try await next(request, context) }
        var context = context
        context.remoteAddress = ForwardedClientAddress.clientAddress(peer: context.remoteAddress, forwarded: request.headers[.forwarded],
                                                   forwardedFor: request.headers[values: .xForwardedFor], trusted: trusted)
        return try await next(request, context)
    }
}

/// The rule of `ClientAddressMiddleware`, as a pure function.
public enum ForwardedClientAddress {
    /// The client's address given the socket peer and the forwarding headers
    /// (`Forwarded` wins over `X-Forwarded-For` when both came).
    public static func clientAddress(peer: String?, forwarded: String?, forwardedFor: [String], trusted: [IPNetwork]) -> String? {
        guard let peer, let peerAddress = IPAddress(peer), trusted.contains(where: { $0.contains(peerAddress) }) else { return peer }
        let chain = forwarded.map(forwardedFor(rfc7239:)) ?? forwardedFor.flatMap { $0.split(separator: ",").map(clean) }
        var client = peer
        for hop in chain.reversed() {
            guard let address = IPAddress(hop) else { break }  // "unknown" or an obfuscated name: stop at the last proxy
            client = address.description
            if !trusted.contains(where: { $0.contains(address) }) { break }
        }
        return client
    }

    /// The `for=` values of an RFC 7239 `Forwarded` header, in order.
    static func forwardedFor(rfc7239 header: String) -> [String] {
        header.split(separator: ",").compactMap { element in
            element.split(separator: ";").lazy.map { $0.trimmingCharacters(in: .whitespaces) }
                .first { $0.lowercased().hasPrefix("for=") }
                .map { clean($0.dropFirst(4)) }
        }
    }

    /// An address without quotes, brackets or port (`"[2001:db8::1]:4711"`, `192.0.2.1:80`).
    static func clean(_ raw: Substring) -> String {
        var text = raw.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("\""), text.hasSuffix("\""), text.count >= 2 { text = String(text.dropFirst().dropLast()) }
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") { return String(text[text.index(after: text.startIndex)..<close]) }
        if text.filter({ $0 == ":" }).count == 1, let colon = text.firstIndex(of: ":") { return String(text[..<colon]) }
        return text
    }
}

extension HTTPField.Name {
    static let xForwardedFor = Self("X-Forwarded-For")!
    static let forwarded = Self("Forwarded")!
}
