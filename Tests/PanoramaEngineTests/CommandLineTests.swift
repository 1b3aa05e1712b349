import Foundation
import Testing
import PanoramaTestSupport

/// The `panorama` executable: exit codes and messages as a scheduler sees them.
@Suite("Command line exit codes")
struct CommandLineTests {
    func run(_ args: [String], in dir: String? = nil) throws -> (code: Int32, out: String, err: String)? {
        try Self.run(args, in: dir)
    }

    /// Runs the built `panorama` with `args` in `dir` (the package root by default); nil (and a
    /// recorded issue) when it has not been built.
    static func run(_ args: [String], in dir: String? = nil) throws -> (code: Int32, out: String, err: String)? {
        guard let r = try ExternalTool.runPanorama(args, in: dir) else {
            Issue.record(Comment(rawValue: ExternalTool.notBuilt))
            return nil
        }
        return (r.status, r.out, r.err)
    }

    @Test("validate accepts the shipped pipeline")
    func validateShipped() throws {
        guard let r = try run(["validate", "pipelines/nightly.yaml"]) else { return }
        #expect(r.code == 0)
        #expect(r.out.contains("ingest → cleanse → customer360 → kpi → drivers → outcomes → report"))
    }

    @Test("a config error exits 2 with file:line:column and a suggestion")
    func configError() throws {
        let ws = Workspace()
        ws.write("bad.yaml", "name: x\nstages:\n  - {id: ingest}\n  - {id: cleanse, needs: [ingest], max_rejet_rate: 0.1}\n")
        guard let r = try run(["validate", ws.path + "/bad.yaml"]) else { return }
        #expect(r.code == 2)
        #expect(r.err.contains("bad.yaml:4:36: unknown key `max_rejet_rate`"))
        #expect(r.err.contains("did you mean `max_reject_rate`?"))
    }

    @Test("usage errors exit 2: unknown command, unknown option, bad month")
    func usageErrors() throws {
        guard let a = try run(["frobnicate"]), let b = try run(["run", "--mnth", "2026-10"]),
              let c = try run(["run", "--month", "2026-13"]) else { return }
        #expect(a.code == 2 && a.err.contains("unknown command `frobnicate`"))
        #expect(b.code == 2 && b.err.contains("unknown option --mnth; did you mean --month?"))
        #expect(c.code == 2 && c.err.contains("--month expects YYYY-MM"))
    }

    @Test("a missing delivery exits 3; plan lists every stage")
    func missingInputAndPlan() throws {
        let ws = Workspace()
        ws.write("p.yaml", """
        name: t
        paths: {input: \(ws.path)/input/{month}, warehouse: \(ws.path)/warehouse}
        stages:
          - {id: ingest}
          - {id: cleanse, needs: [ingest]}
        """)
        guard let r = try run(["run", ws.path + "/p.yaml", "--month", "2026-10"]),
              let plan = try run(["plan", ws.path + "/p.yaml", "--month", "2026-10"]) else { return }
        #expect(r.code == 3)
        #expect(r.err.contains("customers.csv does not exist"))
        #expect(plan.code == 0)
        #expect(plan.out.contains("ingest") && plan.out.contains("missing"))
    }
}
