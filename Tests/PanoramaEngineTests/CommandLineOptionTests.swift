import Foundation
import Testing

/// Options the commands refuse before doing anything: unknown, conflicting, repeated, missing.
@Suite("Command line options: unknown, conflicting and repeated ones exit 2")
struct CommandLineOptionTests {
    /// A pipeline whose deliveries are missing: a run that gets past its options exits 3, so an exit 2
    /// below is the option check and not the run.
    func workspace() -> Workspace {
        let ws = Workspace()
        ws.write("p.yaml", """
        name: t
        paths: {input: \(ws.path)/input/{month}, warehouse: \(ws.path)/warehouse}
        stages:
          - {id: ingest}
          - {id: cleanse, needs: [ingest]}
        """)
        return ws
    }

    @Test("an unknown option names the command and suggests the closest option")
    func unknownOption() throws {
        let ws = workspace()
        guard let a = try CommandLineTests.run(["generate", "--out", "g", "--start", "2026-01", "--customer", "5"], in: ws.path),
              let b = try CommandLineTests.run(["plan", "--stages", "ingest"]),
              let c = try CommandLineTests.run(["plan", "--xyz"]),
              let d = try CommandLineTests.run(["valdate"]) else { return }
        #expect(a.code == 2 && a.err.contains("panorama generate: unknown option --customer; did you mean --customers?"), "\(a.err)")
        #expect(a.err.contains("see `panorama generate --help`"), "\(a.err)")
        #expect(b.code == 2 && b.err.contains("panorama plan: unknown option --stages; did you mean --stage?"), "\(b.err)")
        #expect(c.code == 2 && c.err.contains("panorama plan: unknown option --xyz") && !c.err.contains("did you mean"), "\(c.err)")
        #expect(d.code == 2 && d.err.contains("unknown command `valdate`; did you mean `validate`?"), "\(d.err)")
        #expect(!FileManager.default.fileExists(atPath: ws.path + "/g"))
    }

    @Test("--month together with --months is refused with exit 2, in either order")
    func monthAndMonths() throws {
        let ws = workspace()
        let config = ws.path + "/p.yaml"
        guard let a = try CommandLineTests.run(["run", config, "--month", "2026-01", "--months", "2026-01..2026-03"]),
              let b = try CommandLineTests.run(["run", config, "--months=2026-01..2026-03", "--month=2026-01"]) else { return }
        #expect(a.code == 2, "\(a.err)")
        #expect(a.err.contains("panorama run: `--month 2026-01` and `--months 2026-01..2026-03` cannot be used together; give either --month or --months"), "\(a.err)")
        #expect(b.code == 2 && b.err.contains("`--months 2026-01..2026-03` and `--month 2026-01` cannot be used together"), "\(b.err)")
        #expect(!FileManager.default.fileExists(atPath: ws.path + "/warehouse"))
    }

    @Test("a non-repeatable option given twice is refused with exit 2 naming both values",
          arguments: [
            (["run", "CONFIG", "--month", "2026-01", "--month", "2026-02"], "--month given twice (`2026-01`, then `2026-02`)"),
            (["run", "CONFIG", "--months", "2026-01..2026-02", "--months=2026-03..2026-04"],
             "--months given twice (`2026-01..2026-02`, then `2026-03..2026-04`)"),
            (["run", "CONFIG", "--month", "2026-10", "--from", "ingest", "--from", "cleanse"], "--from given twice (`ingest`, then `cleanse`)"),
            (["run", "CONFIG", "--month", "2026-10", "--quiet", "--quiet"], "--quiet given twice; give it once"),
            (["plan", "CONFIG", "--month", "2026-10", "--month", "2026-11"], "--month given twice (`2026-10`, then `2026-11`)"),
            (["generate", "--out", "g", "--start", "2026-01", "--seed", "1", "--seed", "2"], "--seed given twice (`1`, then `2`)"),
          ])
    func repeated(_ args: [String], _ message: String) throws {
        let ws = workspace()
        let args = args.map { $0 == "CONFIG" ? ws.path + "/p.yaml" : $0 }
        guard let r = try CommandLineTests.run(args, in: ws.path) else { return }
        #expect(r.code == 2, "\(r.err)")
        #expect(r.err.contains("panorama \(args[0]): " + message), "\(r.err)")
        #expect(r.err.contains("usage: panorama \(args[0])"), "\(r.err)")
        #expect(!FileManager.default.fileExists(atPath: ws.path + "/warehouse") && !FileManager.default.fileExists(atPath: ws.path + "/g"))
    }

    @Test("repeatable options may be given several times; validate accepts --set")
    func repeatable() throws {
        let ws = workspace()
        guard let r = try CommandLineTests.run(["run", ws.path + "/p.yaml", "--month", "2026-10", "--stage", "ingest", "--stage", "cleanse",
                                                "--set", "cleanse.max_reject_rate=0.1", "--set", "cleanse.max_reject_rate=0.2"]),
              let v = try CommandLineTests.run(["validate", "pipelines/nightly.yaml", "--set", "cleanse.max_reject_rate=0.1",
                                                "--set=cleanse.max_reject_rate=0.2"]) else { return }
        #expect(r.code == 3 && r.err.contains("customers.csv does not exist"), "\(r.err)")
        #expect(v.code == 0 && v.out.contains("pipelines/nightly.yaml: ok"), "\(v.err)")
    }

    @Test("a missing value, a value given to a flag, an extra argument or a missing required option exit 2")
    func malformed() throws {
        guard let a = try CommandLineTests.run(["run", "--month"]), let b = try CommandLineTests.run(["run", "--month", "--quiet"]),
              let c = try CommandLineTests.run(["run", "--quiet=yes"]), let d = try CommandLineTests.run(["plan", "a.yaml", "2026-10"]),
              let e = try CommandLineTests.run(["generate", "--start", "2026-01"]),
              let f = try CommandLineTests.run(["version", "--verbose"]) else { return }
        #expect(a.code == 2 && a.err.contains("panorama run: --month needs a value: `--month M`"), "\(a.err)")
        #expect(b.code == 2 && b.err.contains("--month needs a value"), "\(b.err)")
        #expect(c.code == 2 && c.err.contains("--quiet is a flag and takes no value"), "\(c.err)")
        #expect(d.code == 2 && d.err.contains("panorama plan takes one CONFIG, got a.yaml 2026-10"), "\(d.err)")
        #expect(e.code == 2 && e.err.contains("panorama generate needs --out DIR"), "\(e.err)")
        #expect(f.code == 2 && f.err.contains("panorama version: unknown option --verbose"), "\(f.err)")
    }
}
