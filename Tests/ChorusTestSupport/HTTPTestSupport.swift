import ChorusHTTP
import ChorusServices
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore

/// Drives the real router through Hummingbird's test client.
public struct TestAPI: Sendable {
    public let fixture: TestFixture

    public init(_ fixture: TestFixture) { self.fixture = fixture }

    public func application() -> some ApplicationProtocol {
        // The outbound workers are driven by the tests themselves (`deliverAppEvents`, `BridgeWorker.sendDue`).
        buildApplication(services: fixture.services, settings: ServerSettings(host: "127.0.0.1", port: 0, outboundWorkers: false))
    }

    /// Runs `body` with a client bound to the router (no network).
    public func run<T: Sendable>(_ body: @Sendable (any TestClientProtocol) async throws -> T) async throws -> T {
        try await application().test(.router, body)
    }
}

/// A decoded response for assertions.
public struct TestResponse: Sendable {
    public let status: Int
    public let headers: HTTPFields
    public let body: Data

    /// The body as a JSON object (or nil).
    public var object: [String: Any]? { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] }
    /// The body as a JSON array of objects (or nil).
    public var array: [[String: Any]]? { (try? JSONSerialization.jsonObject(with: body)) as? [[String: Any]] }
    public var text: String { String(decoding: body, as: UTF8.self) }
}

extension TestClientProtocol {
    /// Sends a request with an optional bearer token and form or JSON body.
    public func call(_ method: HTTPRequest.Method, _ uri: String, token: String? = nil, form: [String: String]? = nil,
                     json: String? = nil, headers extra: HTTPFields = [:]) async throws -> TestResponse {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        var body: ByteBuffer?
        if let form {
            headers[.contentType] = "application/x-www-form-urlencoded"
            body = ByteBuffer(string: form.map { "\(Self.encode($0.key))=\(Self.encode($0.value))" }.joined(separator: "&"))
        } else if let json {
            headers[.contentType] = "application/json"
            body = ByteBuffer(string: json)
        }
        return try await execute(uri: uri, method: method, headers: headers, body: body) { response in
            TestResponse(status: Int(response.status.code), headers: response.headers, body: Data(buffer: response.body))
        }
    }

    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}

extension TestClientProtocol {
    /// Posts a multipart form as a browser sends a file upload: `fields`,
    /// then each file as (field name, file name, content).
    public func upload(_ uri: String, fields: [String: String], files: [(field: String, filename: String, content: String)],
                       headers extra: HTTPFields = [:]) async throws -> TestResponse {
        let boundary = "----chorus-test-\(UInt64.random(in: 0...UInt64.max))"
        var body = ""
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) {
            body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
        }
        for file in files {
            body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.field)\"; filename=\"\(file.filename)\"\r\n"
                + "Content-Type: application/json\r\n\r\n\(file.content)\r\n"
        }
        body += "--\(boundary)--\r\n"
        var headers = extra
        headers[.contentType] = "multipart/form-data; boundary=\(boundary)"
        return try await execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body)) { response in
            TestResponse(status: Int(response.status.code), headers: response.headers, body: Data(buffer: response.body))
        }
    }
}

extension TestClientProtocol {
    /// Posts a form that pages guard before sign-in (sign-in, setup,
    /// invitations, app authorization) the way a browser does: opens `page`
    /// first, then sends its `form_token` field and cookie back.
    public func submit(_ page: String, to action: String? = nil, form: [String: String], headers: HTTPFields = [:]) async throws -> TestResponse {
        let opened = try await call(.get, page, headers: headers)
        var fields = form
        var extra = headers
        if let setCookie = opened.headers[.setCookie], setCookie.hasPrefix("chorus_form=") {
            let cookie = String(setCookie.prefix { $0 != ";" })
            extra[.cookie] = extra[.cookie].map { $0 + "; " + cookie } ?? cookie
        }
        if let range = opened.text.range(of: #"name="form_token" value="[^"]+""#, options: .regularExpression) {
            fields["form_token"] = String(opened.text[range].dropFirst(#"name="form_token" value=""#.count).dropLast())
        }
        return try await call(.post, action ?? page, form: fields, headers: extra)
    }
}

extension TestClientProtocol {
    /// Signs in through the web form; returns the session cookie ("name=value").
    public func signIn(_ username: String, password: String = TestFixture.password, headers: HTTPFields = [:]) async throws -> String {
        let response = try await submit("/login", form: ["username": username, "password": password], headers: headers)
        guard response.status == 303, let cookie = response.headers[.setCookie], cookie.hasPrefix("chorus_session=") else {
            throw TestSupportError("signing in as \(username) answered \(response.status)")
        }
        return String(cookie.prefix { $0 != ";" })
    }
}

extension TestResponse {
    /// Whether the answer sends the browser to sign in (as to anyone without a session).
    public var sendsToSignIn: Bool { status == 303 && headers[.location] == "/login" }

    /// The session's form token in a signed-in page (the `csrf` field).
    public var csrf: String? {
        guard let range = text.range(of: #"name="csrf" value="[0-9a-f]+""#, options: .regularExpression) else { return nil }
        return String(text[range].dropFirst(#"name="csrf" value=""#.count).dropLast())
    }
}

/// A helper's precondition did not hold (the test fails with this reason).
public struct TestSupportError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A request running in the background: `ended` is set once it answered.
public struct BackgroundRequest: Sendable {
    public let ended: Flag
    public let task: Task<TestResponse?, Never>
}

extension TestClientProtocol {
    /// Opens a stream in the background (a streaming request only answers
    /// once the server ends it). Cancel its task when done.
    public func openStream(_ path: String, token: String? = nil, cookie: String? = nil) -> BackgroundRequest {
        let ended = Flag()
        let task = Task {
            let response = try? await call(.get, path, token: token, headers: cookie.map { [.cookie: $0] } ?? [:])
            ended.set()
            return response
        }
        return BackgroundRequest(ended: ended, task: task)
    }
}
