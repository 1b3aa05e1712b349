import PanoramaConfig
import PanoramaCore

extension StageContext {
    /// A published partition of an upstream table for `month`, or exit 2 naming the stage to run first.
    func requiredTable(_ table: String, _ month: Month, producedBy kind: String, columns: [String]? = nil) throws -> (CSVTable, JSONValue) {
        try read(requiredPath(table, month, producedBy: kind)) { try CSVTable.parse($0, name: $1, columns: columns) }
    }

    /// A partition if present (nil otherwise), with its manifest input entry.
    func optionalTable(_ table: String, _ month: Month, columns: [String]? = nil) throws -> (CSVTable, JSONValue)? {
        try optionalPath(table, month).map { try read($0) { try CSVTable.parse($0, name: $1, columns: columns) } }
    }

    /// A published partition read as columns (see `requiredTable`).
    func requiredColumns(_ table: String, _ month: Month, producedBy kind: String, _ columns: [String]) throws -> (ColumnarTable, JSONValue) {
        try read(requiredPath(table, month, producedBy: kind)) { try ColumnarTable.parse($0, name: $1, columns: columns) }
    }

    /// A partition read as columns if present.
    func optionalColumns(_ table: String, _ month: Month, _ columns: [String]) throws -> (ColumnarTable, JSONValue)? {
        try optionalPath(table, month).map { try read($0) { try ColumnarTable.parse($0, name: $1, columns: columns) } }
    }

    private func requiredPath(_ table: String, _ month: Month, producedBy kind: String) throws -> String {
        guard let path = optionalPath(table, month) else {
            let producer = upstream(kind: kind)?.id ?? kind
            throw PanoramaError.usage(
                "stage `\(stage.id)` for \(self.month) needs table \(table) for \(month), which is missing; run `panorama run \(config.file) --month \(month) --until \(producer)` first")
        }
        return path
    }

    private func optionalPath(_ table: String, _ month: Month) -> String? {
        let path = warehouse.partitionPath(table, month)
        return FileIO.exists(path) ? path : nil
    }

    /// Reads and parses a partition; the manifest entry carries its path, sha256 and row count.
    private func read<T>(_ path: String, _ parse: ([UInt8], String) throws -> T) throws -> (T, JSONValue) where T: RowCounted {
        let bytes = try FileIO.read(path)
        let table = try parse(bytes, path)
        let entry: JSONValue = .object([
            ("path", .string(path)), ("sha256", .string(ChecksumCache.shared.sha256(of: bytes, at: path))), ("rows", .int(table.rowCount)),
        ])
        return (table, entry)
    }
}

/// A parsed partition that knows its row count (for manifest lineage).
protocol RowCounted { var rowCount: Int { get } }
extension CSVTable: RowCounted {}
extension ColumnarTable: RowCounted {}
