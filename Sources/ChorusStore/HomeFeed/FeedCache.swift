import ChorusCore
import Synchronization

/// The newest entries of each feed source, kept in memory so that a home
/// timeline is a merge of a few hundred short sorted arrays instead of a
/// stored per-reader feed (fan-out on read). Posting then writes nothing per
/// follower. A source is loaded from the database (a `FeedReader`) the first
/// time a reader needs it and kept up to date by the writes of this process
/// (`didInsert`, `didRemove`), which are the only writes to the database
/// while it serves. Both backends keep one.
///
/// A load runs outside the lock, so a write can land between the load's read
/// and its install; such a load is marked dirty by the write and is used for
/// that one request but not kept.
public final class FeedCache: Sendable {
    /// Entries loaded per source; deeper pages read the database directly.
    public static let window = 32
    /// Entries kept per source as new posts arrive.
    public static let maxEntries = 128
    /// Sources kept; the least recently used are dropped beyond this.
    public static let maxSources = 30_000

    /// A class, so that looking one up under the lock retains one reference
    /// instead of copying a struct; only touched with the lock held.
    final class Stream {
        /// Newest first.
        var entries: [FeedEntry]
        /// True when `entries` holds every entry of the source.
        var complete: Bool
        var lastUsed: UInt64

        init(entries: [FeedEntry], complete: Bool, lastUsed: UInt64) {
            self.entries = entries
            self.complete = complete
            self.lastUsed = lastUsed
        }
    }

    private struct State {
        var streams: [FeedSource: Stream] = [:]
        /// Loads in flight, and whether a write touched their source since they began.
        var loading: [FeedSource: Bool] = [:]
        var tick: UInt64 = 0
        /// A number per source ever written to or read, and how many posts each got.
        var slots: [FeedSource: Int] = [:]
        var versions: [UInt64] = []
        /// How many deletions there were.
        var removals: UInt64 = 0
        /// Each reader's last first page (see `FirstPage`).
        var firstPages: [Int64: FirstPage] = [:]
        /// How many times each reader's follows, teams or tags changed (only readers whose did).
        var relationChanges: [Int64: UInt64] = [:]
    }

    /// A reader's first home page as last merged, with what it was merged
    /// from. It is still right while none of its sources got a post since
    /// (the sum of their version counters is unchanged), nothing was deleted,
    /// and the reader's follows, teams and followed tags are the same (every
    /// change to those forgets the page). A reader who reloads their home
    /// then skips the merge and the three reads of their relationships.
    final class FirstPage: Sendable {
        let slots: [Int]
        let versionSum: UInt64
        let removals: UInt64
        let ids: [Int64]

        init(slots: [Int], versionSum: UInt64, removals: UInt64, ids: [Int64]) {
            self.slots = slots
            self.versionSum = versionSum
            self.removals = removals
            self.ids = ids
        }
    }

    /// The longest first page kept; shorter requests take a prefix (the
    /// merge is deterministic, so a prefix of a longer page is the shorter page).
    public static let firstPageLength = 40
    static let maxFirstPages = 20_000

    private let state = Mutex(State())

    public init() {}

    /// The newest entries of each source (loading those not cached yet), and
    /// whether they are all the source has. One lock for the whole lookup.
    public func streams(_ sources: [FeedSource], _ reader: any FeedReader) async throws -> [(entries: [FeedEntry], complete: Bool)] {
        var missing: [Int] = []
        var result: [(entries: [FeedEntry], complete: Bool)] = []
        result.reserveCapacity(sources.count)
        state.withLock { state in
            state.tick += 1
            let tick = state.tick
            for (index, source) in sources.enumerated() {
                if let stream = state.streams[source] {
                    if stream.lastUsed + 1_000 < tick { stream.lastUsed = tick }
                    result.append((stream.entries, stream.complete))
                } else {
                    if state.loading[source] == nil { state.loading[source] = false }
                    missing.append(index)
                    result.append(([], false))
                }
            }
        }
        for (position, index) in missing.enumerated() {
            let source = sources[index]
            let entries: [FeedEntry]
            do {
                entries = try await reader.entries(of: source, before: Int64.max, limit: FeedCache.window)
            } catch {
                // Forget this load and the ones not started, so later loads can install.
                state.withLock { state in
                    for pending in missing[position...] { state.loading[sources[pending]] = nil }
                }
                throw error
            }
            let complete = entries.count < FeedCache.window
            result[index] = (entries, complete)
            state.withLock { state in
                if state.loading.removeValue(forKey: source) == false {
                    state.streams[source] = Stream(entries: entries, complete: complete, lastUsed: state.tick)
                    if state.streams.count > FeedCache.maxSources { FeedCache.evict(&state) }
                }
            }
        }
        return result
    }

    /// Loads the newest posts of `authors` (the most recently active first)
    /// a hundred at a time, yielding between chunks so serving goes on.
    public func warm(authors: [Int64], _ reader: any FeedReader) async throws {
        for start in stride(from: 0, to: authors.count, by: 100) {
            try Task.checkCancellation()
            _ = try await streams(authors[start..<min(start + 100, authors.count)].map(FeedSource.author), reader)
            await Task.yield()
        }
    }

    /// Adds a committed post to the cached sources that hold it.
    public func didInsert(_ entry: FeedEntry, into sources: [FeedSource]) {
        state.withLock { state in
            for source in sources {
                state.versions[FeedCache.slot(source, &state)] &+= 1
                if state.loading[source] != nil { state.loading[source] = true }
                guard let stream = state.streams[source] else { continue }
                let position = stream.entries.firstIndex { $0.id <= entry.id } ?? stream.entries.endIndex
                if position == stream.entries.endIndex || stream.entries[position].id != entry.id {
                    stream.entries.insert(entry, at: position)
                }
                if stream.entries.count > FeedCache.maxEntries {
                    stream.entries.removeLast(stream.entries.count - FeedCache.maxEntries)
                    stream.complete = false
                }
            }
        }
    }

    /// Adds a new post (not a reblog) to the sources `HomeTimelineRule` puts it in.
    public func didPost(id: Int64, authorID: Int64, replyToAuthorID: Int64?, visibility: Visibility, teamID: Int64?,
                        tags: [String], mentionIDs: [Int64]) {
        didInsert(FeedEntry(id: id, replyTo: replyToAuthorID, reblogOf: nil, reblogOfAuthor: nil, visibility: visibility),
                  into: HomeTimelineRule.sources(ofPostBy: authorID, visibility: visibility, teamID: teamID, isReply: replyToAuthorID != nil,
                                                 isReblog: false, tags: tags, mentionIDs: { mentionIDs }))
    }

    /// Adds a new reblog of `original` by `accountID` to its sources.
    public func didReblog(id: Int64, by accountID: Int64, original: StatusRecord) {
        didInsert(FeedEntry(id: id, replyTo: nil, reblogOf: original.id, reblogOfAuthor: original.accountId, visibility: .company),
                  into: HomeTimelineRule.sources(ofPostBy: accountID, visibility: .company, teamID: nil, isReply: false, isReblog: true,
                                                 tags: [], mentionIDs: { [] }))
    }

    /// Takes deleted posts out of every cached source.
    public func didRemove(_ ids: Set<Int64>) {
        guard !ids.isEmpty else { return }
        state.withLock { state in
            state.removals &+= 1
            for source in state.loading.keys { state.loading[source] = true }
            for stream in state.streams.values where stream.entries.contains(where: { ids.contains($0.id) }) {
                stream.entries.removeAll { ids.contains($0.id) }
            }
        }
    }

    private static func slot(_ source: FeedSource, _ state: inout State) -> Int {
        if let slot = state.slots[source] { return slot }
        state.versions.append(0)
        state.slots[source] = state.versions.count - 1
        return state.versions.count - 1
    }

    // MARK: Home pages

    /// The ids of a page of `viewerID`'s home (see `HomeMerge`). A first
    /// page is remembered and given again while it is still right.
    public func homeIDs(viewerID: Int64, page: Page, _ reader: any FeedReader) async throws -> [Int64] {
        let isFirstPage = page.maxID == nil && page.sinceID == nil && page.minID == nil && page.limit <= FeedCache.firstPageLength
        guard isFirstPage else { return try await HomeMerge(reader, viewerID: viewerID).ids(reader, cache: self, page: page) }
        if let ids = firstPage(viewerID: viewerID) { return Array(ids.prefix(page.limit)) }
        var snapshot = snapshot(viewerID: viewerID)
        let merge = try await HomeMerge(reader, viewerID: viewerID)
        versions(of: merge.sources, into: &snapshot)
        let ids = try await merge.ids(reader, cache: self, page: Page(limit: FeedCache.firstPageLength))
        remember(viewerID: viewerID, snapshot: snapshot, ids: ids)
        return Array(ids.prefix(page.limit))
    }

    // MARK: First pages

    /// What to remember a first page against, taken before merging it (so a
    /// post that lands during the merge makes the page stale).
    /// Taken before the merge reads the reader's relationships, too.
    struct Snapshot {
        var slots: [Int] = []
        var versionSum: UInt64 = 0
        var removals: UInt64 = 0
        var relationChanges: UInt64 = 0
    }

    func snapshot(viewerID: Int64) -> Snapshot {
        state.withLock { state in Snapshot(removals: state.removals, relationChanges: state.relationChanges[viewerID] ?? 0) }
    }

    /// Adds the sources' versions to a snapshot (once the merge knows them).
    func versions(of sources: [FeedSource], into snapshot: inout Snapshot) {
        state.withLock { state in
            snapshot.slots = sources.map { FeedCache.slot($0, &state) }
            snapshot.versionSum = snapshot.slots.reduce(0) { $0 &+ state.versions[$1] }
        }
    }

    func remember(viewerID: Int64, snapshot: Snapshot, ids: [Int64]) {
        let page = FirstPage(slots: snapshot.slots, versionSum: snapshot.versionSum, removals: snapshot.removals, ids: ids)
        state.withLock { state in
            // Relationships changed while merging: the page may be merged from the old ones.
            guard state.relationChanges[viewerID] ?? 0 == snapshot.relationChanges else { return }
            if state.firstPages.count >= FeedCache.maxFirstPages {
                let victims = Array(state.firstPages.keys.prefix(FeedCache.maxFirstPages / 2))
                for key in victims { state.firstPages[key] = nil }
            }
            state.firstPages[viewerID] = page
        }
    }

    /// The reader's remembered first page, if it is still right.
    func firstPage(viewerID: Int64) -> [Int64]? {
        state.withLock { state in
            guard let page = state.firstPages[viewerID] else { return nil }
            guard page.removals == state.removals,
                  page.slots.reduce(0, { $0 &+ state.versions[$1] }) == page.versionSum else {
                state.firstPages[viewerID] = nil
                return nil
            }
            return page.ids
        }
    }

    /// Forgets a reader's first page: their follows, teams or tags changed.
    public func relationsChanged(viewerID: Int64) {
        state.withLock { state in
            state.firstPages[viewerID] = nil
            state.relationChanges[viewerID, default: 0] &+= 1
        }
    }

    private static func evict(_ state: inout State) {
        let keep = maxSources * 9 / 10
        let byAge = state.streams.sorted { $0.value.lastUsed > $1.value.lastUsed }
        state.streams = Dictionary(uniqueKeysWithValues: byAge.prefix(keep).map { ($0.key, $0.value) })
    }
}
