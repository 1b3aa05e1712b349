import PanoramaConfig
import PanoramaCore

/// `panorama plan`: for each stage in order, whether its outputs for a month exist and are current
/// against its inputs' checksums, its parameters and the program (what `run` would skip).
public struct PlanEntry: Sendable {
    public var stage: String
    public var kind: String
    /// `current`, `stale`, `missing`, `failed` or `publishing`.
    public var state: String
    public var reason: String
}

public enum Planner {
    /// What `plan` found before planning: the pid of a run in progress (then nothing was repaired,
    /// and stages that run is working on show as they were), or what was repaired.
    public enum Preparation: Sendable {
        case ready
        /// A run holds the warehouse lock (its pid, when it could be read).
        case runInProgress(pid: Int32?)
    }

    /// Completes or undoes publishes an earlier run left interrupted (as `run` does first), unless a
    /// run holds the warehouse; each repair is logged as a warning. A warehouse that does not exist
    /// yet is left alone. Plan only reports, so a warehouse it cannot lock or repair (read-only, say)
    /// is planned as it is, with a warning.
    public static func prepare(_ config: PipelineConfig, log: RunLogger) -> Preparation {
        guard FileIO.exists(config.warehousePath) else { return .ready }
        do {
            switch try WarehouseLock.attempt(warehouse: config.warehousePath) {
            case .held(let pid, _):
                return .runInProgress(pid: pid)
            case .acquired(let lock):
                defer { lock.release() }
                try PipelineRunner.recover(Warehouse(root: config.warehousePath), config, log: log)
            }
        } catch {
            log.warning(nil, nil, "\(PipelineRunner.classify(error).1); planned without repairing anything")
        }
        return .ready
    }

    /// The plan for one month: `stages` (default: all) in run order, each with its state. A stage
    /// is stale when anything it was made from changed, or when a stage upstream of it is not current.
    public static func plan(_ config: PipelineConfig, month: Month, stages selected: [String]? = nil) -> [PlanEntry] {
        let warehouse = Warehouse(root: config.warehousePath)
        var entries: [PlanEntry] = []
        var states: [String: Freshness.State] = [:]
        for id in config.orderedStageIds {
            guard let stage = config.stage(id) else { continue }
            let fresh = warehouse.freshness(of: stage, month: month, config: config)
            var entry = PlanEntry(stage: id, kind: stage.kind, state: fresh.state.rawValue, reason: fresh.reason)
            if fresh.state == .current, let up = stage.needs.first(where: { states[$0] != .current }) {
                entry.state = Freshness.State.stale.rawValue
                entry.reason = "upstream stage `\(up)` is \(states[up]?.rawValue ?? "missing")"
            }
            states[id] = Freshness.State(rawValue: entry.state)
            if selected?.contains(id) ?? true { entries.append(entry) }
        }
        return entries
    }
}
