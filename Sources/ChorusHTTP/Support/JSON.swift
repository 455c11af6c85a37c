import ChorusCore
import Foundation
import HTTPTypes
import HTTPTypes
import Hummingbird

/// Encodes API entities the way Mastodon does: snake_case keys, ISO 8601
/// times with milliseconds, `null` for absent values.
enum JSON {
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }

    /// A JSON response with `value` as the body.
    static func response<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        body(try encoder().encode(value), status: status, headers: headers)
    }

    /// A JSON response for hand-written entities (the hot path).
    static func response<T: JSONWritable>(_ value: T, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        var writer = JSONWriter()
        value.write(to: &writer)
        return body(writer.bytes, status: status, headers: headers)
    }

    /// A JSON response for a list of hand-written entities.
    static func response<T: JSONWritable>(_ values: [T], status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        var writer = JSONWriter(capacity: 2048 * max(values.count, 1))
        writer.array(values) { writer, value in value.write(to: &writer) }
        return body(writer.bytes, status: status, headers: headers)
    }

    static func body(_ bytes: some Collection<UInt8>, status: HTTPResponse.Status, headers: HTTPFields) -> Response {
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// `{}`: what Mastodon answers for actions without an entity.
    static func empty() throws -> Response { try response([String: String]()) }

    /// Formats a date like Mastodon: `2026-11-22T01:15:22.123Z`. Written by
    /// hand: `String(format:)` cost an eighth of a timeline request.
    static func timestamp(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970
        let whole = seconds.rounded(.down)
        var time = time_t(whole)
        var parts = tm()
        gmtime_r(&time, &parts)
        let millis = min(999, Int((seconds - whole) * 1000))
        var bytes = [UInt8](repeating: 0, count: 24)
        func put(_ value: Int, at offset: Int, digits: Int) {
            var value = value
            for index in stride(from: offset + digits - 1, through: offset, by: -1) {
                bytes[index] = UInt8(48 + value % 10)
                value /= 10
            }
        }
        put(Int(parts.tm_year) + 1900, at: 0, digits: 4)
        bytes[4] = 45
        put(Int(parts.tm_mon) + 1, at: 5, digits: 2)
        bytes[7] = 45
        put(Int(parts.tm_mday), at: 8, digits: 2)
        bytes[10] = 84
        put(Int(parts.tm_hour), at: 11, digits: 2)
        bytes[13] = 58
        put(Int(parts.tm_min), at: 14, digits: 2)
        bytes[16] = 58
        put(Int(parts.tm_sec), at: 17, digits: 2)
        bytes[19] = 46
        put(millis, at: 20, digits: 3)
        bytes[23] = 90
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The day part only (Mastodon's `last_status_at`).
    /// Reads an ISO 8601 time (`2026-12-01T09:00:00Z`, with or without
    /// fractional seconds, any offset); nil if it is not one.
    static func parseTimestamp(_ text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let date = try? Date(trimmed, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return date }
        return try? Date(trimmed, strategy: Date.ISO8601FormatStyle())
    }

    static func day(_ date: Date) -> String { String(timestamp(date).prefix(10)) }
}

/// A value that encodes `nil` as JSON `null` instead of leaving the key out,
/// because Mastodon clients expect every documented key.
@propertyWrapper
struct Nullable<Value: Encodable & Sendable>: Encodable, Sendable {
    var wrappedValue: Value?

    init(wrappedValue: Value?) { self.wrappedValue = wrappedValue }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let wrappedValue { try container.encode(wrappedValue) } else { try container.encodeNil() }
    }
}

extension Nullable: Equatable where Value: Equatable {}

/// Builds Mastodon's `Link` header for a paginated list.
enum LinkHeader {
    /// `next` points at items older than the last cursor, `prev` at items newer than the first.
    static func fields(request: Request, baseURL: String, cursors: [Int64]) -> HTTPFields {
        guard let first = cursors.first, let last = cursors.last else { return [:] }
        var kept: [String] = []
        for (key, values) in Params(query: request).values.sorted(by: { $0.key < $1.key }) where !["max_id", "min_id", "since_id"].contains(key) {
            let name = values.count > 1 ? key + "[]" : key
            kept += values.map { "\(encode(name))=\(encode($0))" }
        }
        func url(_ cursor: String) -> String {
            "\(baseURL)\(request.uri.path)?" + (kept + [cursor]).joined(separator: "&")
        }
        return [.link: "<\(url("max_id=\(last)"))>; rel=\"next\", <\(url("min_id=\(first)"))>; rel=\"prev\""]
    }

    /// Percent-encodes everything but ASCII letters, digits and `-._~[]`.
    static func encode(_ text: String) -> String {
        func allowed(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
            case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "["), UInt8(ascii: "]"): true
            default: false
            }
        }
        if text.utf8.allSatisfy(allowed) { return text }
        let hex = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        for byte in text.utf8 {
            if allowed(byte) {
                bytes.append(byte)
            } else {
                bytes += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension HTTPField.Name {
    static let link = Self("Link")!
    static let idempotencyKey = Self("Idempotency-Key")!
}
