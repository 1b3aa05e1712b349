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
    /// Only `columns`' bytes are kept, copied out as the file is parsed (see `PartitionPieces`):
    /// for a few columns of a wide partition, the file and its offsets are freed before the read
    /// returns.
    public var compact: Bool

    public init(_ table: TableSchema, _ month: Month, columns: [String]? = nil, required: Bool, compact: Bool = false) {
        self.table = table
        self.month = month
        self.columns = columns.map { table.pick($0) }
        self.required = required
        self.compact = compact && columns != nil
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
    /// Stop requests (SIGTERM/SIGINT), honoured whenever the stage reads or publishes.
    let control: RunControl?
    /// In a bucket run, the bucket this run covers: stages read only its records.
    public let bucket: BucketSpec?
    /// In a merge, the bucket runs' warehouses to merge (empty otherwise).
    public let bucketParts: [BucketPart]
    /// Where work the stage need not wait for goes (nil: the stage waits for it itself).
    let lingering: LingeringWork?
    private let lock = NSLock()
    private var readEntries: [LineageEntry] = []
    private var missingEntries: [MissingInput] = []
    private var stagedFiles: [StagedFile] = []
    private var writers: [PartitionWriter] = []

    init(config: PipelineConfig, stage: StageConfig, month: Month, runId: String, log: RunLogger, warehouse: Warehouse,
         registry: StageRegistry, beforePublish: (() throws -> Void)? = nil, control: RunControl? = nil,
         bucket: BucketSpec? = nil, bucketParts: [BucketPart] = [], lingering: LingeringWork? = nil) {
        self.lingering = lingering
        self.bucket = bucket
        self.bucketParts = bucketParts
        self.config = config
        self.stage = stage
        self.month = month
        self.runId = runId
        self.log = log
        self.warehouse = warehouse
        self.registry = registry
        self.beforePublish = beforePublish
        self.control = control
    }

    /// Hands over work the stage started and need not wait for (files kept for later nights):
    /// `finish` waits for it and returns what to say on stderr. In a pipeline run the later stages
    /// go on meanwhile and the run waits for it before the next month and before it ends; run any
    /// other way, it is waited for here.
    public func finishLater(_ finish: @escaping @Sendable () -> [String]) {
        if let lingering {
            lingering.add(month, stage.id, kind: stage.kind, finish)
        } else {
            for note in finish() { log.warning(month, stage.id, note) }
        }
    }

    /// Partitions read so far, in the order they were asked for.
    public var reads: [LineageEntry] { lock.withLock { readEntries } }
    /// Optional inputs looked for and not found.
    var missingInputs: [MissingInput] { lock.withLock { missingEntries } }
    /// Partitions and files staged for publishing so far, as they will be published.
    var published: [LineageEntry] { lock.withLock { stagedFiles.map(\.entry) } }
    /// The staged files themselves (committed, or discarded, by the engine after the stage returns).
    var staged: [StagedFile] { lock.withLock { stagedFiles } }

    private func noteMissing(_ kind: LineageEntry.Kind, _ name: String, _ month: Month, _ path: String) {
        lock.withLock {
            if !missingEntries.contains(where: { $0.path == path }) {
                missingEntries.append(MissingInput(kind: kind, name: name, month: month, path: path))
            }
        }
    }

    // MARK: - Warehouse partitions

    /// Whether a partition is published (a partition found missing is recorded, so the stage reads
    /// as stale once it appears).
    public func has(_ table: TableSchema, _ month: Month) -> Bool {
        if warehouse.hasPartition(table.name, month) { return true }
        noteMissing(.table, table.name, month, warehouse.partitionPath(table.name, month))
        return false
    }

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
        try control?.checkpoint()
        for r in requests where r.required && !warehouse.hasPartition(r.table.name, r.month) { throw missing(r.table, r.month) }
        let results = try parallelMap(requests.count) { k -> (ColumnarTable, LineageEntry)? in
            let r = requests[k]
            guard let (path, layer) = locate(r.table, r.month) else { return nil }
            // Read into the table's own buffer and hashed while it is parsed (the digest is reused
            // when this run wrote or hashed the unchanged file).
            let (table, sha256): (ColumnarTable, String)
            if r.compact, let columns = r.columns {
                let pieces = try PartitionPieces.read(path, columns: columns, keeping: Array(columns.indices), checksums: warehouse.checksums)
                (table, sha256) = (pieces.kept, pieces.sha256)
            } else {
                (table, sha256) = try ColumnarTable.read(path, columns: r.columns, checksums: warehouse.checksums)
            }
            let entry = LineageEntry(kind: .table, name: r.table.name, month: r.month, path: path, rows: table.rowCount, sha256: sha256)
            try verify(entry, r.table, in: layer)
            return (table, entry)
        }
        lock.withLock { readEntries += results.compactMap { $0?.1 } }
        return results.map { $0?.0 }
    }

    /// A partition read piece by piece (see `PartitionPieces`), keeping the columns at `keeping`;
    /// nil when it is not published. Lineage and the check against the producer's manifest are as
    /// for `read`.
    public func readPieces(_ r: PartitionRequest, keeping: [Int]) throws -> PartitionPieces? {
        try control?.checkpoint()
        if r.required && !warehouse.hasPartition(r.table.name, r.month) { throw missing(r.table, r.month) }
        guard let (path, layer) = locate(r.table, r.month) else { return nil }
        let pieces = try PartitionPieces.read(path, columns: r.columns, keeping: keeping, checksums: warehouse.checksums)
        let entry = LineageEntry(kind: .table, name: r.table.name, month: r.month, path: path, rows: pieces.rowCount, sha256: pieces.sha256)
        try verify(entry, r.table, in: layer)
        lock.withLock { readEntries.append(entry) }
        return pieces
    }

    /// The entry the producer's manifest lists for a published partition, with the path it is read
    /// from — what `read` would record, taken without reading the file — or nil when the partition
    /// is not published, its producer's manifest does not list it, or that publish is incomplete.
    /// For a stage that keeps what it derived from a partition under the listed sha256 (churn).
    public func listedPartition(_ table: TableSchema, _ month: Month) -> LineageEntry? {
        guard let (path, layer) = warehouse.locatePartition(table.name, month) else { return nil }
        let producer = stageProducing(table)
        guard !layer.publishPending(month, stage: producer), let manifest = layer.manifest(month, stage: producer),
              let listed = manifest.outputs.first(where: { $0.kind == .table && $0.name == table.name && $0.month == month }),
              !listed.sha256.isEmpty else { return nil }
        return LineageEntry(kind: .table, name: table.name, month: month, path: path, rows: listed.rows, sha256: listed.sha256)
    }

    /// The folder of the warehouse this stage publishes into (a sandbox's when run with --sandbox).
    public var warehouseRoot: String { warehouse.root }

    /// Records a partition as read (in the manifest's inputs) when the stage used what it derived
    /// from exactly that partition earlier instead of reading it (`listedPartition`).
    public func noteRead(_ entry: LineageEntry) {
        lock.withLock { readEntries.append(entry) }
    }

    /// A partition's bytes for a stage that streams them itself, or nil when it is not published;
    /// `rows` (counted by the caller) goes into the lineage entry.
    public func readBytes(_ table: TableSchema, _ month: Month, rows: ([UInt8]) throws -> Int) throws -> [UInt8]? {
        try control?.checkpoint()
        guard let (bytes, path, layer) = try partitionBytes(table, month) else { return nil }
        let entry = LineageEntry(kind: .table, name: table.name, month: month, path: path, rows: try rows(bytes),
                                 sha256: warehouse.sha256(of: bytes, at: path))
        try verify(entry, table, in: layer)
        lock.withLock { readEntries.append(entry) }
        return bytes
    }

    private func partitionBytes(_ table: TableSchema, _ month: Month) throws -> (bytes: [UInt8], path: String, layer: Warehouse)? {
        guard let (path, layer) = locate(table, month) else { return nil }
        return (try FileIO.read(path), path, layer)
    }

    /// Where a partition is read from (this warehouse or a sandbox's base); nil, and recorded as
    /// missing, when it is not published.
    private func locate(_ table: TableSchema, _ month: Month) -> (path: String, layer: Warehouse)? {
        guard let found = warehouse.locatePartition(table.name, month) else {
            noteMissing(.table, table.name, month, warehouse.partitionPath(table.name, month))
            return nil
        }
        return found
    }

    /// A partition about to be read must be the one its producer's manifest lists (SPEC §3: a stage
    /// never reads an upstream whose publish is incomplete): exit 2 when the producer's publish for
    /// that month was interrupted, or its manifest lists other bytes or another row count.
    private func verify(_ entry: LineageEntry, _ table: TableSchema, in layer: Warehouse) throws {
        let producer = stageProducing(table)
        let place = layer.root == warehouse.root ? "" : " of the configured warehouse \(layer.root)"
        if layer.publishPending(entry.month, stage: producer) {
            throw PanoramaError.usage(
                "stage `\(stage.id)` for \(month) cannot read table `\(table.name)` of \(entry.month): the publish of stage `\(producer)` for \(entry.month)\(place) was interrupted and is incomplete; "
                    + "run `panorama plan \(config.file) --month \(entry.month)` (or any `panorama run`) on that warehouse to complete or undo it first")
        }
        guard let manifest = layer.manifest(entry.month, stage: producer),
              let listed = manifest.outputs.first(where: { $0.kind == .table && $0.name == table.name && $0.month == entry.month }) else { return }
        if listed.sha256 != entry.sha256 || (listed.rows != nil && listed.rows != entry.rows) {
            let found = "sha256 \(entry.sha256.prefix(12))…, \(entry.rows ?? 0) rows"
            let recorded = "sha256 \(listed.sha256.prefix(12))…, \(listed.rows ?? 0) rows"
            throw PanoramaError.usage(
                "stage `\(stage.id)` for \(month) cannot read table `\(table.name)` of \(entry.month): \(entry.path) (\(found)) is not what the manifest of stage `\(producer)`\(place) lists (\(recorded)); "
                    + "run `panorama run \(config.file) --month \(entry.month) --until \(producer)` to publish it again")
        }
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

    // MARK: - Bucket runs and merges

    /// One bucket's partition for a merge, read whole as bytes (nil when the bucket has none);
    /// recorded in the lineage with the bucket's path.
    public func bucketBytes(_ part: BucketPart, _ table: TableSchema, _ month: Month) throws -> [UInt8]? {
        try control?.checkpoint()
        let path = part.partitionPath(table, month)
        guard FileIO.exists(path) else { return nil }
        let bytes = try FileIO.read(path)
        let entry = LineageEntry(kind: .table, name: table.name, month: month, path: path, rows: nil,
                                 sha256: SHA256Digest.hex(bytes))
        lock.withLock { readEntries.append(entry) }
        return bytes
    }

    /// One bucket's partition for a merge, read as columns (nil when the bucket has none).
    public func bucketRead(_ part: BucketPart, _ table: TableSchema, _ month: Month, columns: [String]? = nil) throws -> ColumnarTable? {
        guard let bytes = try bucketBytes(part, table, month) else { return nil }
        return try ColumnarTable.parse(bytes, name: part.partitionPath(table, month), columns: columns.map { table.pick($0) })
    }

    /// The manifest the bucket run wrote for the stage of a kind (this stage's upstream of that
    /// kind, or this stage itself when it is of that kind).
    public func bucketManifest<K: StageKind>(_ part: BucketPart, of kind: K.Type) -> StageManifest? {
        let id = stage.kind == K.name ? stage.id : (upstream(kind)?.id ?? K.name)
        return part.manifest(month, stage: id)
    }

    // MARK: - Deliveries

    /// The month's input folder (`paths.input` with `{month}` replaced).
    public var inputFolder: String { PipelineConfig.resolve(config.inputPath, month: month) }

    /// The path of a delivered file of this month.
    public func deliveryPath(_ fileName: String) -> String { inputFolder + "/" + fileName }

    /// Whether a delivered file exists this month (a missing one is recorded, so the stage reads
    /// as stale once it is delivered).
    public func hasDelivery(_ fileName: String) -> Bool {
        let path = deliveryPath(fileName)
        if FileIO.exists(path) { return true }
        noteMissing(.delivery, (fileName as NSString).deletingPathExtension, month, path)
        return false
    }

    /// A delivered file read whole, with its checksum; missing, unreadable, not a regular file, or
    /// larger than `max_delivery_size` or the memory available is exit 3.
    public func delivery(_ fileName: String) throws -> Delivery {
        try control?.checkpoint()
        let path = deliveryPath(fileName)
        let setting = config.maxDeliveryBytes == PipelineConfig.defaultMaxDeliveryBytes
            ? "the default `max_delivery_size` (set it at the top of \(config.file))" : "`max_delivery_size` in \(config.file)"
        let bytes = try FileIO.read(path, limit: (config.maxDeliveryBytes, setting))
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
        return warehouse.visibleManifest(month ?? self.month, stage: up.id)
    }

    /// This stage's own manifest for this month, as last written.
    public func ownManifest() -> StageManifest? { warehouse.manifest(month, stage: stage.id) }

    /// The settings of the upstream stage of a kind, parsed by that kind's own settings type.
    public func settings<K: StageKind>(of kind: K.Type) -> K.Settings? {
        guard let up = upstream(kind) else { return nil }
        return registry.settings(kind, of: up, in: config)
    }

    // MARK: - Publishing

    /// Stages this month's partitions of the stage (written and synced under temporary names). The
    /// engine publishes everything a stage staged, with its manifest, as one transaction once the
    /// stage returns (SPEC §3), or discards it when the stage fails. Every table must be one the
    /// stage's kind declares.
    public func publish(_ outputs: [TableOutput]) throws {
        try control?.checkpoint()
        let declared = registry.kind(named: stage.kind)?.tables ?? []
        for out in outputs where !declared.contains(out.table) {
            throw PanoramaError.runtime("stage kind `\(stage.kind)` does not declare table `\(out.table.name)`; it cannot publish it")
        }
        let files = try warehouse.stage(outputs, month: month)
        do {
            try beforePublish?()
        } catch {
            warehouse.discard(files)
            throw error
        }
        add(files)
    }

    /// A writer for this month's partition of `table`, for an output too large to hold whole in
    /// memory: rows appended to it go through a bounded buffer to the partition's staged file, and
    /// `publish([TableOutput(writer), …])` publishes it with the stage's other outputs. A writer
    /// not published by the time the stage returns, or of a stage that fails, is removed.
    public func partitionWriter(_ table: TableSchema) throws -> PartitionWriter {
        try control?.checkpoint()
        let declared = registry.kind(named: stage.kind)?.tables ?? []
        guard declared.contains(table) else {
            throw PanoramaError.runtime("stage kind `\(stage.kind)` does not declare table `\(table.name)`; it cannot publish it")
        }
        let path = warehouse.partitionPath(table.name, month)
        try lock.withLock {
            if writers.contains(where: { $0.path == path && !$0.isFinished }) {
                throw PanoramaError.runtime("stage `\(stage.id)` already writes table `\(table.name)` for \(month); one writer per partition")
            }
        }
        let writer = try PartitionWriter(table, month: month, path: path)
        lock.withLock { writers.append(writer) }
        return writer
    }

    /// Removes the staged files of partition writers that were not published (the stage returned
    /// without publishing them, or failed); safe from another thread.
    func removeUnpublishedWriters() {
        let published = Set(staged.map(\.staged))
        for w in lock.withLock({ writers }) where !published.contains(w.stagedPath) { w.remove() }
    }

    /// Removes everything the stage staged or began to write (the stage failed or was stopped).
    func discardStaged() {
        warehouse.discard(staged)
        removeUnpublishedWriters()
    }

    /// Stages files for a folder outside the warehouse (a report folder); they are published with
    /// the stage's partitions and manifest.
    public func write(_ files: [OutputFile], into folder: String) throws {
        try control?.checkpoint()
        add(try warehouse.stage(files, into: folder, month: month))
    }

    private func add(_ files: [StagedFile]) {
        lock.withLock {
            let paths = Set(files.map(\.entry.path))
            stagedFiles = stagedFiles.filter { !paths.contains($0.entry.path) } + files
        }
    }
}
