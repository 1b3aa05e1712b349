import Foundation
import Testing
import PanoramaTestSupport
@testable import PanoramaStats

/// The fast paths under the churn model's fit: the eight-lane exp, the four-column Newton pass with
/// its runs of rows (and columns that are 0 throughout a run), rows restored from a kept storage,
/// and the key-only radix sort. Each is checked against the plain computation it replaces.
@Suite("Newton pass fast paths agree with the plain computation")
struct NewtonPassTests {
    @Test("e^x for x ≤ 0 within 2 ulp of the C library, 0 below the subnormals, NaN for NaN")
    func vectorExp() {
        var random = SplitMix(state: 1)
        var worst = 0.0
        for _ in 0..<40_000 {
            var x = SIMD8<Double>()
            for l in 0..<8 {
                // Mostly where the churn model's η lies, some across the whole range.
                x[l] = random.next() % 4 == 0 ? -750 * random.uniform() : -30 * random.uniform()
            }
            let e = VectorExp.nonPositive(x)
            for l in 0..<8 {
                let reference = exp(x[l])
                if reference == 0 {
                    #expect(e[l] == 0)
                } else {
                    worst = max(worst, abs(e[l] - reference) / reference.ulp)
                }
            }
        }
        #expect(worst <= 2, "largest error \(worst) ulp")
        let special = VectorExp.nonPositive(SIMD8(0, -0.0, -1e-300, -708.5, -745.2, -800, -.infinity, -.nan))
        #expect(special[0] == 1 && special[1] == 1 && special[2] == 1)
        #expect(special[3] == exp(-708.5) && special[4] == exp(-745.2))
        #expect(special[5] == 0 && special[6] == 0 && special[7].isNaN)
    }

    /// Rows like the churn model's: three indicator bits, four numbers of which the first two are
    /// 0 for most rows (complaint counts) and the others continuous.
    func churnLikeRows(_ n: Int, seed: UInt64) -> (y: [Bool], x: [[Double]]) {
        var random = SplitMix(state: seed)
        var x = [[Double]](repeating: [], count: 7)
        var y: [Bool] = []
        for _ in 0..<n {
            let flags = (0..<3).map { _ in random.uniform() < 0.3 ? 1.0 : 0.0 }
            let complaints = random.uniform() < 0.85 ? 0 : Double(random.next() % 4)
            let open = complaints > 0 && random.uniform() < 0.5 ? 1.0 : 0.0
            let arpu = log1p(200 * random.uniform()), tenure = Double(random.next() % 241) / 12
            let row = flags + [complaints, open, arpu, tenure]
            for j in 0..<7 { x[j].append(row[j]) }
            let eta = -3 + 0.8 * flags[0] + 0.4 * flags[1] - 0.3 * flags[2] + 0.5 * complaints + 0.7 * open - 0.3 * arpu - 0.1 * tenure
            y.append(random.uniform() < 1 / (1 + exp(-eta)))
        }
        return (y, x)
    }

    @Test("the four-column pass (runs, eight rows at a time, zero columns skipped) agrees with the plain pass")
    func fourColumnPass() throws {
        let (y, x) = churnLikeRows(30_003, seed: 11)
        // Packed: 3 indicator bits and 4 numeric columns (the four-column pass); plain: 7 numeric
        // columns, every product formed row by row.
        let packed = try LogisticRegression.fit([LogisticRows(y: y, x: x)], ridge: 1)
        let plain = try LogisticRegression.fit([LogisticRows(y: y, x: x, packing: .none)], ridge: 1)
        #expect(packed.iterations == plain.iterations && packed.converged && plain.converged)
        for (a, b) in zip(packed.coefficients, plain.coefficients) { #expect(abs(a - b) <= 1e-9 * max(1, abs(b)), "\(a) vs \(b)") }
        #expect(abs(packed.logLikelihood - plain.logLikelihood) <= 1e-9 * abs(plain.logLikelihood))
        for (a, b) in zip(packed.standardErrors, plain.standardErrors) { #expect(abs(a! - b!) <= 1e-9 * b!) }
    }

    @Test("rows restored from their storage and runs fit to the same bits; a restored row outside its run is refused")
    func restoredRows() throws {
        let (y, x) = churnLikeRows(5_000, seed: 5)
        let rows = try LogisticRows(y: y, x: x)
        #expect(rows.runs.count > 1 && rows.runs.first!.start == 0 && rows.runs.last!.end == rows.count)
        let restored = try LogisticRows(restoring: rows.storage, runs: rows.runs, numericCount: rows.numericCount, predictors: rows.predictors)
        #expect(restored.events == rows.events && restored.count == rows.count)
        #expect(try LogisticRegression.fit([restored], ridge: 1) == LogisticRegression.fit([rows], ridge: 1))

        // A run claiming another pattern, runs that leave a gap, and a non-finite number.
        var wrong = rows.runs
        wrong[0].pattern ^= 1
        #expect(throws: StatsError.self) {
            try LogisticRows(restoring: rows.storage, runs: wrong, numericCount: rows.numericCount, predictors: rows.predictors)
        }
        #expect(throws: StatsError.self) {
            try LogisticRows(restoring: rows.storage, runs: Array(rows.runs.dropFirst()), numericCount: rows.numericCount,
                             predictors: rows.predictors)
        }
        var numbers = Array(rows.storage.numbers)
        numbers[7] = .infinity
        try numbers.withUnsafeBufferPointer { bad in
            let storage = RowStorage(y: rows.storage.y, bits: rows.storage.bits, numbers: bad, owner: rows.storage)
            #expect(throws: StatsError.self) {
                try LogisticRows(restoring: storage, runs: rows.runs, numericCount: rows.numericCount, predictors: rows.predictors)
            }
        }
    }

    @Test("rows are stored grouped by pattern and zero columns, in their given order within a group")
    func storageOrder() throws {
        // Rows 0…5 with bits (b0) and numbers (c0): (1, 0) (0, 2) (1, 3) (0, 0) (1, 0) (0, 5).
        let rows = try LogisticRows(y: [true, false, false, true, false, true], x: [[1, 0, 1, 0, 1, 0], [0, 2, 3, 0, 0, 5]])
        // Key = pattern << 1 | (c0 == 0): (0, c0 ≠ 0) rows 1, 5; (0, c0 = 0) row 3; (1, c0 ≠ 0) row 2;
        // (1, c0 = 0) rows 0, 4.
        #expect((0..<6).map { rows.value(1, row: $0) } == [2, 5, 0, 3, 0, 0])
        #expect(Array(rows.storage.y) == [0, 1, 1, 0, 1, 0])
        #expect(rows.runs.map { [$0.start, $0.end, $0.pattern, $0.zeroColumns] } == [[0, 2, 0, 0], [2, 3, 0, 1], [3, 4, 1, 0], [4, 6, 1, 1]])
    }

    @Test("rows selected from packed rows are stored as the same rows gathered first")
    func selectedRows() throws {
        // Source rows 0…4 (b0; c0, c1); rows 3, 0, 4 selected with labels true, false, true.
        let bits: [UInt16] = [1, 0, 1, 0, 1]
        let numbers: [Double] = [0, 1, 2, 0, 0, 3, 4, 5, 0, 6]
        let predictors: [LogisticRows.Predictor] = [.indicator(bit: 0), .numeric(column: 0), .numeric(column: 1)]
        let selected = try LogisticRows(y: [true, false, true], bits: bits, numbers: numbers, numericCount: 2, predictors: predictors,
                                        selecting: [3, 0, 4])
        let gathered = try LogisticRows(y: [true, false, true], bits: [0, 1, 1], numbers: [4, 5, 0, 1, 0, 6], numericCount: 2,
                                        predictors: predictors)
        #expect(Array(selected.storage.y) == Array(gathered.storage.y))
        #expect(Array(selected.storage.bits) == Array(gathered.storage.bits))
        #expect(Array(selected.storage.numbers) == Array(gathered.storage.numbers))
        #expect(selected.runs == gathered.runs)
        // Row 3 (pattern 0) first, then rows 0 and 4 (pattern 1, c0 = 0) in their selected order.
        #expect(Array(selected.storage.numbers) == [4, 5, 0, 1, 0, 6])
        #expect(throws: StatsError.self) {
            try LogisticRows(y: [true], bits: bits, numbers: numbers, numericCount: 2, predictors: predictors, selecting: [5])
        }
        #expect(throws: StatsError.self) {
            try LogisticRows(y: [true, false], bits: bits, numbers: numbers, numericCount: 2, predictors: predictors, selecting: [1])
        }
        // A set bit with no indicator predictor is refused, selected or not.
        #expect(throws: StatsError.self) {
            try LogisticRows(y: [true], bits: [0, 1], numbers: [2, 3], numericCount: 1, predictors: [.numeric(column: 0)], selecting: [1])
        }
        // Rows with nothing but y (an intercept-only model) can be selected too.
        let bare = try LogisticRows(y: [true, false], bits: [], numbers: [], numericCount: 0, predictors: [], selecting: [4, 0])
        #expect(bare.count == 2 && bare.events == 1)
    }

    @Test("keys sorted on their own come out as a comparison sort puts them")
    func sortKeys() {
        var random = SplitMix(state: 3)
        for n in [0, 1, 2, 100, 5_000, RadixSort.splitThreshold + 7, 200_000] {
            // Few distinct high digits and many repeats, as probabilities and integer scores give.
            var keys = (0..<n).map { _ in random.next() % 3 == 0 ? random.next() % 50 : random.next() >> UInt64(random.next() % 40) }
            let expected = keys.sorted()
            RadixSort.sortKeys(&keys)
            #expect(keys == expected)
        }
        let values = [0.5, -0.0, 0.0, -2, 1e-300, 3, 0.5, -1e300]
        #expect(RadixSort.ascending(values) == values.sorted())
    }

    @Test("a large sort that splits first orders rows as a stable comparison sort does")
    func splitSort() {
        var random = SplitMix(state: 11)
        let n = 3 * RadixSort.splitThreshold + 5
        // Probabilities with many exact repeats (about 2.5 rows a value), probabilities nearly all
        // distinct, keys that differ only in their lowest bits, a few keys far above the rest (one
        // big bucket), and all keys equal.
        let cases: [[UInt64]] = [
            (0..<n).map { _ in ~RadixSort.key(Double(random.next() % 40_000) / 40_000) },
            (0..<n).map { _ in ~RadixSort.key(Double(random.next() % 40_000) / 40_000 * random.uniform()) },
            (0..<n).map { _ in 1 << 40 | random.next() % 700 },
            (0..<n).map { _ in random.next() % 1_000 == 0 ? random.next() : random.next() % 100_000 },
            [UInt64](repeating: 42, count: n),
        ]
        for keys in cases {
            var rows = (0..<n).map { Int32($0) }.shuffled(using: &random)
            let expected = rows.enumerated().sorted { a, b in
                keys[Int(a.element)] != keys[Int(b.element)] ? keys[Int(a.element)] < keys[Int(b.element)] : a.offset < b.offset
            }.map(\.element)
            RadixSort.sort(&rows, by: keys)
            #expect(rows == expected)
            var alone = keys
            RadixSort.sortKeys(&alone)
            #expect(alone == keys.sorted())
        }
    }
}
