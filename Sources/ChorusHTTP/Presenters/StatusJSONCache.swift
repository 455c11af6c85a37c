import Synchronization

/// The JSON of recently written statuses. A timeline page writes twenty
/// statuses, and the same popular posts appear on many readers' pages; writing
/// one took a tenth of a home-timeline request. An entry is used only when the
/// status entity about to be written equals the one it was written from, so
/// a changed count, name, flag or quote state simply writes afresh: nothing
/// needs invalidating, and nothing stale is ever served.
final class StatusJSONCache: Sendable {
    /// A class, so a lookup under the lock retains one reference.
    private final class Entry: Sendable {
        let key: Int64
        let entity: StatusEntity
        let bytes: [UInt8]

        init(key: Int64, entity: StatusEntity, bytes: [UInt8]) {
            self.key = key
            self.entity = entity
            self.bytes = bytes
        }
    }

    private let entries = Mutex<[Int64: Entry]>([:])
    /// Ids written once lately: a status is remembered the second time it is
    /// written, so pages nobody else reads (one person's profile) do not
    /// churn the cache.
    private let seen = Mutex<Set<Int64>>([])
    private let capacity: Int

    init(capacity: Int = 8_192) { self.capacity = capacity }

    /// Writes `statuses` as a JSON array, reusing remembered bytes.
    func writeArray(_ statuses: [StatusEntity], to writer: inout JSONWriter) {
        // Keyed by the numeric id: integer keys hash and compare far faster than id strings.
        let keys = statuses.map { Int64($0.id) ?? 0 }
        let found = entries.withLock { entries in keys.map { entries[$0] } }
        // Compared outside the lock, by index so that no entity is copied.
        let hits = statuses.indices.map { index in found[index].map { $0.entity == statuses[index] } ?? false }
        let misses = statuses.indices.filter { !hits[$0] }
        let admitted = misses.isEmpty ? [] : seen.withLock { seen -> Set<Int> in
            if seen.count > 4 * capacity { seen.removeAll(keepingCapacity: true) }
            return Set(misses.filter { !seen.insert(keys[$0]).inserted })
        }
        var fresh: [Entry] = []
        writer.array(statuses.indices) { writer, index in
            if hits[index], let entry = found[index] {
                writer.raw(entry.bytes)
            } else if admitted.contains(index) {
                var single = JSONWriter(capacity: 2048)
                statuses[index].write(to: &single)
                writer.raw(single.bytes)
                fresh.append(Entry(key: keys[index], entity: statuses[index], bytes: single.bytes))
            } else {
                statuses[index].write(to: &writer)
            }
        }
        guard !fresh.isEmpty else { return }
        entries.withLock { entries in
            if entries.count + fresh.count > capacity {
                // Drop about half, in the dictionary's arbitrary order (cheap, and close enough to random).
                let victims = Array(entries.keys.prefix(entries.count / 2 + fresh.count))
                for key in victims { entries[key] = nil }
            }
            for entry in fresh { entries[entry.key] = entry }
        }
    }
}
