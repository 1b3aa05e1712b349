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

    /// Whether `a` sorts strictly before `b` (code-point order): a byte loop, cheaper than a
    /// library call for ids that share most of their bytes with the row before.
    @inline(__always)
    static func precedes(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = min(a.count, b.count)
        var i = 0
        while i < n {
            let x = a[i], y = b[i]
            if x != y { return x < y }
            i &+= 1
        }
        return a.count < b.count
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

    /// The row holding `key` (its first row when the column is not ascending), or nil.
    func row(_ key: UnsafeBufferPointer<UInt8>) -> Int? {
        guard ascending else { return index!.find(key).map { firstRow[$0] } }
        var r = 0, hi = table.rowCount
        while r < hi {
            let mid = (r + hi) >> 1
            if KeyJoin.compare(table.bytes(mid, column), key) < 0 { r = mid + 1 } else { hi = mid }
        }
        return r < table.rowCount && KeyJoin.compare(table.bytes(r, column), key) == 0 ? r : nil
    }

    /// The first row at or after `start` whose key is not below `key` (the column ascending):
    /// galloping from `start`, so a run of ascending lookups costs a walk of the column at most.
    @inline(__always)
    func lowerBound(_ key: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        let n = table.rowCount
        var lo = start, step = 1
        var hi = start
        while hi < n && KeyJoin.compare(table.bytes(hi, column), key) < 0 {
            lo = hi + 1
            hi = start + step
            step <<= 1
        }
        hi = min(hi, n)
        while lo < hi {
            let mid = (lo + hi) >> 1
            if KeyJoin.compare(table.bytes(mid, column), key) < 0 { lo = mid + 1 } else { hi = mid }
        }
        return lo
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

    /// Looks up keys that usually come in ascending order (another sorted table, walked in order):
    /// each search starts where the last one ended, unless the row before that is not below the
    /// key (the keys went back), when it starts again from the top; any order gives the same rows.
    struct Cursor {
        let rows: KeyedRows
        private var position = 0

        init(_ rows: KeyedRows) { self.rows = rows }

        mutating func row(_ key: UnsafeBufferPointer<UInt8>) -> Int? {
            guard rows.ascending else { return rows.row(key) }
            if position > 0 && KeyJoin.compare(rows.table.bytes(position - 1, rows.column), key) >= 0 { position = 0 }
            position = rows.lowerBound(key, from: position)
            return position < rows.count && KeyJoin.compare(rows.table.bytes(position, rows.column), key) == 0 ? position : nil
        }
    }
}
