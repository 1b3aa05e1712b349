import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A warehouse partition parsed into pieces of consecutive rows, for a reader that derives what it
/// needs row by row and keeps none of the cells (the churn stage's features). The pieces' offsets
/// are never joined into one table, which saves a copy of them and its fresh memory, and once `map`
/// has handed every piece over, the file's bytes and offsets are freed. The columns a reader does
/// keep (the ids it joins on) are copied into a table of their own, `kept`, of a few bytes a row.
public final class PartitionPieces: @unchecked Sendable {
    /// The columns each piece has, in order.
    public let columns: [String]
    public let rowCount: Int
    /// The SHA-256 of the file as read.
    public private(set) var sha256: String
    /// The columns at `keeping` of every row, in row order.
    public let kept: ColumnarTable
    private var store: ByteStore?
    private var chunks: [PartitionParser.Chunk]
    private let firstRows: [Int]
    private var handedOver = false
    private let lock = NSLock()

    /// Reads `columns` (nil: all, as in the file) of the partition at `path` and its SHA-256 (taken
    /// from `checksums` when this process already hashed the unchanged file), keeping the columns
    /// at positions `keeping` of those read.
    public static func read(_ path: String, columns: [String]?, keeping: [Int], checksums: ChecksumCache) throws -> PartitionPieces {
        let (store, stamp) = try ByteStore.read(path)
        let known = checksums.digest(of: path, stamp: stamp)
        let pieces = try PartitionPieces(store, name: path, columns: columns, keeping: keeping, hash: known == nil)
        if let known { pieces.sha256 = known } else { checksums.remember(pieces.sha256, for: path, stamp: stamp) }
        return pieces
    }

    /// Parses `store` (tests cut small files into `chunks` pieces).
    init(_ store: ByteStore, name: String, columns: [String]?, keeping: [Int], hash: Bool, chunks requested: Int? = nil) throws {
        let parsed = try PartitionParser.parseChunks(store, name: name, columns: columns, hash: hash, chunks: requested)
        guard keeping.allSatisfy({ parsed.columns.indices.contains($0) }) else {
            for c in parsed.chunks { c.spans.map { free($0) } }
            throw PanoramaError.runtime("\(name): kept columns \(keeping) are not among the \(parsed.columns.count) read")
        }
        var firstRows: [Int] = []
        var rows = 0
        for c in parsed.chunks { firstRows.append(rows); rows += c.rows }
        let layout = parsed.layout
        // Each chunk's cells made final, then the kept cells' sizes, chunk by chunk on all cores.
        let keptBytes = try parallelMap(parsed.chunks.count) { k -> Int in
            let c = parsed.chunks[k]
            guard let spans = c.spans else { return 0 }
            PartitionParser.finishCells(c, spans: spans, store: store, layout: layout, duplicates: parsed.duplicates)
            var size = 0
            for r in 0..<c.rows {
                for j in keeping { size += Int(spans[2 * (r * layout.picked + j) + 1] - spans[2 * (r * layout.picked + j)]) }
            }
            return size
        }
        let total = keptBytes.reduce(0, +)
        guard total < Int(UInt32.max) else {
            for c in parsed.chunks { c.spans.map { free($0) } }
            throw PanoramaError.runtime("\(name): the kept columns hold more than 4 GiB; split the partition")
        }
        var byteStarts: [Int] = []
        var at = 0
        for size in keptBytes { byteStarts.append(at); at += size }
        let keptStore: ByteStore, keptSpans: SpanStore
        do {
            keptStore = try ByteStore(count: total)
            keptSpans = try SpanStore(count: rows * 2 * keeping.count)
        } catch {
            for c in parsed.chunks { c.spans.map { free($0) } }
            throw error
        }
        _ = try parallelMap(parsed.chunks.count) { k -> Void in
            let c = parsed.chunks[k]
            guard let spans = c.spans else { return }
            var write = byteStarts[k]
            var cell = firstRows[k] * 2 * keeping.count
            for r in 0..<c.rows {
                for j in keeping {
                    let s = Int(spans[2 * (r * layout.picked + j)]), e = Int(spans[2 * (r * layout.picked + j) + 1])
                    (keptStore.base + write).update(from: store.base + s, count: e - s)
                    keptSpans.base[cell] = UInt32(write)
                    write += e - s
                    keptSpans.base[cell + 1] = UInt32(write)
                    cell += 2
                }
            }
        }
        self.columns = parsed.columns
        rowCount = rows
        sha256 = parsed.digest ?? ""
        kept = ColumnarTable(header: keeping.map { parsed.columns[$0] }, rowCount: rows, store: keptStore, spans: keptSpans)
        self.store = store
        chunks = parsed.chunks
        self.firstRows = firstRows
    }

    deinit {
        for c in chunks { c.spans.map { free($0) } }
    }

    /// Hands each piece (a table of `columns` for its rows) to `body` with the number of rows
    /// before it, on all cores, and returns the results in piece order. A piece must not outlive
    /// its call; once all are handed over the partition's bytes and offsets are freed. Once only.
    public func map<T>(_ body: (ColumnarTable, Int) throws -> T) throws -> [T] {
        let (store, chunks): (ByteStore?, [PartitionParser.Chunk]) = lock.withLock {
            precondition(!handedOver, "a partition's pieces are handed over once")
            handedOver = true
            defer {
                self.chunks = []
                self.store = nil
            }
            return (self.store, self.chunks)
        }
        guard let store else { return [] }
        let columns = self.columns, firstRows = self.firstRows
        // Each piece's table owns its chunk's offsets from here (and frees them when it goes).
        var owners = chunks.map { c in c.spans.map { SpanStore(adopting: $0, count: c.rows * 2 * columns.count) } }
        defer { owners = [] }
        return try parallelMap(chunks.count) { k -> T in
            let spans = try owners[k] ?? SpanStore(count: 0)
            return try body(ColumnarTable(header: columns, rowCount: chunks[k].rows, store: store, spans: spans), firstRows[k])
        }
    }
}
