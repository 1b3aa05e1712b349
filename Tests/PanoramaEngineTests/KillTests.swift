import Foundation
import Testing
import PanoramaTestSupport
import PanoramaCore
import PanoramaGenerate

/// A real `panorama` child process killed with SIGKILL in the middle of its stages must leave every
/// published partition whole: byte for byte either the previous version or the new one.
@Suite("SIGKILL in the middle of a run", .serialized)
struct KillTests {
    static var binary: String? { ExternalTool.panorama }

    func writeConfig(_ ws: Workspace) {
        ws.write("pipeline.yaml", """
        name: kill-test
        province: 河北
        paths: {input: \(ws.path)/input/{month}, warehouse: \(ws.path)/warehouse, reports: \(ws.path)/reports/{month}}
        stages:
          - {id: ingest}
          - {id: cleanse, needs: [ingest]}
          - {id: customer360, needs: [cleanse]}
          - {id: kpi, needs: [customer360]}
          - {id: drivers, needs: [customer360]}
          - {id: report, needs: [kpi, drivers]}
        """)
    }

    func generate(_ ws: Workspace, seed: UInt64) throws {
        try? FileManager.default.removeItem(atPath: ws.path + "/input")
        _ = try SyntheticDeliveryGenerator(options: GeneratorOptions(start: "2026-01", months: 1, customers: 40_000, seed: seed,
                                                                     encoding: "utf-8", dirtyRate: 0.01))
            .write(to: URL(fileURLWithPath: ws.path + "/input"))
    }

    /// Starts the binary; returns the process.
    func start(_ binary: String, _ ws: Workspace) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = ["run", ws.path + "/pipeline.yaml", "--month", "2026-01", "--quiet"]
        p.standardError = FileHandle.nullDevice
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        return p
    }

    /// Every partition file under the warehouse, by relative path.
    func partitions(_ root: String) -> [String: [UInt8]] {
        var out: [String: [UInt8]] = [:]
        guard let walker = FileManager.default.enumerator(atPath: root) else { return out }
        while let item = walker.nextObject() as? String {
            guard item.hasSuffix("part-0.csv") else { continue }
            out[item] = [UInt8](FileManager.default.contents(atPath: root + "/" + item) ?? Data())
        }
        return out
    }

    @Test("killed at several points, each partition equals the old or the new version; the next run completes")
    func killMidRun() throws {
        guard let binary = Self.binary else {
            Issue.record("no built panorama binary under .build; `swift build` first")
            return
        }
        // Old and new versions of every partition, from complete runs on two deliveries.
        let old = Workspace(), new = Workspace()
        for (ws, seed) in [(old, UInt64(1)), (new, UInt64(2))] {
            writeConfig(ws)
            try generate(ws, seed: seed)
            let p = try start(binary, ws)
            p.waitUntilExit()
            #expect(p.terminationStatus == 0)
        }
        let before = partitions(old.path + "/warehouse"), after = partitions(new.path + "/warehouse")
        #expect(before.count >= 12)
        #expect(before.keys.sorted() == after.keys.sorted())

        for delay in [0.15, 0.5, 1.0, 2.0, 3.5] {
            let ws = Workspace()
            writeConfig(ws)
            try FileManager.default.copyItem(atPath: old.path + "/warehouse", toPath: ws.path + "/warehouse")
            try FileManager.default.copyItem(atPath: new.path + "/input", toPath: ws.path + "/input")
            let p = try start(binary, ws)
            Thread.sleep(forTimeInterval: delay)
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            for (name, bytes) in partitions(ws.path + "/warehouse") {
                #expect(bytes == before[name] || bytes == after[name], "\(name) is neither the old nor the new partition after a kill at \(delay) s")
            }
            // The next run takes over the lock, clears the dead run's temporaries and finishes.
            let again = try start(binary, ws)
            again.waitUntilExit()
            #expect(again.terminationStatus == 0)
            let leftovers = FileManager.default.enumerator(atPath: ws.path + "/warehouse")?.allObjects.compactMap { $0 as? String }
                .filter { $0.contains(".tmp-") } ?? []
            #expect(leftovers.isEmpty)
            #expect(partitions(ws.path + "/warehouse") == after)
        }
    }
}
