import PanoramaConfig
import PanoramaCore

/// `panorama plan`: for each stage in order, whether its outputs for a month exist and are current
/// against the checksums of its inputs recorded in its manifest.
public struct PlanEntry: Sendable {
    public var stage: String
    public var kind: String
    /// `current`, `stale`, `missing` or `failed`.
    public var state: String
    public var reason: String
}

public enum Planner {
    public static func plan(_ config: PipelineConfig, month: Month) -> [PlanEntry] {
        let warehouse = Warehouse(root: config.warehousePath)
        var entries: [PlanEntry] = []
        var states: [String: String] = [:]
        for id in config.orderedStageIds {
            guard let stage = config.stage(id) else { continue }
            var entry = PlanEntry(stage: id, kind: stage.kind, state: "current", reason: "")
            if let manifest = warehouse.manifest(month, stage: id) {
                if manifest.status != .ok {
                    entry.state = "failed"
                    entry.reason = manifest.error ?? "the last run of this stage failed"
                } else if let changed = firstChanged(manifest.inputs) {
                    entry.state = "stale"
                    entry.reason = "input \(changed) changed since run \(manifest.runId)"
                } else if let changed = firstChanged(manifest.outputs) {
                    entry.state = "stale"
                    entry.reason = "output \(changed) was modified or removed"
                } else if let up = stage.needs.first(where: { states[$0] != "current" }) {
                    entry.state = "stale"
                    entry.reason = "upstream stage `\(up)` is \(states[up] ?? "missing")"
                } else if let up = stage.needs.first(where: { upstreamNewer(warehouse, month, $0, than: manifest) }) {
                    entry.state = "stale"
                    entry.reason = "upstream stage `\(up)` ran after it"
                } else {
                    entry.reason = "run \(manifest.runId) at \(manifest.finished)"
                }
            } else {
                entry.state = "missing"
                entry.reason = "no manifest for \(month)"
            }
            states[id] = entry.state
            entries.append(entry)
        }
        return entries
    }

    /// The path of the first recorded file whose checksum differs from the file now on disk.
    static func firstChanged(_ files: [LineageEntry]) -> String? {
        for f in files {
            guard let bytes = try? FileIO.read(f.path) else { return f.path }
            if SHA256Digest.hex(bytes) != f.sha256 { return f.path }
        }
        return nil
    }

    static func upstreamNewer(_ warehouse: Warehouse, _ month: Month, _ id: String, than manifest: StageManifest) -> Bool {
        guard let up = warehouse.manifest(month, stage: id)?.finished else { return false }
        return up > manifest.started
    }
}
