import Foundation
import PanoramaCore

/// Work a stage started and need not wait for — files kept for later nights (the churn cache) —
/// so that the stages after it run while it finishes on a core they leave idle. The run waits for
/// all of it before the next month's first stage, before another stage of the same kind (which
/// may use the same files) and before it ends, and says on stderr what the work reports (a file
/// that could not be kept). Nothing a stage publishes depends on it.
final class LingeringWork: @unchecked Sendable {
    private let lock = NSLock()
    private var jobs: [(month: Month, stage: String, kind: String, finish: @Sendable () -> [String])] = []

    func add(_ month: Month, _ stage: String, kind: String, _ finish: @escaping @Sendable () -> [String]) {
        lock.withLock { jobs.append((month, stage, kind, finish)) }
    }

    /// Waits for every job handed over so far (only those of stages of `kind` when given), in
    /// order, and logs their notes as warnings.
    func finish(_ log: RunLogger, kind: String? = nil) {
        let all = lock.withLock {
            let (now, later) = (jobs.filter { kind == nil || $0.kind == kind }, jobs.filter { kind != nil && $0.kind != kind })
            jobs = later
            return now
        }
        for job in all {
            for note in job.finish() { log.warning(job.month, job.stage, note) }
        }
    }
}
