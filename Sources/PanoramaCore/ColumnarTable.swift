import Foundation

/// A warehouse partition read back — the one reader for partitions, so every stage parses numbers
/// the same way — for a few of its columns without building a String per cell: the file's bytes
/// stay in one buffer and each selected column is a pair of offset arrays. Numbers, dates and keys
/// are parsed and hashed straight from the bytes; text becomes a String only when asked for.
public struct ColumnarTable: @unchecked Sendable {
    public let header: [String]
    public let rowCount: Int
    private let store: ByteStore
    /// Cell (r, c) spans bytes spans[2 * (c * rowCount + r)] ..< spans[2 * (c * rowCount + r) + 1];
    /// one flat array, so reading a cell touches no nested array storage.
    private let spans: [UInt32]

    /// Reads `columns` of a CSV partition (in that order), parsing large files in parallel chunks.
    public static func read(_ path: String, columns: [String]? = nil) throws -> (ColumnarTable, [UInt8]) {
        let bytes = try FileIO.read(path)
        return (try parse(bytes, name: path, columns: columns), bytes)
    }

    /// Parses UTF-8 CSV bytes, keeping `columns`.
    public static func parse(_ bytes: [UInt8], name: String, columns wanted: [String]? = nil) throws -> ColumnarTable {
        guard bytes.count < Int(UInt32.max) else {
            throw PanoramaError.runtime("\(name) is larger than 4 GiB; split the partition")
        }
        var reader = CSVReader(bytes: bytes)
        guard reader.next() == .record else {
            let columns = wanted ?? []
            return ColumnarTable(header: columns, rowCount: 0, store: ByteStore(bytes), spans: [])
        }
        let fileHeader = (0..<reader.fields.count).map { reader.rawField($0) }
        let columns = wanted ?? fileHeader
        let picks = try columns.map { column -> Int in
            guard let i = fileHeader.firstIndex(of: column) else {
                throw PanoramaError.runtime("\(name) has no column `\(column)` (columns: \(fileHeader.joined(separator: ", "))); re-run the stage that wrote it")
            }
            return i
        }
        let chunks = ColumnarTable.chunkBoundaries(bytes, from: reader.position,
                                              parts: bytes.count > 4 << 20 ? ProcessInfo.processInfo.activeProcessorCount : 1)
        struct Piece { var starts: [[UInt32]]; var ends: [[UInt32]]; var escaped: [(row: Int, column: Int)]; var rows: Int }
        let pieces = try parallelMap(chunks.count) { k -> Piece in
            var r = CSVReader(bytes: bytes, range: chunks[k])
            r.expectedFieldCount = fileHeader.count
            let estimate = chunks[k].count / max(1, 6 * fileHeader.count)
            var piece = Piece(starts: picks.map { _ in [] }, ends: picks.map { _ in [] }, escaped: [], rows: 0)
            for c in 0..<picks.count { piece.starts[c].reserveCapacity(estimate); piece.ends[c].reserveCapacity(estimate) }
            while let kind = r.next() {
                guard kind == .record else {
                    throw PanoramaError.runtime("\(name) has a record that is not valid CSV near byte \(r.rawRange.lowerBound); the partition is damaged — re-run the stage that wrote it")
                }
                for (c, i) in picks.enumerated() {
                    let f = r.fields[i]
                    piece.starts[c].append(UInt32(f.start))
                    piece.ends[c].append(UInt32(f.end))
                    if f.quoted && bytes[f.start..<f.end].contains(0x22) {
                        piece.escaped.append((piece.rows, c))
                    }
                }
                piece.rows += 1
            }
            return piece
        }
        var escapedCells: [(row: Int, column: Int)] = []
        var rows = 0
        for p in pieces {
            for e in p.escaped { escapedCells.append((rows + e.row, e.column)) }
            rows += p.rows
        }
        var spans: [UInt32] = []
        spans.reserveCapacity(2 * rows * picks.count)
        for c in 0..<picks.count {
            for p in pieces {
                for k in 0..<p.rows { spans.append(p.starts[c][k]); spans.append(p.ends[c][k]) }
            }
        }
        // Quoted cells with doubled quotes are unescaped in place in the table's own copy of the
        // bytes (the text only gets shorter), so bytes(), string() and keys agree everywhere.
        let store = ByteStore(bytes)
        for (row, column) in escapedCells {
            let k = 2 * (column * rows + row)
            let start = Int(spans[k]), end = Int(spans[k + 1])
            var read = start, write = start
            while read < end {
                store.buffer[write] = store.buffer[read]
                read += store.buffer[read] == 0x22 ? 2 : 1
                write += 1
            }
            spans[k + 1] = UInt32(write)
        }
        return ColumnarTable(header: columns, rowCount: rows, store: store, spans: spans)
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

    private init(header: [String], rowCount: Int, store: ByteStore, spans: [UInt32]) {
        self.header = header
        self.rowCount = rowCount
        self.store = store
        self.spans = spans
    }

    /// Index of a selected column.
    public func column(_ name: String) throws -> Int {
        guard let i = header.firstIndex(of: name) else {
            throw PanoramaError.runtime("column `\(name)` was not read (read: \(header.joined(separator: ", ")))")
        }
        return i
    }

    /// The cell's text as bytes (unescaped, without its quotes).
    @inline(__always)
    public func bytes(_ r: Int, _ c: Int) -> UnsafeBufferPointer<UInt8> {
        let k = 2 * (c * rowCount + r)
        let s = Int(spans[k]), e = Int(spans[k + 1])
        return UnsafeBufferPointer(start: store.buffer.baseAddress! + s, count: e - s)
    }

    @inline(__always)
    public func isEmpty(_ r: Int, _ c: Int) -> Bool {
        let k = 2 * (c * rowCount + r)
        return spans[k] == spans[k + 1]
    }

    /// Whether the cell is exactly `true`.
    @inline(__always)
    public func isTrue(_ r: Int, _ c: Int) -> Bool {
        let b = bytes(r, c)
        return b.count == 4 && b[0] == 0x74 && b[1] == 0x72 && b[2] == 0x75 && b[3] == 0x65
    }

    /// The cell as text (`table[r, c]`).
    public subscript(r: Int, c: Int) -> String { string(r, c) }

    /// The cell as text.
    public func string(_ r: Int, _ c: Int) -> String {
        String(decoding: bytes(r, c), as: UTF8.self)
    }

    /// The cell as a number (nil when empty or not a number).
    public func double(_ r: Int, _ c: Int) -> Double? {
        if isEmpty(r, c) { return nil }
        return ValueParser.number(bytes(r, c))
    }

    /// The cell as an integer (nil when empty or not whole).
    public func int(_ r: Int, _ c: Int) -> Int? {
        guard let v = double(r, c), v == v.rounded(), abs(v) < 9e15 else { return nil }
        return Int(v)
    }

    /// The cell as an ISO date.
    public func date(_ r: Int, _ c: Int) -> Day? {
        if isEmpty(r, c) { return nil }
        return ValueParser.date(bytes: bytes(r, c))
    }
}

/// Owns a copy of a file's bytes at a fixed address for the life of the tables that point into it.
final class ByteStore: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<UInt8>

    init(_ bytes: [UInt8]) {
        buffer = .allocate(capacity: max(1, bytes.count))
        _ = buffer.initialize(from: bytes)
    }

    deinit { buffer.deallocate() }
}
