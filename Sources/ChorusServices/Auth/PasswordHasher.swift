import CArgon2
import ChorusCore
import Foundation

/// Hashes and verifies passwords.
public protocol PasswordHasher: Sendable {
    /// An encoded `$argon2id$…` string for `password`.
    func hash(_ password: String) throws -> String
    /// True if `password` matches `encoded`.
    func verify(_ password: String, encoded: String) -> Bool
}

/// argon2id from libargon2. The defaults are OWASP's minimum
/// (m = 19456 KiB, t = 2, p = 1); tests pass cheaper parameters.
public struct Argon2Hasher: PasswordHasher {
    public var memoryKiB: UInt32
    public var iterations: UInt32
    public var parallelism: UInt32

    public init(memoryKiB: UInt32 = 19456, iterations: UInt32 = 2, parallelism: UInt32 = 1) {
        self.memoryKiB = memoryKiB
        self.iterations = iterations
        self.parallelism = parallelism
    }

    public func hash(_ password: String) throws -> String {
        let salt = SecretGenerator.randomBytes(16)
        let passwordBytes = Array(password.utf8)
        let length = argon2_encodedlen(iterations, memoryKiB, parallelism, UInt32(salt.count), 32, Argon2_id)
        var encoded = [CChar](repeating: 0, count: length)
        let result = passwordBytes.withUnsafeBytes { pwd in
            salt.withUnsafeBytes { saltBytes in
                argon2id_hash_encoded(iterations, memoryKiB, parallelism, pwd.baseAddress, pwd.count,
                                      saltBytes.baseAddress, saltBytes.count, 32, &encoded, length)
            }
        }
        guard result == ARGON2_OK.rawValue else {
            throw ChorusError(.unavailable, "Password hashing failed")
        }
        let bytes = encoded.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }

    public func verify(_ password: String, encoded: String) -> Bool {
        guard encoded.hasPrefix("$argon2id$") else { return false }
        let passwordBytes = Array(password.utf8)
        return passwordBytes.withUnsafeBytes { pwd in
            argon2id_verify(encoded, pwd.baseAddress, pwd.count) == ARGON2_OK.rawValue
        }
    }
}
