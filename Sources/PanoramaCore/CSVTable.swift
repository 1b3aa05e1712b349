import Foundation

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
        let start = reader.position
        let chunks = chunkBoundaries(bytes, from: start, parts: bytes.count > 4 << 20 ? ProcessInfo.processInfo.activeProcessorCount : 1)
        let pieces = try parallelMap(chunks.count) { k -> [String] in
            var chunkReader = CSVReader(bytes: bytes, range: chunks[k])
            chunkReader.expectedFieldCount = fileHeader.count
            var cells: [String] = []
            // A rough row estimate from the byte count avoids repeated regrowth of a large array.
            cells.reserveCapacity(chunks[k].count / max(1, 8 * fileHeader.count) * picks.count)
            while let kind = chunkReader.next() {
                guard kind == .record else {
                    throw PanoramaError.runtime("\(name) has a record that is not valid CSV near byte \(chunkReader.rawRange.lowerBound); the partition is damaged — re-run the stage that wrote it")
                }
                for i in picks { cells.append(chunkReader.rawField(i)) }
            }
            return cells
        }
        if pieces.count == 1 { return CSVTable(header: header, cells: pieces[0]) }
        var cells: [String] = []
        cells.reserveCapacity(pieces.reduce(0) { $0 + $1.count })
        for p in pieces { cells.append(contentsOf: p) }
        return CSVTable(header: header, cells: cells)
    }

    /// Splits `bytes[from...]` into about `parts` ranges that start and end on record boundaries:
    /// a line break with an even number of quotes before it is outside any quoted field.
    static func chunkBoundaries(_ bytes: [UInt8], from: Int, parts: Int) -> [Range<Int>] {
        let n = bytes.count
        guard parts > 1, n - from > parts else { return [from..<n] }
        var cuts = [from]
        bytes.withUnsafeBufferPointer { b in
            var quotes = 0
            var i = from
            for k in 1..<parts {
                let target = from + (n - from) * k / parts
                while i < n && (i < target || b[i] != 0x0A || quotes % 2 != 0) {
                    if b[i] == 0x22 { quotes += 1 }
                    i += 1
                }
                if i >= n { break }
                i += 1
                if i > cuts.last! && i < n { cuts.append(i) }
            }
        }
        cuts.append(n)
        return (0..<(cuts.count - 1)).map { cuts[$0]..<cuts[$0 + 1] }
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
        if s.isEmpty { return nil }
        if case .value(let v) = ValueParser.decimal(s) { return v }
        return Double(s)
    }

    /// Cell as an integer (nil when empty).
    public func int(_ r: Int, _ c: Int) -> Int? {
        let s = self[r, c]
        return s.isEmpty ? nil : Int(s)
    }
}
