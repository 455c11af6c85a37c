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
        let entity: StatusEntity
        let bytes: [UInt8]

        init(entity: StatusEntity, bytes: [UInt8]) {
            self.entity = entity
            self.bytes = bytes
        }
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let capacity: Int

    init(capacity: Int = 8_192) { self.capacity = capacity }

    /// Writes `statuses` as a JSON array, reusing remembered bytes.
    func writeArray(_ statuses: [StatusEntity], to writer: inout JSONWriter) {
        let found = entries.withLock { entries in statuses.map { entries[$0.id] } }
        var fresh: [Entry] = []
        writer.array(statuses.indices) { writer, index in
            // Compared outside the lock, by index so that no entity is copied.
            if let entry = found[index], entry.entity == statuses[index] {
                writer.raw(entry.bytes)
            } else {
                var single = JSONWriter(capacity: 2048)
                statuses[index].write(to: &single)
                writer.raw(single.bytes)
                fresh.append(Entry(entity: statuses[index], bytes: single.bytes))
            }
        }
        guard !fresh.isEmpty else { return }
        entries.withLock { entries in
            if entries.count + fresh.count > capacity {
                // Drop about half, in the dictionary's arbitrary order (cheap, and close enough to random).
                let victims = Array(entries.keys.prefix(entries.count / 2 + fresh.count))
                for key in victims { entries[key] = nil }
            }
            for entry in fresh { entries[entry.entity.id] = entry }
        }
    }
}
