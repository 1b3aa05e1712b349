import Foundation
import PanoramaConfig
import PanoramaCore

/// Everything a stage needs to run for one month.
public struct StageContext {
    public var config: PipelineConfig
    public var stage: StageConfig
    public var month: Month
    public var warehouse: Warehouse
    public var runId: String
    public var log: RunLogger
    /// Test hook: called after a stage's temp files are written, before they are renamed.
    public var beforePublish: (() throws -> Void)?

    /// The id of the upstream stage (among `needs`, transitively) of a kind, if any.
    public func upstream(kind: String) -> StageConfig? {
        var queue = stage.needs
        var seen = Set<String>()
        while !queue.isEmpty {
            let id = queue.removeFirst()
            if !seen.insert(id).inserted { continue }
            guard let s = config.stage(id) else { continue }
            if s.kind == kind { return s }
            queue.append(contentsOf: s.needs)
        }
        return nil
    }

    /// Publishes tables and returns their manifest entries.
    public func publish(_ outputs: [TableOutput]) throws -> [JSONValue] {
        try warehouse.publish(outputs, month: month, beforeRename: beforePublish)
    }
}

/// What a stage reports for its manifest and the stderr summary.
public struct StageReport {
    public var inputs: [JSONValue] = []
    public var outputs: [JSONValue] = []
    public var quality: JSONValue = .object([])
    public var warnings: [String] = []
    /// One line for stderr (without the stage and month prefix).
    public var summary = ""
    /// A failure that still wrote a manifest (the quality gate): the run stops with this error.
    public var failure: PanoramaError?

    public init() {}
}

/// One stage kind's implementation: reads typed settings from the config and runs the stage.
public protocol StageExecutor {
    func execute(_ context: StageContext) throws -> StageReport
}

/// The executors by kind.
public enum StageKinds {
    public static func executor(for kind: String) -> StageExecutor? {
        switch kind {
        case "ingest": return IngestExecutor()
        case "cleanse": return CleanseExecutor()
        case "customer360": return Customer360Executor()
        case "kpi": return KPIExecutor()
        case "drivers": return DriversExecutor()
        case "report": return ReportExecutor()
        default: return nil
        }
    }
}
