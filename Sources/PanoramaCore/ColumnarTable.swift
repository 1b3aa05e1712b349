/// A warehouse partition read back — the one reader for partitions, so every stage parses numbers
/// the same way — for a few of its columns without building a String per cell: the file's bytes
/// stay in one buffer they were read into, and each row's selected cells are pairs of offsets into
/// it, row after row in one flat array. Numbers, dates and keys are parsed and hashed straight from
/// the bytes; text becomes a String only when asked for.
public struct ColumnarTable: @unchecked Sendable {
    public let header: [String]
    public let rowCount: Int
    /// Selected columns (the number of cells each row keeps).
    private let width: Int
    private let store: ByteStore
    private let spanStore: SpanStore
    /// `store`'s bytes and `spanStore`'s offsets, kept here so a cell read is two loads. Cell (r, c)
    /// spans bytes spans[2 * (r * width + c)] ..< spans[2 * (r * width + c) + 1].
    private let base: UnsafePointer<UInt8>
    private let spans: UnsafePointer<UInt32>

    /// Reads `columns` of a CSV partition (in that order) and returns the file's bytes as well (for
    /// tests and tools; stages read through `read(_:columns:checksums:)`).
    public static func read(_ path: String, columns: [String]? = nil) throws -> (ColumnarTable, [UInt8]) {
        let bytes = try FileIO.read(path)
        return (try parse(bytes, name: path, columns: columns), bytes)
    }

    /// Reads `columns` of a CSV partition (in that order) and its SHA-256: the file is read straight
    /// into the table's own buffer and parsed in parallel chunks while one core hashes it. The digest
    /// is taken from `checksums` instead when this process already hashed or wrote the unchanged file.
    public static func read(_ path: String, columns: [String]?, checksums: ChecksumCache) throws -> (table: ColumnarTable, sha256: String) {
        let (store, stamp) = try ByteStore.read(path)
        let known = checksums.digest(of: path, stamp: stamp)
        let (table, digest) = try PartitionParser.parse(store, name: path, columns: columns, hash: known == nil)
        if let known { return (table, known) }
        let sha256 = digest ?? ""
        checksums.remember(sha256, for: path, stamp: stamp)
        return (table, sha256)
    }

    /// Parses UTF-8 CSV bytes, keeping `columns`.
    public static func parse(_ bytes: [UInt8], name: String, columns wanted: [String]? = nil) throws -> ColumnarTable {
        try PartitionParser.parse(ByteStore(copying: bytes), name: name, columns: wanted, hash: false).table
    }

    init(header: [String], rowCount: Int, store: ByteStore, spans: SpanStore) {
        self.header = header
        self.rowCount = rowCount
        self.width = header.count
        self.store = store
        self.spanStore = spans
        self.base = UnsafePointer(store.base)
        self.spans = UnsafePointer(spans.base)
    }

    /// Index of a selected column.
    public func column(_ name: String) throws -> Int {
        guard let i = header.firstIndex(of: name) else {
            throw PanoramaError.runtime("column `\(name)` was not read (read: \(header.joined(separator: ", ")))")
        }
        return i
    }

    /// Where cell (r, c)'s offsets are; traps on a cell outside the table, like an array would.
    @inline(__always)
    private func spanIndex(_ r: Int, _ c: Int) -> Int {
        precondition(UInt(bitPattern: r) < UInt(bitPattern: rowCount) && UInt(bitPattern: c) < UInt(bitPattern: width),
                     "cell (\(r), \(c)) is outside a table of \(rowCount) rows and \(width) columns")
        return 2 * (r * width + c)
    }

    /// The cell's text as bytes (unescaped, without its quotes). At least 8 bytes from the cell's
    /// start are readable (the buffer is padded), so a reader may load a word there and mask it.
    @inline(__always)
    public func bytes(_ r: Int, _ c: Int) -> UnsafeBufferPointer<UInt8> {
        let k = spanIndex(r, c)
        let s = Int(spans[k]), e = Int(spans[k + 1])
        return UnsafeBufferPointer(start: base + s, count: e - s)
    }

    @inline(__always)
    public func isEmpty(_ r: Int, _ c: Int) -> Bool {
        let k = spanIndex(r, c)
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
