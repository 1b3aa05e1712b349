import Foundation
import PanoramaCore

/// One table partition to publish: its declared table and the CSV bytes.
public struct TableOutput {
    public var table: TableSchema
    public var bytes: [UInt8]
    public var rows: Int

    /// A partition rendered by a `CSVWriter`.
    public init(_ table: TableSchema, _ csv: CSVWriter) {
        self.table = table
        self.bytes = csv.bytes
        self.rows = csv.rows
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

/// The warehouse folder: hive partitions, manifests and run logs (SPEC §3, §8).
public struct Warehouse: Sendable {
    public let root: String
    /// Digests of files this process already hashed or wrote, so a partition published by one
    /// stage and read by the next in the same run is hashed once.
    let checksums = ChecksumCache()

    public init(root: String) { self.root = root }

    /// `<root>/<table>/month=YYYY-MM/part-0.csv`
    public func partitionPath(_ table: String, _ month: Month) -> String {
        "\(root)/\(table)/month=\(month)/part-0.csv"
    }

    public func manifestPath(_ month: Month, stage: String) -> String {
        "\(root)/_manifests/\(month)/\(stage).json"
    }

    public func runLogPath(_ runId: String) -> String { "\(root)/_runs/\(runId).json" }

    public func hasPartition(_ table: String, _ month: Month) -> Bool { FileIO.exists(partitionPath(table, month)) }

    /// The SHA-256 of a file's bytes, reused when this process already hashed the unchanged file.
    func sha256(of bytes: [UInt8], at path: String) -> String { checksums.sha256(of: bytes, at: path) }

    /// Publishes partitions as one unit: every temp file is written and synced first, then all are
    /// renamed; a failure before the renames leaves every previous partition untouched.
    /// `beforeRename` exists so tests can fail a stage in the middle of writing.
    func publish(_ outputs: [TableOutput], month: Month, beforeRename: (() throws -> Void)? = nil) throws -> [LineageEntry] {
        let staged = outputs.map { out -> (tmp: String, final: String) in
            let final = partitionPath(out.table.name, month)
            return (final + ".tmp-\(getpid())", final)
        }
        let digests: [String]
        do {
            for s in staged { try FileIO.makeDirectory((s.final as NSString).deletingLastPathComponent) }
            // Writing (and syncing) the files and hashing them are independent: do both at once.
            let n = outputs.count
            let results = try parallelMap(2 * n) { k -> String in
                if k < n {
                    try FileIO.writeSynced(outputs[k].bytes, to: staged[k].tmp)
                    return ""
                }
                return SHA256Digest.hex(outputs[k - n].bytes)
            }
            digests = Array(results[n...])
            try beforeRename?()
        } catch {
            for s in staged { FileIO.remove(s.tmp) }
            throw error
        }
        for (k, s) in staged.enumerated() {
            guard rename(s.tmp, s.final) == 0 else {
                throw PanoramaError.runtime("cannot publish \(s.final): \(String(cString: strerror(errno)))")
            }
            checksums.remember(digests[k], for: s.final)
        }
        return outputs.enumerated().map { k, out in
            LineageEntry(kind: .table, name: out.table.name, month: month, path: partitionPath(out.table.name, month),
                         rows: out.rows, sha256: digests[k])
        }
    }

    /// Removes temporary files (`*.tmp-<pid>`) left by runs that were killed; returns how many.
    /// Called under the warehouse lock, so no live run can own them.
    public func removeStaleTemporaries() -> Int {
        guard let walker = FileManager.default.enumerator(atPath: root) else { return 0 }
        var removed = 0
        while let item = walker.nextObject() as? String {
            guard let range = item.range(of: ".tmp-", options: .backwards),
                  let pid = Int32(item[range.upperBound...]), pid != getpid() else { continue }
            FileIO.remove(root + "/" + item)
            removed += 1
        }
        return removed
    }

    /// The manifest a stage wrote for a month, if any (nil also when it cannot be read).
    public func manifest(_ month: Month, stage: String) -> StageManifest? {
        guard let bytes = try? FileIO.read(manifestPath(month, stage: stage)), let json = JSONValue.parse(bytes) else { return nil }
        return StageManifest(json: json)
    }

    /// Whether the stage's manifest for the month says it published successfully.
    public func stageSucceeded(_ month: Month, stage: String) -> Bool {
        manifest(month, stage: stage)?.status == .ok
    }

    public func writeManifest(_ manifest: StageManifest) throws {
        try FileIO.writeAtomically(manifest.json.serialized(), to: manifestPath(manifest.month, stage: manifest.stage))
    }
}
