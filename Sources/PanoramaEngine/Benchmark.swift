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

    public init(config: PipelineConfig, months: [Month], log: RunLogger) {
        self.config = config
        self.months = months
        self.log = log
    }

    /// Runs the earlier months (untimed, only when their manifests are missing), then the last month.
    public func run() throws -> (stages: [BenchStage], checks: [(String, Bool)], total: Double) {
        let warehouse = Warehouse(root: config.warehousePath)
        let last = months.last!
        let lastStage = config.orderedStageIds.last!
        for m in months.dropLast() where !warehouse.stageSucceeded(m, stage: lastStage) {
            let outcome = PipelineRunner(config: config, options: RunOptions(months: .one(m)), log: RunLogger(quiet: true)).run()
            guard outcome.exitCode == .ok else { throw PanoramaError(outcome.exitCode, "setting up \(m) failed: \(outcome.error ?? "")") }
        }
        var stages: [BenchStage] = []
        var runner = PipelineRunner(config: config, options: RunOptions(months: .one(last)), log: log)
        runner.afterStage = { id, month, seconds in
            let manifest = warehouse.manifest(month, stage: id)
            let rowsIn = (manifest?["inputs"]?.arrayValue ?? []).compactMap { $0["rows"]?.intValue }.reduce(0, +)
            let rowsOut = (manifest?["outputs"]?.arrayValue ?? []).compactMap { $0["rows"]?.intValue }.reduce(0, +)
            stages.append(BenchStage(stage: id, seconds: seconds, rowsIn: rowsIn, rowsOut: rowsOut, peakRSS: Benchmark.peakRSS()))
        }
        let clock = ContinuousClock.now
        let outcome = runner.run()
        let d = ContinuousClock.now - clock
        let total = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        guard outcome.exitCode == .ok else { throw PanoramaError(outcome.exitCode, outcome.error ?? "the benchmark run failed") }
        return (stages, try checks(last, warehouse), total)
    }

    /// Invariants that must hold at every size.
    func checks(_ month: Month, _ warehouse: Warehouse) throws -> [(String, Bool)] {
        var out: [(String, Bool)] = []
        if let cleanse = config.stages.first(where: { $0.kind == "cleanse" }), let manifest = warehouse.manifest(month, stage: cleanse.id) {
            let ok = (manifest["quality"]?["sources"]?.arrayValue ?? []).allSatisfy {
                $0["read"]?.intValue == ($0["clean"]?.intValue ?? -1) + ($0["quarantined"]?.intValue ?? -1)
            }
            out.append(("rows read = clean + quarantined for every source", ok))
        }
        if warehouse.hasPartition("kpi", month) {
            let kpi = try CSVTable.read(warehouse.partitionPath("kpi", month), columns: ["kpi", "dimension", "base"])
            var totals: [String: Int] = [:], sums: [String: Int] = [:]
            var keys: [String] = []
            for r in 0..<kpi.rowCount {
                if kpi[r, 1] == "total" { totals[kpi[r, 0]] = kpi.int(r, 2) ?? 0; continue }
                let key = kpi[r, 0] + "/" + kpi[r, 1]
                if sums[key] == nil { keys.append(key) }
                sums[key, default: 0] += kpi.int(r, 2) ?? 0
            }
            let ok = keys.allSatisfy { sums[$0] == totals[String($0.split(separator: "/")[0])] }
            out.append(("kpi base counts add up across the members of every dimension", ok))
        }
        if warehouse.hasPartition("driver_model", month) {
            let models = try CSVTable.read(warehouse.partitionPath("driver_model", month), columns: ["segment_dim", "segment", "r2"])
            let drivers = try CSVTable.read(warehouse.partitionPath("drivers", month), columns: ["segment_dim", "segment", "importance"])
            var sums: [String: Double] = [:]
            for r in 0..<drivers.rowCount { sums[drivers[r, 0] + "/" + drivers[r, 1], default: 0] += drivers.double(r, 2) ?? 0 }
            var ok = true
            for r in 0..<models.rowCount {
                guard let r2 = models.double(r, 2) else { continue }
                if abs((sums[models[r, 0] + "/" + models[r, 1]] ?? 0) - r2) > 1e-5 { ok = false }
            }
            out.append(("driver importance sums to R² in every segment", ok))
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
