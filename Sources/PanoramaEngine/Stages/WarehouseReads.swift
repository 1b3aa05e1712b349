import PanoramaConfig
import PanoramaCore

extension StageContext {
    /// A published partition of an upstream table for `month`, or exit 2 naming the stage to run first.
    func requiredTable(_ table: String, _ month: Month, producedBy kind: String, columns: [String]? = nil) throws -> (CSVTable, JSONValue) {
        let path = warehouse.partitionPath(table, month)
        guard FileIO.exists(path) else {
            let producer = upstream(kind: kind)?.id ?? kind
            throw PanoramaError.usage(
                "stage `\(stage.id)` for \(self.month) needs table \(table) for \(month), which is missing; run `panorama run \(config.file) --month \(month) --until \(producer)` first")
        }
        return try readTable(path, columns: columns)
    }

    /// A partition if present (nil otherwise), with its manifest input entry.
    func optionalTable(_ table: String, _ month: Month, columns: [String]? = nil) throws -> (CSVTable, JSONValue)? {
        let path = warehouse.partitionPath(table, month)
        guard FileIO.exists(path) else { return nil }
        return try readTable(path, columns: columns)
    }

    /// A published partition read as columns (see `requiredTable`).
    func requiredColumns(_ table: String, _ month: Month, producedBy kind: String, _ columns: [String]) throws -> (ColumnarTable, JSONValue) {
        let path = warehouse.partitionPath(table, month)
        guard FileIO.exists(path) else {
            let producer = upstream(kind: kind)?.id ?? kind
            throw PanoramaError.usage(
                "stage `\(stage.id)` for \(self.month) needs table \(table) for \(month), which is missing; run `panorama run \(config.file) --month \(month) --until \(producer)` first")
        }
        return try readColumns(path, columns)
    }

    /// A partition read as columns if present.
    func optionalColumns(_ table: String, _ month: Month, _ columns: [String]) throws -> (ColumnarTable, JSONValue)? {
        let path = warehouse.partitionPath(table, month)
        guard FileIO.exists(path) else { return nil }
        return try readColumns(path, columns)
    }

    private func readColumns(_ path: String, _ columns: [String]) throws -> (ColumnarTable, JSONValue) {
        let bytes = try FileIO.read(path)
        let table = try ColumnarTable.parse(bytes, name: path, columns: columns)
        let entry: JSONValue = .object([("path", .string(path)), ("sha256", .string(ChecksumCache.shared.sha256(of: bytes, at: path))), ("rows", .int(table.rowCount))])
        return (table, entry)
    }

    private func readTable(_ path: String, columns: [String]?) throws -> (CSVTable, JSONValue) {
        let bytes = try FileIO.read(path)
        let table = try CSVTable.parse(bytes, name: path, columns: columns)
        let entry: JSONValue = .object([("path", .string(path)), ("sha256", .string(ChecksumCache.shared.sha256(of: bytes, at: path))), ("rows", .int(table.rowCount))])
        return (table, entry)
    }
}
