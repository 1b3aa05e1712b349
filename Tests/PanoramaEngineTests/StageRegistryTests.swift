import Foundation
import Testing
import PanoramaConfig
import PanoramaCore
import PanoramaEngine
import PanoramaStages
import PanoramaTestSupport

/// Validation against the stage registry: kinds, parameter names, types and ranges, all with the
/// position of the offending value, before anything runs.
@Suite("Stage registry: every stage's parameters checked without running anything")
struct StageRegistryTests {
    let pipeline = """
        name: t
        province: 河北
        stages:
          - {id: ingest}
          - {id: cleanse, needs: [ingest]}
          - {id: customer360, needs: [cleanse]}
          - {id: kpi, needs: [customer360]}
          - {id: drivers, needs: [customer360]}
          - {id: report, needs: [kpi, drivers]}

        """

    func error(_ text: String, overrides: [String] = []) -> String {
        do {
            _ = try StageKinds.parsePipeline(text: text, file: "p.yaml", overrides: overrides)
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    /// The pipeline with one stage's flow mapping replaced.
    func with(_ stage: String, _ replacement: String) -> String {
        pipeline.replacingOccurrences(of: "  - {id: \(stage)", with: "  - {id: \(stage), \(replacement)")
    }

    @Test("the registry lists each kind once, and each kind's tables name it as their producer")
    func registry() {
        let r = StageKinds.registry
        #expect(r.names == ["ingest", "cleanse", "customer360", "kpi", "drivers", "outcomes", "report"])
        for kind in r.kinds {
            for table in kind.tables { #expect(table.producer == kind.name, "\(table.name)") }
        }
        var tables = Set<String>()
        for kind in r.kinds { for t in kind.tables { #expect(tables.insert(t.name).inserted, "\(t.name) declared twice") } }
        #expect(r.producer(of: "kpi")?.name == "kpi")
        #expect(error(pipeline) == "no error")
    }

    @Test("an unknown kind or parameter names file:line:column and suggests the closest")
    func unknownNames() {
        #expect(error("stages:\n  - {id: x, kind: clense}\n").contains("p.yaml:2:19: stage `x` has unknown kind `clense`"))
        #expect(error("stages:\n  - {id: x, kind: clense}\n").contains("did you mean `cleanse`?"))
        #expect(error("name: x\nstages:\n  - {id: cleanse, max_rejet_rate: 0.1}\n")
            == "p.yaml:3:19: unknown key `max_rejet_rate` in stage `cleanse` (kind cleanse) (known: id, kind, needs, max_reject_rate); did you mean `max_reject_rate`?")
        #expect(error(pipeline, overrides: ["cleanse.max_rejct_rate=0.2"])
            == "--set cleanse.max_rejct_rate=0.2: stage kind `cleanse` has no parameter `max_rejct_rate` (known: max_reject_rate); did you mean `max_reject_rate`?")
        // A 70,000-character parameter name is reported promptly, without a suggestion.
        let key = String(repeating: "k", count: 70_000)
        let long = error("stages:\n  - {id: cleanse, \(key): 1}\n")
        #expect(long.hasPrefix("p.yaml:2:19: unknown key `kkkk"))
        #expect(!long.contains("did you mean"))
    }

    @Test("types and ranges of every kind's parameters are checked, in the file and in --set")
    func rangesAndTypes() {
        #expect(error(with("drivers", "min_n: 1.5")).contains("p.yaml:8:26: drivers.min_n must be an integer"))
        #expect(error(with("drivers", "window_months: 0")).contains("drivers.window_months must be between 1 and 12"))
        #expect(error(with("report", "lang: fr")).contains("p.yaml:9:24: report.lang must be one of zh, en"))
        #expect(error(with("cleanse", "max_reject_rate: 7")).contains("cleanse.max_reject_rate must be a share between 0 and 1"))
        #expect(error(with("cleanse", "max_reject_rate: -0.1")).contains("cleanse.max_reject_rate must be a share between 0 and 1"))
        #expect(error(with("kpi", "targets: {nps: high}")).contains("target for nps must be a number, not `high`"))
        #expect(error(with("kpi", "targets: {npss: 30}")).contains("unknown KPI `npss` in kpi.targets; did you mean `nps`?"))
        #expect(error(with("kpi", "thresholds: {nps: 0}")).contains("kpi.thresholds.nps must be a positive number"))
        #expect(error(with("customer360", "tiers: {A: 50, B: 120}")).contains("customer360.tiers must satisfy A ≥ B ≥ C"))
        #expect(error(with("report", "history_months: 40")).contains("report.history_months must be between 1 and 36"))
        #expect(error(pipeline, overrides: ["cleanse.max_reject_rate=7"]).contains("cleanse.max_reject_rate must be a share between 0 and 1"))
        #expect(error(pipeline, overrides: ["drivers.min_n=1.5"]).contains("drivers.min_n must be an integer"))
        #expect(error(pipeline, overrides: ["report.lang=fr"]).contains("report.lang must be one of zh, en"))
    }

    @Test("run checks every stage before the first one starts: a bad last stage publishes nothing")
    func runValidatesFirst() throws {
        let ws = Workspace()
        ws.writeMonth("2026-10")
        let config = try ws.config(stages: """
              - {id: ingest}
              - {id: cleanse, needs: [ingest], max_reject_rate: 0.3}
              - {id: drivers, needs: [cleanse], min_n: 0}

            """)
        let outcome = ws.run(config)
        #expect(outcome.exitCode == .usage)
        #expect(outcome.error?.contains("drivers.min_n must be at least 1") == true, "\(outcome.error ?? "")")
        #expect(!ws.exists("warehouse/dim_customer"))
        #expect(!ws.exists("warehouse/_manifests/2026-10/ingest.json"))
    }

    @Test("validate and --set through the command line: a bad --set value exits 2 with its text")
    func commandLine() throws {
        guard let binary = ExternalTool.panorama else {
            Issue.record("no built panorama binary under .build; `swift build` first")
            return
        }
        let dir = TempDir("registry")
        dir.write("p.yaml", pipeline)
        let ok = try ExternalTool.run(binary, ["validate", dir.url("p.yaml")])
        #expect(ok.status == 0, "\(ok.err)")
        let bad = try ExternalTool.run(binary, ["validate", dir.url("p.yaml"), "--set", "kpi.beta=2"])
        #expect(bad.status == 2)
        #expect(bad.err.contains("--set kpi.beta=2: stage kind `kpi` has no parameter `beta`"), "\(bad.err)")
        let alpha = try ExternalTool.run(binary, ["validate", dir.url("p.yaml"), "--set", "kpi.alpha=2"])
        #expect(alpha.status == 2)
        #expect(alpha.err.contains("kpi.alpha must be a false discovery rate between 0 and 1 exclusive"), "\(alpha.err)")
        let range = try ExternalTool.run(binary, ["validate", dir.url("p.yaml"), "--set", "cleanse.max_reject_rate=-0.1"])
        #expect(range.status == 2)
        #expect(range.err.contains("cleanse.max_reject_rate must be a share between 0 and 1"), "\(range.err)")
    }
}

@Suite("panorama list: the stage kinds and a pipeline's stages")
struct ListCommandTests {
    @Test("list prints every registered kind with its parameters, defaults and tables, then the stages in run order")
    func list() throws {
        guard let binary = ExternalTool.panorama else {
            Issue.record("no built panorama binary under .build; `swift build` first")
            return
        }
        let dir = TempDir("list")
        dir.write("p.yaml", """
            name: t
            stages:
              - {id: report_en, kind: report, needs: [ingest], lang: en}
              - {id: ingest}

            """)
        let r = try ExternalTool.run(binary, ["list", dir.url("p.yaml")])
        #expect(r.status == 0, "\(r.err)")
        for kind in StageKinds.registry.kinds {
            #expect(r.out.contains("\n  \(kind.name) — \(kind.abstract)\n"), "\(kind.name)")
            for p in kind.parameters { #expect(r.out.contains("      \(p.name): \(p.help) (default: \(p.defaultValue))"), "\(p.name)") }
            if !kind.tables.isEmpty { #expect(r.out.contains("writes: " + kind.tables.map(\.name).joined(separator: ", "))) }
        }
        #expect(r.out.contains("  1. ingest\n  2. report_en (kind report) ← needs ingest\n       lang: \"en\"\n"), "\(r.out)")
        let bad = try ExternalTool.run(binary, ["list", dir.url("missing.yaml")])
        #expect(bad.status == 2)
    }
}
