import Foundation
import PanoramaConfig
import PanoramaCore
#if canImport(Glibc)
import Glibc
#endif

/// One stage's measurement in a benchmark run.
public struct BenchStage: Sendable {
    public var stage: String
    public var seconds: Double
    public var rowsIn: Int
    public var rowsOut: Int
    /// Peak resident set size of the process so far, in bytes (getrusage).
    public var peakRSS: Int
}

/// `panorama bench`: the default pipeline for the last month of a generated data set, with the
/// earlier months already in the warehouse; wall time, rows and peak memory per stage, and the
/// invariants that must hold at any size.
public struct Benchmark {
    public var config: PipelineConfig
    public var months: [Month]
    public var log: RunLogger
    public var registry: StageRegistry

    public init(config: PipelineConfig, months: [Month], log: RunLogger, registry: StageRegistry) {
        self.config = config
        self.months = months
        self.log = log
        self.registry = registry
    }

    /// Runs the earlier months (untimed, only when their manifests are missing), then the last month.
    public func run() throws -> (stages: [BenchStage], checks: [(String, Bool)], total: Double) {
        let warehouse = Warehouse(root: config.warehousePath)
        // Like every command that touches the warehouse, first complete or undo an interrupted publish.
        let lock = try WarehouseLock(warehouse: warehouse.root)
        do {
            try PipelineRunner.recover(warehouse, config, log: log)
            lock.release()
        } catch {
            lock.release()
            throw error
        }
        let last = months.last!
        let lastStage = config.orderedStageIds.last!
        for m in months.dropLast() where !warehouse.stageSucceeded(m, stage: lastStage) {
            let outcome = PipelineRunner(config: config, options: RunOptions(months: .one(m)), log: RunLogger(quiet: true),
                                         registry: registry).run()
            guard outcome.exitCode == .ok else { throw PanoramaError(outcome.exitCode, "setting up \(m) failed: \(outcome.error ?? "")") }
        }
        var stages: [BenchStage] = []
        // Every stage of the timed month runs, current or not.
        var runner = PipelineRunner(config: config, options: RunOptions(months: .one(last), force: true), log: log, registry: registry)
        runner.afterStage = { id, month, seconds in
            let manifest = warehouse.manifest(month, stage: id)
            let rowsIn = (manifest?.inputs ?? []).compactMap(\.rows).reduce(0, +)
            let rowsOut = (manifest?.outputs ?? []).compactMap(\.rows).reduce(0, +)
            stages.append(BenchStage(stage: id, seconds: seconds, rowsIn: rowsIn, rowsOut: rowsOut, peakRSS: Benchmark.peakRSS()))
        }
        let clock = ContinuousClock.now
        let outcome = runner.run()
        let d = ContinuousClock.now - clock
        let total = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        guard outcome.exitCode == .ok else { throw PanoramaError(outcome.exitCode, outcome.error ?? "the benchmark run failed") }
        return (stages, try checks(last, warehouse), total)
    }

    /// Invariants that must hold at every size, as each stage kind declares them for its outputs.
    func checks(_ month: Month, _ warehouse: Warehouse) throws -> [(String, Bool)] {
        var out: [(String, Bool)] = []
        for id in config.orderedStageIds {
            guard let stage = config.stage(id) else { continue }
            let io = StageIO(config: config, stage: stage, month: month, runId: "bench", log: log, warehouse: warehouse,
                             registry: registry)
            out += try registry.invariants(stage, io)
        }
        return out
    }

    /// Peak resident set size of this process in bytes.
    public static func peakRSS() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Int(usage.ru_maxrss) * 1024
    }
}
