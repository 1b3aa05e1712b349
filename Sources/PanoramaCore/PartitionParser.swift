import Foundation

/// The tokenizer behind `ColumnarTable`, specialised for warehouse partitions — CSV written by
/// `CSVWriter`: LF line ends, fields quoted only when they hold a comma, quote or line break, so
/// quotes are rare. Field boundaries are found eight bytes at a time (a word's commas, line feeds
/// and quotes as a bit mask), and only the selected columns' offsets are kept.
///
/// Large files are cut into chunks at fixed byte offsets, each parsed from the line start after its
/// cut at once on all cores (a "speculative" start: no single-core pre-scan for quotes). A chunk
/// parses the records that start before the next cut, so its end is the true start of the next
/// chunk; where the two differ (a quoted line break straddled the cut) the next chunk is parsed
/// again from the right place. One core hashes the file while the others parse.
///
/// A record that is not valid CSV, or has another field count than the header, is a runtime error
/// naming its line: the partition is damaged. Empty lines are skipped (a table of one column reads
/// an empty line as an empty cell, as `CSVWriter` writes it).
enum PartitionParser {
    /// Parses `store` (the file's bytes), keeping `columns` (nil = all) in that order; with `hash`,
    /// also returns the SHA-256 of the bytes as read (taken before quoted cells are unescaped).
    /// `chunks` overrides the number of chunks (tests cut small files in many places).
    static func parse(_ store: ByteStore, name: String, columns wanted: [String]?, hash: Bool,
                      chunks requested: Int? = nil) throws -> (table: ColumnarTable, sha256: String?) {
        var parsed = try parseChunks(store, name: name, columns: wanted, hash: hash, chunks: requested)
        defer { for c in parsed.chunks { c.spans.map { free($0) } } }
        let layout = parsed.layout

        // The chunks' offsets, joined in order into one array (each chunk's buffer freed as it is copied).
        var firstRow: [Int] = []
        var rows = 0
        for c in parsed.chunks { firstRow.append(rows); rows += c.rows }
        let stride = 2 * layout.picked
        let spans = try SpanStore(count: rows * stride)
        let chunks = parsed.chunks
        _ = try parallelMap(chunks.count) { k -> Void in
            let c = chunks[k]
            if let buffer = c.spans {
                (spans.base + firstRow[k] * stride).update(from: buffer, count: c.rows * stride)
                free(buffer)
            }
        }
        for k in parsed.chunks.indices { parsed.chunks[k].spans = nil }
        for (k, c) in chunks.enumerated() {
            finishCells(c, spans: spans.base + firstRow[k] * stride, store: store, layout: layout, duplicates: parsed.duplicates)
        }
        return (ColumnarTable(header: parsed.columns, rowCount: rows, store: store, spans: spans), parsed.digest)
    }

    /// What `parseChunks` found: the columns kept, the chunks' records (verified to follow each
    /// other), and the digest when asked for.
    struct Parsed {
        var columns: [String]
        var layout: Layout
        /// Columns asked for twice: the slot that copies another slot's offsets.
        var duplicates: [(slot: Int, of: Int)]
        var chunks: [Chunk]
        var digest: String?
    }

    /// Tokenises `store` into chunks of records on all cores (see the type's comment); each chunk
    /// keeps its own offsets (freed by the caller).
    static func parseChunks(_ store: ByteStore, name: String, columns wanted: [String]?, hash: Bool,
                            chunks requested: Int? = nil) throws -> Parsed {
        let n = store.count
        guard n < Int(UInt32.max) else {
            throw PanoramaError.runtime("\(name) is larger than 4 GiB; split the partition")
        }
        let b = UnsafePointer(store.base)
        var dataStart = 0
        let fileHeader = try header(b, n, start: &dataStart, name: name)
        guard let fileHeader else {
            let columns = wanted ?? []
            return Parsed(columns: columns, layout: Layout(width: 0, picked: columns.count), duplicates: [], chunks: [],
                          digest: hash ? sha256(b, n) : nil)
        }
        let columns = wanted ?? fileHeader
        var slots = [Int32](repeating: -1, count: fileHeader.count)
        var duplicates: [(slot: Int, of: Int)] = []
        for (slot, column) in columns.enumerated() {
            guard let i = fileHeader.firstIndex(of: column) else {
                throw PanoramaError.runtime("\(name) has no column `\(column)` (columns: \(fileHeader.joined(separator: ", "))); re-run the stage that wrote it")
            }
            if slots[i] < 0 { slots[i] = Int32(slot) } else { duplicates.append((slot, Int(slots[i]))) }
        }
        let layout = Layout(width: fileHeader.count, picked: columns.count)

        // Cuts at fixed offsets: about 8 MiB per chunk, at least four per core for balance.
        let dataBytes = n - dataStart
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let chunkCount = max(1, min(requested ?? (dataBytes < 1 << 20 ? 1 : max(4 * cores, dataBytes / (8 << 20))), dataBytes))
        let cuts = (0...chunkCount).map { dataStart + dataBytes * $0 / chunkCount }

        var digest: String?
        var chunks: [Chunk] = []
        do {
            try slots.withUnsafeBufferPointer { slots in
                // Task 0 hashes the whole file; task 1 + k parses chunk k. A chunk that cannot be
                // parsed (no memory) is an error once every chunk's offsets are in hand to free.
                let results = try parallelMap(chunkCount + (hash ? 1 : 0)) { task -> Result<Chunk, Error>? in
                    let k = hash ? task - 1 : task
                    if k < 0 {
                        digest = sha256(b, n)
                        return nil
                    }
                    let start = k == 0 ? dataStart : lineStart(b, n, after: cuts[k])
                    return Result { try Chunk(b, n, from: start, stop: cuts[k + 1], layout, slots.baseAddress!) }
                }
                for case .success(let chunk) in results.compactMap({ $0 }) { chunks.append(chunk) }
                for case .failure(let error) in results.compactMap({ $0 }) { throw error }
                // Each chunk must start where the one before it ended; parse again from there where not.
                for k in chunks.indices {
                    if k > 0 && chunks[k].start != chunks[k - 1].end {
                        chunks[k].spans.map { free($0) }
                        chunks[k].spans = nil
                        chunks[k] = try Chunk(b, n, from: chunks[k - 1].end, stop: cuts[k + 1], layout, slots.baseAddress!)
                    }
                    if let failure = chunks[k].failure {
                        throw PanoramaError.runtime("\(name) is damaged at line \(lineNumber(b, failure.offset)) (byte \(failure.offset)): \(failure.reason); re-run the stage that wrote it")
                    }
                }
            }
        } catch {
            for c in chunks { c.spans.map { free($0) } }
            throw error
        }
        return Parsed(columns: columns, layout: layout, duplicates: duplicates, chunks: chunks, digest: digest)
    }

    /// A chunk's cells made final, its offsets at `spans` (row-major, from the chunk's first row):
    /// quoted cells with doubled quotes unescaped in place in the store's bytes (the text only gets
    /// shorter, and the file was hashed already, so bytes(), string() and keys agree), and a column
    /// asked for twice given the first one's offsets. Chunks touch disjoint bytes and offsets.
    static func finishCells(_ c: Chunk, spans: UnsafeMutablePointer<UInt32>, store: ByteStore, layout: Layout,
                            duplicates: [(slot: Int, of: Int)]) {
        let stride = 2 * layout.picked
        for cell in c.escaped {
            let at = cell.row * stride + 2 * cell.slot
            var read = Int(spans[at]), write = read
            let end = Int(spans[at + 1])
            while read < end {
                store.base[write] = store.base[read]
                read += store.base[read] == 0x22 ? 2 : 1
                write += 1
            }
            spans[at + 1] = UInt32(write)
        }
        for d in duplicates {
            for r in 0..<c.rows {
                spans[r * stride + 2 * d.slot] = spans[r * stride + 2 * d.of]
                spans[r * stride + 2 * d.slot + 1] = spans[r * stride + 2 * d.of + 1]
            }
        }
    }

    /// The file's column count and how many cells a row keeps.
    struct Layout {
        var width: Int
        var picked: Int
    }

    /// The records of one chunk: those starting in [start, stop).
    struct Chunk {
        var start: Int
        /// Where the chunk's last record ends (the next record's start), or where a failure was found.
        var end: Int
        var rows = 0
        /// `rows` × 2 × picked offsets, row after row (nil when no column is kept).
        var spans: UnsafeMutablePointer<UInt32>?
        /// Quoted cells holding doubled quotes (row within the chunk, slot).
        var escaped: [(row: Int, slot: Int)] = []
        var failure: (offset: Int, reason: String)?

        init(_ b: UnsafePointer<UInt8>, _ n: Int, from start: Int, stop: Int, _ layout: Layout, _ slots: UnsafePointer<Int32>) throws {
            self.start = start
            self.end = start
            // A record has at least width - 1 commas and a line feed (an empty line when width is 1).
            let bound = max(0, stop - start) / max(1, layout.width - 1) + 2
            if layout.picked > 0 {
                spans = try LargeBuffer.allocate(bytes: bound * 2 * layout.picked * MemoryLayout<UInt32>.stride)
                    .assumingMemoryBound(to: UInt32.self)
            }
            parse(b, n, stop: stop, layout, slots)
        }

        private mutating func parse(_ b: UnsafePointer<UInt8>, _ n: Int, stop: Int, _ layout: Layout, _ slots: UnsafePointer<Int32>) {
            let width = layout.width, stride = 2 * layout.picked
            var scratch: (UInt32, UInt32) = (0, 0)
            var pos = start
            defer { end = pos }
            withUnsafeMutablePointer(to: &scratch) { scratch in
                let sink = UnsafeMutableRawPointer(scratch).assumingMemoryBound(to: UInt32.self)
                while pos < stop {
                    // An empty line (LF or CR LF) is no record, unless a record is one empty field.
                    if width > 1 && (b[pos] == 0x0A || (b[pos] == 0x0D && pos + 1 < n && b[pos + 1] == 0x0A)) {
                        pos += b[pos] == 0x0A ? 1 : 2
                        continue
                    }
                    let recordStart = pos
                    let out = spans.map { $0 + rows * stride } ?? sink
                    var column = 0
                    var fieldStart = pos
                    var word = pos
                    var mask = specials(b, pos)
                    // Stores field `column`'s offsets when the column is kept.
                    @inline(__always) func keep(_ s: Int, _ e: Int) {
                        guard column < width else { return }
                        let slot = Int(slots[column])
                        if slot >= 0 {
                            out[2 * slot] = UInt32(truncatingIfNeeded: s)
                            out[2 * slot + 1] = UInt32(truncatingIfNeeded: e)
                        }
                    }
                    record: while true {
                        while mask == 0 {
                            word += 8
                            if word >= n { break }
                            mask = specials(b, word)
                        }
                        let i = mask == 0 ? n : word + mask.trailingZeroBitCount >> 3
                        if i >= n {
                            // The last record, without a final line break.
                            var e = n
                            if e > fieldStart && b[e - 1] == 0x0D { e -= 1 }
                            keep(fieldStart, e)
                            pos = n
                            break record
                        }
                        mask &= mask &- 1
                        let c = b[i]
                        if c == 0x2C {
                            keep(fieldStart, i)
                            column += 1
                            fieldStart = i + 1
                            continue
                        }
                        if c == 0x0A {
                            var e = i
                            if e > fieldStart && b[e - 1] == 0x0D { e -= 1 }
                            keep(fieldStart, e)
                            pos = i + 1
                            break record
                        }
                        // A quote: it must open the field, and the field runs to the closing quote.
                        guard i == fieldStart else {
                            fail(recordStart, "a quote stands inside an unquoted field", at: &pos)
                            return
                        }
                        var j = i + 1
                        var doubled = false
                        var close = -1
                        while j < n, let q = memchr(b + j, 0x22, n - j) {
                            let at = b.distance(to: q.assumingMemoryBound(to: UInt8.self))
                            if at + 1 < n && b[at + 1] == 0x22 {
                                doubled = true
                                j = at + 2
                                continue
                            }
                            close = at
                            break
                        }
                        guard close >= 0 else {
                            fail(recordStart, "the file ends inside a quoted field", at: &pos)
                            return
                        }
                        keep(i + 1, close)
                        if doubled && column < width && slots[column] >= 0 { escaped.append((rows, Int(slots[column]))) }
                        let after = close + 1
                        if after >= n {
                            pos = n
                            break record
                        }
                        switch b[after] {
                        case 0x2C:
                            column += 1
                            fieldStart = after + 1
                            word = fieldStart
                            mask = specials(b, fieldStart)
                            continue record
                        case 0x0A:
                            pos = after + 1
                            break record
                        case 0x0D where after + 1 == n || b[after + 1] == 0x0A:
                            pos = min(n, after + 2)
                            break record
                        default:
                            fail(recordStart, "text follows a closing quote", at: &pos)
                            return
                        }
                    }
                    if column + 1 != width {
                        fail(recordStart, "it has \(column + 1) fields where the header has \(width)", at: &pos)
                        return
                    }
                    rows += 1
                }
            }
        }

        private mutating func fail(_ offset: Int, _ reason: String, at pos: inout Int) {
            failure = (offset, reason)
            pos = offset
        }
    }

    /// The byte positions of commas, line feeds and quotes among the eight bytes at `offset`, as
    /// the high bit of each matching byte (little-endian: the lowest set bit is the first match).
    /// Exact per byte: no carry crosses from one byte into the next.
    @inline(__always)
    static func specials(_ b: UnsafePointer<UInt8>, _ offset: Int) -> UInt64 {
        let w = UInt64(littleEndian: UnsafeRawPointer(b + offset).loadUnaligned(as: UInt64.self))
        let low: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        // A byte of x is nonzero exactly when the high bit of ((x & low) + low) | x is set.
        @inline(__always) func nonzero(_ x: UInt64) -> UInt64 { ((x & low) &+ low) | x }
        let comma = nonzero(w ^ 0x2C2C_2C2C_2C2C_2C2C)
        let lineFeed = nonzero(w ^ 0x0A0A_0A0A_0A0A_0A0A)
        let quote = nonzero(w ^ 0x2222_2222_2222_2222)
        return ~(comma & lineFeed & quote | low)
    }

    /// The offset just after the first line feed at or after `cut - 1` (so `cut` itself when a line
    /// starts there), or `n`.
    static func lineStart(_ b: UnsafePointer<UInt8>, _ n: Int, after cut: Int) -> Int {
        let from = max(0, cut - 1)
        guard from < n, let p = memchr(b + from, 0x0A, n - from) else { return n }
        return b.distance(to: p.assumingMemoryBound(to: UInt8.self)) + 1
    }

    /// The header row's names (quotes removed), with `start` moved to the first data record; nil
    /// when the file holds no header (empty, or empty lines only).
    static func header(_ b: UnsafePointer<UInt8>, _ n: Int, start: inout Int, name: String) throws -> [String]? {
        var pos = 0
        while pos < n && (b[pos] == 0x0A || (b[pos] == 0x0D && pos + 1 < n && b[pos + 1] == 0x0A)) { pos += b[pos] == 0x0A ? 1 : 2 }
        guard pos < n else { return nil }
        // The same rules as a data record: a quote opens a field only at its start, and a closed
        // quoted field is followed by a comma or the line end; a CR before the line feed of an
        // unquoted last field is the CR LF line end, a CR inside quotes is text.
        func damaged(_ why: String) -> PanoramaError {
            PanoramaError.runtime("\(name) is damaged at line 1: \(why); re-run the stage that wrote it")
        }
        var names: [String] = []
        var field: [UInt8] = []
        var quoted = false, wasQuoted = false
        var ended = false
        while pos < n {
            let c = b[pos]
            if quoted {
                if c == 0x22 {
                    if pos + 1 < n && b[pos + 1] == 0x22 { field.append(0x22); pos += 2; continue }
                    quoted = false
                    wasQuoted = true
                } else {
                    field.append(c)
                }
                pos += 1
                continue
            }
            if c == 0x2C {
                names.append(String(decoding: field, as: UTF8.self))
                field.removeAll(keepingCapacity: true)
                wasQuoted = false
            } else if c == 0x0A {
                ended = true
                break
            } else if c == 0x0D && wasQuoted && pos + 1 < n && b[pos + 1] == 0x0A {
                pos += 1
                ended = true
                break
            } else if wasQuoted {
                throw damaged("its header has text after the closing quote of column \(names.count + 1)")
            } else if c == 0x22 {
                guard field.isEmpty else { throw damaged("its header has a quote inside unquoted column \(names.count + 1)") }
                quoted = true
            } else {
                field.append(c)
            }
            pos += 1
        }
        if quoted {
            throw damaged("the file ends inside its quoted header")
        }
        if !wasQuoted && field.last == 0x0D && (ended || pos == n) { field.removeLast() }
        names.append(String(decoding: field, as: UTF8.self))
        var seen = Set<String>()
        for name in names where !seen.insert(name).inserted {
            throw damaged("its header names column `\(MessageText.excerpt(name, limit: 64))` twice")
        }
        start = min(n, pos + 1)
        return names
    }

    /// The SHA-256 of the bytes as read.
    static func sha256(_ b: UnsafePointer<UInt8>, _ n: Int) -> String {
        var digest = SHA256Digest()
        digest.update(UnsafeBufferPointer(start: b, count: n))
        return digest.finalizeHex()
    }

    /// The physical line (from 1) on which byte `offset` lies (for messages).
    static func lineNumber(_ b: UnsafePointer<UInt8>, _ offset: Int) -> Int {
        var line = 1
        for k in 0..<offset where b[k] == 0x0A { line += 1 }
        return line
    }
}
