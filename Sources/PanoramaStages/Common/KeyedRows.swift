import PanoramaCore

/// The rows of a table found by a text key (customer_id). customer_360 is written in customer_id
/// order (SPEC §3.2) and deliveries usually come sorted by it, so when the key column strictly
/// increases a key is found by searching the column itself and nothing is built; otherwise a hash
/// index over the column gives the first row of each key. Either way the answer is the same.
struct KeyedRows {
    let table: ColumnarTable
    let column: Int
    /// Whether the key column strictly increases from row to row (checked, never assumed).
    let ascending: Bool
    private let index: ByteKeyIndex?
    private let firstRow: [Int]

    /// The rows of `table` by its `column`; `ascending` when the caller has already checked that
    /// the column strictly increases (nil = check it here).
    init(_ table: ColumnarTable, column: Int, ascending: Bool? = nil) {
        self.table = table
        self.column = column
        self.ascending = ascending ?? KeyedRows.isStrictlyAscending(table, column)
        if self.ascending {
            index = nil
            firstRow = []
        } else {
            (index, firstRow) = ByteKeyIndex.build(table, column: column)
        }
    }

    var count: Int { table.rowCount }

    /// Code-point order of two byte strings: negative, zero or positive. Eight bytes at a time
    /// (read in place, never past either string), as ids share most of their bytes with their
    /// neighbours.
    @inline(__always)
    static func compare(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int {
        let n = min(a.count, b.count)
        var i = 0
        if n >= 8, let pa = a.baseAddress, let pb = b.baseAddress {
            let rawA = UnsafeRawPointer(pa), rawB = UnsafeRawPointer(pb)
            while i + 8 <= n {
                let x = UInt64(bigEndian: rawA.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                let y = UInt64(bigEndian: rawB.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                if x != y { return x < y ? -1 : 1 }
                i &+= 8
            }
        }
        while i < n {
            let x = a[i], y = b[i]
            if x != y { return x < y ? -1 : 1 }
            i &+= 1
        }
        return a.count - b.count
    }

    /// Whether `a` sorts strictly before `b` (code-point order).
    @inline(__always)
    static func precedes(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        compare(a, b) < 0
    }

    /// Whether the column's keys strictly increase (code-point order), checked in parallel chunks.
    static func isStrictlyAscending(_ t: ColumnarTable, _ c: Int) -> Bool {
        let n = t.rowCount
        guard n > 1 else { return true }
        let parts = n >= 1 << 16 ? 8 : 1
        let verdicts = (try? parallelMap(parts) { k -> Bool in
            // Each part checks its rows against the row before them, so the parts overlap by one.
            let lower = max(1, n * k / parts), upper = n * (k + 1) / parts
            guard lower < upper else { return true }
            var previous = t.bytes(lower - 1, c)
            for r in lower..<upper {
                let key = t.bytes(r, c)
                if !precedes(previous, key) { return false }
                previous = key
            }
            return true
        }) ?? [false]
        return verdicts.allSatisfy { $0 }
    }

    @inline(__always)
    private func key(_ r: Int) -> UnsafeBufferPointer<UInt8> { table.bytes(r, column) }

    /// The row holding `key` (its first row when the column is not ascending), or nil.
    func row(_ key: UnsafeBufferPointer<UInt8>) -> Int? {
        guard ascending else { return index!.find(key).map { firstRow[$0] } }
        return search(key, 0, table.rowCount).found
    }

    /// Binary search of `lo..<hi` (the column ascending): the row holding `key`, else where it
    /// would go.
    @inline(__always)
    private func search(_ key: UnsafeBufferPointer<UInt8>, _ lo: Int, _ hi: Int) -> (found: Int?, position: Int) {
        var lo = lo, hi = hi
        while lo < hi {
            let mid = (lo + hi) >> 1
            let order = KeyedRows.compare(self.key(mid), key)
            if order == 0 { return (mid, mid) }
            if order < 0 { lo = mid + 1 } else { hi = mid }
        }
        return (nil, lo)
    }

    /// For every row of `left`, the row here with the same key in `leftColumn` (the first row of a
    /// repeated key), or -1: a join computed in parallel chunks of `left`, each walking this table
    /// with a cursor (a merge when both are in key order).
    func matches(_ left: ColumnarTable, _ leftColumn: Int) -> [Int32] {
        let n = left.rowCount
        var out = [Int32](repeating: -1, count: n)
        out.withUnsafeMutableBufferPointer { out in
            forEachChunk(of: n) { rows in
                var cursor = Cursor(self)
                for r in rows {
                    if let m = cursor.row(left.bytes(r, leftColumn)) { out[r] = Int32(m) }
                }
            }
        }
        return out
    }

    /// `matches` for a smaller table whose keys come in another order (survey responses by date):
    /// the probes are put in key order first, so the walk through this table goes forward a few
    /// rows at a time instead of a binary search per probe, each step of which is a cache miss in
    /// a large partition. The same rows as `matches`.
    func matchesInKeyOrder(_ left: ColumnarTable, _ leftColumn: Int) -> [Int32] {
        let n = left.rowCount
        var out = [Int32](repeating: -1, count: n)
        guard ascending else {
            for r in 0..<n { if let m = row(left.bytes(r, leftColumn)) { out[r] = Int32(m) } }
            return out
        }
        var order = Array(0..<n)
        order.sort { a, b in
            let c = KeyedRows.compare(left.bytes(a, leftColumn), left.bytes(b, leftColumn))
            return c != 0 ? c < 0 : a < b
        }
        var cursor = Cursor(self)
        for r in order { if let m = cursor.row(left.bytes(r, leftColumn)) { out[r] = Int32(m) } }
        return out
    }

    /// Looks up keys that usually come in ascending order (another sorted table, walked in order):
    /// each search starts at the row the last one ended on, galloping forward, so a merge of two
    /// sorted columns costs about two comparisons a row; a key below that row starts again with a
    /// binary search, so any order gives the same rows.
    struct Cursor {
        let rows: KeyedRows
        /// Every row before it holds a key below the last key looked up.
        private var position = 0

        init(_ rows: KeyedRows) { self.rows = rows }

        mutating func row(_ key: UnsafeBufferPointer<UInt8>) -> Int? {
            guard rows.ascending else { return rows.row(key) }
            let n = rows.count
            guard position < n else {
                // Past the last row: a key above it is found nowhere.
                if n == 0 || KeyedRows.compare(rows.key(n - 1), key) < 0 { return nil }
                return settle(rows.search(key, 0, n))
            }
            let order = KeyedRows.compare(rows.key(position), key)
            if order == 0 { return position }
            if order > 0 {
                // The key sorts before the cursor's row: absent if it is above the row before.
                if position == 0 || KeyedRows.compare(rows.key(position - 1), key) < 0 { return nil }
                return settle(rows.search(key, 0, position))
            }
            // Gallop forward from the next row: 1, 2, 4, … rows ahead, then search the last step.
            var lo = position + 1, step = 1, probe = position + 1
            while probe < n {
                let o = KeyedRows.compare(rows.key(probe), key)
                if o == 0 { position = probe; return probe }
                if o > 0 { break }
                lo = probe + 1
                probe = position + 1 + step
                step <<= 1
            }
            return settle(rows.search(key, lo, min(probe, n)))
        }

        private mutating func settle(_ result: (found: Int?, position: Int)) -> Int? {
            position = result.position
            return result.found
        }
    }
}
