import ChorusServices
import Foundation
import Synchronization

/// A webhook transport in memory: records every request and answers from
/// a script (per URL, one answer per call, the last one repeating).
public final class RecordingTransport: WebhookTransport {
    public struct Sent: Sendable {
        public var method: String
        public var url: String
        public var headers: [String: String]
        public var body: Data
        public var timeout: Duration

        /// The body as a JSON object.
        public var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
        public var type: String? { json["type"] as? String }
    }

    public enum Answer: Sendable {
        case status(Int, body: String = "", retryAfter: String? = nil)
        case error(WebhookTransportError)
    }

    private let state = Mutex<(sent: [Sent], script: [String: [Answer]])>(([], [:]))

    public init() {}

    /// Answers for `url`, in order; the last repeats. Unscripted URLs get 200.
    public func script(_ url: String, _ answers: [Answer]) {
        state.withLock { $0.script[url] = answers }
    }

    public var sent: [Sent] { state.withLock { $0.sent } }

    public func sent(to url: String) -> [Sent] { sent.filter { $0.url == url } }

    public func send(_ method: String, url: String, headers: [(name: String, value: String)], body: Data, timeout: Duration) async throws(WebhookTransportError) -> WebhookResponse {
        let answer = state.withLock { state -> Answer in
            state.sent.append(Sent(method: method, url: url, headers: Dictionary(headers.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 }), body: body, timeout: timeout))
            guard var answers = state.script[url], !answers.isEmpty else { return .status(200) }
            let next = answers.removeFirst()
            if answers.isEmpty { answers = [next] }
            state.script[url] = answers
            return next
        }
        switch answer {
        case .status(let code, let body, let retryAfter): return WebhookResponse(status: code, retryAfter: retryAfter, body: Array(body.utf8))
        case .error(let error): throw error
        }
    }

    public func check(url: String) async throws(WebhookTransportError) {
        _ = try OutboundPolicy.host(of: url)
    }
}
