import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A TCP listener on 127.0.0.1 for a single connection: it keeps what the
/// client sends until that is complete, writes a fixed reply and hangs up.
/// Every wait is bounded.
final class OneConnectionServer: Sendable {
    enum Failure: Error { case setup(String) }

    let port: Int
    private let listener: Int32

    init() throws {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw Failure.setup("socket") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(fd, socketAddress, length) == 0 && listen(fd, 1) == 0 && getsockname(fd, socketAddress, &length) == 0
            }
        }
        guard bound else { close(fd); throw Failure.setup("bind") }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(listener) }

    /// Waits at most `seconds` for the connection and for each read; returns
    /// what was received (empty if nobody came).
    func receive(reply: [UInt8], within seconds: Int, until complete: @escaping @Sendable ([UInt8]) -> Bool) async -> [UInt8] {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: self.serve(reply: reply, seconds: seconds, complete: complete)) }
        }
    }

    private func serve(reply: [UInt8], seconds: Int, complete: ([UInt8]) -> Bool) -> [UInt8] {
        var waiting = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
        guard poll(&waiting, 1, Int32(seconds * 1000)) == 1 else { return [] }
        let connection = accept(listener, nil, nil)
        // One connection only: a client trying again is refused at once.
        shutdown(listener, Int32(SHUT_RDWR))
        guard connection >= 0 else { return [] }
        defer { close(connection) }
        var limit = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !complete(received), received.count < 65536 {
            let count = recv(connection, &buffer, buffer.count, 0)
            guard count > 0 else { break }
            received += buffer[0..<count]
        }
        _ = reply.withUnsafeBytes { send(connection, $0.baseAddress, $0.count, 0) }
        return received
    }

    /// True once an HTTP request head (without a body) has arrived.
    static func endsHTTPHead(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 4 && Array(bytes.suffix(4)) == Array("\r\n\r\n".utf8)
    }
}

/// Reads the server name (SNI) out of a TLS ClientHello.
enum TLSClientHello {
    /// True once the first TLS record has fully arrived.
    static func isComplete(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 5 && bytes.count >= 5 + (Int(bytes[3]) << 8 | Int(bytes[4]))
    }

    /// The host name the client asked for, if the bytes are a ClientHello that names one.
    static func serverName(in bytes: [UInt8]) -> String? {
        // Record header (5), handshake header (4), version (2), random (32).
        var at = 5 + 4 + 2 + 32
        func length(_ width: Int) -> Int? {
            guard at + width <= bytes.count else { return nil }
            defer { at += width }
            return bytes[at..<at + width].reduce(0) { $0 << 8 | Int($1) }
        }
        guard bytes.first == 0x16, bytes.count > at, let session = length(1) else { return nil }
        at += session
        guard let suites = length(2) else { return nil }
        at += suites
        guard let compressions = length(1) else { return nil }
        at += compressions
        guard let extensionsLength = length(2) else { return nil }
        let end = min(bytes.count, at + extensionsLength)
        while at + 4 <= end, let type = length(2), let size = length(2) {
            // server_name: a list length (2), a name type (1, 0 = host name), the name's length (2), the name.
            if type == 0, at + 5 <= end {
                let nameLength = Int(bytes[at + 3]) << 8 | Int(bytes[at + 4])
                guard at + 5 + nameLength <= end else { return nil }
                return String(decoding: bytes[(at + 5)..<(at + 5 + nameLength)], as: UTF8.self)
            }
            at += size
        }
        return nil
    }
}
