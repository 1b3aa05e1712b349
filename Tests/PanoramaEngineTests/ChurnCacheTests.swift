import Foundation
import Testing
import PanoramaConfig
import PanoramaCore
import PanoramaEngine
import PanoramaGenerate
import PanoramaStages

/// What the churn stage keeps between nights (`_cache/churn`, docs/churn-model.md): a night that uses
/// it must publish exactly what a night without it publishes, a kept file must stand in for the
/// partitions it came from, and a damaged, stale or unwritable cache must only cost time.
@Suite("churn: what the stage keeps between nights", .serialized)
struct ChurnCacheTests {
    /// 3,000 customers over 6 months, train_months 3: the window of 2026-06 is 2026-02 … 2026-06; the
    /// production pairs end at 04, 05, 06 and the backtest pairs at 03, 04, 05.
    static let months = ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"]
    static let month = Month(key: "2026-06")!
    static let tables = ["churn_model", "churn_coef", "churn_score"]

    /// Every month run in order through churn, as nights would.
    func history() throws -> (Workspace, PipelineConfig) {
        let ws = Workspace()
        _ = try SyntheticDeliveryGenerator(options: GeneratorOptions(
            start: Self.months[0], months: Self.months.count, customers: 3_000, seed: 7, encoding: "utf-8", dirtyRate: 0.01))
            .write(to: URL(fileURLWithPath: ws.path + "/input"))
        let config = try ws.config(stages: """
              - {id: ingest}
              - {id: cleanse, needs: [ingest], max_reject_rate: 0.1}
              - {id: customer360, needs: [cleanse]}
              - {id: churn, needs: [customer360], train_months: 3}

            """)
        for m in Self.months {
            let outcome = ws.run(config, RunOptions(months: .one(Month(key: m)!)))
            #expect(outcome.exitCode == .ok, "\(m): \(outcome.error ?? "")")
        }
        return (ws, config)
    }

    func outputs(_ ws: Workspace) -> [[UInt8]?] {
        Self.tables.map { ws.read("warehouse/\($0)/month=2026-06/part-0.csv") }
    }

    func inputs(_ ws: Workspace) -> [String] {
        (Warehouse(root: ws.path + "/warehouse").manifest(Self.month, stage: "churn")?.inputs ?? []).map {
            "\($0.name) \($0.month) \($0.rows ?? -1) \($0.sha256)"
        }
    }

    /// Re-runs churn for 2026-06 only.
    func rerun(_ ws: Workspace, _ config: PipelineConfig) -> RunOutcome {
        var options = RunOptions(months: .one(Self.month), force: true)
        options.selection.stages = ["churn"]
        return ws.run(config, options)
    }

    func cache(_ ws: Workspace) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: ws.path + "/warehouse/_cache/churn")) ?? []).sorted()
    }

    @Test("a night that uses what earlier nights kept publishes the same bytes and lists the same inputs as one without",
          .timeLimit(.minutes(10)))
    func keptEqualsEmpty() throws {
        let (ws, config) = try history()
        let kept = outputs(ws), keptInputs = inputs(ws)
        #expect(kept.allSatisfy { $0 != nil })
        // Every month of the window is an input, read or not.
        #expect(keptInputs.map { $0.split(separator: " ").prefix(2).joined(separator: " ") }
            == ["2026-02", "2026-03", "2026-04", "2026-05", "2026-06"].map { "customer_360 \($0)" })
        // Kept for the next night: the pairs ending at 04 … 06, the features of 05 and 06, and the
        // production fits of 05 (a re-run's backtest fit) and 06.
        let names = cache(ws)
        #expect(names.filter { $0.hasPrefix("pair-") } == ["pair-2026-04.bin", "pair-2026-05.bin", "pair-2026-06.bin"])
        #expect(names.filter { $0.hasPrefix("features-") } == ["features-2026-05.bin", "features-2026-06.bin"])
        #expect(names.filter { $0.hasPrefix("fit-") }.map { String($0.prefix(11)) } == ["fit-2026-05", "fit-2026-06"])

        try FileManager.default.removeItem(atPath: ws.path + "/warehouse/_cache")
        let cold = rerun(ws, config)
        #expect(cold.exitCode == .ok, "\(cold.error ?? "")")
        #expect(outputs(ws) == kept)
        #expect(inputs(ws) == keptInputs)
        // And again with what the cold run kept (pairs and features, not 05's fit).
        #expect(rerun(ws, config).exitCode == .ok)
        #expect(outputs(ws) == kept)
        #expect(inputs(ws) == keptInputs)
    }

    @Test("a kept pair stands in for its partitions; a partition whose file changed is read again", .timeLimit(.minutes(10)))
    func keptPairStandsIn() throws {
        let (ws, config) = try history()
        let kept = outputs(ws)
        // customer_360 of 2026-03 only feeds pairs that are kept (ending at 04) or fitted already
        // (the backtest fit): overwritten with other bytes of the same size and time, it is not read.
        let path = ws.path + "/warehouse/customer_360/month=2026-03/part-0.csv"
        let original = try #require(ws.read("warehouse/customer_360/month=2026-03/part-0.csv"))
        try replaceKeepingTime(path, with: [UInt8](repeating: UInt8(ascii: "x"), count: original.count))
        let standIn = rerun(ws, config)
        #expect(standIn.exitCode == .ok, "\(standIn.error ?? "")")
        #expect(outputs(ws) == kept)
        // Touched (a new modification time), the file no longer matches what was kept: the stage
        // reads it and stops on what it finds there.
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: 5)], ofItemAtPath: path)
        let changed = rerun(ws, config)
        #expect(changed.exitCode != .ok)
        #expect((changed.error ?? "").contains("month=2026-03"), "\(changed.error ?? "")")
        try replaceKeepingTime(path, with: original)
        let restored = rerun(ws, config)
        #expect(restored.exitCode == .ok, "\(restored.error ?? "")")
        #expect(outputs(ws) == kept)
    }

    @Test("a damaged cache file is not used; a cache that cannot be written is a warning, not a failure", .timeLimit(.minutes(10)))
    func damagedCache() throws {
        let (ws, config) = try history()
        let kept = outputs(ws)
        let folder = ws.path + "/warehouse/_cache/churn"
        // One byte changed in the middle of each kept pair and month: the checksum no longer
        // matches, so they are misses and the months are read again.
        for name in cache(ws) where name.hasSuffix(".bin") {
            var bytes = try #require(ws.read("warehouse/_cache/churn/" + name))
            bytes[bytes.count / 2] ^= 0x5A
            try Data(bytes).write(to: URL(fileURLWithPath: folder + "/" + name))
        }
        let damaged = rerun(ws, config)
        #expect(damaged.exitCode == .ok, "\(damaged.error ?? "")")
        #expect(outputs(ws) == kept)
        // The cache folder replaced by a file: nothing can be kept.
        try FileManager.default.removeItem(atPath: ws.path + "/warehouse/_cache")
        ws.write("warehouse/_cache", "not a folder\n")
        ws.lines = []
        let unwritable = rerun(ws, config)
        #expect(unwritable.exitCode == .ok, "\(unwritable.error ?? "")")
        #expect(outputs(ws) == kept)
        #expect(ws.lines.contains { $0.contains("warning") && $0.contains("churn cache could not keep") })
        let manifest = try #require(Warehouse(root: ws.path + "/warehouse").manifest(Self.month, stage: "churn"))
        #expect(!manifest.warnings.contains { $0.contains("cache") })
    }

    /// Writes `bytes` over `path` and gives it back its size-independent modification time.
    func replaceKeepingTime(_ path: String, with bytes: [UInt8]) throws {
        var info = stat()
        #expect(stat(path, &info) == 0)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        var times = [info.st_atim, info.st_mtim]
        #expect(utimensat(AT_FDCWD, path, &times, 0) == 0)
    }
}
