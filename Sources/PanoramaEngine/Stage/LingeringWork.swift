import Foundation
import PanoramaCore

/// Work a stage started and need not wait for — files kept for later nights (the churn cache) —
/// so that the stages after it run while it finishes on a core they leave idle. The run waits for
/// all of it before the next month's first stage and before it ends, and says on stderr what the
/// work reports (a file that could not be kept). Nothing a stage publishes depends on it.
final class LingeringWork: @unchecked Sendable {
    private let lock = NSLock()
    private var jobs: [(month: Month, stage: String, finish: @Sendable () -> [String])] = []

    func add(_ month: Month, _ stage: String, _ finish: @escaping @Sendable () -> [String]) {
        lock.withLock { jobs.append((month, stage, finish)) }
    }

    /// Waits for every job handed over so far, in order, and logs their notes as warnings.
    func finish(_ log: RunLogger) {
        let all = lock.withLock {
            defer { jobs = [] }
            return jobs
        }
        for job in all {
            for note in job.finish() { log.warning(job.month, job.stage, note) }
        }
    }
}
