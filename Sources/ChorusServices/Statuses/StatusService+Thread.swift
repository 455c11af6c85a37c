import ChorusCore
import ChorusStore

/// A post with the visible thread around it, and what the reader may do with it.
public struct StatusThread: Sendable {
    /// The post itself (the original, when asked for a repost).
    public var main: HydratedStatus
    public var ancestors: [HydratedStatus]
    public var descendants: [HydratedStatus]
    /// What the reader may do with `main`, nominating and choosing its best answer included.
    public var capabilities: StatusCapabilities
}

extension StatusService {
    /// The thread page's post: the post (or the original of a repost), its
    /// visible ancestors and replies, and the reader's capabilities on it.
    public func thread(id: Int64, viewer: AccountRecord) async throws -> StatusThread {
        let main = try await status(id: id, viewer: viewer).shown
        // `main` was just read as visible to the viewer: its thread needs no second check.
        let around = try await database.context(statusID: main.status.id, viewerID: viewer.id)
        return StatusThread(main: main, ancestors: around.ancestors, descendants: around.descendants,
                            capabilities: PostRules.capabilities(try await database.ruleFacts(of: main.status),
                                                                 for: try await actor(viewer, in: main.status.teamId)))
    }

    /// `account` as the rules see them, with their role in `teamID`.
    func actor(_ account: AccountRecord, in teamID: Int64?) async throws -> PostRules.Actor {
        PostRules.Actor(id: account.id, teamRole: try await teamID.asyncMap { try await database.teamRole(teamID: $0, accountID: account.id) } ?? nil)
    }
}

extension ChorusDatabase {
    /// The post as the rules see it, its neighbours looked up (whatever the
    /// reader may see of them: a gone neighbour stands in nobody's way).
    func ruleFacts(of status: StatusRecord) async throws -> PostRules.Facts {
        let parent = try await status.inReplyToId.asyncMap { try await statusRecord(id: $0) }
        let quoted = try await status.quoteOfId.asyncMap { try await statusRecord(id: $0) }
        return status.ruleFacts(parentIsCompanyWide: parent.map { $0?.isCompanyWide ?? true },
                                quotedIsCompanyWide: quoted.map { $0?.isCompanyWide ?? true })
    }
}

extension Optional {
    /// `map` with an asynchronous transform.
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
