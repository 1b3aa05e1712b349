import Foundation
import PanoramaCore

/// What a run did so far, month by month and stage by stage: the run log (`_runs/<run-id>.json`)
/// and the closing summary line are made from it. Shared with the signal queue (an immediate stop
/// writes the run log from it), hence the lock.
final class RunRecord: @unchecked Sendable {
    struct StageEntry {
        var stage: String
        /// `ok`, `skipped`, `failed`, `terminated` or `not_run`.
        var status: String
        var seconds: Double?
        var summary: String?
    }

    struct MonthEntry {
        var month: Month
        var status: String
        var stages: [StageEntry]
    }

    private let lock = NSLock()
    private var months: [MonthEntry] = []
    /// The stage running now (its staged files are discarded by an immediate stop).
    private var currentIO: StageIO?

    let runId: String
    let started: String
    let clock = ContinuousClock.now

    init(runId: String, started: String) {
        self.runId = runId
        self.started = started
    }

    func beginMonth(_ month: Month) {
        lock.withLock { months.append(MonthEntry(month: month, status: "ok", stages: [])) }
    }

    /// Records a stage's outcome in the current month; `monthStatus` (when given) becomes the month's.
    func add(_ entry: StageEntry, monthStatus: String? = nil) {
        lock.withLock {
            guard !months.isEmpty else { return }
            months[months.count - 1].stages.append(entry)
            if let monthStatus { months[months.count - 1].status = monthStatus }
        }
    }

    func notRun(_ month: Month) {
        lock.withLock { months.append(MonthEntry(month: month, status: "not_run", stages: [])) }
    }

    /// The stage last recorded in the current month.
    var lastStage: String? { lock.withLock { months.last?.stages.last?.stage } }

    var current: StageIO? {
        get { lock.withLock { currentIO } }
        set { lock.withLock { currentIO = newValue } }
    }

    /// Counts of stage outcomes over the months.
    func counts() -> (ok: Int, skipped: Int, failed: Int, notRun: Int) {
        lock.withLock {
            var c = (ok: 0, skipped: 0, failed: 0, notRun: 0)
            for m in months {
                for s in m.stages {
                    switch s.status {
                    case "ok": c.ok += 1
                    case "skipped": c.skipped += 1
                    case "not_run": c.notRun += 1
                    default: c.failed += 1
                    }
                }
            }
            return c
        }
    }

    var seconds: Double {
        let d = ContinuousClock.now - clock
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    /// The run log's content.
    func json(config: PipelineConfigSummary, stages: [String], status: String, notRun: [Month], exitCode: ExitCode, error: String?,
              sandbox: String?, force: Bool) -> JSONValue {
        let monthLogs: [JSONValue] = lock.withLock {
            months.map { m in
                var pairs: [(String, JSONValue)] = [("month", .string(m.month.description)), ("status", .string(m.status))]
                if m.status != "not_run" {
                    pairs.append(("stages", .array(m.stages.map { s in
                        var p: [(String, JSONValue)] = [("stage", .string(s.stage)), ("status", .string(s.status))]
                        if let seconds = s.seconds { p.append(("seconds", .double((seconds * 1000).rounded() / 1000))) }
                        if let summary = s.summary { p.append(("summary", .string(summary))) }
                        return .object(p)
                    })))
                }
                return .object(pairs)
            }
        }
        return .object([
            ("run_id", .string(runId)),
            ("config", .string(config.file)),
            ("config_sha256", .string(config.hash)),
            ("version", .string(PanoramaVersion.current)),
            ("started", .string(started)),
            ("finished", .string(RunLogger.timestamp())),
            ("status", .string(status)),
            ("force", .bool(force)),
            ("sandbox", sandbox.map { .string($0) } ?? .null),
            ("stages", .array(stages.map { .string($0) })),
            ("months", .array(monthLogs)),
            ("not_run", .array(notRun.map { .string($0.description) })),
            ("exit_code", .int(Int(exitCode.rawValue))),
            ("error", error.map { .string($0) } ?? .null),
        ])
    }
}

/// The config fields a run log names.
struct PipelineConfigSummary {
    var file: String
    var hash: String
}
