import Dispatch
import Foundation

/// The number of cores `parallelMap` spreads work over (for sizing windows of parallel work).
public var parallelWidth: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

/// Runs `body` for 0..<count on all cores and returns the results in index order; the first error
/// (by index) is rethrown. Order of results never depends on scheduling, so outputs stay deterministic.
/// `body` must only read shared state (each call builds its own result).
public func parallelMap<T>(_ count: Int, _ body: (Int) throws -> T) throws -> [T] {
    if count <= 1 { return try (0..<count).map(body) }
    var results = [Result<T, Error>?](repeating: nil, count: count)
    withoutActuallyEscaping(body) { body in
        results.withUnsafeMutableBufferPointer { slots in
            let box = WorkerBox(slots: slots, body: body)
            DispatchQueue.concurrentPerform(iterations: count) { i in
                box.slots[i] = Result { try box.body(i) }
            }
        }
    }
    return try results.map { try $0!.get() }
}

/// Runs `first` and `second` at the same time (on two cores when there are two) and returns both
/// results; an error from either is thrown after both have finished.
public func concurrently<A, B>(_ first: () throws -> A, _ second: () throws -> B) throws -> (A, B) {
    let results = try parallelMap(2) { k -> Any in k == 0 ? try first() : try second() }
    return (results[0] as! A, results[1] as! B)
}

/// Hands worker threads disjoint result slots and the read-only work closure.
private struct WorkerBox<T>: @unchecked Sendable {
    let slots: UnsafeMutableBufferPointer<Result<T, Error>?>
    let body: (Int) throws -> T
}
