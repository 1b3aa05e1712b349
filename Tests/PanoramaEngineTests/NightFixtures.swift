import Foundation
import Testing
import PanoramaCore
import PanoramaGenerate
import PanoramaTestSupport

/// Two versions of a small warehouse for the crash, fault and signal tests: `old` made from one
/// generated delivery (seed 1), `new` from another (seed 2), both for two months through the whole
/// pipeline, by the built `panorama`. A test copies `old` with the seed-2 deliveries into a fresh
/// project, so that every stage re-runs and each partition is either the old or the new version.
final class NightProject: @unchecked Sendable {
    let dir = TempDir("night")
    var path: String { dir.path }
    var config: String { path + "/pipeline.yaml" }

    static let months = ["2026-01", "2026-02"]
    static let monthRange = "2026-01..2026-02"

    /// The pipeline text for a project folder (absolute paths).
    static func pipeline(_ root: String, extraStages: String = "") -> String {
        """
        name: night
        province: 河北
        paths: {input: \(root)/input/{month}, warehouse: \(root)/warehouse, reports: \(root)/reports/{month}}
        stages:
          - {id: ingest}
          - {id: cleanse, needs: [ingest], max_reject_rate: 0.5}
          - {id: customer360, needs: [cleanse]}
          - {id: kpi, needs: [customer360]}
          - {id: drivers, needs: [customer360]}
          - {id: outcomes, needs: [customer360]}
          - {id: report, needs: [kpi, drivers, outcomes]}
        \(extraStages)
        """
    }

    init() {
        dir.write("pipeline.yaml", NightProject.pipeline(dir.path))
    }

    /// Runs the built binary on this project.
    func panorama(_ args: [String], environment: [String: String]? = nil, cwd: String? = nil) throws -> ExternalTool.Result? {
        try ExternalTool.runPanorama(args.map { $0 == "CONFIG" ? config : $0 }, in: cwd ?? path, environment: environment, timeout: 300)
    }

    /// Every file under the warehouse and the reports folder, by path relative to the project.
    func files() -> [String] {
        var out: [String] = []
        for top in ["warehouse", "reports"] {
            guard let walker = FileManager.default.enumerator(atPath: path + "/" + top) else { continue }
            while let item = walker.nextObject() as? String {
                var isDir: ObjCBool = false
                if FileManager.default.fileExists(atPath: path + "/" + top + "/" + item, isDirectory: &isDir), !isDir.boolValue {
                    out.append(top + "/" + item)
                }
            }
        }
        return out.sorted()
    }

    /// Partition files (relative to the warehouse) and their bytes.
    func partitions() -> [String: [UInt8]] {
        var out: [String: [UInt8]] = [:]
        for f in files() where f.hasPrefix("warehouse/") && f.hasSuffix("/part-0.csv") {
            out[String(f.dropFirst("warehouse/".count))] = dir.bytes(f)
        }
        return out
    }

    /// Temporary files, kept previous versions and publish records anywhere in the project's outputs.
    func leftovers() -> [String] {
        files().filter { $0.contains(".tmp-") || $0.contains(".prev-") || $0.hasPrefix("warehouse/_journal/") }
    }

    /// The manifests (`month/stage.json` → parsed).
    func manifests() -> [String: JSONValue] {
        var out: [String: JSONValue] = [:]
        for f in files() where f.hasPrefix("warehouse/_manifests/") && f.hasSuffix(".json") && !f.contains(".tmp-") && !f.contains(".prev-") {
            out[String(f.dropFirst("warehouse/_manifests/".count))] = JSONValue.parse(dir.bytes(f) ?? [])
        }
        return out
    }

    /// Every way a manifest disagrees with the files it lists (SHA-256 and, for partitions, rows).
    func disagreements() -> [String] {
        var out: [String] = []
        for (name, manifest) in manifests() {
            guard let outputs = manifest["outputs"]?.arrayValue else {
                out.append("\(name) cannot be read")
                continue
            }
            for o in outputs {
                let stored = o["path"]?.stringValue ?? ""
                let file = stored.hasPrefix("/") ? stored : path + "/warehouse/" + stored
                guard let bytes = FileManager.default.contents(atPath: file).map({ [UInt8]($0) }) else {
                    out.append("\(name) lists \(stored), which is missing")
                    continue
                }
                if SHA256Digest.hex(bytes) != o["sha256"]?.stringValue { out.append("\(name): \(stored) differs from its sha256") }
                if o["kind"]?.stringValue == "table", let rows = o["rows"]?.intValue {
                    let found = (try? ColumnarTable.parse(bytes, name: file, columns: nil))?.rowCount ?? -1
                    if found != rows { out.append("\(name): \(stored) has \(found) rows, the manifest says \(rows)") }
                }
            }
        }
        return out.sorted()
    }

    /// Copies another project's warehouse (and reports) and the given inputs into this one.
    func copy(warehouseOf other: NightProject, input: NightProject) throws {
        for top in ["warehouse", "reports"] where FileManager.default.fileExists(atPath: other.path + "/" + top) {
            try FileManager.default.copyItem(atPath: other.path + "/" + top, toPath: path + "/" + top)
        }
        try FileManager.default.copyItem(atPath: input.path + "/input", toPath: path + "/input")
    }

    /// Generates two months of deliveries.
    func generate(seed: UInt64, customers: Int = 500) throws {
        _ = try SyntheticDeliveryGenerator(options: GeneratorOptions(start: NightProject.months[0], months: 2, customers: customers,
                                                                     seed: seed, encoding: "utf-8", dirtyRate: 0.01))
            .write(to: URL(fileURLWithPath: path + "/input"))
    }
}

/// The old and new reference projects, built once per test process.
final class NightReference: @unchecked Sendable {
    let old = NightProject()
    let new = NightProject()
    let problem: String?

    private init() {
        var problem: String?
        do {
            try old.generate(seed: 1)
            try new.generate(seed: 2)
            for p in [old, new] {
                guard let r = try p.panorama(["run", "CONFIG", "--months", NightProject.monthRange, "--quiet"]) else {
                    problem = ExternalTool.notBuilt
                    break
                }
                if r.status != 0 { problem = "the reference run failed: \(r.err)" }
            }
        } catch {
            problem = "\(error)"
        }
        self.problem = problem
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var built: NightReference?

    /// The references (built on first use).
    static var shared: NightReference {
        lock.lock()
        defer { lock.unlock() }
        if let built { return built }
        let made = NightReference()
        built = made
        return made
    }

    /// A fresh project holding the old warehouse and the new deliveries.
    func oldWarehouseNewInput() throws -> NightProject {
        let p = NightProject()
        try p.copy(warehouseOf: old, input: new)
        return p
    }

    /// Partitions that are neither the old nor the new version.
    func mixedPartitions(_ p: NightProject) -> [String] {
        let before = old.partitions(), after = new.partitions()
        return p.partitions().compactMap { name, bytes in
            bytes == before[name] || bytes == after[name] ? nil : name
        }.sorted()
    }

    /// Stages (`month/stage`) whose partitions are part old, part new.
    func halfPublishedStages(_ p: NightProject) -> [String] {
        let before = old.partitions(), after = new.partitions()
        var out: [String] = []
        for (name, manifest) in p.manifests() {
            let tables = (manifest["outputs"]?.arrayValue ?? []).filter { $0["kind"]?.stringValue == "table" }.compactMap { $0["path"]?.stringValue }
            let versions = Set(tables.compactMap { t -> String? in
                let bytes = p.dir.bytes("warehouse/" + t)
                if bytes == after[t] && bytes == before[t] { return nil }
                return bytes == after[t] ? "new" : bytes == before[t] ? "old" : "other"
            })
            if versions.count > 1 { out.append(name) }
        }
        return out.sorted()
    }
}
