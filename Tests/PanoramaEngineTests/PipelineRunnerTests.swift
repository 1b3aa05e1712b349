import Foundation
import Testing
import PanoramaConfig
import PanoramaCore
import PanoramaStages
@testable import PanoramaEngine

@Suite("Pipeline runner: selection, partitions, manifests, exit codes")
struct PipelineRunnerTests {
    let oct = Month(key: "2026-10")!

    @Test("ingest then cleanse publish the clean tables, the quarantine and both manifests")
    func publishes() throws {
        let ws = Workspace()
        ws.writeMonth("2026-10")
        let outcome = ws.run(try ws.config())
        #expect(outcome.exitCode == .ok)
        for table in ["dim_customer", "fact_usage", "fact_survey", "fact_complaint", "fact_contact", "quarantine"] {
            #expect(ws.exists("warehouse/\(table)/month=2026-10/part-0.csv"), "\(table)")
        }
        let q = String(decoding: ws.read("warehouse/quarantine/month=2026-10/part-0.csv")!, as: UTF8.self)
        #expect(q.contains("usage,5,UNKNOWN_CUSTOMER"))
        let manifest = JSONValue.parse(ws.read("warehouse/_manifests/2026-10/cleanse.json")!)!
        #expect(manifest["status"]?.stringValue == "ok")
        #expect(manifest["kind"]?.stringValue == "cleanse")
        // The five clean tables (fact_contact header-only: no contacts.csv) and the quarantine.
        #expect(manifest["outputs"]?.arrayValue?.count == 6)
        let usage = manifest["quality"]?["sources"]?.arrayValue?[1]
        #expect(usage?["read"]?.intValue == 4)
        #expect(usage?["clean"]?.intValue == 3)
        #expect(usage?["quarantined"]?.intValue == 1)
        let runs = try FileManager.default.contentsOfDirectory(atPath: ws.path + "/warehouse/_runs")
        #expect(runs.count == 1)
        #expect(ws.lines.contains { $0.hasPrefix("[2026-10] cleanse: ok") })
    }

    @Test("a re-run with the same inputs rewrites byte-identical partitions")
    func deterministic() throws {
        let ws = Workspace()
        ws.writeMonth("2026-10")
        let config = try ws.config()
        #expect(ws.run(config).exitCode == .ok)
        let tables = ["dim_customer", "fact_usage", "fact_survey", "fact_complaint", "fact_contact", "quarantine"]
        let first = tables.map { ws.read("warehouse/\($0)/month=2026-10/part-0.csv")! }
        #expect(ws.run(config).exitCode == .ok)
        let second = tables.map { ws.read("warehouse/\($0)/month=2026-10/part-0.csv")! }
        #expect(first == second)
    }

    @Test("--stage cleanse without ingest output exits 2 naming the stage and month to run first")
    func missingUpstream() throws {
        let ws = Workspace()
        ws.writeMonth("2026-10")
        let outcome = ws.run(try ws.config(), RunOptions(selection: StageSelection(stages: ["cleanse"])))
        #expect(outcome.exitCode == .usage)
        #expect(outcome.error?.contains("stage `cleanse` for 2026-10 needs the published output of stage `ingest` for 2026-10") == true)
        #expect(!ws.exists("warehouse/dim_customer/month=2026-10/part-0.csv"))
        // After ingest ran, the same selection works.
        #expect(ws.run(try ws.config(), RunOptions(selection: StageSelection(stages: ["ingest"]))).exitCode == .ok)
        #expect(ws.run(try ws.config(), RunOptions(selection: StageSelection(stages: ["cleanse"]))).exitCode == .ok)
    }

    @Test("a stage that throws mid-write leaves the previous partition in place")
    func atomicPublish() throws {
        let ws = Workspace()
        ws.writeMonth("2026-10")
        let config = try ws.config()
        #expect(ws.run(config).exitCode == .ok)
        let before = ws.read("warehouse/dim_customer/month=2026-10/part-0.csv")!
        ws.writeMonth("2026-10", extraCustomer: "C4,13800138004,沧州,,gotone,gold,M,,2010-01-01,active,")
        struct Boom: Error {}
        let outcome = ws.run(config, RunOptions(selection: StageSelection(stages: ["ingest", "cleanse"]))) {
            throw Boom()
        }
        #expect(outcome.exitCode == .runtime)
        #expect(ws.read("warehouse/dim_customer/month=2026-10/part-0.csv")! == before)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: ws.path + "/warehouse/dim_customer/month=2026-10")
        #expect(leftovers == ["part-0.csv"])
    }

    @Test("a second run while the lock is held exits 4 naming the holder's pid")
    func lockContention() throws {
        let ws = Workspace()
        ws.writeMonth("2026-10")
        let held = try WarehouseLock(warehouse: ws.path + "/warehouse")
        let outcome = ws.run(try ws.config())
        held.release()
        #expect(outcome.exitCode == .locked)
        #expect(outcome.error?.contains("pid \(getpid())") == true)
        #expect(ws.run(try ws.config()).exitCode == .ok)
    }

    @Test("the quality gate exits 3 and publishes only the quarantine and the manifest")
    func qualityGate() throws {
        let ws = Workspace()
        ws.writeMonth("2026-10")
        ws.writeMonth("2026-11")
        let config = try ws.config(stages: "  - {id: ingest}\n  - {id: cleanse, needs: [ingest], max_reject_rate: 0.05}\n")
        let outcome = ws.run(config, RunOptions(months: .range(oct, oct.next)))
        #expect(outcome.exitCode == .dataQuality)
        #expect(outcome.notRun == [oct.next])
        #expect(ws.exists("warehouse/quarantine/month=2026-10/part-0.csv"))
        #expect(!ws.exists("warehouse/dim_customer/month=2026-10/part-0.csv"))
        #expect(!ws.exists("warehouse/quarantine/month=2026-11/part-0.csv"))
        let manifest = JSONValue.parse(ws.read("warehouse/_manifests/2026-10/cleanse.json")!)!
        #expect(manifest["status"]?.stringValue == "failed")
        #expect(manifest["error"]?.stringValue?.contains("usage: 1 of 4 rows quarantined (25% > 5%)") == true)
        let runLog = try FileManager.default.contentsOfDirectory(atPath: ws.path + "/warehouse/_runs")
        let log = JSONValue.parse(ws.read("warehouse/_runs/\(runLog[0])")!)!
        #expect(log["not_run"]?.arrayValue?.first?.stringValue == "2026-11")
        #expect(ws.lines.contains { $0.contains("months not run after the failure: 2026-11") })
    }

    @Test("--months runs months in order; --set overrides a parameter")
    func monthsAndSet() throws {
        let ws = Workspace()
        ws.writeMonth("2026-10")
        ws.writeMonth("2026-11")
        let text = try ws.config()
        _ = text
        let config = try PipelineConfig.parse(text: """
            name: t
            province: 河北
            paths: {input: \(ws.path)/input/{month}, warehouse: \(ws.path)/warehouse}
            stages:
              - {id: ingest}
              - {id: cleanse, needs: [ingest]}
            """, file: "t.yaml", overrides: ["cleanse.max_reject_rate=0.5"])
        let outcome = ws.run(config, RunOptions(months: .range(oct, oct.next)))
        #expect(outcome.exitCode == .ok)
        #expect(outcome.monthsRun == [oct, oct.next])
        let manifest = JSONValue.parse(ws.read("warehouse/_manifests/2026-11/cleanse.json")!)!
        #expect(manifest["parameters"]?["max_reject_rate"] == .double(0.5))
    }

    @Test("a missing input file exits 3 naming the file")
    func missingInput() throws {
        let ws = Workspace()
        ws.writeMonth("2026-10")
        try FileManager.default.removeItem(atPath: ws.path + "/input/2026-10/surveys.csv")
        let outcome = ws.run(try ws.config())
        #expect(outcome.exitCode == .dataQuality)
        #expect(outcome.error?.contains("surveys.csv does not exist") == true)
    }

    @Test("JSON logs are one object per line with event, month and stage")
    func jsonLogs() throws {
        let ws = Workspace()
        ws.writeMonth("2026-10")
        var lines: [String] = []
        let runner = PipelineRunner(config: try ws.config(), options: RunOptions(), log: RunLogger(format: .json, sink: { lines.append($0) }),
                                    registry: StageKinds.registry)
        #expect(runner.run().exitCode == .ok)
        let summaries = lines.compactMap { JSONValue.parse(Array($0.utf8)) }.filter { $0["event"]?.stringValue == "summary" }
        #expect(summaries.count == 2)
        #expect(summaries[1]["stage"]?.stringValue == "cleanse")
        #expect(summaries[1]["month"]?.stringValue == "2026-10")
        #expect(summaries[1]["status"]?.stringValue == "ok")
    }

    @Test("plan reports missing, then current, then stale after an input changes")
    func plan() throws {
        let ws = Workspace()
        ws.writeMonth("2026-10")
        let config = try ws.config()
        #expect(Planner.plan(config, month: oct).map(\.state) == ["missing", "missing"])
        #expect(ws.run(config).exitCode == .ok)
        #expect(Planner.plan(config, month: oct).map(\.state) == ["current", "current"])
        ws.writeMonth("2026-10", extraCustomer: "C4,13800138004,沧州,,gotone,gold,M,,2010-01-01,active,")
        let entries = Planner.plan(config, month: oct)
        #expect(entries.map(\.state) == ["stale", "stale"])
        #expect(entries[0].reason.contains("customers.csv changed"))
    }
}

@Suite("Stage selection (--stage, --from, --until)")
struct StageSelectionTests {
    let config = try! PipelineConfig.parse(text: """
        name: t
        stages:
          - {id: ingest}
          - {id: cleanse, needs: [ingest]}
          - {id: cleanse2, kind: cleanse, needs: [cleanse]}
          - {id: side, kind: cleanse, needs: [ingest]}
        """, file: "t.yaml")

    @Test("--from takes the stage and everything downstream; --until everything upstream; both intersect")
    func selection() throws {
        #expect(try StageSelection().resolve(config) == ["ingest", "cleanse", "cleanse2", "side"])
        #expect(try StageSelection(from: "cleanse").resolve(config) == ["cleanse", "cleanse2"])
        #expect(try StageSelection(until: "cleanse2").resolve(config) == ["ingest", "cleanse", "cleanse2"])
        #expect(try StageSelection(from: "cleanse", until: "cleanse2").resolve(config) == ["cleanse", "cleanse2"])
        #expect(try StageSelection(stages: ["side", "ingest"]).resolve(config) == ["ingest", "side"])
    }

    @Test("an unknown stage id is a usage error with a suggestion")
    func unknown() {
        #expect(throws: PanoramaError.self) { try StageSelection(stages: ["clense"]).resolve(config) }
        do { _ = try StageSelection(from: "clense").resolve(config) } catch let e as PanoramaError {
            #expect(e.exitCode == .usage)
            #expect(e.message.contains("did you mean `cleanse`?"))
        } catch { Issue.record("\(error)") }
    }
}
