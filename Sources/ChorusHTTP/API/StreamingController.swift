import ChorusCore
import ChorusServices
import ChorusStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import ServiceLifecycle

/// Turns hub messages into Mastodon streaming events for one listener.
/// Each status is loaded as that listener sees it, so a post the listener
/// may not see is never sent.
struct StreamRenderer: Sendable {
    let services: Services
    let presenter: MastodonPresenter

    /// The event name and payload for a message, or nil to send nothing.
    func render(_ message: StreamMessage, for viewer: AccountRecord) async -> (event: String, payload: String)? {
        do {
            switch message {
            case .update(let id):
                let status = try await services.statuses.status(id: id, viewer: viewer)
                return ("update", try encode(presenter.status(status)))
            case .delete(let id):
                return ("delete", String(id))
            case .notification(let id):
                let notification = try await services.notifications.get(id, viewer: viewer)
                return ("notification", try encode(presenter.notification(notification)))
            }
        } catch {
            return nil
        }
    }

    func encode<T: JSONWritable>(_ value: T) throws -> String {
        var writer = JSONWriter()
        value.write(to: &writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// Parses Mastodon's stream names (`user`, `public`, `public:local`, `hashtag` …).
    static func kind(stream: String, tag: String?) throws -> StreamKind {
        switch stream {
        case "user": return .user
        case "user:notification": return .userNotification
        case "public", "public:local": return .company
        case "hashtag", "hashtag:local":
            guard let tag, !Hashtag.normalize(tag).isEmpty else { throw ChorusError.badRequest("The hashtag stream needs a tag") }
            return .hashtag(Hashtag.normalize(tag))
        case "public:remote", "public:media", "public:local:media", "public:remote:media", "list", "direct":
            throw ChorusError.badRequest("This stream is not supported by Chorus: \(stream)")
        default:
            throw ChorusError.badRequest("Unknown stream: \(stream)")
        }
    }

    static func scope(for kind: StreamKind) -> String {
        switch kind {
        case .user, .userNotification: "read:notifications"
        case .company, .hashtag: "read:statuses"
        }
    }
}

/// Server-sent events: `/api/v1/streaming/user`, `/public`, `/hashtag?tag=`.
struct StreamingController {
    let services: Services
    let renderer: StreamRenderer
    static let heartbeat = Duration.seconds(20)

    func addRoutes(anonymous router: Router<AppRequestContext>, group: RouterGroup<AuthenticatedContext>) {
        router.get("api/v1/streaming/health") { _, _ in "OK" }
        for (path, stream) in [("user", "user"), ("user/notification", "user:notification"), ("public", "public"),
                               ("public/local", "public:local"), ("hashtag", "hashtag"), ("hashtag/local", "hashtag:local")] {
            group.get("streaming/\(path)") { request, context in
                try await self.sse(request, context: context, stream: stream)
            }
        }
    }

    /// `?tag=`, the hashtag a hashtag stream follows.
    struct StreamRequest: RequestBody {
        let tag: String?

        init(_ params: Params) throws {
            tag = params.string("tag")
        }
    }

    func sse(_ request: Request, context: AuthenticatedContext, stream: String) async throws -> Response {
        let kind = try StreamRenderer.kind(stream: stream, tag: try StreamRequest.query(request).tag)
        let viewer = try context.user(StreamRenderer.scope(for: kind))
        let messages = try await services.openStream(accountID: viewer.id, tokenID: context.principal.tokenID, kind: kind)
        let renderer = renderer
        return StreamingController.eventStream(messages) { message in
            guard let (event, payload) = await renderer.render(message, for: viewer) else { return nil }
            return (event, payload)
        }
    }

    /// A server-sent-events response: each message as `event:` and `data:`
    /// lines (nil skips it), a comment line as heartbeat, ended by a graceful
    /// shutdown so the server can stop.
    static func eventStream(_ messages: AsyncStream<StreamMessage>,
                            render: @escaping @Sendable (StreamMessage) async -> (event: String, data: String)?) -> Response {
        let body = ResponseBody { writer in
            try await writer.write(ByteBuffer(string: ":)\n\n"))
            let feed = StreamingController.withHeartbeats(messages)
            try await withGracefulShutdownHandler {
                for await item in feed.stream {
                    guard let message = item else {
                        try await writer.write(ByteBuffer(string: ":thump\n\n"))
                        continue
                    }
                    guard let (event, data) = await render(message) else { continue }
                    // Every line of the data gets its own `data:` field.
                    let lines = data.split(separator: "\n", omittingEmptySubsequences: false).map { "data: \($0)\n" }.joined()
                    try await writer.write(ByteBuffer(string: "event: \(event)\n\(lines)\n"))
                }
            } onGracefulShutdown: {
                feed.stop()
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-store"], body: body)
    }

    /// Interleaves `nil` every `heartbeat` so idle connections stay open;
    /// `stop` ends the stream.
    static func withHeartbeats(_ messages: AsyncStream<StreamMessage>) -> (stream: AsyncStream<StreamMessage?>, stop: @Sendable () -> Void) {
        let (stream, continuation) = AsyncStream.makeStream(of: StreamMessage?.self, bufferingPolicy: .bufferingNewest(256))
        let forward = Task {
            for await message in messages { continuation.yield(message) }
            continuation.finish()
        }
        let beat = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: heartbeat)
                continuation.yield(nil)
            }
        }
        continuation.onTermination = { _ in
            forward.cancel()
            beat.cancel()
        }
        return (stream, { continuation.finish() })
    }
}

/// Mastodon's WebSocket streaming: `GET /api/v1/streaming?stream=user`
/// (token in `access_token`, the `Authorization` header or the
/// `Sec-WebSocket-Protocol` header), with `subscribe` messages for more streams.
enum WebSocketStreaming {
    static func shouldUpgrade(services: Services, renderer: StreamRenderer) -> @Sendable (HTTPRequest, any Channel, Logger) async throws -> ShouldUpgradeResult<WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>> {
        { head, _, _ in
            guard let path = head.path, path.hasPrefix("/api/v1/streaming") else { return .dontUpgrade }
            let components = URLComponents(string: path)
            guard components?.path == "/api/v1/streaming" || components?.path == "/api/v1/streaming/" else { return .dontUpgrade }
            let query = Dictionary((components?.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { first, _ in first })
            var token = query["access_token"]
            if let header = head.headerFields[.authorization], header.lowercased().hasPrefix("bearer ") { token = String(header.dropFirst(7)) }
            var responseHeaders: HTTPFields = [:]
            if token == nil, let proto = head.headerFields[.secWebSocketProtocol] {
                token = proto.split(separator: ",").first.map { $0.trimmingCharacters(in: .whitespaces) }
                responseHeaders[.secWebSocketProtocol] = token
            }
            guard let token, let principal = try? await AuthMiddleware.authenticate(token, method: head.method, path: "/api/v1/streaming", oauth: services.oauth),
                  let viewer = principal.account else {
                return .dontUpgrade
            }
            var requested: StreamKind?
            if let stream = query["stream"] {
                guard let kind = try? StreamRenderer.kind(stream: stream, tag: query["tag"]),
                      principal.scopes.allows(StreamRenderer.scope(for: kind)) else { return .dontUpgrade }
                requested = kind
            }
            let initial = requested
            return .upgrade(responseHeaders) { inbound, outbound, _ in
                try await session(services: services, renderer: renderer, viewer: viewer, token: token, principal: principal,
                                  initial: initial, inbound: inbound, outbound: outbound)
            }
        }
    }

    /// Serves one socket. A stream ends (and closes the socket) when its
    /// token is revoked; a later `subscribe` checks the token again, so a
    /// revoked token cannot open new streams on a socket it already has.
    static func session(services: Services, renderer: StreamRenderer, viewer: AccountRecord, token: String, principal: Principal,
                        initial: StreamKind?, inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            func listen(_ kind: StreamKind) {
                group.addTask {
                    let messages: AsyncStream<StreamMessage>
                    do {
                        messages = try await services.openStream(accountID: viewer.id, tokenID: principal.tokenID, kind: kind)
                    } catch let error as ChorusError {
                        // As Mastodon does: an error frame, and the socket stays open.
                        try await outbound.write(.text(errorFrame(error)))
                        return
                    }
                    for await message in messages {
                        guard let (event, payload) = await renderer.render(message, for: viewer) else { continue }
                        let frame: [String: Any] = ["stream": kind.names, "event": event, "payload": payload]
                        let data = try JSONSerialization.data(withJSONObject: frame, options: [.withoutEscapingSlashes])
                        try await outbound.write(.text(String(decoding: data, as: UTF8.self)))
                    }
                    try? await outbound.close(.normalClosure, reason: "stream ended")
                }
            }
            if let initial { listen(initial) }
            var subscribed = Set(initial.map { [$0] } ?? [])
            for try await message in inbound.messages(maxSize: 1 << 14) {
                guard case .text(let text) = message,
                      let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
                      object["type"] as? String == "subscribe", let stream = object["stream"] as? String,
                      let kind = try? StreamRenderer.kind(stream: stream, tag: object["tag"] as? String),
                      principal.scopes.allows(StreamRenderer.scope(for: kind)), !subscribed.contains(kind) else { continue }
                guard subscribed.count < services.config.subscriptionsPerSocket else {
                    let limit = services.config.subscriptionsPerSocket
                    try await outbound.write(.text(errorFrame(.tooManyRequests("This socket already follows \(limit) streams, the most it may"))))
                    continue
                }
                guard (try? await services.oauth.authenticate(bearer: token)) != nil else { break }
                subscribed.insert(kind)
                listen(kind)
            }
            group.cancelAll()
        }
    }

    /// Mastodon's error frame: `{"error": …, "status": 429}`.
    static func errorFrame(_ error: ChorusError) -> String {
        let object: [String: Any] = ["error": error.message, "status": error.kind.status]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
