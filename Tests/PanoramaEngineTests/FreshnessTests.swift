import Foundation
import Testing
import PanoramaConfig
import PanoramaCore
import PanoramaStages
import PanoramaTestSupport
@testable import PanoramaEngine

/// `run` skips a stage whose outputs are current (same input checksums, parameters and program);
/// `plan` says which, and for the others what changed.
@Suite("A nightly run does only what is needed")
struct FreshnessTests {
    let oct = Month(key: "2026-10")!

    @Test("a second identical run skips every stage and says so; --force recomputes; the run ends with one summary line")
    func secondRunSkips() throws {
        let ws = Workspace()
        ws.writeMonth("2026-10")
        let config = try ws.config()
        let first = ws.run(config)
        #expect(first.exitCode == .ok && first.stagesOK == 2 && first.stagesSkipped == 0)
        let manifest = ws.read("warehouse/_manifests/2026-10/cleanse.json")!
        ws.lines = []
        let second = ws.run(config)
        #expect(second.exitCode == .ok && second.stagesOK == 0 && second.stagesSkipped == 2)
        #expect(ws.lines.contains("[2026-10] ingest: skipped (current)"), "\(ws.lines)")
        #expect(ws.lines.contains("[2026-10] cleanse: skipped (current)"), "\(ws.lines)")
        // A skipped stage leaves its manifest as it was.
        #expect(ws.read("warehouse/_manifests/2026-10/cleanse.json")! == manifest)
        let last = try #require(ws.lines.last)
        #expect(last.hasPrefix("run \(second.runId) ok: month 2026-10; stages 0 ok, 2 skipped, 0 failed; "), "\(last)")
        #expect(last.hasSuffix("; run log \(ws.path)/warehouse/_runs/\(second.runId).json"), "\(last)")
        let runLog = JSONValue.parse(ws.read("warehouse/_runs/\(second.runId).json")!)!
        #expect(runLog["status"]?.stringValue == "ok")
        #expect(runLog["months"]?.arrayValue?[0]["stages"]?.arrayValue?.map { $0["status"]?.stringValue } == ["skipped", "skipped"])

        ws.lines = []
        let forced = ws.run(config, RunOptions(force: true))
        #expect(forced.stagesOK == 2 && forced.stagesSkipped == 0)
        #expect(ws.lines.contains { $0.hasPrefix("[2026-10] cleanse: ok") })
    }

    @Test("a changed delivery makes ingest and cleanse stale; run re-runs exactly them")
    func deliveriesAreInputs() throws {
        let ws = Workspace()
        ws.writeMonth("2026-10")
        let config = try ws.config()
        #expect(ws.run(config).exitCode == .ok)
        ws.writeMonth("2026-10", extraCustomer: "C4,13800138004,沧州,,gotone,gold,M,,2010-01-01,active,")
        let plan = Planner.plan(config, month: oct)
        #expect(plan.map(\.state) == ["stale", "stale"])
        #expect(plan[0].reason == "input \(ws.path)/input/2026-10/customers.csv changed since run \(plan[0].reason.split(separator: " ").last!)")
        let rerun = ws.run(config)
        #expect(rerun.stagesOK == 2)
        #expect(String(decoding: ws.read("warehouse/dim_customer/month=2026-10/part-0.csv")!, as: UTF8.self).contains("C4,"))
    }

    @Test("a parameter changed in the file or with --set is stale, naming the parameter, its old and new value")
    func parameterChanges() throws {
        let ws = Workspace()
        ws.writeMonth("2026-10")
        #expect(ws.run(try ws.config()).exitCode == .ok)
        let viaSet = try PipelineConfig.parse(text: """
            name: test
            province: 河北
            month: 2026-10
            paths: {input: \(ws.path)/input/{month}, warehouse: \(ws.path)/warehouse, reports: \(ws.path)/reports/{month}}
            stages:
              - {id: ingest}
              - {id: cleanse, needs: [ingest], max_reject_rate: 0.3}
            """, file: "test.yaml", overrides: ["cleanse.max_reject_rate=0.4"])
        let plan = Planner.plan(viaSet, month: oct)
        #expect(plan[0].state == "current")
        #expect(plan[1].state == "stale")
        #expect(plan[1].reason == "parameter `cleanse.max_reject_rate` changed (0.3 → 0.4)")
        let inFile = try ws.config(stages: "  - {id: ingest}\n  - {id: cleanse, needs: [ingest]}\n")
        #expect(Planner.plan(inFile, month: oct)[1].reason == "parameter `cleanse.max_reject_rate` changed (0.3 → unset)")
        // The pipeline's province is read by stages: every stage is stale.
        let moved = try PipelineConfig.parse(text: """
            name: test
            province: 北京
            paths: {input: \(ws.path)/input/{month}, warehouse: \(ws.path)/warehouse, reports: \(ws.path)/reports/{month}}
            stages:
              - {id: ingest}
              - {id: cleanse, needs: [ingest], max_reject_rate: 0.3}
            """, file: "test.yaml")
        #expect(Planner.plan(moved, month: oct).map(\.reason) == [
            "pipeline setting `province` changed (\"河北\" → \"北京\")", "pipeline setting `province` changed (\"河北\" → \"北京\")",
        ])
        // A run with the new value re-runs cleanse only; the plan is then all current.
        #expect(ws.run(viaSet).stagesOK == 1)
        #expect(Planner.plan(viaSet, month: oct).map(\.state) == ["current", "current"])
    }

    @Test("a parameter of an upstream stage counts for the stages downstream of it")
    func upstreamParameters() throws {
        let ws = Workspace()
        ws.writeMonth("2026-10")
        let stages = "  - {id: ingest}\n  - {id: cleanse, needs: [ingest], max_reject_rate: 0.3}\n  - {id: customer360, needs: [cleanse]}\n"
        #expect(ws.run(try ws.config(stages: stages)).exitCode == .ok)
        let changed = try ws.config(stages: stages.replacingOccurrences(of: "0.3", with: "0.35"))
        let plan = Planner.plan(changed, month: oct)
        #expect(plan.map(\.state) == ["current", "stale", "stale"])
        #expect(plan[2].reason == "parameter `cleanse.max_reject_rate` of upstream stage `cleanse` changed (0.3 → 0.35)")
        // Selected stages only, in run order.
        #expect(Planner.plan(changed, month: oct, stages: ["customer360"]).map(\.stage) == ["customer360"])
    }

    @Test("an optional input missing when a stage ran makes it stale once it appears")
    func missingInputAppears() throws {
        let ws = Workspace()
        ws.writeMonth("2026-10")
        ws.writeMonth("2026-09")
        let config = try ws.config(stages: "  - {id: ingest}\n  - {id: cleanse, needs: [ingest], max_reject_rate: 0.3}\n  - {id: customer360, needs: [cleanse]}\n")
        #expect(ws.run(config, RunOptions(months: .one(oct))).exitCode == .ok)
        let manifest = try #require(Warehouse(root: ws.path + "/warehouse").manifest(oct, stage: "customer360"))
        #expect(manifest.missingInputs.contains { $0.name == "fact_usage" && $0.month == oct.previous })
        #expect(ws.run(config, RunOptions(months: .one(oct.previous))).exitCode == .ok)
        let plan = Planner.plan(config, month: oct)
        #expect(plan.map(\.state) == ["current", "current", "stale"])
        #expect(plan[2].reason.hasPrefix("input \(ws.path)/warehouse/fact_usage/month=2026-09/part-0.csv, missing at run "), "\(plan[2].reason)")
        #expect(ws.run(config, RunOptions(months: .one(oct))).stagesOK == 1)
    }

    @Test("an output edited by hand is stale, and a stage downstream refuses to read it (exit 2, naming the command)")
    func editedOutput() throws {
        let ws = Workspace()
        ws.writeMonth("2026-10")
        let config = try ws.config(stages: "  - {id: ingest}\n  - {id: cleanse, needs: [ingest], max_reject_rate: 0.3}\n  - {id: customer360, needs: [cleanse]}\n")
        #expect(ws.run(config).exitCode == .ok)
        let path = "warehouse/fact_usage/month=2026-10/part-0.csv"
        ws.write(path, String(decoding: ws.read(path)!, as: UTF8.self) + "C9,2026-10,1,,,,,\n")
        let plan = Planner.plan(config, month: oct)
        #expect(plan[1].state == "stale" && plan[1].reason == "output \(ws.path)/\(path) was modified or removed")
        let outcome = ws.run(config, RunOptions(selection: StageSelection(stages: ["customer360"]), force: true))
        #expect(outcome.exitCode == .usage)
        #expect(outcome.error == "stage `customer360` for 2026-10 needs stage `cleanse` for 2026-10, but its partition \(ws.path)/\(path) is not the one its manifest lists (sha256 differs or the file is gone); run `panorama run test.yaml --month 2026-10 --until cleanse` first")
        // As the message says: the run re-publishes cleanse (stale), then customer360 reads it.
        #expect(ws.run(config, RunOptions(selection: StageSelection(until: "customer360"))).exitCode == .ok)
    }

    @Test("a stage reading a partition of another month checks it against that month's manifest (rows and sha256)")
    func readerVerifiesEveryPartition() throws {
        let ws = Workspace()
        ws.writeMonth("2026-10")
        ws.writeMonth("2026-09")
        let config = try ws.config(stages: "  - {id: ingest}\n  - {id: cleanse, needs: [ingest], max_reject_rate: 0.3}\n  - {id: customer360, needs: [cleanse]}\n")
        #expect(ws.run(config, RunOptions(months: .range(oct.previous, oct))).exitCode == .ok)
        let path = "warehouse/fact_usage/month=2026-09/part-0.csv"
        ws.write(path, String(decoding: ws.read(path)!, as: UTF8.self).replacingOccurrences(of: "150.5", with: "151.5"))
        let outcome = ws.run(config, RunOptions(months: .one(oct), selection: StageSelection(stages: ["customer360"]), force: true))
        #expect(outcome.exitCode == .usage)
        #expect(outcome.error?.hasPrefix("stage `customer360` for 2026-10 cannot read table `fact_usage` of 2026-09: \(ws.path)/\(path) (sha256 ") == true,
                "\(outcome.error ?? "")")
        #expect(outcome.error?.contains(", 3 rows) is not what the manifest of stage `cleanse` lists (sha256 ") == true, "\(outcome.error ?? "")")
        #expect(outcome.error?.hasSuffix("run `panorama run test.yaml --month 2026-09 --until cleanse` to publish it again") == true)
    }

    @Test("manifests store paths relative to the warehouse; a moved project is still current")
    func relativePaths() throws {
        let ws = Workspace()
        ws.writeMonth("2026-10")
        #expect(ws.run(try ws.config()).exitCode == .ok)
        let manifest = JSONValue.parse(ws.read("warehouse/_manifests/2026-10/cleanse.json")!)!
        #expect(manifest["inputs"]?.arrayValue?.first?["path"]?.stringValue == "../input/2026-10/customers.csv")
        #expect(manifest["outputs"]?.arrayValue?.first?["path"]?.stringValue == "dim_customer/month=2026-10/part-0.csv")
        let moved = TempDir("moved")
        try FileManager.default.removeItem(atPath: moved.path)
        try FileManager.default.copyItem(atPath: ws.path, toPath: moved.path)
        let config = try PipelineConfig.parse(text: """
            name: test
            province: 河北
            paths: {input: \(moved.path)/input/{month}, warehouse: \(moved.path)/warehouse, reports: \(moved.path)/reports/{month}}
            stages:
              - {id: ingest}
              - {id: cleanse, needs: [ingest], max_reject_rate: 0.3}
            """, file: "test.yaml")
        #expect(Planner.plan(config, month: oct).map(\.state) == ["current", "current"])
    }

    @Test("JSON log events carry run_id and level; the run ends with a `run` event")
    func jsonEvents() throws {
        let ws = Workspace()
        ws.writeMonth("2026-10")
        var lines: [String] = []
        let runner = PipelineRunner(config: try ws.config(), options: RunOptions(), log: RunLogger(format: .json, sink: { lines.append($0) }),
                                    registry: StageKinds.registry)
        let outcome = runner.run()
        let events = lines.compactMap { JSONValue.parse(Array($0.utf8)) }
        #expect(events.count == lines.count && !events.isEmpty)
        #expect(events.allSatisfy { $0["run_id"]?.stringValue == outcome.runId })
        #expect(events.allSatisfy { ["info", "warning", "error"].contains($0["level"]?.stringValue ?? "") })
        let last = try #require(events.last)
        #expect(last["event"]?.stringValue == "run")
        #expect(last["stages_ok"]?.intValue == 2 && last["stages_skipped"]?.intValue == 0 && last["stages_failed"]?.intValue == 0)
        #expect(last["run_log"]?.stringValue == ws.path + "/warehouse/_runs/\(outcome.runId).json")
        #expect(last["months"]?.arrayValue == [.string("2026-10")])
    }
}
