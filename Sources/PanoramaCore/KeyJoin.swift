#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Equi-joins of two columnar tables on a text key (customer_id), row numbers out. Deliveries
/// usually come sorted by their key, and then a merge walks both columns once in order; otherwise
/// a hash index does the same job. Either way the answer is the same.
public enum KeyJoin {
    /// Byte-wise (code point) comparison of two cells: negative, zero or positive.
    @inline(__always)
    public static func compare(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int {
        let n = min(a.count, b.count)
        if n > 0 {
            let c = memcmp(a.baseAddress!, b.baseAddress!, n)
            if c != 0 { return Int(c) }
        }
        return a.count - b.count
    }

    /// Whether the column's keys never decrease (`strictly`: always increase) from row to row.
    public static func isAscending(_ t: ColumnarTable, _ c: Int, strictly: Bool = false) -> Bool {
        guard t.rowCount > 1 else { return true }
        var previous = t.bytes(0, c)
        for r in 1..<t.rowCount {
            let key = t.bytes(r, c)
            let order = compare(previous, key)
            if order > 0 || (strictly && order == 0) { return false }
            previous = key
        }
        return true
    }

    /// For every row of `left`, the first row of `right` with the same key in column `rc`, or -1.
    /// `leftAscending` says the caller has checked `left`'s column never decreases.
    public static func firstMatches(_ left: ColumnarTable, _ lc: Int, leftAscending: Bool,
                                    _ right: ColumnarTable, _ rc: Int) -> [Int32] {
        var out = [Int32](repeating: -1, count: left.rowCount)
        if leftAscending && isAscending(right, rc) {
            var j = 0
            for i in 0..<left.rowCount {
                let key = left.bytes(i, lc)
                var order = 1
                while j < right.rowCount {
                    order = compare(right.bytes(j, rc), key)
                    if order >= 0 { break }
                    j += 1
                }
                if j < right.rowCount && order == 0 { out[i] = Int32(j) }
            }
            return out
        }
        let (index, firstRow) = ByteKeyIndex.build(right, column: rc)
        for i in 0..<left.rowCount {
            if let e = index.find(left.bytes(i, lc)) { out[i] = Int32(firstRow[e]) }
        }
        return out
    }
}
