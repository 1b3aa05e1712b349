import Foundation
import Testing
import PanoramaCore
import PanoramaTestSupport

/// A `panorama` child process started in the background, so a test can signal it, or find it
/// stopped (`PANORAMA_FAULT=…:stop`) while it holds the warehouse lock.
final class Child: @unchecked Sendable {
    let process = Process()
    private let err = Pipe()
    private var errData = Data()
    private let group = DispatchGroup()

    init?(_ args: [String], environment: [String: String] = [:], cwd: String) throws {
        guard let binary = ExternalTool.panorama else { return nil }
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = args
        process.currentDirectoryURL = URL(fileURLWithPath: cwd)
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = err
        try process.run()
        group.enter()
        DispatchQueue.global().async { [self] in
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
    }

    var pid: Int32 { process.processIdentifier }

    /// Waits until the process has stopped itself (state `T` in /proc); false after `timeout` seconds.
    func waitStopped(timeout: Double = 120) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
               let close = stat.range(of: ")", options: .backwards) {
                let state = stat[close.upperBound...].split(separator: " ").first
                if state == "T" || state == "t" { return true }
            }
            if !process.isRunning { return false }
            usleep(20_000)
        }
        return false
    }

    func signal(_ sig: Int32) { kill(pid, sig) }

    /// Waits for the end; the exit status (or signal) and stderr.
    func finish() -> (status: Int32, signaled: Bool, err: String) {
        process.waitUntilExit()
        group.wait()
        return (process.terminationStatus, process.terminationReason == .uncaughtSignal, String(decoding: errData, as: UTF8.self))
    }
}

/// The night shift as a scheduler and an operator see it: signals, the lock, plan, the sandbox and
/// conflicting options, each through the built binary with its exit code and message.
@Suite("Night shift: signals, the lock, plan, the sandbox", .serialized)
struct NightShiftCommandTests {
    let ref = NightReference.shared

    func ready() -> Bool {
        if let problem = ref.problem {
            Issue.record(Comment(rawValue: problem))
            return false
        }
        return true
    }

    func runLog(_ p: NightProject, _ err: String) -> JSONValue? {
        guard let line = err.split(separator: "\n").last(where: { $0.hasPrefix("run ") }),
              let range = line.range(of: "; run log ") else { return nil }
        return JSONValue.parse(Array((FileManager.default.contents(atPath: String(line[range.upperBound...])) ?? Data())))
    }

    /// After a stop: the stages done are whole and agree with their manifests, `plan` leaves no
    /// temporary file, and the next run completes the work.
    func expectRecoverable(_ p: NightProject, _ what: String) throws {
        #expect(ref.mixedPartitions(p).isEmpty && ref.halfPublishedStages(p).isEmpty && p.disagreements().isEmpty,
                "\(what): \(ref.mixedPartitions(p)) \(ref.halfPublishedStages(p)) \(p.disagreements())")
        guard let plan = try p.panorama(["plan", "CONFIG", "--months", NightProject.monthRange]) else { return }
        #expect(plan.status == 0 && p.leftovers().isEmpty, "\(what): \(p.leftovers()) \(plan.err)")
        guard let again = try p.panorama(["run", "CONFIG", "--months", NightProject.monthRange, "--quiet"]) else { return }
        #expect(again.status == 0, "\(what): \(again.err)")
        #expect(p.partitions() == ref.new.partitions(), "\(what): the next run did not complete the work")
    }

    // Renames of the first month: ingest 1 (record), 2 (manifest); cleanse 3 (record), 4–9 (its six
    // partitions: dim_customer, fact_usage, fact_survey, …), 10 (manifest). A fault at rename 5 or 6
    // falls inside cleanse's publish.

    @Test("SIGTERM or SIGINT during a publish: the publish completes, the run stops before the next stage, exit 143 or 130, run log `terminated`",
          arguments: [("term", Int32(143), "SIGTERM"), ("int", Int32(130), "SIGINT")])
    func signalDuringPublish(_ action: String, _ code: Int32, _ name: String) throws {
        guard ready() else { return }
        let p = try ref.oldWarehouseNewInput()
        guard let r = try p.panorama(["run", "CONFIG", "--months", NightProject.monthRange, "--quiet"],
                                     environment: ["PANORAMA_FAULT": "rename:5:\(action)"]) else { return }
        #expect(r.status == code && !r.signaled, "\(r.status) \(r.err)")
        #expect(r.err.contains("error: stopped by \(name) at stage `customer360` for 2026-01; its staged outputs were discarded, published outputs are whole"), "\(r.err)")
        #expect(r.err.contains("months not run after the stop: 2026-02"), "\(r.err)")
        let log = try #require(runLog(p, r.err))
        #expect(log["status"]?.stringValue == "terminated")
        #expect(log["exit_code"]?.intValue == Int(code))
        let stages = log["months"]?.arrayValue?[0]["stages"]?.arrayValue?.map { $0["status"]?.stringValue ?? "" }
        #expect(stages == ["ok", "ok", "terminated", "not_run", "not_run", "not_run", "not_run"], "\(String(describing: stages))")
        #expect(log["months"]?.arrayValue?[1]["status"]?.stringValue == "not_run")
        // cleanse of 2026-01 is the new version, whole; customer360 still the old one.
        let new = ref.new.partitions(), old = ref.old.partitions()
        #expect(p.partitions()["dim_customer/month=2026-01/part-0.csv"] == new["dim_customer/month=2026-01/part-0.csv"])
        #expect(p.partitions()["quarantine/month=2026-01/part-0.csv"] == new["quarantine/month=2026-01/part-0.csv"])
        #expect(p.partitions()["customer_360/month=2026-01/part-0.csv"] == old["customer_360/month=2026-01/part-0.csv"])
        #expect(p.leftovers().isEmpty, "\(p.leftovers())")
        try expectRecoverable(p, name)
    }

    @Test("a real SIGTERM from outside (and a second one) stops the run with exit 143 and a run log")
    func externalSignal() throws {
        guard ready() else { return }
        for twice in [false, true] {
            let p = try ref.oldWarehouseNewInput()
            guard let child = try Child(["run", p.config, "--months", NightProject.monthRange, "--quiet"],
                                        environment: ["PANORAMA_FAULT": "rename:6:stop"], cwd: p.path) else {
                Issue.record(Comment(rawValue: ExternalTool.notBuilt))
                return
            }
            #expect(child.waitStopped())
            child.signal(SIGTERM)
            child.signal(SIGCONT)
            if twice {
                usleep(20_000)
                child.signal(SIGTERM)
            }
            let r = child.finish()
            #expect(r.status == 143 && !r.signaled, "\(r.status) \(r.err)")
            #expect(r.err.contains("stopped by SIGTERM"), "\(r.err)")
            let logs = (try? FileManager.default.contentsOfDirectory(atPath: p.path + "/warehouse/_runs")) ?? []
            let newest = logs.sorted().last.flatMap { JSONValue.parse(p.dir.bytes("warehouse/_runs/" + $0) ?? []) }
            #expect(newest?["status"]?.stringValue == "terminated", "\(logs)")
            try expectRecoverable(p, twice ? "two SIGTERMs" : "SIGTERM")
        }
    }

    @Test("while a run holds the warehouse: plan names it, a second run exits 4 naming its pid, even with `_lock` deleted")
    func lockHeld() throws {
        guard ready() else { return }
        let p = try ref.oldWarehouseNewInput()
        guard let child = try Child(["run", p.config, "--months", NightProject.monthRange, "--quiet"],
                                    environment: ["PANORAMA_FAULT": "rename:1:stop"], cwd: p.path) else {
            Issue.record(Comment(rawValue: ExternalTool.notBuilt))
            return
        }
        #expect(child.waitStopped())
        guard let plan = try p.panorama(["plan", "CONFIG", "--month", "2026-01"]),
              let second = try p.panorama(["run", "CONFIG", "--month", "2026-01"]) else { return }
        #expect(plan.status == 0)
        #expect(plan.out.hasPrefix("a run is in progress on \(p.path)/warehouse (pid \(child.pid));"), "\(plan.out)")
        #expect(second.status == 4)
        #expect(second.err.contains("another run (pid \(child.pid)) holds the warehouse lock"), "\(second.err)")
        // Deleting the pid file does not open the warehouse: the lock is on the folder itself.
        try FileManager.default.removeItem(atPath: p.path + "/warehouse/_lock")
        guard let third = try p.panorama(["run", "CONFIG", "--month", "2026-01"]) else { return }
        #expect(third.status == 4, "\(third.err)")
        #expect(third.err.contains("holds the warehouse lock"), "\(third.err)")
        #expect(third.err.contains("pid \(child.pid)"), "the holder is named from /proc/locks: \(third.err)")
        child.signal(SIGCONT)
        let r = child.finish()
        #expect(r.status == 0, "\(r.err)")
        #expect(p.partitions() == ref.new.partitions())
    }

    @Test("many runs started at once: each either runs or exits 4 naming the pid of a run that holds the lock")
    func concurrentStarts() throws {
        guard ready() else { return }
        let p = try ref.oldWarehouseNewInput()
        _ = try p.panorama(["run", "CONFIG", "--months", NightProject.monthRange, "--quiet"])
        guard let binary = ExternalTool.panorama else { return }
        let n = 24
        final class Results: @unchecked Sendable {
            let lock = NSLock()
            var items: [(pid: Int32, status: Int32, err: String)] = []
        }
        let results = Results()
        // All started before any is waited for, so they race for the lock.
        var started: [(Process, Pipe)] = []
        for _ in 0..<n {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = ["run", p.config, "--months", NightProject.monthRange, "--quiet"]
            let err = Pipe()
            process.standardError = err
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            started.append((process, err))
        }
        for (process, err) in started {
            let data = err.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            results.items.append((process.processIdentifier, process.terminationStatus, String(decoding: data, as: UTF8.self)))
        }
        #expect(results.items.count == n)
        let pids = Set(results.items.map(\.pid))
        for r in results.items {
            #expect(r.status == 0 || r.status == 4, "\(r.status) \(r.err)")
            guard r.status == 4 else { continue }
            #expect(!r.err.contains("could not be read"), "\(r.err)")
            let holder = r.err.range(of: "another run (pid ").flatMap { Int32(r.err[$0.upperBound...].prefix { $0.isNumber }) }
            #expect(holder.map(pids.contains) == true, "the holder named is not one of the runs started: \(r.err)")
        }
        #expect(results.items.contains { $0.status == 0 })
    }

    @Test("plan gives the same answer from any working directory; manifests hold paths relative to the warehouse")
    func planFromTwoDirectories() throws {
        guard ready() else { return }
        let p = NightProject()
        try p.copy(warehouseOf: NightProject(), input: ref.new)
        // Run from the project folder with relative paths, then plan with absolute paths from elsewhere.
        p.dir.write("relative.yaml", NightProject.pipeline(".").replacingOccurrences(of: "./", with: ""))
        guard let run = try p.panorama(["run", "relative.yaml", "--months", NightProject.monthRange, "--quiet"]) else { return }
        #expect(run.status == 0, "\(run.err)")
        guard let here = try p.panorama(["plan", "relative.yaml", "--months", NightProject.monthRange]),
              let there = try p.panorama(["plan", p.config, "--months", NightProject.monthRange], cwd: "/") else { return }
        func states(_ out: String) -> [String] { out.split(separator: "\n").filter { $0.hasPrefix("  ") }.map(String.init) }
        #expect(states(here.out).count == 14)  // 7 stages × 2 months
        #expect(states(here.out) == states(there.out), "\(here.out)\n---\n\(there.out)")
        #expect(states(there.out).allSatisfy { $0.contains(" current ") }, "\(there.out)")
        let manifest = JSONValue.parse(p.dir.bytes("warehouse/_manifests/2026-01/cleanse.json") ?? [])
        #expect(manifest?["inputs"]?.arrayValue?.first?["path"]?.stringValue == "../input/2026-01/customers.csv")
    }

    @Test("run --sandbox writes every output, manifest and report under DIR and changes nothing in the warehouse or reports")
    func sandbox() throws {
        guard ready() else { return }
        let p = NightProject()
        try p.copy(warehouseOf: ref.new, input: ref.new)
        func checksums() -> [String: String] {
            Dictionary(uniqueKeysWithValues: p.files().map { ($0, SHA256Digest.hex(p.dir.bytes($0) ?? [])) })
        }
        let before = checksums()
        let box = TempDir("sandbox")
        guard let r = try p.panorama(["run", "CONFIG", "--month", "2026-02", "--from", "customer360", "--set", "customer360.high_value_arpu=100",
                                      "--sandbox", box.path]) else { return }
        #expect(r.status == 0, "\(r.err)")
        #expect(checksums() == before, "the configured warehouse or reports changed")
        for table in ["customer_360", "churn_watch", "kpi", "drivers"] {
            #expect(box.exists("warehouse/\(table)/month=2026-02/part-0.csv"), "\(table)")
        }
        #expect(!box.exists("warehouse/dim_customer/month=2026-02/part-0.csv"), "upstream partitions are read from the warehouse, not copied")
        #expect(box.exists("reports/2026-02/panorama.html") && box.exists("warehouse/_manifests/2026-02/report.json"))
        let manifest = JSONValue.parse(box.bytes("warehouse/_manifests/2026-02/customer360.json") ?? [])
        #expect(manifest?["parameters"]?["high_value_arpu"]?.intValue == 100)
        // The input came from the configured warehouse (stored relative to the sandbox's warehouse:
        // both lie in the same folder two levels up).
        let name = (p.path as NSString).lastPathComponent
        #expect(manifest?["inputs"]?.arrayValue?.first?["path"]?.stringValue == "../../\(name)/warehouse/dim_customer/month=2026-02/part-0.csv")
        #expect(p.dir.bytes("warehouse/customer_360/month=2026-02/part-0.csv") != box.bytes("warehouse/customer_360/month=2026-02/part-0.csv"))
        // The same what-if again is current in the sandbox.
        guard let again = try p.panorama(["run", "CONFIG", "--month", "2026-02", "--from", "customer360", "--set", "customer360.high_value_arpu=100",
                                          "--sandbox", box.path]) else { return }
        #expect(again.status == 0 && again.err.contains("stages 0 ok, 5 skipped, 0 failed"), "\(again.err)")
        #expect(checksums() == before)
        // A sandbox inside the warehouse is refused.
        guard let inside = try p.panorama(["run", "CONFIG", "--sandbox", p.path + "/warehouse/try"]) else { return }
        #expect(inside.status == 2 && inside.err.contains("overlaps \(p.path)/warehouse"), "\(inside.err)")
    }

    @Test("a stage never reads an upstream whose publish is incomplete: the sandbox refuses it with exit 2 and the command to run")
    func incompleteUpstream() throws {
        guard ready() else { return }
        let p = try ref.oldWarehouseNewInput()
        // Killed inside cleanse's publish of 2026-01: the record stays in the configured warehouse.
        guard let killed = try p.panorama(["run", "CONFIG", "--month", "2026-01", "--quiet"], environment: ["PANORAMA_FAULT": "rename:5:kill"]) else { return }
        #expect(killed.signaled)
        let box = TempDir("sandbox")
        guard let r = try p.panorama(["run", "CONFIG", "--month", "2026-01", "--stage", "customer360", "--sandbox", box.path]) else { return }
        #expect(r.status == 2, "\(r.err)")
        #expect(r.err.contains("stage `customer360` for 2026-01 needs stage `cleanse` for 2026-01, whose publish in the configured warehouse \(p.path)/warehouse was interrupted and is incomplete; run `panorama plan \(p.config) --month 2026-01` (or any `panorama run`) on that warehouse to complete or undo it first"), "\(r.err)")
        guard let plan = try p.panorama(["plan", "CONFIG", "--month", "2026-01"]) else { return }
        #expect(plan.err.contains("warning: completed the interrupted publish of stage `cleanse` for 2026-01"), "\(plan.err)")
        guard let r2 = try p.panorama(["run", "CONFIG", "--month", "2026-01", "--stage", "customer360", "--sandbox", box.path]) else { return }
        #expect(r2.status == 0, "\(r2.err)")
    }

    @Test("recovery undoes a publish whose staged file is damaged, and drops the manifest of one it cannot undo")
    func recoveryRollsBack() throws {
        guard ready() else { return }
        // Killed before rename 6: dim_customer and fact_usage of 2026-01 are new, the other three staged.
        let p = try ref.oldWarehouseNewInput()
        guard let killed = try p.panorama(["run", "CONFIG", "--month", "2026-01", "--quiet"], environment: ["PANORAMA_FAULT": "rename:6:kill"]) else { return }
        #expect(killed.signaled)
        let staged = p.files().filter { $0.hasPrefix("warehouse/fact_survey/month=2026-01/") && $0.contains(".tmp-") }
        #expect(staged.count == 1)
        p.dir.write(staged[0], "damaged\n")
        guard let plan = try p.panorama(["plan", "CONFIG", "--month", "2026-01"]) else { return }
        #expect(plan.err.contains("warning: undid the interrupted publish of stage `cleanse` for 2026-01"), "\(plan.err)")
        #expect(plan.err.contains("is damaged (its SHA-256 differs from the record); the previous outputs are kept"), "\(plan.err)")
        #expect(p.leftovers().isEmpty && p.disagreements().isEmpty, "\(p.leftovers()) \(p.disagreements())")
        #expect(p.partitions()["dim_customer/month=2026-01/part-0.csv"] == ref.old.partitions()["dim_customer/month=2026-01/part-0.csv"])
        #expect(ref.halfPublishedStages(p).isEmpty)

        // The same, but the previous version of a replaced partition is gone too: cleanse cannot be
        // put back, so its manifest goes and the stage counts as not run.
        let q = try ref.oldWarehouseNewInput()
        guard let killed2 = try q.panorama(["run", "CONFIG", "--month", "2026-01", "--quiet"], environment: ["PANORAMA_FAULT": "rename:6:kill"]) else { return }
        #expect(killed2.signaled)
        for f in q.files() where f.hasPrefix("warehouse/fact_survey/month=2026-01/") && f.contains(".tmp-") { q.dir.write(f, "damaged\n") }
        for f in q.files() where f.hasPrefix("warehouse/dim_customer/month=2026-01/") && f.contains(".prev-") { q.dir.remove(f) }
        guard let plan2 = try q.panorama(["plan", "CONFIG", "--month", "2026-01"]) else { return }
        #expect(plan2.err.contains("could not undo the interrupted publish of stage `cleanse` for 2026-01"), "\(plan2.err)")
        #expect(plan2.err.contains("its manifest was removed, so the stage counts as not run for 2026-01: run it again"), "\(plan2.err)")
        #expect(plan2.out.contains("  cleanse        missing    no manifest for 2026-01"), "\(plan2.out)")
        #expect(q.leftovers().isEmpty && q.disagreements().isEmpty, "\(q.leftovers()) \(q.disagreements())")
        guard let run = try q.panorama(["run", "CONFIG", "--months", NightProject.monthRange, "--quiet"]) else { return }
        #expect(run.status == 0 && q.partitions() == ref.new.partitions(), "\(run.err)")
    }

    @Test("conflicting selections exit 2 with a message: --from after --until, --month with --months, an empty stages list",
          arguments: [
            (["run", "CONFIG", "--month", "2026-01", "--from", "report", "--until", "ingest"],
             "--from report --until ingest select no stage: no stage is in all of them"),
            (["plan", "CONFIG", "--month", "2026-01", "--from", "report", "--until", "ingest"],
             "--from report --until ingest select no stage: no stage is in all of them"),
            (["plan", "CONFIG", "--month", "2026-01", "--months", "2026-01..2026-02"],
             "panorama plan: `--month 2026-01` and `--months 2026-01..2026-02` cannot be used together"),
            (["run", "EMPTY", "--month", "2026-01"], "empty.yaml:2:9: the `stages:` list is empty; list at least one stage"),
            (["plan", "EMPTY", "--month", "2026-01"], "empty.yaml:2:9: the `stages:` list is empty; list at least one stage"),
          ])
    func conflictingOptions(_ args: [String], _ message: String) throws {
        let p = NightProject()
        p.dir.write("empty.yaml", "name: x\nstages: []\n")
        guard let r = try p.panorama(args.map { $0 == "EMPTY" ? p.path + "/empty.yaml" : $0 }) else { return }
        #expect(r.status == 2, "\(r.err)")
        #expect(r.err.contains(message), "\(r.err)")
        #expect(!FileManager.default.fileExists(atPath: p.path + "/warehouse"))
    }
}
