import Foundation

/// Lines recorded from any thread (a log sink, or what background jobs did, in order).
public final class Recorded: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    public init() {}

    public func add(_ line: String) { lock.withLock { lines.append(line) } }

    public var all: [String] { lock.withLock { lines } }
}
