import Foundation
import Testing
import PanoramaCore
import PanoramaTestSupport

/// SPEC §3: a stage's partitions for a month and its manifest change together or not at all. A real
/// `panorama run` over two months (every stage re-running on new deliveries over an old warehouse)
/// is failed at each of its renames and manifest writes in turn — with EIO (`PANORAMA_FAULT=rename:N`)
/// and by SIGKILL just before the call (`rename:N:kill`) — and after each failure, and after the next
/// command, the warehouse must hold whole stages only, manifests that agree with their files, and no
/// temporary file; the run after that must repair everything.
@Suite("Publishing is a transaction: a fault at every rename and manifest write", .serialized)
struct PublishFaultTests {
    let ref = NightReference.shared

    /// The renames and manifest writes of the two-month run, counted by the binary itself.
    func countCalls() throws -> (renames: Int, manifests: Int)? {
        let p = try ref.oldWarehouseNewInput()
        guard let r = try p.panorama(["run", "CONFIG", "--months", NightProject.monthRange, "--quiet"],
                                     environment: ["PANORAMA_FAULT": "rename:1000000"]) else { return nil }
        #expect(r.status == 0, "\(r.err)")
        // "PANORAMA_FAULT=rename:1000000: calls counted: rename 59, manifest 12; injected: none"
        guard let line = r.err.split(separator: "\n").first(where: { $0.contains("calls counted:") }) else {
            Issue.record("no fault summary on stderr: \(r.err)")
            return nil
        }
        func count(_ word: String) -> Int? {
            guard let range = line.range(of: word + " ") else { return nil }
            return Int(line[range.upperBound...].prefix { $0.isNumber })
        }
        guard let renames = count("rename"), let manifests = count("manifest") else { return nil }
        return (renames, manifests)
    }

    /// What must hold once a faulty run is over (`afterFailure`: right after it; otherwise after the
    /// next command): whole stages, agreeing manifests, and — after the next command — no leftovers.
    func expectConsistent(_ p: NightProject, _ fault: String, leftoversAllowed: Bool) {
        #expect(ref.mixedPartitions(p).isEmpty, "\(fault): partitions neither old nor new: \(ref.mixedPartitions(p))")
        #expect(ref.halfPublishedStages(p).isEmpty, "\(fault): half-published stages: \(ref.halfPublishedStages(p))")
        #expect(p.disagreements().isEmpty, "\(fault): manifests disagree with their files: \(p.disagreements())")
        if !leftoversAllowed {
            #expect(p.leftovers().isEmpty, "\(fault): left over: \(p.leftovers())")
        }
    }

    /// Runs the faulty run, then `plan` (which completes or undoes what was interrupted), then a
    /// clean run, checking the warehouse after each.
    func exercise(_ fault: String, killed: Bool) throws {
        guard ref.problem == nil else {
            Issue.record(Comment(rawValue: ref.problem!))
            return
        }
        let p = try ref.oldWarehouseNewInput()
        guard let failed = try p.panorama(["run", "CONFIG", "--months", NightProject.monthRange, "--quiet"],
                                          environment: ["PANORAMA_FAULT": fault]) else { return }
        if killed {
            #expect(failed.signaled && failed.status == SIGKILL, "\(fault): \(failed.status) \(failed.err)")
        } else {
            #expect(failed.status == 0 || failed.status == 1, "\(fault): exit \(failed.status): \(failed.err)")
            if failed.status == 1 {
                #expect(failed.err.contains("publishing stage"), "\(fault): \(failed.err)")
                #expect(failed.err.contains("put back as it was") || failed.err.contains("failed before any file was replaced"),
                        "\(fault): \(failed.err)")
            } else {
                #expect(failed.err.contains("could not write the run log"), "\(fault): \(failed.err)")
            }
            // An I/O error is undone at once: nothing to repair, only temporaries may remain.
            expectConsistent(p, fault, leftoversAllowed: false)
        }
        guard let plan = try p.panorama(["plan", "CONFIG", "--months", NightProject.monthRange]) else { return }
        #expect(plan.status == 0, "\(fault): plan: \(plan.err)")
        expectConsistent(p, fault + " then plan", leftoversAllowed: false)
        guard let again = try p.panorama(["run", "CONFIG", "--months", NightProject.monthRange, "--quiet"]) else { return }
        #expect(again.status == 0, "\(fault): the next run: \(again.err)")
        #expect(p.partitions() == ref.new.partitions(), "\(fault): the next run did not repair every partition")
        expectConsistent(p, fault + " then run", leftoversAllowed: false)
    }

    @Test("EIO at each rename and each manifest write: the stage is undone at once, the next run repairs it")
    func ioErrorAtEveryCall() throws {
        guard ref.problem == nil else {
            Issue.record(Comment(rawValue: ref.problem!))
            return
        }
        guard let counts = try countCalls() else { return }
        // Each stage renames its publish record, its partitions (report: its files) and its manifest:
        // 2 months × (ingest 2 + cleanse 8 + customer360 6 + kpi 3 + drivers 4 + outcomes 3 + report 7),
        // less outcomes of 2026-01, which is current (no lists of 2025-12 in either version) and
        // skipped, plus the run log: 64 renames and 13 manifest writes.
        #expect(counts.renames >= 60 && counts.manifests >= 12, "\(counts)")
        for n in 1...counts.renames { try exercise("rename:\(n)", killed: false) }
        for n in 1...counts.manifests { try exercise("manifest:\(n)", killed: false) }
    }

    @Test("SIGKILL just before each rename and each manifest write: the next command completes or undoes the publish")
    func killAtEveryCall() throws {
        guard ref.problem == nil else {
            Issue.record(Comment(rawValue: ref.problem!))
            return
        }
        guard let counts = try countCalls() else { return }
        for n in 1...counts.renames { try exercise("rename:\(n):kill", killed: true) }
        for n in 1...counts.manifests { try exercise("manifest:\(n):kill", killed: true) }
    }
}
