import Foundation
import Synchronization

/// A one-line progress bar on standard error, redrawn only when it changes.
final class ProgressBar: Sendable {
    private let lastLine = Mutex("")

    /// Shows `phase` at `done` (0 to 1).
    func show(_ phase: String, _ done: Double) {
        let width = 30
        let filled = max(0, min(width, Int((done * Double(width)).rounded(.down))))
        let line = "\r\(phase.padding(toLength: 14, withPad: " ", startingAt: 0)) [\(String(repeating: "#", count: filled))"
            + "\(String(repeating: " ", count: width - filled))] \(Int(min(1, done) * 100))%"
        let changed = lastLine.withLock { last in
            guard last != line else { return false }
            last = line
            return true
        }
        if changed { FileHandle.standardError.write(Data(line.utf8)) }
    }

    /// Shows `phase` at `done` of `total` items.
    func show(_ phase: String, done: Int, of total: Int) {
        show(phase, total == 0 ? 1 : Double(done) / Double(total))
    }

    /// Ends the bar's line.
    func finish() {
        FileHandle.standardError.write(Data("\n".utf8))
    }
}
