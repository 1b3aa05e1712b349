import Foundation
import PanoramaCore

/// A partition a stage writes as it renders it (`StageIO.partitionWriter`), so a large output
/// never sits whole in memory: the header row is written at once, rows are appended in order, and
/// the bytes go through a bounded buffer to the partition's staged file (`<final>.tmp-<pid>`, the
/// one the transactional publish renames), hashed as they are written. The stage publishes it with
/// its other outputs (`io.publish([TableOutput(writer), …])`), which syncs and closes the file;
/// a writer never published, or a stage that fails, leaves no file behind.
public final class PartitionWriter: @unchecked Sendable {
    public let table: TableSchema
    public let month: Month
    /// The partition's final path.
    let path: String
    private let file: SyncedFileWriter
    private let lock = NSLock()
    /// Data rows appended so far.
    public private(set) var rows = 0
    private var finished: StagedFile?

    /// Opens the staged file of `table`'s partition for `month` and writes the header row.
    init(_ table: TableSchema, month: Month, path: String) throws {
        self.table = table
        self.month = month
        self.path = path
        try FileIO.makeDirectory((path as NSString).deletingLastPathComponent)
        file = try SyncedFileWriter(path: Warehouse.stagedName(path))
        do {
            try file.write(CSVWriter(header: table.columns).bytes)
        } catch {
            file.discard()
            throw error
        }
    }

    /// The staged file's path.
    var stagedPath: String { file.path }

    /// Appends the rows of a headerless `CSVWriter` (`CSVWriter(header: [])`), in order.
    public func append(rowsFrom csv: CSVWriter) throws {
        try write(csv.bytes, rows: csv.rows)
    }

    /// Appends rendered CSV rows (complete rows, each ending with LF) and counts `rows` of them.
    public func write(_ bytes: [UInt8], rows: Int) throws {
        try bytes.withUnsafeBufferPointer { try write($0, rows: rows) }
    }

    /// Appends rendered CSV rows (complete rows, each ending with LF) and counts `rows` of them.
    public func write(_ bytes: UnsafeBufferPointer<UInt8>, rows: Int) throws {
        guard lock.withLock({ finished == nil }) else {
            throw PanoramaError.runtime("the partition writer of table `\(table.name)` for \(month) was published already; nothing more can be written to it")
        }
        try file.write(bytes)
        self.rows += rows
    }

    /// Syncs and closes the staged file; the file as it will be published. Idempotent.
    func finish() throws -> StagedFile {
        if let done = lock.withLock({ finished }) { return done }
        let (sha256, bytes) = try file.finish()
        let staged = StagedFile(entry: LineageEntry(kind: .table, name: table.name, month: month, path: path, rows: rows, sha256: sha256),
                                staged: file.path, bytes: bytes)
        lock.withLock { finished = staged }
        return staged
    }

    /// Whether `finish` succeeded (the file is staged for publishing).
    var isFinished: Bool { lock.withLock { finished != nil } }

    /// Removes the staged file (safe from another thread: an open descriptor is closed by its owner).
    func remove() { file.remove() }
}
