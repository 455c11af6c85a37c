import ChorusCore
import ChorusStore
import Foundation

/// The brand bridge: channels (administrators), nominations (anyone),
/// review (editors), retraction, the leak guard, the Atom feeds.
public struct BridgeService: Sendable {
    let database: any ChorusDatabase
    let config: ChorusConfig
    let clock: any ChorusClock
    let transport: any WebhookTransport

    public init(database: any ChorusDatabase, config: ChorusConfig, clock: any ChorusClock, transport: any WebhookTransport) {
        self.database = database
        self.config = config
        self.clock = clock
        self.transport = transport
    }

    // MARK: Rules

    func requireAdmin(_ actor: AccountRecord) throws {
        guard actor.role == .admin else { throw ChorusError.forbidden("Only administrators manage brand channels and the leak guard") }
    }

    func requireEditor(_ actor: AccountRecord) throws {
        guard actor.role == .editor || actor.role == .admin else { throw ChorusError.forbidden("Only brand editors review nominations") }
    }
}
