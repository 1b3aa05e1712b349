import Foundation
import PanoramaConfig
import PanoramaCore

/// Which months a run covers.
public enum MonthChoice: Sendable, Equatable {
    /// The config's `month:` (`previous` = the month before today's).
    case configured
    case one(Month)
    /// `--months A..B`, run in order.
    case range(Month, Month)

    /// Parses `A..B`.
    public static func range(_ text: String) throws -> MonthChoice {
        let parts = text.components(separatedBy: "..")
        guard parts.count == 2, let a = Month(key: parts[0]), let b = Month(key: parts[1]) else {
            throw PanoramaError.usage("--months expects YYYY-MM..YYYY-MM, got `\(text)`")
        }
        guard a <= b else { throw PanoramaError.usage("--months \(text): the first month is after the last") }
        return .range(a, b)
    }
}

/// Options of `panorama run`.
public struct RunOptions: Sendable {
    public var months: MonthChoice = .configured
    public var selection = StageSelection()
    public var now = Date()

    public init(months: MonthChoice = .configured, selection: StageSelection = StageSelection()) {
        self.months = months
        self.selection = selection
    }
}

/// The result of a run: its exit code, id, and what happened per month.
public struct RunOutcome: Sendable {
    public var exitCode: ExitCode
    public var runId: String
    public var monthsRun: [Month]
    public var notRun: [Month]
    public var error: String?
}

/// Runs the selected stages for each month in order, under the warehouse lock, writing manifests and
/// the run log (SPEC §8).
public struct PipelineRunner {
    public var config: PipelineConfig
    public var options: RunOptions
    public var log: RunLogger
    /// The stage kinds this runner can run.
    public var registry: StageRegistry
    /// Test hook passed to every stage context (fail between writing and publishing).
    public var beforePublish: (() throws -> Void)?
    /// Called after each stage that ran (stage id, month, wall seconds); the benchmark samples RSS here.
    public var afterStage: ((String, Month, Double) -> Void)?

    public init(config: PipelineConfig, options: RunOptions, log: RunLogger, registry: StageRegistry) {
        self.config = config
        self.options = options
        self.log = log
        self.registry = registry
    }

    /// The months this run covers.
    public func months() -> [Month] {
        switch options.months {
        case .one(let m): return [m]
        case .range(let a, let b): return a.through(b)
        case .configured:
            switch config.month {
            case .fixed(let m): return [m]
            case .previous: return [RunLogger.currentMonth(options.now).previous]
            }
        }
    }

    /// Runs; never throws — every failure becomes an exit code and a message.
    public func run() -> RunOutcome {
        let runId = PipelineRunner.makeRunId(options.now)
        var outcome = RunOutcome(exitCode: .ok, runId: runId, monthsRun: [], notRun: [], error: nil)
        let months = self.months()
        let stageIds: [String]
        do {
            // Every stage's settings are checked before the first stage runs, so a bad parameter of
            // the last stage cannot let the earlier ones publish first.
            try registry.validate(config)
            stageIds = try options.selection.resolve(config)
        } catch {
            return fail(outcome, error, month: nil, stage: nil)
        }
        let warehouse = Warehouse(root: config.warehousePath)
        let lock: WarehouseLock
        do {
            lock = try WarehouseLock(warehouse: warehouse.root)
        } catch {
            return fail(outcome, error, month: nil, stage: nil)
        }
        defer { lock.release() }
        if let stale = lock.staleHolder {
            log.warning(nil, nil, "took over the warehouse lock left by pid \(stale), which is no longer running")
        }
        let leftovers = warehouse.removeStaleTemporaries()
        if leftovers > 0 {
            log.warning(nil, nil, "removed \(leftovers) temporary file(s) left by an interrupted run; published partitions were not affected")
        }
        let started = RunLogger.timestamp(options.now)
        var monthLogs: [JSONValue] = []
        var failed = false
        for month in months {
            if failed {
                outcome.notRun.append(month)
                monthLogs.append(.object([("month", .string(month.description)), ("status", .string("not_run"))]))
                continue
            }
            var stageLogs: [JSONValue] = []
            var doneThisRun = Set<String>()
            var monthStatus = "ok"
            for id in stageIds {
                if failed {
                    stageLogs.append(.object([("stage", .string(id)), ("status", .string("not_run"))]))
                    continue
                }
                guard let stage = config.stage(id) else { continue }
                let clock = ContinuousClock.now
                let stageStarted = RunLogger.timestamp()
                do {
                    try checkUpstream(stage, month, warehouse, doneThisRun)
                    log.progress(month, id, "running (\(stage.kind))")
                    let io = StageIO(config: config, stage: stage, month: month, runId: runId, log: log, warehouse: warehouse,
                                     registry: registry, beforePublish: beforePublish)
                    let report = try registry.execute(stage, io)
                    let seconds = seconds(since: clock)
                    let status: StageManifest.Status = report.failure == nil ? .ok : .failed
                    try warehouse.writeManifest(manifest(stage, month, runId, stageStarted, status, report, io))
                    for w in report.warnings { log.warning(month, id, w) }
                    log.summary(month, id, status: status.rawValue, seconds: seconds, report.summary)
                    afterStage?(id, month, seconds)
                    stageLogs.append(.object([
                        ("stage", .string(id)), ("status", .string(status.rawValue)), ("seconds", .double((seconds * 1000).rounded() / 1000)),
                        ("summary", .string(report.summary)),
                    ]))
                    if let failure = report.failure { throw failure }
                    doneThisRun.insert(id)
                } catch {
                    let seconds = seconds(since: clock)
                    if stageLogs.last?["stage"]?.stringValue != id {
                        log.summary(month, id, status: "failed", seconds: seconds, "")
                        stageLogs.append(.object([("stage", .string(id)), ("status", .string("failed"))]))
                    }
                    outcome = fail(outcome, error, month: month, stage: id)
                    failed = true
                    monthStatus = "failed"
                }
            }
            if !failed { outcome.monthsRun.append(month) }
            monthLogs.append(.object([("month", .string(month.description)), ("status", .string(monthStatus)), ("stages", .array(stageLogs))]))
        }
        if !outcome.notRun.isEmpty {
            log.error(nil, nil, "months not run after the failure: \(outcome.notRun.map(\.description).joined(separator: ", "))")
        }
        let runLog: JSONValue = .object([
            ("run_id", .string(runId)),
            ("config", .string(config.file)),
            ("config_sha256", .string(config.hash)),
            ("version", .string(PanoramaVersion.current)),
            ("started", .string(started)),
            ("finished", .string(RunLogger.timestamp())),
            ("stages", .array(stageIds.map { .string($0) })),
            ("months", .array(monthLogs)),
            ("not_run", .array(outcome.notRun.map { .string($0.description) })),
            ("exit_code", .int(Int(outcome.exitCode.rawValue))),
            ("error", outcome.error.map { .string($0) } ?? .null),
        ])
        do {
            try FileIO.writeAtomically(runLog.serialized(), to: warehouse.runLogPath(runId))
        } catch {
            log.warning(nil, nil, "could not write the run log: \(error)")
        }
        return outcome
    }

    /// Runs one stage for one month directly — no lock, no upstream check, no manifest — and returns
    /// its report with the partitions it read and what it published: for tests and tools that
    /// exercise one stage kind on a hand-made warehouse.
    public func executeStage(_ id: String, month: Month) throws -> (report: StageReport, reads: [LineageEntry], published: [LineageEntry]) {
        guard let stage = config.stage(id) else { throw PanoramaError.usage("no stage `\(id)` in \(config.file)") }
        try registry.validate(config)
        let io = StageIO(config: config, stage: stage, month: month, runId: PipelineRunner.makeRunId(options.now), log: log,
                         warehouse: Warehouse(root: config.warehousePath), registry: registry, beforePublish: beforePublish)
        let report = try registry.execute(stage, io)
        return (report, io.reads, io.published)
    }

    private func checkUpstream(_ stage: StageConfig, _ month: Month, _ warehouse: Warehouse, _ done: Set<String>) throws {
        for need in stage.needs where !done.contains(need) {
            if !warehouse.stageSucceeded(month, stage: need) {
                throw PanoramaError.usage(
                    "stage `\(stage.id)` for \(month) needs the published output of stage `\(need)` for \(month), which is missing or failed; run `panorama run \(config.file) --month \(month) --until \(need)` first")
            }
        }
    }

    private func manifest(_ stage: StageConfig, _ month: Month, _ runId: String, _ started: String, _ status: StageManifest.Status,
                          _ report: StageReport, _ io: StageIO) -> StageManifest {
        StageManifest(stage: stage.id, kind: stage.kind, month: month, runId: runId, started: started,
                      finished: RunLogger.timestamp(), status: status, parameters: stage.parametersJSON,
                      configSha256: config.hash, version: PanoramaVersion.current, inputs: report.inputs + io.reads,
                      outputs: io.published, qualityJSON: report.quality, warnings: report.warnings,
                      error: report.failure?.message)
    }

    private func fail(_ outcome: RunOutcome, _ error: Error, month: Month?, stage: String?) -> RunOutcome {
        var out = outcome
        let (code, message) = PipelineRunner.classify(error)
        out.exitCode = code
        out.error = message
        log.error(month, stage, message)
        return out
    }

    /// Maps any error to its exit code and message.
    public static func classify(_ error: Error) -> (ExitCode, String) {
        if let e = error as? PanoramaError { return (e.exitCode, e.message) }
        if let e = error as? ConfigError { return (.usage, e.description) }
        return (.runtime, "\(error)")
    }

    private func seconds(since start: ContinuousClock.Instant) -> Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    /// `YYYYMMDDTHHMMSS-<pid>`: sortable and unique per process.
    static func makeRunId(_ date: Date) -> String {
        let ts = RunLogger.timestamp(date)
        let compact = ts.replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "").replacingOccurrences(of: " ", with: "T")
        return "\(compact)-\(getpid())"
    }
}

/// The product version written into manifests, run logs and reports.
public enum PanoramaVersion {
    public static let current = "0.2.0"
}
