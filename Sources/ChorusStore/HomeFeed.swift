import ChorusCore
import GRDB
import Synchronization

/// One stream a home timeline is merged from.
enum FeedSource: Hashable, Sendable {
    /// An account's own posts outside teams (originals, replies, reblogs, direct).
    case author(Int64)
    /// Every post of a team's feed.
    case team(Int64)
    /// Company-visible original posts carrying a hashtag.
    case tag(String)
    /// Direct posts that mention an account.
    case direct(Int64)
}

/// What the merge needs to know of a post to decide whether it belongs in a
/// reader's home timeline, without loading the post.
struct FeedEntry: Sendable {
    var id: Int64
    /// The account a reply answers (0 for none).
    var replyTo: Int64
    /// For a reblog, the original and its author (0 for none).
    var reblogOf: Int64
    var reblogOfAuthor: Int64
    var visibility: Visibility

    init(id: Int64, replyTo: Int64?, reblogOf: Int64?, reblogOfAuthor: Int64?, visibility: Visibility) {
        self.id = id
        self.replyTo = replyTo ?? 0
        self.reblogOf = reblogOf ?? 0
        self.reblogOfAuthor = reblogOfAuthor ?? 0
        self.visibility = visibility
    }

    init(row: Row) {
        self.init(id: row[0], replyTo: row[1], reblogOf: row[2], reblogOfAuthor: row[3],
                  visibility: Visibility(rawValue: row[4]) ?? .direct)
    }
}

/// The newest entries of each feed source, kept in memory so that a home
/// timeline is a merge of a few hundred short sorted arrays instead of a
/// stored per-reader feed (fan-out on read). Posting then writes nothing per
/// follower. A source is loaded from SQLite the first time a reader needs it
/// and kept up to date by the writes of this process (`didInsert`,
/// `didRemove`), which are the only writes to the database while it serves.
///
/// A load runs outside the lock, so a write can land between the load's read
/// and its install; such a load is marked dirty by the write and is used for
/// that one request but not kept.
final class FeedCache: Sendable {
    /// Entries loaded per source; deeper pages read SQLite directly.
    static let window = 32
    /// Entries kept per source as new posts arrive.
    static let maxEntries = 128
    /// Sources kept; the least recently used are dropped beyond this.
    static let maxSources = 30_000

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
    static let firstPageLength = 40
    static let maxFirstPages = 20_000

    private let state = Mutex(State())

    /// The newest entries of each source (loading those not cached yet), and
    /// whether they are all the source has. One lock for the whole lookup.
    func streams(_ sources: [FeedSource], _ db: Database) throws -> [(entries: [FeedEntry], complete: Bool)] {
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
                entries = try FeedCache.load(source, db, before: Int64.max, limit: FeedCache.window)
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

    /// Adds a committed post to the cached sources that hold it.
    func didInsert(_ entry: FeedEntry, into sources: [FeedSource]) {
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

    /// Takes deleted posts out of every cached source.
    func didRemove(_ ids: Set<Int64>) {
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
    func relationsChanged(viewerID: Int64) {
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

    // MARK: Reading sources from SQLite

    /// Entries of `source` older than `before`, newest first.
    static func load(_ source: FeedSource, _ db: Database, before: Int64, limit: Int) throws -> [FeedEntry] {
        try fetch(source, db, bound: before, ascending: false, limit: limit)
    }

    /// Entries of `source` newer than `after`, oldest first.
    static func load(_ source: FeedSource, _ db: Database, after: Int64, limit: Int) throws -> [FeedEntry] {
        try fetch(source, db, bound: after, ascending: true, limit: limit)
    }

    private static func fetch(_ source: FeedSource, _ db: Database, bound: Int64, ascending: Bool, limit: Int) throws -> [FeedEntry] {
        let columns = "s.id, s.in_reply_to_account_id, s.reblog_of_id, o.account_id, s.visibility"
        let original = "LEFT JOIN statuses o ON o.id = s.reblog_of_id"
        let (comparison, order) = ascending ? (">", "ASC") : ("<", "DESC")
        let sql: String
        let key: any DatabaseValueConvertible
        switch source {
        case .author(let id):
            key = id
            sql = "SELECT \(columns) FROM statuses s \(original) WHERE s.account_id = ? AND s.team_id IS NULL AND s.id \(comparison) ? ORDER BY s.id \(order) LIMIT ?"
        case .team(let id):
            key = id
            sql = "SELECT \(columns) FROM statuses s \(original) WHERE s.team_id = ? AND s.id \(comparison) ? ORDER BY s.id \(order) LIMIT ?"
        case .tag(let name):
            key = name
            sql = """
                SELECT \(columns) FROM status_tags st JOIN statuses s ON s.id = st.status_id \(original)
                WHERE st.tag = ? AND st.status_id \(comparison) ? AND s.visibility = 'company' AND s.reblog_of_id IS NULL AND s.in_reply_to_id IS NULL
                ORDER BY st.status_id \(order) LIMIT ?
                """
        case .direct(let id):
            key = id
            sql = """
                SELECT \(columns) FROM mentions m JOIN statuses s ON s.id = m.status_id \(original)
                WHERE m.account_id = ? AND m.direct = 1 AND m.status_id \(comparison) ? AND s.visibility = 'direct'
                ORDER BY m.status_id \(order) LIMIT ?
                """
        }
        return try Row.fetchAll(db.cachedStatement(sql: sql), arguments: [key, bound, limit]).map(FeedEntry.init(row:))
    }
}

/// A reader's home timeline: their own posts, the posts of the people they
/// follow (a reply to someone else only when they follow that person too, as
/// Mastodon does; a reblog only when they don't already follow the original's
/// author), their teams' feeds, the hashtags they follow, and direct posts
/// that mention them. Newest first, paginated like every timeline.
struct HomeMerge {
    let viewerID: Int64
    let follows: Set<Int64>
    let sources: [FeedSource]
    /// The most entries looked at for one page, so a reader whose sources
    /// are almost all filtered out costs a bounded amount.
    static let maxScanned = 5_000

    init(_ db: Database, viewerID: Int64) throws {
        self.viewerID = viewerID
        follows = Set(try Int64.fetchAll(db.cachedStatement(sql: "SELECT target_account_id FROM follows WHERE account_id = ?"), arguments: [viewerID]))
        let teams = try Int64.fetchAll(db.cachedStatement(sql: "SELECT team_id FROM team_members WHERE account_id = ?"), arguments: [viewerID])
        let tags = try String.fetchAll(db.cachedStatement(sql: "SELECT tag FROM tag_follows WHERE account_id = ?"), arguments: [viewerID])
        sources = [.author(viewerID), .direct(viewerID)] + follows.map(FeedSource.author) + teams.map(FeedSource.team) + tags.map(FeedSource.tag)
    }

    /// Whether an entry of `source` belongs in this reader's home.
    func accepts(_ entry: FeedEntry, from source: FeedSource) -> Bool {
        // A tag's source is cached once for every reader who follows the tag,
        // so it may only bring what every reader may see (team posts reach
        // members through their team's source).
        if case .tag = source { return entry.visibility == .company }
        guard case .author(let author) = source, author != viewerID else { return true }
        guard entry.visibility == .company || entry.visibility == .followers else { return false }
        if entry.replyTo != 0, entry.replyTo != author, entry.replyTo != viewerID, !follows.contains(entry.replyTo) { return false }
        if entry.reblogOf != 0, entry.reblogOfAuthor == viewerID || follows.contains(entry.reblogOfAuthor) { return false }
        return true
    }

    /// The ids of one page.
    func ids(_ db: Database, cache: FeedCache, page: Page) throws -> [Int64] {
        if let minID = page.minID { return try ascendingIDs(db, after: minID, before: page.maxID ?? Int64.max, limit: page.limit) }
        return try descendingIDs(db, cache: cache, before: page.maxID ?? Int64.max, after: page.sinceID ?? 0, limit: page.limit)
    }

    /// One source read newest first: cached entries, then SQLite past them.
    private struct Cursor {
        let source: FeedSource
        var entries: [FeedEntry]
        var index = 0
        var exhausted: Bool
        var head: FeedEntry? { index < entries.count ? entries[index] : nil }
    }

    private func descendingIDs(_ db: Database, cache: FeedCache, before: Int64, after: Int64, limit: Int) throws -> [Int64] {
        var cursors: [Cursor] = []
        cursors.reserveCapacity(sources.count)
        for (source, (entries, complete)) in zip(sources, try cache.streams(sources, db)) {
            let start = entries.firstIndex { $0.id < before } ?? entries.endIndex
            var cursor = Cursor(source: source, entries: entries, index: start, exhausted: complete)
            if cursor.head == nil && !complete {
                cursor.entries = try FeedCache.load(source, db, before: min(before, entries.last?.id ?? before), limit: limit)
                cursor.index = 0
                cursor.exhausted = cursor.entries.count < limit
            }
            if cursor.head != nil { cursors.append(cursor) }
        }
        // The head id of each cursor (Int64.min once it is done), scanned without touching the cursors.
        var heads = cursors.map { $0.head?.id ?? Int64.min }
        var result: [Int64] = []
        var shown = Set<Int64>()
        var scanned = 0
        while result.count < limit, scanned < HomeMerge.maxScanned {
            // The cursor with the newest head (a few hundred at most: a linear scan beats a heap here).
            var best = -1
            var bestID = after
            for (index, head) in heads.enumerated() where head > bestID {
                best = index
                bestID = head
            }
            guard best >= 0 else { break }
            scanned += 1
            // One post can come from several sources (a followed person's direct post that
            // mentions the reader): it belongs if any of them lets it in. Each moves on.
            var accepted = false
            var entry = cursors[best].entries[cursors[best].index]
            for index in heads.indices where heads[index] == bestID {
                if !accepted, let head = cursors[index].head, accepts(head, from: cursors[index].source) {
                    accepted = true
                    entry = head
                }
                cursors[index].index += 1
                if cursors[index].head == nil, !cursors[index].exhausted {
                    let more = try FeedCache.load(cursors[index].source, db, before: bestID, limit: 2 * limit)
                    cursors[index] = Cursor(source: cursors[index].source, entries: more, exhausted: more.count < 2 * limit)
                }
                heads[index] = cursors[index].head?.id ?? Int64.min
            }
            if accepted, firstShowing(entry, &shown) { result.append(entry.id) }
        }
        return result
    }

    /// A page above `min_id`: the oldest entries first, returned newest first.
    private func ascendingIDs(_ db: Database, after: Int64, before: Int64, limit: Int) throws -> [Int64] {
        var candidates: [FeedEntry] = []
        var scanned = 0
        for source in sources {
            // Up to `limit` accepted entries of each source: the page's oldest are among them.
            var taken = 0
            var bound = after
            while taken < limit, scanned < HomeMerge.maxScanned {
                let chunk = try FeedCache.load(source, db, after: bound, limit: limit)
                scanned += chunk.count
                for entry in chunk where entry.id < before && accepts(entry, from: source) {
                    candidates.append(entry)
                    taken += 1
                }
                guard chunk.count == limit, let last = chunk.last, last.id < before else { break }
                bound = last.id
            }
        }
        candidates.sort { $0.id < $1.id }
        var result: [Int64] = []
        var shown = Set<Int64>()
        for entry in candidates where result.count < limit && result.last != entry.id {
            if firstShowing(entry, &shown) { result.append(entry.id) }
        }
        return result.reversed()
    }

    /// False for a reblog of a post already on the page (as itself or reblogged).
    private func firstShowing(_ entry: FeedEntry, _ shown: inout Set<Int64>) -> Bool {
        let original = entry.reblogOf != 0 ? entry.reblogOf : entry.id
        return shown.insert(original).inserted || entry.reblogOf == 0
    }
}
