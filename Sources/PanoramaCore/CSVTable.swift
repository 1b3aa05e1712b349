/// A CSV file read back whole (a warehouse partition): header plus rows of text cells.
/// Cells are stored row-major in one array; empty text means missing (SPEC §1).
public struct CSVTable: Sendable {
    public let header: [String]
    public private(set) var cells: [String]
    public var rowCount: Int { header.isEmpty ? 0 : cells.count / header.count }

    public init(header: [String], cells: [String]) {
        self.header = header
        self.cells = cells
    }

    /// Reads a UTF-8 CSV file; a malformed record is a runtime error (warehouse files are ours).
    public static func read(_ path: String, columns: [String]? = nil) throws -> CSVTable {
        try parse(FileIO.read(path), name: path, columns: columns)
    }

    /// Parses UTF-8 CSV bytes; with `columns`, keeps only those (in that order), so a wide partition
    /// read for three of its columns does not build a String for every cell.
    public static func parse(_ bytes: [UInt8], name: String, columns: [String]? = nil) throws -> CSVTable {
        var reader = CSVReader(bytes: bytes)
        guard reader.next() == .record else { return CSVTable(header: columns ?? [], cells: []) }
        let fileHeader = (0..<reader.fields.count).map { reader.rawField($0) }
        reader.expectedFieldCount = fileHeader.count
        let header = columns ?? fileHeader
        let picks = try header.map { column -> Int in
            guard let i = fileHeader.firstIndex(of: column) else {
                throw PanoramaError.runtime("\(name) has no column `\(column)` (columns: \(fileHeader.joined(separator: ", "))); re-run the stage that wrote it")
            }
            return i
        }
        var cells: [String] = []
        // A rough row estimate from the byte count avoids repeated regrowth of a large array.
        cells.reserveCapacity(bytes.count / max(1, 8 * fileHeader.count) * picks.count)
        while let kind = reader.next() {
            guard kind == .record else {
                throw PanoramaError.runtime("\(name) line \(reader.recordLine) is not valid CSV; the partition is damaged — re-run the stage that wrote it")
            }
            for k in picks { cells.append(reader.rawField(k)) }
        }
        return CSVTable(header: header, cells: cells)
    }

    /// Index of a column, or a runtime error naming the table.
    public func column(_ name: String) throws -> Int {
        guard let i = header.firstIndex(of: name) else {
            throw PanoramaError.runtime("table has no column `\(name)` (columns: \(header.joined(separator: ", ")))")
        }
        return i
    }

    /// Cell text at row r, column c.
    @inline(__always)
    public subscript(r: Int, c: Int) -> String { cells[r * header.count + c] }

    /// Cell as a number (nil when empty or not a number).
    public func double(_ r: Int, _ c: Int) -> Double? {
        let s = self[r, c]
        return s.isEmpty ? nil : Double(s)
    }

    /// Cell as an integer (nil when empty).
    public func int(_ r: Int, _ c: Int) -> Int? {
        let s = self[r, c]
        return s.isEmpty ? nil : Int(s)
    }
}
