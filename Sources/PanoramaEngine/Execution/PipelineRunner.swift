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
    /// Run every selected stage, even one whose outputs are current (`--force`).
    public var force = false
    /// Write every output, manifest, run log and report under this folder, reading what it does not
    /// hold from the configured warehouse (`--sandbox DIR`).
    public var sandbox: String?
    /// Run only bucket K of B of the customers (`--bucket K/B`, with `--sandbox`): the stages see
    /// the bucket's records only (docs/scale-out.md).
    public var bucket: BucketSpec?
    /// Merge these bucket runs' warehouses (`panorama merge`): stage kinds that merge buckets do so
    /// instead of computing; the others run as usual on the merged tables.
    public var mergeFrom: [BucketPart] = []

    public init(months: MonthChoice = .configured, selection: StageSelection = StageSelection(), force: Bool = false,
                sandbox: String? = nil) {
        self.months = months
        self.selection = selection
        self.force = force
        self.sandbox = sandbox
    }

    /// Bucket runs and merges always compute: their outputs depend on more than a stage's inputs
    /// and parameters, so "current" cannot be judged from the manifest.
    var recomputes: Bool { force || bucket != nil || !mergeFrom.isEmpty }
}

/// The result of a run: its exit code, id, and what happened per month.
public struct RunOutcome: Sendable {
    public var exitCode: ExitCode
    public var runId: String
    public var monthsRun: [Month]
    public var notRun: [Month]
    public var error: String?
    /// Stages run (ok), skipped as current, and failed (or stopped), over all months.
    public var stagesOK = 0, stagesSkipped = 0, stagesFailed = 0
    /// The run log, when one was written.
    public var runLog: String?
}

/// Runs the selected stages for each month in order, under the warehouse lock, writing manifests and
/// the run log (SPEC §8). Before anything else it completes or undoes publishes interrupted by an
/// earlier run; a stage whose outputs are current is skipped unless `force` is set; each stage's
/// outputs and manifest are published as one transaction.
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
    /// Stop requests (SIGTERM/SIGINT); nil: the run cannot be stopped but by killing it.
    public var control: RunControl?

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

    /// The warehouse this run writes (a sandbox over the configured one with `--sandbox`), and the
    /// config as the stages see it (a sandbox's reports go under the sandbox).
    public func layout() -> (warehouse: Warehouse, config: PipelineConfig) {
        guard let sandbox = options.sandbox else { return (Warehouse(root: config.warehousePath), config) }
        var config = self.config
        config.reportsPath = sandbox + "/reports/{month}"
        return (Warehouse(root: sandbox + "/warehouse", base: self.config.warehousePath), config)
    }

    /// The folder above the first `{month}` of the reports path, swept for temporaries a killed run
    /// left there (nil when that would be the working directory or the file system root).
    static func reportsRoot(_ config: PipelineConfig) -> String? {
        var path = config.reportsPath
        if let r = path.range(of: "{month}") { path = String(path[..<r.lowerBound]) }
        while path.hasSuffix("/") { path.removeLast() }
        guard !path.isEmpty, path != ".", !path.contains("{") else { return nil }
        return path
    }

    /// Completes or undoes interrupted publishes and removes stale temporaries, logging each thing
    /// done as a warning. Call under the lock.
    public static func recover(_ warehouse: Warehouse, _ config: PipelineConfig, log: RunLogger) throws {
        for note in try warehouse.recover(alsoSweeping: reportsRoot(config).map { [$0] } ?? []) {
            log.warning(nil, nil, note)
        }
    }

    /// Runs; never throws — every failure becomes an exit code and a message.
    public func run() -> RunOutcome {
        let runId = PipelineRunner.makeRunId(options.now)
        log.runId = runId
        var outcome = RunOutcome(exitCode: .ok, runId: runId, monthsRun: [], notRun: [], error: nil)
        let months = self.months()
        let stageIds: [String]
        do {
            // Every stage's settings are checked before the first stage runs, so a bad parameter of
            // the last stage cannot let the earlier ones publish first.
            try registry.validate(config)
            stageIds = try options.selection.resolve(config)
            try control?.checkpoint()
        } catch {
            return fail(outcome, error, month: nil, stage: nil)
        }
        let (warehouse, config) = layout()
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
        let record = RunRecord(runId: runId, started: RunLogger.timestamp(options.now))
        let summary = PipelineConfigSummary(file: config.file, hash: config.hash)
        var runStatus = "ok"

        let lingering = LingeringWork()
        func finish() -> RunOutcome {
            lingering.finish(log)
            let runLog = warehouse.runLogPath(runId)
            let json = record.json(config: summary, stages: stageIds, status: runStatus, notRun: outcome.notRun,
                                   exitCode: outcome.exitCode, error: outcome.error, sandbox: options.sandbox, force: options.force)
            do {
                try FileIO.writeAtomically(json.serialized(), to: runLog)
                outcome.runLog = runLog
            } catch {
                log.warning(nil, nil, "could not write the run log: \(PipelineRunner.classify(error).1)")
            }
            let counts = record.counts()
            (outcome.stagesOK, outcome.stagesSkipped, outcome.stagesFailed) = (counts.ok, counts.skipped, counts.failed)
            log.runSummary(RunSummary(runId: runId, status: runStatus, months: months, ok: counts.ok, skipped: counts.skipped,
                                      failed: counts.failed, notRun: counts.notRun, seconds: record.seconds, runLog: runLog,
                                      exitCode: outcome.exitCode.rawValue))
            return outcome
        }

        do {
            try PipelineRunner.recover(warehouse, config, log: log)
        } catch {
            outcome = fail(outcome, error, month: nil, stage: nil)
            runStatus = "failed"
            return finish()
        }

        // An immediate stop (a second signal, or no safe point within the grace period) discards the
        // current stage's staged files and leaves the run log behind.
        control?.setEmergencyStop { [log] stop in
            record.current?.discardStaged()
            let json = record.json(config: summary, stages: stageIds, status: "terminated", notRun: [], exitCode: stop.exitCode,
                                   error: "\(stop) (at once: no safe point within the grace period, or a second signal)",
                                   sandbox: options.sandbox, force: options.force)
            try? FileIO.writeAtomically(json.serialized(), to: warehouse.runLogPath(runId))
            log.error(nil, nil, "\(stop): stopped at once; the current stage's staged outputs were discarded, published outputs are whole")
            lock.release()
        }
        defer { control?.setEmergencyStop(nil) }

        if !options.recomputes { warehouse.prefetchDigests(stages: stageIds, months: months) }
        var stopped = false
        for month in months {
            if stopped {
                outcome.notRun.append(month)
                record.notRun(month)
                continue
            }
            // A month's stages may use what the month before kept (the churn cache).
            lingering.finish(log)
            record.beginMonth(month)
            var doneThisRun = Set<String>()
            for id in stageIds {
                if stopped {
                    record.add(.init(stage: id, status: "not_run"))
                    continue
                }
                guard let stage = config.stage(id) else { continue }
                let clock = ContinuousClock.now
                do {
                    try control?.checkpoint()
                    if !options.recomputes {
                        let fresh = warehouse.freshness(of: stage, month: month, config: config)
                        if fresh.state == .current {
                            log.skipped(month, id, fresh.reason)
                            record.add(.init(stage: id, status: "skipped", summary: "skipped (current): \(fresh.reason)"))
                            doneThisRun.insert(id)
                            continue
                        }
                    }
                    try checkUpstream(stage, month, warehouse, config)
                    lingering.finish(log, kind: stage.kind)
                    log.progress(month, id, "running (\(stage.kind))")
                    let report = try runStage(stage, month, runId, warehouse, config, record, lingering)
                    let seconds = seconds(since: clock)
                    let status: StageManifest.Status = report.failure == nil ? .ok : .failed
                    for w in report.warnings { log.warning(month, id, w) }
                    log.summary(month, id, status: status.rawValue, seconds: seconds, report.summary)
                    afterStage?(id, month, seconds)
                    record.add(.init(stage: id, status: status.rawValue, seconds: seconds, summary: report.summary),
                               monthStatus: status == .ok ? nil : "failed")
                    if let failure = report.failure { throw failure }
                    doneThisRun.insert(id)
                } catch let stop as RunControl.Stop {
                    let seconds = seconds(since: clock)
                    log.summary(month, id, status: "terminated", seconds: seconds, "")
                    record.add(.init(stage: id, status: "terminated", seconds: seconds), monthStatus: "terminated")
                    outcome.exitCode = stop.exitCode
                    outcome.error = "\(stop) at stage `\(id)` for \(month); its staged outputs were discarded, published outputs are whole"
                    log.error(month, id, outcome.error!)
                    runStatus = "terminated"
                    stopped = true
                } catch {
                    let seconds = seconds(since: clock)
                    if record.lastStage != id {
                        log.summary(month, id, status: "failed", seconds: seconds, "")
                        record.add(.init(stage: id, status: "failed", seconds: seconds), monthStatus: "failed")
                    }
                    outcome = fail(outcome, error, month: month, stage: id)
                    runStatus = "failed"
                    stopped = true
                }
            }
            if !stopped { outcome.monthsRun.append(month) }
        }
        if !outcome.notRun.isEmpty {
            log.error(nil, nil, "months not run after the \(runStatus == "terminated" ? "stop" : "failure"): \(outcome.notRun.map(\.description).joined(separator: ", "))")
        }
        return finish()
    }

    /// Runs one stage and publishes what it staged with its manifest as one transaction; staged
    /// files are discarded when the stage fails or a stop comes first.
    private func runStage(_ stage: StageConfig, _ month: Month, _ runId: String, _ warehouse: Warehouse, _ config: PipelineConfig,
                          _ record: RunRecord, _ lingering: LingeringWork) throws -> StageReport {
        let started = RunLogger.timestamp()
        let io = StageIO(config: config, stage: stage, month: month, runId: runId, log: log, warehouse: warehouse,
                         registry: registry, beforePublish: beforePublish, control: control,
                         bucket: options.bucket, bucketParts: options.mergeFrom, lingering: lingering)
        record.current = io
        defer { record.current = nil }
        do {
            let report = try registry.execute(stage, io)
            let status: StageManifest.Status = report.failure == nil ? .ok : .failed
            let manifest = StageManifest(
                stage: stage.id, kind: stage.kind, month: month, runId: runId, started: started, finished: RunLogger.timestamp(),
                status: status, fingerprint: StageFingerprint(stage, in: config), configSha256: config.hash,
                inputs: report.inputs + io.reads, missingInputs: io.missingInputs, outputs: io.published,
                qualityJSON: report.quality, warnings: report.warnings, error: report.failure?.message)
            io.removeUnpublishedWriters()
            let commit = { try warehouse.commit(io.staged, manifest: manifest, stage: stage.id, month: month, runId: runId) }
            if let control { try control.committing(commit) } else { try commit() }
            return report
        } catch {
            io.discardStaged()
            throw error
        }
    }

    /// Runs one stage for one month directly — no lock, no upstream check, no manifest — and returns
    /// its report with the partitions it read and what it published: for tests and tools that
    /// exercise one stage kind on a hand-made warehouse.
    public func executeStage(_ id: String, month: Month) throws -> (report: StageReport, reads: [LineageEntry], published: [LineageEntry]) {
        guard let stage = config.stage(id) else { throw PanoramaError.usage("no stage `\(id)` in \(config.file)") }
        try registry.validate(config)
        let (warehouse, config) = layout()
        let runId = PipelineRunner.makeRunId(options.now)
        let io = StageIO(config: config, stage: stage, month: month, runId: runId, log: log, warehouse: warehouse,
                         registry: registry, beforePublish: beforePublish)
        do {
            let report = try registry.execute(stage, io)
            io.removeUnpublishedWriters()
            try warehouse.commit(io.staged, manifest: nil, stage: stage.id, month: month, runId: runId)
            return (report, io.reads, io.published)
        } catch {
            io.discardStaged()
            throw error
        }
    }

    /// Each upstream stage must have published for the month, completely, and its partitions must
    /// be the ones its manifest lists (exit 2 naming the command to run first).
    private func checkUpstream(_ stage: StageConfig, _ month: Month, _ warehouse: Warehouse, _ config: PipelineConfig) throws {
        for need in stage.needs {
            let layer = warehouse.layer(of: need, month)
            let place = layer.root == warehouse.root ? "" : " in the configured warehouse \(layer.root)"
            if layer.publishPending(month, stage: need) {
                throw PanoramaError.usage(
                    "stage `\(stage.id)` for \(month) needs stage `\(need)` for \(month), whose publish\(place) was interrupted and is incomplete; "
                        + "run `panorama plan \(config.file) --month \(month)` (or any `panorama run`) on that warehouse to complete or undo it first")
            }
            guard let manifest = layer.manifest(month, stage: need), manifest.status == .ok else {
                throw PanoramaError.usage(
                    "stage `\(stage.id)` for \(month) needs the published output of stage `\(need)` for \(month), which is missing or failed; run `panorama run \(config.file) --month \(month) --until \(need)` first")
            }
            for out in manifest.outputs where out.kind == .table && warehouse.sha256(ofFileAt: out.path) != out.sha256 {
                throw PanoramaError.usage(
                    "stage `\(stage.id)` for \(month) needs stage `\(need)` for \(month), but its partition \(out.path)\(place) is not the one its manifest lists (sha256 differs or the file is gone); "
                        + "run `panorama run \(config.file) --month \(month) --until \(need)` first")
            }
        }
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
        if let e = error as? RunControl.Stop { return (e.exitCode, e.description) }
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
