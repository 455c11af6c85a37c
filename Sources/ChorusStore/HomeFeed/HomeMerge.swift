import ChorusCore

/// A reader's home timeline: the entries of their sources that
/// `HomeTimelineRule` admits (their own posts, the posts of the people they
/// follow, their teams' feeds, the hashtags they follow, and direct posts
/// that mention them), merged newest first and paginated like every timeline.
struct HomeMerge {
    let viewerID: Int64
    let follows: Set<Int64>
    let sources: [FeedSource]
    /// The most entries looked at for one page, so a reader whose sources
    /// are almost all filtered out costs a bounded amount.
    static let maxScanned = 5_000

    init(_ reader: any FeedReader, viewerID: Int64) async throws {
        self.viewerID = viewerID
        let relations = try await reader.relations(of: viewerID)
        follows = relations.follows
        sources = HomeTimelineRule.sources(ofReader: viewerID, follows: relations.follows, teams: relations.teams, tags: relations.tags)
    }

    /// Whether an entry of `source` belongs in this reader's home (`HomeTimelineRule`).
    func accepts(_ entry: FeedEntry, from source: FeedSource) -> Bool {
        HomeTimelineRule.admits(entry, from: source, reader: viewerID, followsRepliedTo: follows.contains(entry.replyTo),
                                followsOriginalAuthor: follows.contains(entry.reblogOfAuthor))
    }

    /// The ids of one page.
    func ids(_ reader: any FeedReader, cache: FeedCache, page: Page) async throws -> [Int64] {
        guard page.limit > 0 else { return [] }
        if let minID = page.minID {
            return try await ascendingIDs(reader, after: minID, before: page.maxID ?? Int64.max, limit: page.limit)
        }
        return try await descendingIDs(reader, cache: cache, before: page.maxID ?? Int64.max, after: page.sinceID ?? 0, limit: page.limit)
    }

    /// One source read newest first: cached entries, then the database past them.
    private struct Cursor {
        let source: FeedSource
        var entries: [FeedEntry]
        var index = 0
        var exhausted: Bool
        var head: FeedEntry? { index < entries.count ? entries[index] : nil }
    }

    private func descendingIDs(_ reader: any FeedReader, cache: FeedCache, before: Int64, after: Int64, limit: Int) async throws -> [Int64] {
        var cursors: [Cursor] = []
        cursors.reserveCapacity(sources.count)
        for (source, (entries, complete)) in zip(sources, try await cache.streams(sources, reader)) {
            let start = entries.firstIndex { $0.id < before } ?? entries.endIndex
            var cursor = Cursor(source: source, entries: entries, index: start, exhausted: complete)
            if cursor.head == nil && !complete {
                cursor.entries = try await reader.entries(of: source, before: min(before, entries.last?.id ?? before), limit: limit)
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
                    let more = try await reader.entries(of: cursors[index].source, before: bestID, limit: 2 * limit)
                    cursors[index] = Cursor(source: cursors[index].source, entries: more, exhausted: more.count < 2 * limit)
                }
                heads[index] = cursors[index].head?.id ?? Int64.min
            }
            if accepted, firstShowing(entry, &shown) { result.append(entry.id) }
        }
        return result
    }

    /// A page above `min_id`: the oldest entries first, returned newest first.
    private func ascendingIDs(_ reader: any FeedReader, after: Int64, before: Int64, limit: Int) async throws -> [Int64] {
        var candidates: [FeedEntry] = []
        var scanned = 0
        for source in sources {
            // Up to `limit` accepted entries of each source: the page's oldest are among them.
            var taken = 0
            var bound = after
            while taken < limit, scanned < HomeMerge.maxScanned {
                let chunk = try await reader.entries(of: source, after: bound, limit: limit)
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
