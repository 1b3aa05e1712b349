// How well a score ranks the cases that turned out positive (SPEC §5.2's backtest): the AUC and the
// top-decile lift, and the order "highest score first, ties by a key" that risk ranks use.

/// AUC and top-decile lift of one score on one labelled evaluation set.
public struct ScoreEvaluation: Sendable, Equatable {
    /// Rows evaluated.
    public let n: Int
    /// Rows labelled positive.
    public let positives: Int
    /// P(a random positive scores above a random negative), ties counting ½; nil when there is no
    /// positive or no negative.
    public let auc: Double?
    /// Positive rate among the ⌈n/10⌉ highest scores ÷ the positive rate of all n; nil when there is
    /// no positive.
    public let topDecileLift: Double?

    /// Evaluates `scores` against `labels`. The top decile takes the highest scores first and, among
    /// equal scores, the rows with the smaller `tieKeys` (row order when nil).
    public init(scores: [Double], labels: [Bool], tieKeys: [Int]? = nil) throws(StatsError) {
        if labels.count != scores.count {
            throw .dimensionMismatch("\(scores.count) scores for \(labels.count) labels")
        }
        if let keys = tieKeys, keys.count != scores.count {
            throw .dimensionMismatch("\(keys.count) tie keys for \(scores.count) scores")
        }
        if let i = scores.firstIndex(where: { !$0.isFinite }) { throw .nonFiniteValue("score row \(i)") }
        let n = scores.count
        var pos: [Double] = [], neg: [Double] = []
        for i in 0..<n {
            if labels[i] { pos.append(scores[i]) } else { neg.append(scores[i]) }
        }
        pos = RadixSort.ascending(pos)
        neg = RadixSort.ascending(neg)
        self.n = n
        positives = pos.count
        auc = ScoreEvaluation.auc(sortedPositives: pos, sortedNegatives: neg)
        guard !pos.isEmpty else {
            topDecileLift = nil
            return
        }
        let k = (n + 9) / 10
        let hits = ScoreEvaluation.positivesInTop(k, scores: scores, labels: labels, tieKeys: tieKeys,
                                                  sortedPositives: pos, sortedNegatives: neg)
        topDecileLift = (Double(hits) / Double(k)) / (Double(pos.count) / Double(n))
    }

    /// Mann–Whitney: twice the count of (positive, negative) pairs ordered correctly plus the tied
    /// ones, kept in integers so ties count exactly ½.
    static func auc(sortedPositives pos: [Double], sortedNegatives neg: [Double]) -> Double? {
        guard !pos.isEmpty, !neg.isEmpty else { return nil }
        var twiceU = 0
        var below = 0      // negatives strictly below the current value
        var j = 0
        var i = 0
        while i < pos.count {
            let v = pos[i]
            var samePos = 0
            while i < pos.count && pos[i] == v { samePos += 1; i += 1 }
            while j < neg.count && neg[j] < v { below += 1; j += 1 }
            var equal = 0
            while j + equal < neg.count && neg[j + equal] == v { equal += 1 }
            twiceU += samePos * (2 * below + equal)
        }
        return Double(twiceU) / (2 * Double(pos.count) * Double(neg.count))
    }

    /// Positives among the k rows with the highest scores, equal scores taken by ascending tie key.
    static func positivesInTop(_ k: Int, scores: [Double], labels: [Bool], tieKeys: [Int]?,
                               sortedPositives pos: [Double], sortedNegatives neg: [Double]) -> Int {
        // The k-th highest score: walk both ascending arrays down from their ends.
        var p = pos.count - 1, q = neg.count - 1
        var threshold = 0.0
        for _ in 0..<k {
            if q < 0 || (p >= 0 && pos[p] >= neg[q]) { threshold = pos[p]; p -= 1 } else { threshold = neg[q]; q -= 1 }
        }
        let positivesAbove = pos.count - upperBound(pos, threshold)
        let rowsAbove = positivesAbove + neg.count - upperBound(neg, threshold)
        // Rows at the threshold compete for the remaining places by key.
        var tied: [(key: Int, positive: Bool)] = []
        for i in 0..<scores.count where scores[i] == threshold { tied.append((tieKeys?[i] ?? i, labels[i])) }
        tied.sort { $0.key < $1.key }
        return positivesAbove + tied.prefix(k - rowsAbove).reduce(0) { $0 + ($1.positive ? 1 : 0) }
    }

    /// Index of the first element greater than `v` in an ascending array.
    private static func upperBound(_ a: [Double], _ v: Double) -> Int {
        var lo = 0, hi = a.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if a[mid] <= v { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}

/// Ranking helpers shared by scores and their evaluation.
public enum RankingMetrics {
    /// The AUC of `scores` against `labels` (ties ½); nil without a positive or a negative.
    public static func auc(scores: [Double], labels: [Bool]) throws(StatsError) -> Double? {
        try ScoreEvaluation(scores: scores, labels: labels).auc
    }

    /// Top-decile lift: positive rate among the ⌈n/10⌉ highest scores (equal scores by ascending
    /// `tieKeys`, row order when nil) ÷ the positive rate of all rows; nil without a positive.
    public static func topDecileLift(scores: [Double], labels: [Bool], tieKeys: [Int]? = nil) throws(StatsError) -> Double? {
        try ScoreEvaluation(scores: scores, labels: labels, tieKeys: tieKeys).topDecileLift
    }

    /// Row indices from the highest score to the lowest, equal scores by ascending `tieKeys` (row
    /// order when nil): position r holds the row ranked r + 1.
    public static func order(scores: [Double], tieKeys: [Int]? = nil) -> [Int] {
        precondition(tieKeys == nil || tieKeys!.count == scores.count, "one tie key per score")
        var rows = (0..<scores.count).map { Int32($0) }
        // Stable sorts from the least significant key: first by tie key, then by score.
        if let tieKeys { RadixSort.sort(&rows, by: tieKeys.map { UInt64(bitPattern: Int64($0)) ^ (1 << 63) }) }
        RadixSort.sort(&rows, by: scores.map { ~RadixSort.key($0) })
        return rows.map { Int($0) }
    }
}

/// Stable least-significant-digit radix sort on 64-bit keys, 11 bits per pass (2,048 buckets, whose
/// counts and write positions stay in the first-level cache; passes where every key has the same
/// digit are skipped): a million rows in a few milliseconds, where a comparison sort through an
/// index takes a tenth of a second.
enum RadixSort {
    /// An unsigned key in the order of the finite doubles (−0 and +0 are the same key).
    @inline(__always)
    static func key(_ v: Double) -> UInt64 {
        let bits = (v == 0 ? 0.0 : v).bitPattern
        return bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
    }

    @inline(__always)
    static func value(_ key: UInt64) -> Double {
        Double(bitPattern: key & (1 << 63) != 0 ? key & ~(1 << 63) : ~key)
    }

    /// `values` in ascending order (the keys sorted on their own: no row indices to carry).
    static func ascending(_ values: [Double]) -> [Double] {
        var keys = values.map(key)
        sortKeys(&keys)
        return keys.map(value)
    }

    /// Sorts keys ascending (11 bits per pass, constant digits skipped).
    static func sortKeys(_ keys: inout [UInt64]) {
        let n = keys.count
        guard n > 1 else { return }
        if n >= splitThreshold {
            var none: [Int32] = []
            sortSplit(&keys, &none, carryingRows: false)
            return
        }
        var next = [UInt64](repeating: 0, count: n)
        var counts = [Int](repeating: 0, count: 1 << digitBits)
        for shift in stride(from: 0, to: 64, by: digitBits) where offsets(keys, shift, &counts) {
            for key in keys {
                let digit = Self.digit(key, shift)
                next[counts[digit]] = key
                counts[digit] += 1
            }
            swap(&keys, &next)
        }
    }

    /// 11 bits a pass: 2,048 counts, which stay in the first-level cache.
    static var digitBits: Int { 11 }

    @inline(__always)
    static func digit(_ key: UInt64, _ shift: Int) -> Int { Int(truncatingIfNeeded: (key &>> UInt64(truncatingIfNeeded: shift)) & 0x7FF) }

    /// Fills `counts` with where each digit's keys start in the next order; false when every key
    /// has the same digit (the pass would change nothing).
    @inline(__always)
    static func offsets(_ keys: [UInt64], _ shift: Int, _ counts: inout [Int]) -> Bool {
        for k in 0..<counts.count { counts[k] = 0 }
        for key in keys { counts[digit(key, shift)] += 1 }
        if counts.contains(keys.count) { return false }
        var sum = 0
        for k in 0..<counts.count {
            let c = counts[k]
            counts[k] = sum
            sum += c
        }
        return true
    }

    /// Reorders `rows` (indices into `keys`) by ascending key, keeping the order of equal keys.
    static func sort(_ rows: inout [Int32], by keys: [UInt64]) {
        let n = rows.count
        guard n > 1 else { return }
        var current = rows.map { keys[Int($0)] }
        if n >= splitThreshold {
            sortSplit(&current, &rows, carryingRows: true)
            return
        }
        var nextKeys = [UInt64](repeating: 0, count: n)
        var nextRows = [Int32](repeating: 0, count: n)
        var counts = [Int](repeating: 0, count: 1 << digitBits)
        for shift in stride(from: 0, to: 64, by: digitBits) where offsets(current, shift, &counts) {
            for i in 0..<n {
                let digit = Self.digit(current[i], shift)
                let at = counts[digit]
                counts[digit] = at + 1
                nextKeys[at] = current[i]
                nextRows[at] = rows[i]
            }
            swap(&current, &nextKeys)
            swap(&rows, &nextRows)
        }
    }

    /// From this many keys on, a sort splits first (`sortSplit`).
    static var splitThreshold: Int { 1 << 15 }

    /// A large sort in two steps. One pass on the highest 11 bits in which the keys differ splits
    /// them into buckets whose keys agree on every bit from there up; each bucket is then sorted on
    /// the bits below, stably, while it fits in cache, the buckets shared out between the cores.
    /// Both steps are stable, so the result is the one a single stable sort gives. `rows` moves
    /// alongside the keys when `carryingRows`.
    static func sortSplit(_ keys: inout [UInt64], _ rows: inout [Int32], carryingRows: Bool) {
        let n = keys.count
        let first = keys[0]
        var differ: UInt64 = 0
        for key in keys { differ |= key ^ first }
        guard differ != 0 else { return }
        let shift = max(0, 64 - differ.leadingZeroBitCount - digitBits)
        var counts = [Int](repeating: 0, count: 1 << digitBits)
        _ = offsets(keys, shift, &counts)
        var bounds = counts + [n]
        var nextKeys = [UInt64](repeating: 0, count: n)
        var nextRows = [Int32](repeating: 0, count: carryingRows ? n : 0)
        for i in 0..<n {
            let digit = Self.digit(keys[i], shift)
            let at = counts[digit]
            counts[digit] = at + 1
            nextKeys[at] = keys[i]
            if carryingRows { nextRows[at] = rows[i] }
        }
        swap(&keys, &nextKeys)
        if carryingRows { swap(&rows, &nextRows) }
        guard shift > 0 else { return }
        // Buckets in contiguous groups of about equal size, one group per task.
        let tasks = 8
        var groupStarts = [0]
        for d in 1..<(1 << digitBits) where bounds[d] >= groupStarts.count * n / tasks && groupStarts.count < tasks {
            groupStarts.append(d)
        }
        groupStarts.append(1 << digitBits)
        bounds.withUnsafeMutableBufferPointer { bounds in
            keys.withUnsafeMutableBufferPointer { keys in
                rows.withUnsafeMutableBufferPointer { rows in
                    let work = SplitWork(keys: keys.baseAddress!, rows: carryingRows ? rows.baseAddress : nil, bounds: UnsafePointer(bounds.baseAddress!))
                    _ = inParallel(groupStarts.count - 1) { g in
                        work.sortBuckets(groupStarts[g]..<groupStarts[g + 1], below: shift)
                    }
                }
            }
        }
    }
}

/// The buckets of a split sort, handed to the tasks that sort disjoint groups of them.
private struct SplitWork: @unchecked Sendable {
    let keys: UnsafeMutablePointer<UInt64>
    let rows: UnsafeMutablePointer<Int32>?
    /// Bucket d spans bounds[d] ..< bounds[d + 1].
    let bounds: UnsafePointer<Int>

    /// Sorts each bucket of `buckets` on the key bits below `bits`: insertion for a few keys, else
    /// eight bits a pass from the lowest (256 counts; passes where the bucket's keys share the
    /// digit skipped).
    func sortBuckets(_ buckets: Range<Int>, below bits: Int) {
        var largest = 0
        for d in buckets { largest = max(largest, bounds[d + 1] - bounds[d]) }
        guard largest > 1 else { return }
        let scratchKeys = UnsafeMutablePointer<UInt64>.allocate(capacity: largest)
        let scratchRows = UnsafeMutablePointer<Int32>.allocate(capacity: rows == nil ? 0 : largest)
        defer {
            scratchKeys.deallocate()
            scratchRows.deallocate()
        }
        var counts = [Int](repeating: 0, count: 256)
        for d in buckets {
            let start = bounds[d], n = bounds[d + 1] - start
            guard n > 1 else { continue }
            var k = keys + start, r = rows.map { $0 + start }
            if n <= 32 {
                insertionSort(k, r, n)
                continue
            }
            var nk = scratchKeys, nr = scratchRows
            var moved = false
            for shift in stride(from: 0, to: bits, by: 8) {
                for c in 0..<256 { counts[c] = 0 }
                for i in 0..<n { counts[Int(truncatingIfNeeded: (k[i] &>> UInt64(shift)) & 0xFF)] += 1 }
                if counts.contains(n) { continue }
                var sum = 0
                for c in 0..<256 {
                    let count = counts[c]
                    counts[c] = sum
                    sum += count
                }
                for i in 0..<n {
                    let digit = Int(truncatingIfNeeded: (k[i] &>> UInt64(shift)) & 0xFF)
                    let at = counts[digit]
                    counts[digit] = at + 1
                    nk[at] = k[i]
                    if let r { nr[at] = r[i] }
                }
                swap(&k, &nk)
                if r != nil { let t = r!; r = nr; nr = t }
                moved.toggle()
            }
            if moved {
                // The sorted bucket is in the scratch space: copy it back.
                nk.update(from: k, count: n)
                if let r { nr.update(from: r, count: n) }
            }
        }
    }

    /// Stable insertion sort of a few keys (and their rows).
    private func insertionSort(_ k: UnsafeMutablePointer<UInt64>, _ r: UnsafeMutablePointer<Int32>?, _ n: Int) {
        for i in 1..<n {
            let key = k[i]
            let row = r?[i]
            var j = i
            while j > 0 && k[j - 1] > key {
                k[j] = k[j - 1]
                if let r { r[j] = r[j - 1] }
                j -= 1
            }
            k[j] = key
            if let r, let row { r[j] = row }
        }
    }
}
