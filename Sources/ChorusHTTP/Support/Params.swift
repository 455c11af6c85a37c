import ChorusCore
import Foundation
import HTTPTypes
import Hummingbird

/// Request parameters merged from the query string and the body, the way
/// Mastodon clients send them: form-encoded (`key=v`, `key[]=v`) or JSON.
struct Params: Sendable {
    private(set) var values: [String: [String]] = [:]
    /// The body as sent, when it was a JSON object (for nested values).
    private(set) var json: [String: JSONValue] = [:]

    /// No parameters at all.
    init() {}

    /// Query parameters only (GET routes).
    init(query request: Request) {
        if let query = request.uri.query { addForm(query) }
    }

    /// Query parameters plus the body (POST, PUT, PATCH, DELETE).
    static func from(_ request: Request, context: some RequestContext) async throws -> Params {
        var params = Params(query: request)
        var request = request
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        guard body.readableBytes > 0 else { return params }
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        let bytes = Data(buffer: body)
        if contentType.hasPrefix("application/json") {
            try params.addJSONObject(bytes)
        } else if contentType.hasPrefix("application/x-www-form-urlencoded") || contentType.isEmpty {
            guard let text = String(data: bytes, encoding: .utf8), params.addForm(text) else {
                throw ChorusError.badRequest("The form body is malformed")
            }
        } else if contentType.hasPrefix("multipart/form-data") {
            try params.addMultipart(bytes, contentType: contentType)
        } else {
            throw ChorusError.badRequest("Unsupported content type: send JSON or a form")
        }
        return params
    }

    /// The fields of a JSON object sent as text rather than as the body (a
    /// manifest pasted into a form), read exactly as a JSON body is.
    init(jsonObject bytes: Data) throws {
        try addJSONObject(bytes)
    }

    private mutating func addJSONObject(_ bytes: Data) throws {
        guard let object = try? JSONDecoder().decode(JSONValue.self, from: bytes) else {
            throw ChorusError.badRequest("The request body is not valid JSON")
        }
        guard case .object(let dictionary) = object else { throw ChorusError.badRequest("The JSON body must be an object") }
        for (key, value) in dictionary { addJSON(key, value) }
        json = dictionary
    }

    /// Adds `key=value&…` pairs (keys and values percent-decoded, `+` as a
    /// space, `key[]` as a list); false if a pair cannot be decoded.
    @discardableResult
    private mutating func addForm(_ text: String) -> Bool {
        var valid = true
        for pair in text.split(separator: "&") where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let key = Params.decodeForm(parts[0]), let value = parts.count > 1 ? Params.decodeForm(parts[1]) : "" else {
                valid = false
                continue
            }
            add(key, value)
        }
        return valid
    }

    /// Decodes one form-encoded key or value: `+` is a space, `%XX` a byte;
    /// nil for a broken escape or bytes that are not UTF-8.
    static func decodeForm(_ part: Substring) -> String? {
        let utf8 = part.utf8
        // Most keys and values need no decoding.
        if !utf8.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }) { return String(part) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count)
        var index = utf8.startIndex
        while index < utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%") {
                let high = utf8.index(after: index)
                guard high < utf8.endIndex, utf8.index(after: high) < utf8.endIndex,
                      let h = hexValue(utf8[high]), let l = hexValue(utf8[utf8.index(after: high)]) else { return nil }
                bytes.append(h << 4 | l)
                index = utf8.index(after: high)
            } else {
                bytes.append(byte)
            }
            index = utf8.index(after: index)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private mutating func add(_ rawKey: String, _ value: String) {
        let key = rawKey.hasSuffix("[]") ? String(rawKey.dropLast(2)) : rawKey
        values[key, default: []].append(value)
    }

    private mutating func addJSON(_ key: String, _ value: JSONValue) {
        switch value {
        case .string(let string): add(key, string)
        case .bool(let bool): add(key, bool ? "true" : "false")
        case .integer(let number): add(key, String(number))
        case .number(let number): add(key, String(number))
        case .array(let array): for element in array { addJSON(key, element) }
        case .object, .null: break
        }
    }

    /// Simple multipart/form-data: text fields, and files read as text (an
    /// app's manifest uploaded on an apps page).
    private mutating func addMultipart(_ body: Data, contentType: String) throws {
        guard let boundaryRange = contentType.range(of: "boundary=") else { throw ChorusError.badRequest("The multipart boundary is missing") }
        var boundary = String(contentType[boundaryRange.upperBound...])
        if let semicolon = boundary.firstIndex(of: ";") { boundary = String(boundary[..<semicolon]) }
        boundary = boundary.trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
        guard let text = String(data: body, encoding: .utf8) else { throw ChorusError.badRequest("Only text form fields are accepted") }
        for part in text.components(separatedBy: "--" + boundary) {
            guard let split = part.range(of: "\r\n\r\n") else { continue }
            let head = part[..<split.lowerBound]
            guard let nameRange = head.range(of: "name=\"") else { continue }
            let rest = head[nameRange.upperBound...]
            guard let end = rest.firstIndex(of: "\"") else { continue }
            var value = String(part[split.upperBound...])
            // The line break before the next boundary: one Character ("\r\n" is one grapheme).
            if value.hasSuffix("\r\n") { value.removeLast() }
            add(String(rest[..<end]), value)
        }
    }

    // MARK: Accessors

    func string(_ key: String) -> String? { values[key]?.first }

    /// A non-empty string, or nil.
    func nonEmpty(_ key: String) -> String? {
        guard let value = string(key)?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    func strings(_ key: String) -> [String] { values[key] ?? [] }

    func require(_ key: String) throws -> String {
        guard let value = string(key) else { throw ChorusError.unprocessable("Validation failed: \(key) is missing") }
        return value
    }

    func bool(_ key: String) throws -> Bool? {
        guard let value = string(key)?.lowercased() else { return nil }
        switch value {
        case "true", "1", "on", "yes": return true
        case "false", "0", "off", "no", "": return false
        default: throw ChorusError.badRequest("\(key) must be true or false")
        }
    }

    func int(_ key: String) throws -> Int? {
        guard let value = nonEmpty(key) else { return nil }
        guard let number = Int(value) else { throw ChorusError.badRequest("\(key) must be a number") }
        return number
    }

    func id(_ key: String) throws -> Int64? {
        guard let value = nonEmpty(key) else { return nil }
        guard let number = Int64(value) else { throw ChorusError.badRequest("\(key) must be an id") }
        return number
    }

    func ids(_ key: String) -> [Int64] { strings(key).compactMap { Int64($0) } }

    /// A non-empty value read by `parse` (an enum's `init(rawValue:)`, say);
    /// nil when absent, `invalid` when `parse` refuses it.
    func parse<T>(_ key: String, _ parse: (String) -> T?, invalid: @autoclosure () -> ChorusError) throws -> T? {
        guard let raw = nonEmpty(key) else { return nil }
        guard let value = parse(raw) else { throw invalid() }
        return value
    }

    /// A list parameter: a JSON array (possibly empty), or repeated form
    /// keys; nil when absent.
    func list(_ key: String) -> [String]? {
        if let value = json[key] {
            switch value {
            case .array(let items): return items.compactMap { if case .string(let text) = $0 { text } else { nil } }
            case .string(let text): return text.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
            case .null: return []
            default: return nil
            }
        }
        let values = strings(key)
        return values.isEmpty ? nil : values.flatMap { $0.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init) }
    }

    /// Mastodon pagination parameters.
    func page(maxLimit: Int = Page.maxLimit) throws -> Page {
        try PageRequest(self).page(maxLimit: maxLimit)
    }
}

extension Parameters {
    /// A path id; anything that is not an id is a 404 (it names no record).
    func id(_ name: String) throws -> Int64 {
        guard let raw = self.get(name), let id = Int64(raw) else { throw ChorusError.notFound() }
        return id
    }
}

/// Any JSON value, for reading request bodies of unknown shape.
enum JSONValue: Decodable, Sendable {
    case string(String), bool(Bool), integer(Int64), number(Double)
    case array([JSONValue]), object([String: JSONValue]), null

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Int64.self) { self = .integer(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }
}
