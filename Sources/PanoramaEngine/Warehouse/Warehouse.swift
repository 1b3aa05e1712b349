import Foundation
import PanoramaCore

/// One table partition to publish: its declared table and the CSV bytes, or the writer that
/// streamed them to the partition's staged file.
public struct TableOutput {
    public var table: TableSchema
    /// The partition's bytes (empty when `streamed`).
    public var bytes: [UInt8]
    public var rows: Int
    /// The writer that wrote the partition as it was rendered (nil when `bytes` hold it).
    public let streamed: PartitionWriter?

    /// A partition rendered by a `CSVWriter`.
    public init(_ table: TableSchema, _ csv: CSVWriter) {
        self.table = table
        self.bytes = csv.bytes
        self.rows = csv.rows
        self.streamed = nil
    }

    /// A partition written through a `PartitionWriter` (see `StageIO.partitionWriter`).
    public init(_ writer: PartitionWriter) {
        self.table = writer.table
        self.bytes = []
        self.rows = writer.rows
        self.streamed = writer
    }
}

/// A file written outside the warehouse (a report artefact): its name and bytes.
public struct OutputFile: Sendable {
    public var name: String
    public var bytes: [UInt8]
    /// Data rows for CSV files; nil for files without rows.
    public var rows: Int?

    public init(name: String, bytes: [UInt8], rows: Int? = nil) {
        self.name = name
        self.bytes = bytes
        self.rows = rows
    }
}

/// The warehouse folder: hive partitions, manifests, publish records and run logs (SPEC §3, §8).
///
/// A sandbox (`run --sandbox DIR`) is a warehouse with a `base`: partitions and manifests it does
/// not hold itself are read from the base (the configured warehouse), and everything is written to
/// the sandbox only.
public struct Warehouse: Sendable {
    public let root: String
    /// The configured warehouse a sandbox reads from (nil for the configured warehouse itself).
    public let baseRoot: String?
    /// Digests of files this process already hashed or wrote, so a partition published by one
    /// stage and read by the next in the same run is hashed once.
    let checksums: ChecksumCache

    public init(root: String, base: String? = nil) {
        self.init(root: root, base: base, checksums: ChecksumCache())
    }

    init(root: String, base: String?, checksums: ChecksumCache) {
        self.root = root
        self.baseRoot = base
        self.checksums = checksums
    }

    /// The configured warehouse under a sandbox (sharing the checksum cache), or nil.
    public var base: Warehouse? { baseRoot.map { Warehouse(root: $0, base: nil, checksums: checksums) } }

    /// `<root>/<table>/month=YYYY-MM/part-0.csv`: where this warehouse writes a partition.
    public func partitionPath(_ table: String, _ month: Month) -> String {
        "\(root)/\(table)/month=\(month)/part-0.csv"
    }

    public func manifestPath(_ month: Month, stage: String) -> String {
        "\(root)/_manifests/\(month)/\(stage).json"
    }

    /// Where the record of a publish in progress is kept until the publish is complete.
    public func journalPath(_ month: Month, stage: String) -> String {
        "\(root)/_journal/\(month)/\(stage).json"
    }

    public func runLogPath(_ runId: String) -> String { "\(root)/_runs/\(runId).json" }

    /// The path a partition is read from: this warehouse's, else the base's; nil when neither has it.
    public func locatePartition(_ table: String, _ month: Month) -> (path: String, layer: Warehouse)? {
        let own = partitionPath(table, month)
        if FileIO.exists(own) { return (own, self) }
        if let base, FileIO.exists(base.partitionPath(table, month)) { return (base.partitionPath(table, month), base) }
        return nil
    }

    public func hasPartition(_ table: String, _ month: Month) -> Bool { locatePartition(table, month) != nil }

    /// The SHA-256 of a file's bytes, reused when this process already hashed the unchanged file.
    func sha256(of bytes: [UInt8], at path: String) -> String { checksums.sha256(of: bytes, at: path) }

    /// The SHA-256 of the file at `path`, or nil when there is none.
    func sha256(ofFileAt path: String) -> String? { checksums.sha256(ofFileAt: path) }

    // MARK: - Manifests

    /// The manifest of a stage for a month as this warehouse holds it (paths resolved), nil when
    /// there is none or it cannot be read. A sandbox's own manifests only: see `visibleManifest`.
    public func manifest(_ month: Month, stage: String) -> StageManifest? {
        guard let bytes = try? FileIO.read(manifestPath(month, stage: stage)), let json = JSONValue.parse(bytes),
              var manifest = StageManifest(json: json) else { return nil }
        manifest.inputs = manifest.inputs.map { var e = $0; e.path = resolved(e.path); return e }
        manifest.outputs = manifest.outputs.map { var e = $0; e.path = resolved(e.path); return e }
        manifest.missingInputs = manifest.missingInputs.map { var e = $0; e.path = resolved(e.path); return e }
        return manifest
    }

    /// The layer (this warehouse or its base) that holds a stage's outputs for a month: the sandbox
    /// when it has the stage's manifest or publish record, else the base.
    public func layer(of stage: String, _ month: Month) -> Warehouse {
        if let base, !FileIO.exists(manifestPath(month, stage: stage)), !FileIO.exists(journalPath(month, stage: stage)) {
            return base
        }
        return self
    }

    /// The manifest a reader sees: the sandbox's own, else the base's.
    public func visibleManifest(_ month: Month, stage: String) -> StageManifest? {
        layer(of: stage, month).manifest(month, stage: stage)
    }

    /// Whether the stage's manifest for the month says it published successfully.
    public func stageSucceeded(_ month: Month, stage: String) -> Bool {
        visibleManifest(month, stage: stage)?.status == .ok
    }

    /// The manifest file's bytes with its paths stored relative to the warehouse.
    func manifestBytes(_ manifest: StageManifest) -> [UInt8] {
        var m = manifest
        m.inputs = m.inputs.map { var e = $0; e.path = stored(e.path); return e }
        m.outputs = m.outputs.map { var e = $0; e.path = stored(e.path); return e }
        m.missingInputs = m.missingInputs.map { var e = $0; e.path = stored(e.path); return e }
        return Array(m.json.serialized().utf8)
    }

    // MARK: - Paths in manifests

    /// How a path is written into a manifest or publish record: relative to the warehouse when the
    /// file lies inside the folder two levels above it (the project folder of the default layout:
    /// `data/input/…` and `reports/…` beside `data/warehouse`), absolute otherwise. So `plan` gives
    /// the same answer from any working directory, and a project folder moved as a whole keeps its
    /// lineage.
    public func stored(_ path: String) -> String {
        let file = WarehousePath.absolute(path), home = WarehousePath.absolute(root)
        if file.hasPrefix(home + "/") { return String(file.dropFirst(home.count + 1)) }
        var ups = "", folder = home
        for _ in 0..<2 {
            folder = (folder as NSString).deletingLastPathComponent
            ups += "../"
            guard folder != "/" && !folder.isEmpty else { break }
            if file.hasPrefix(folder + "/") { return ups + String(file.dropFirst(folder.count + 1)) }
        }
        return file
    }

    /// A path as stored in a manifest, read back as a path to open (from the working directory).
    public func resolved(_ stored: String) -> String {
        stored.hasPrefix("/") ? stored : WarehousePath.normalized(root + "/" + stored)
    }
}

/// Lexical path arithmetic for manifest paths (no file system access, symlinks are not followed).
enum WarehousePath {
    /// `path` made absolute against the working directory and normalized.
    static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return normalized(path) }
        return normalized(FileManager.default.currentDirectoryPath + "/" + path)
    }

    /// `a/./b//c/../d` → `a/b/d`; a leading `..` of a relative path is kept.
    static func normalized(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." {
                parts.removeLast()
                continue
            }
            if part == "..", absolute { continue }
            parts.append(part)
        }
        let body = parts.joined(separator: "/")
        return absolute ? "/" + body : (body.isEmpty ? "." : body)
    }
}
