import Foundation
import PanoramaConfig
import PanoramaCore

/// A delivered input file read whole: where it is, its bytes as delivered and their SHA-256.
public struct Delivery: Sendable {
    public var path: String
    public var bytes: [UInt8]
    public var sha256: String

    public init(path: String, bytes: [UInt8], sha256: String) {
        self.path = path
        self.bytes = bytes
        self.sha256 = sha256
    }
}

/// One partition a stage asks for: table, month and the columns to keep (nil = all).
public struct PartitionRequest: Sendable {
    public var table: TableSchema
    public var month: Month
    public var columns: [String]?
    /// A missing partition is an error naming the stage to run first (else it reads as nil).
    public var required: Bool

    public init(_ table: TableSchema, _ month: Month, columns: [String]? = nil, required: Bool) {
        self.table = table
        self.month = month
        self.columns = columns.map { table.pick($0) }
        self.required = required
    }
}

/// The engine's interface to one stage run for one month: everything a stage reads and writes goes
/// through it, so a stage is a function of its typed inputs and settings. It records the lineage
/// of every partition read and published for the stage's manifest.
public final class StageIO: @unchecked Sendable {
    public let config: PipelineConfig
    public let stage: StageConfig
    public let month: Month
    public let runId: String
    public let log: RunLogger
    let warehouse: Warehouse
    let registry: StageRegistry
    let beforePublish: (() throws -> Void)?
    private let lock = NSLock()
    private var readEntries: [LineageEntry] = []
    private var publishedEntries: [LineageEntry] = []

    init(config: PipelineConfig, stage: StageConfig, month: Month, runId: String, log: RunLogger, warehouse: Warehouse,
         registry: StageRegistry, beforePublish: (() throws -> Void)? = nil) {
        self.config = config
        self.stage = stage
        self.month = month
        self.runId = runId
        self.log = log
        self.warehouse = warehouse
        self.registry = registry
        self.beforePublish = beforePublish
    }

    /// Partitions read so far, in the order they were asked for.
    public var reads: [LineageEntry] { lock.withLock { readEntries } }
    /// Partitions and files published so far.
    var published: [LineageEntry] { lock.withLock { publishedEntries } }

    // MARK: - Warehouse partitions

    /// Whether a partition is published.
    public func has(_ table: TableSchema, _ month: Month) -> Bool { warehouse.hasPartition(table.name, month) }

    /// A partition read as columns, or nil when it is not published.
    public func read(_ table: TableSchema, _ month: Month, columns: [String]? = nil) throws -> ColumnarTable? {
        try read([PartitionRequest(table, month, columns: columns, required: false)])[0]
    }

    /// A partition read as columns; a missing one is exit 2 naming the stage to run first.
    public func require(_ table: TableSchema, _ month: Month, columns: [String]? = nil) throws -> ColumnarTable {
        try read([PartitionRequest(table, month, columns: columns, required: true)])[0]!
    }

    /// Several partitions read on all cores; lineage is recorded in request order.
    public func read(_ requests: [PartitionRequest]) throws -> [ColumnarTable?] {
        for r in requests where r.required && !has(r.table, r.month) { throw missing(r.table, r.month) }
        let results = try parallelMap(requests.count) { k -> (ColumnarTable, LineageEntry)? in
            let r = requests[k]
            guard let bytes = try partitionBytes(r.table, r.month) else { return nil }
            let path = warehouse.partitionPath(r.table.name, r.month)
            let table = try ColumnarTable.parse(bytes, name: path, columns: r.columns)
            return (table, LineageEntry(kind: .table, name: r.table.name, month: r.month, path: path, rows: table.rowCount,
                                        sha256: warehouse.sha256(of: bytes, at: path)))
        }
        lock.withLock { readEntries += results.compactMap { $0?.1 } }
        return results.map { $0?.0 }
    }

    /// A partition's bytes for a stage that streams them itself, or nil when it is not published;
    /// `rows` (counted by the caller) goes into the lineage entry.
    public func readBytes(_ table: TableSchema, _ month: Month, rows: ([UInt8]) throws -> Int) throws -> [UInt8]? {
        guard let bytes = try partitionBytes(table, month) else { return nil }
        let path = warehouse.partitionPath(table.name, month)
        let entry = LineageEntry(kind: .table, name: table.name, month: month, path: path, rows: try rows(bytes),
                                 sha256: warehouse.sha256(of: bytes, at: path))
        lock.withLock { readEntries.append(entry) }
        return bytes
    }

    private func partitionBytes(_ table: TableSchema, _ month: Month) throws -> [UInt8]? {
        let path = warehouse.partitionPath(table.name, month)
        guard FileIO.exists(path) else { return nil }
        return try FileIO.read(path)
    }

    /// The error for a partition that is not published: exit 2, naming the stage (and the command)
    /// to run first.
    public func missing(_ table: TableSchema, _ month: Month) -> PanoramaError {
        let producer = stageProducing(table)
        return PanoramaError.usage(
            "stage `\(stage.id)` for \(self.month) needs table `\(table.name)` of \(month) (\(warehouse.partitionPath(table.name, month))), which is missing; "
                + "run `panorama run \(config.file) --month \(month) --until \(producer)` first")
    }

    /// The id of the stage that publishes `table`: the upstream one when there is one, else any
    /// stage of the producing kind, else the kind's name.
    private func stageProducing(_ table: TableSchema) -> String {
        if let up = upstream(kindNamed: table.producer) { return up.id }
        return config.stages.first { $0.kind == table.producer }?.id ?? table.producer
    }

    // MARK: - Deliveries

    /// The month's input folder (`paths.input` with `{month}` replaced).
    public var inputFolder: String { PipelineConfig.resolve(config.inputPath, month: month) }

    /// The path of a delivered file of this month.
    public func deliveryPath(_ fileName: String) -> String { inputFolder + "/" + fileName }

    /// Whether a delivered file exists this month.
    public func hasDelivery(_ fileName: String) -> Bool { FileIO.exists(deliveryPath(fileName)) }

    /// A delivered file read whole, with its checksum; missing or unreadable is exit 3.
    public func delivery(_ fileName: String) throws -> Delivery {
        let path = deliveryPath(fileName)
        let bytes = try FileIO.read(path)
        return Delivery(path: path, bytes: bytes, sha256: warehouse.sha256(of: bytes, at: path))
    }

    // MARK: - Other stages

    /// The nearest upstream stage (among `needs`, transitively) of a kind.
    public func upstream<K: StageKind>(_ kind: K.Type) -> StageConfig? { upstream(kindNamed: K.name) }

    private func upstream(kindNamed kind: String) -> StageConfig? {
        var queue = stage.needs
        var next = 0
        var seen = Set<String>()
        while next < queue.count {
            let id = queue[next]
            next += 1
            if !seen.insert(id).inserted { continue }
            guard let s = config.stage(id) else { continue }
            if s.kind == kind { return s }
            queue.append(contentsOf: s.needs)
        }
        return nil
    }

    /// The manifest of the upstream stage of a kind for a month (default: this month).
    public func manifest<K: StageKind>(of kind: K.Type, month: Month? = nil) -> StageManifest? {
        guard let up = upstream(kind) else { return nil }
        return warehouse.manifest(month ?? self.month, stage: up.id)
    }

    /// This stage's own manifest for this month, as last written.
    public func ownManifest() -> StageManifest? { warehouse.manifest(month, stage: stage.id) }

    /// The settings of the upstream stage of a kind, parsed by that kind's own settings type.
    public func settings<K: StageKind>(of kind: K.Type) -> K.Settings? {
        guard let up = upstream(kind) else { return nil }
        return registry.settings(kind, of: up, in: config)
    }

    // MARK: - Publishing

    /// Publishes this month's partitions of the stage as one unit (temp files, sync, rename). Every
    /// table must be one the stage's kind declares.
    public func publish(_ outputs: [TableOutput]) throws {
        let declared = registry.kind(named: stage.kind)?.tables ?? []
        for out in outputs where !declared.contains(out.table) {
            throw PanoramaError.runtime("stage kind `\(stage.kind)` does not declare table `\(out.table.name)`; it cannot publish it")
        }
        let entries = try warehouse.publish(outputs, month: month, beforeRename: beforePublish)
        lock.withLock { publishedEntries += entries }
    }

    /// Writes files outside the warehouse (a report folder), each atomically.
    public func write(_ files: [OutputFile], into folder: String) throws {
        try FileIO.makeDirectory(folder)
        var entries: [LineageEntry] = []
        for file in files {
            let path = folder + "/" + file.name
            try FileIO.writeAtomically(file.bytes, to: path)
            entries.append(LineageEntry(kind: .file, name: file.name, month: month, path: path, rows: file.rows,
                                        sha256: SHA256Digest.hex(file.bytes)))
        }
        lock.withLock { publishedEntries += entries }
    }
}
