import PanoramaCore
import PanoramaEngine

/// The rows of one bucket's partition, each as its CSV text (line break included) with the fields
/// a merge orders by — so a merge writes the buckets' rows byte for byte, only in another order.
struct BucketRows {
    /// The partition's bytes (header first).
    let bytes: [UInt8]
    /// Each data row's byte range, line break included.
    private(set) var rows: [Range<Int>] = []
    /// The unescaped text of the requested key fields of each row (row-major).
    private(set) var keys: [String] = []
    let keyCount: Int

    /// Splits a partition into rows and reads the fields `keyColumns` of each.
    init(_ bytes: [UInt8], name: String, keyColumns: [String]) throws {
        self.bytes = bytes
        self.keyCount = keyColumns.count
        var reader = CSVReader(bytes: bytes)
        guard reader.next() == .record else { return }
        let header = (0..<reader.fields.count).map { reader.rawField($0) }
        let picks = try keyColumns.map { c -> Int in
            guard let i = header.firstIndex(of: c) else {
                throw PanoramaError.runtime("\(name) has no column `\(c)`; re-run the bucket")
            }
            return i
        }
        reader.expectedFieldCount = header.count
        var start = reader.position
        while let kind = reader.next() {
            guard kind == .record else {
                throw PanoramaError.runtime("\(name) has a record that is not valid CSV near byte \(reader.rawRange.lowerBound); re-run the bucket")
            }
            rows.append(start..<reader.position)
            for p in picks { keys.append(reader.rawField(p)) }
            start = reader.position
        }
    }

    var count: Int { rows.count }

    /// Key `k` of row `r`.
    func key(_ r: Int, _ k: Int) -> String { keys[r * keyCount + k] }
}

/// Merging sorted runs: the buckets' rows of a table, each bucket's already in the table's order.
enum BucketMerge {
    /// The rows of all buckets in the order `less` defines, as (bucket, row) pairs: a k-way merge
    /// that takes the smallest head each time (B is small; ties go to the lower bucket).
    static func order(_ parts: [BucketRows], less: (_ a: (Int, Int), _ b: (Int, Int)) -> Bool) -> [(Int, Int)] {
        var heads = [Int](repeating: 0, count: parts.count)
        var out: [(Int, Int)] = []
        out.reserveCapacity(parts.reduce(0) { $0 + $1.count })
        while true {
            var best: Int?
            for b in parts.indices where heads[b] < parts[b].count {
                if let current = best {
                    if less((b, heads[b]), (current, heads[current])) { best = b }
                } else {
                    best = b
                }
            }
            guard let b = best else { return out }
            out.append((b, heads[b]))
            heads[b] += 1
        }
    }

    /// A CSV file: `header` then the chosen rows' bytes.
    static func write(header: [String], _ parts: [BucketRows], _ order: [(Int, Int)]) -> CSVWriter {
        var w = CSVWriter(header: header)
        for (b, r) in order {
            w.appendRow(parts[b].bytes[parts[b].rows[r]])
        }
        return w
    }

    /// Code-point order of two texts (SPEC §1).
    @inline(__always)
    static func less(_ a: String, _ b: String) -> Bool { codePointLess(a, b) }

    /// A decimal cell as a number for ordering (empty = −∞, as the stage orders missing values).
    static func number(_ text: String) -> Double {
        if text.isEmpty { return -.infinity }
        return text.utf8.withContiguousStorageIfAvailable { ValueParser.number($0) ?? -.infinity } ?? (Double(text) ?? -.infinity)
    }
}
