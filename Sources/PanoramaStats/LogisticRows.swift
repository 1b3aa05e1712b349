// Training rows of a logistic regression, stored so that one Newton pass over millions of rows is
// cheap: predictors that only take the values 0 and 1 (flags, yes/no attributes) are bits of one
// word per row, the others are columns of numbers. The fit then accumulates the 0/1 part of XᵀWX per
// distinct bit pattern (at most 2^10 of them) instead of per row, which is exact — a product of
// indicators is an indicator — and about five times fewer operations for a dozen predictors.

/// The rows (y, x) of a logistic regression, with 0/1 predictors packed as bits.
public struct LogisticRows: Sendable {
    /// Where predictor j of the model is stored.
    public enum Predictor: Sendable, Equatable {
        /// Bit `bit` of the row's indicator word (the predictor is 0 or 1).
        case indicator(bit: Int)
        /// Column `column` of the numeric columns.
        case numeric(column: Int)
    }

    /// How dense columns are stored.
    public enum Packing: Sendable {
        /// Columns holding only 0 and 1 become bits (the first `maxIndicatorBits` of them).
        case automatic
        /// Every column stays numeric (the plain dense layout; results agree to rounding).
        case none
    }

    /// The largest number of indicator bits: the fit keeps sums per bit pattern, 2^bits of them.
    public static let maxIndicatorBits = 10

    /// Number of rows.
    public let count: Int
    /// The model's predictors in order (the coefficients after the intercept follow this order).
    public let predictors: [Predictor]
    /// Rows with y = 1.
    public let events: Int
    /// Number of indicator bits in use (bits 0..<bitCount).
    public let bitCount: Int
    /// Number of numeric columns.
    public let numericCount: Int
    /// The rows' values in storage order: y as 0/1, the indicator word of each row (empty when
    /// bitCount is 0) and the numbers row-major (numbers[i * numericCount + c] is column c of row i,
    /// so that one row's values are adjacent in the Newton pass).
    public let storage: RowStorage

    /// Rows from dense predictor columns (`x[j][i]` = predictor j of row i), in model order.
    public init(y: [Bool], x: [[Double]], packing: Packing = .automatic) throws(StatsError) {
        for (j, column) in x.enumerated() {
            if column.count != y.count {
                throw .dimensionMismatch("predictor \(j) has \(column.count) values, the response has \(y.count)")
            }
            if let i = column.firstIndex(where: { !$0.isFinite }) { throw .nonFiniteValue("predictor \(j) row \(i)") }
        }
        var predictors: [Predictor] = []
        var indicatorColumns: [[Double]] = []
        var numbers: [[Double]] = []
        for column in x {
            let isIndicator = packing == .automatic && indicatorColumns.count < Self.maxIndicatorBits
                && column.allSatisfy { $0 == 0 || $0 == 1 }
            if isIndicator {
                predictors.append(.indicator(bit: indicatorColumns.count))
                indicatorColumns.append(column)
            } else {
                predictors.append(.numeric(column: numbers.count))
                numbers.append(column)
            }
        }
        var bits: [UInt16] = []
        if !indicatorColumns.isEmpty {
            bits = [UInt16](repeating: 0, count: y.count)
            for (b, column) in indicatorColumns.enumerated() {
                for i in 0..<y.count where column[i] == 1 { bits[i] |= UInt16(1) << UInt16(b) }
            }
        }
        var flat = [Double](repeating: 0, count: y.count * numbers.count)
        for (c, column) in numbers.enumerated() {
            for i in 0..<y.count { flat[i * numbers.count + c] = column[i] }
        }
        try self.init(y: y, bits: bits, numbers: flat, numericCount: numbers.count, predictors: predictors)
    }

    /// Rows already packed: bit b of `bits[i]` is indicator b of row i (`bits` may be empty when no
    /// predictor is an indicator), `numbers[i * numericCount + c]` numeric column c of row i.
    /// `predictors` lists the model's predictors in order; the indicators must use bits 0..<k once
    /// each and every numeric column must appear once.
    public init(y: [Bool], bits: [UInt16], numbers: [Double], numericCount: Int, predictors: [Predictor]) throws(StatsError) {
        try self.init(y: y, bits: bits, numbers: numbers, numericCount: numericCount, predictors: predictors, selecting: nil)
    }

    /// Rows `selected` of rows already packed (bits and numbers as above, one entry or row per
    /// source row), in that order; `y` holds one label per selected row. Nothing is copied twice:
    /// the selected rows go straight into the fit's storage.
    public init(y: [Bool], bits: [UInt16], numbers: [Double], numericCount: Int, predictors: [Predictor], selecting selected: [Int32]?) throws(StatsError) {
        let n = y.count
        // Rows the source arrays hold (any index is a row when they hold no values at all).
        let sourceCount = selected == nil ? n : numericCount > 0 ? numbers.count / numericCount : bits.isEmpty ? Int(Int32.max) : bits.count
        if let selected, let bad = selected.first(where: { $0 < 0 || Int($0) >= sourceCount }) {
            throw .dimensionMismatch("selected row \(bad) is outside the \(sourceCount) rows given")
        }
        if let selected, selected.count != n {
            throw .dimensionMismatch("\(selected.count) rows selected for \(n) labels")
        }
        // Source row of the i-th row.
        @inline(__always) func source(_ i: Int) -> Int { selected.map { Int($0[i]) } ?? i }
        var bitSeen: [Int] = [], columnSeen: [Int] = []
        for p in predictors {
            switch p {
            case .indicator(let b): bitSeen.append(b)
            case .numeric(let c): columnSeen.append(c)
            }
        }
        if bitSeen.sorted() != Array(0..<bitSeen.count) || bitSeen.count > Self.maxIndicatorBits {
            throw .dimensionMismatch("indicator bits \(bitSeen) must be 0..<k, each once, k ≤ \(Self.maxIndicatorBits)")
        }
        if columnSeen.sorted() != Array(0..<numericCount) {
            throw .dimensionMismatch("numeric columns \(columnSeen) must name each of the \(numericCount) columns once")
        }
        if bitSeen.isEmpty ? !(bits.isEmpty || bits.count == sourceCount) : bits.count != sourceCount {
            throw .dimensionMismatch("\(bits.count) indicator words for \(sourceCount) rows")
        }
        if numbers.count != sourceCount * numericCount {
            throw .dimensionMismatch("\(numbers.count) numeric values for \(sourceCount) rows of \(numericCount) columns")
        }
        let allowed = UInt16(truncatingIfNeeded: (1 << bitSeen.count) - 1)
        for i in 0..<n {
            let from = source(i)
            if !bits.isEmpty && bits[from] & ~allowed != 0 {
                throw .dimensionMismatch("row \(from) sets an indicator bit beyond the \(bitSeen.count) declared")
            }
            for c in 0..<numericCount where !numbers[from * numericCount + c].isFinite {
                throw .nonFiniteValue("numeric column \(c) row \(from)")
            }
        }
        count = n
        self.predictors = predictors
        bitCount = bitSeen.count
        events = y.reduce(0) { $0 + ($1 ? 1 : 0) }
        self.numericCount = numericCount
        // Rows are kept grouped by indicator pattern and, within a pattern, by which of the first
        // numeric columns are exactly 0 (a stable counting sort), so that a Newton pass adds each
        // run in registers instead of scattering every row's sums, and skips the products of a
        // column that is 0 throughout a run.
        let zeroWidth = min(numericCount, Self.zeroColumnsTracked)
        let hasBits = !bitSeen.isEmpty
        var keys = [Int32](repeating: 0, count: n)
        var starts = [Int](repeating: 0, count: (1 << (bitSeen.count + zeroWidth)) + 1)
        numbers.withUnsafeBufferPointer { numbers in
            for i in 0..<n {
                let from = source(i)
                let k = (hasBits ? Int(bits[from]) : 0) << zeroWidth | Self.zeroMask(numbers.baseAddress! + from * numericCount, zeroWidth)
                keys[i] = Int32(k)
                starts[k + 1] += 1
            }
        }
        var runs: [Run] = []
        for k in 0..<(starts.count - 1) {
            if starts[k + 1] > 0 {
                runs.append(Run(start: starts[k], end: starts[k] + starts[k + 1], pattern: k >> zeroWidth, zeroColumns: k & ((1 << zeroWidth) - 1)))
            }
            starts[k + 1] += starts[k]
        }
        self.runs = runs
        let storage = RowStorage(count: n, hasBits: hasBits, numericCount: numericCount)
        let sy = UnsafeMutablePointer(mutating: storage.y.baseAddress), sb = UnsafeMutablePointer(mutating: storage.bits.baseAddress)
        let sn = UnsafeMutablePointer(mutating: storage.numbers.baseAddress)
        for i in 0..<n {
            let k = Int(keys[i])
            let at = starts[k]
            starts[k] = at + 1
            let from = source(i)
            sy![at] = y[i] ? 1 : 0
            if hasBits { sb![at] = bits[from] }
            for c in 0..<numericCount { sn![at * numericCount + c] = numbers[from * numericCount + c] }
        }
        self.storage = storage
    }

    /// Rows restored from a storage an earlier `LogisticRows` filled (`storage` and `runs` as they
    /// were), for example a file written by a cache and mapped back. Everything is checked again:
    /// the runs cover the rows in order, each row's indicator word and zero columns are its run's,
    /// y is 0 or 1 and every number is finite.
    public init(restoring storage: RowStorage, runs: [Run], numericCount: Int, predictors: [Predictor]) throws(StatsError) {
        let n = storage.y.count
        let bitCount = predictors.filter { if case .indicator = $0 { return true } else { return false } }.count
        let columns = predictors.count - bitCount
        if columns != numericCount || bitCount > Self.maxIndicatorBits || storage.numbers.count != n * numericCount
            || storage.bits.count != (bitCount == 0 ? 0 : n) {
            throw .dimensionMismatch("restored rows do not match \(predictors.count) predictors (\(numericCount) numeric) for \(n) rows")
        }
        let zeroWidth = min(numericCount, Self.zeroColumnsTracked)
        var at = 0
        var events = 0
        for run in runs {
            guard run.start == at, run.end > run.start, run.end <= n, run.pattern < 1 << bitCount, run.zeroColumns < 1 << zeroWidth else {
                throw .dimensionMismatch("restored runs do not cover the rows in order (at row \(at))")
            }
            for i in run.start..<run.end {
                let row = storage.numbers.baseAddress! + i * numericCount
                guard storage.y[i] <= 1, bitCount == 0 || Int(storage.bits[i]) == run.pattern,
                      Self.zeroMask(row, zeroWidth) == run.zeroColumns else {
                    throw .dimensionMismatch("restored row \(i) does not belong to its run")
                }
                for c in 0..<numericCount where !row[c].isFinite { throw .nonFiniteValue("numeric column \(c) row \(i)") }
                events += Int(storage.y[i])
            }
            at = run.end
        }
        if at != n { throw .dimensionMismatch("restored runs cover \(at) of \(n) rows") }
        count = n
        self.predictors = predictors
        self.bitCount = bitCount
        self.events = events
        self.numericCount = numericCount
        self.storage = storage
        self.runs = runs
    }

    /// Bit c set when column c (of the first `width`) of the row at `row` is 0.
    @inline(__always)
    static func zeroMask(_ row: UnsafePointer<Double>, _ width: Int) -> Int {
        var mask = 0
        for c in 0..<width where row[c] == 0 { mask |= 1 << c }
        return mask
    }

    /// A run of rows with one indicator pattern in which the numeric columns of `zeroColumns` (a
    /// bit per column, among the first `zeroColumnsTracked`) are 0 and the others are not.
    public struct Run: Sendable, Equatable {
        public var start: Int
        public var end: Int
        public var pattern: Int
        public var zeroColumns: Int

        public init(start: Int, end: Int, pattern: Int, zeroColumns: Int) {
            self.start = start
            self.end = end
            self.pattern = pattern
            self.zeroColumns = zeroColumns
        }
    }

    /// How many of the first numeric columns the runs tell apart by being 0.
    static let zeroColumnsTracked = 4
    /// The runs in storage order, covering every row once.
    public let runs: [Run]

    /// Predictor j of row i as a number (rows are stored grouped by indicator pattern, in their
    /// given order within a pattern; `i` counts in that order).
    public func value(_ j: Int, row i: Int) -> Double {
        switch predictors[j] {
        case .indicator(let b): return (storage.bits[i] >> UInt16(b)) & 1 == 1 ? 1 : 0
        case .numeric(let c): return storage.numbers[i * numericCount + c]
        }
    }

    /// Whether two row sets describe the same model layout (so that they can be fitted together).
    func sameLayout(as other: LogisticRows) -> Bool {
        predictors == other.predictors && bitCount == other.bitCount && numericCount == other.numericCount
    }
}

/// The memory a `LogisticRows` reads: allocated here, or a region someone else keeps alive (a
/// mapped file) handed over with its owner.
public final class RowStorage: @unchecked Sendable {
    public let y: UnsafeBufferPointer<UInt8>
    public let bits: UnsafeBufferPointer<UInt16>
    public let numbers: UnsafeBufferPointer<Double>
    private let owner: AnyObject?
    private let allocated: Bool

    /// Uninitialised memory for n rows (filled once by `LogisticRows`, then only read).
    init(count n: Int, hasBits: Bool, numericCount: Int) {
        y = UnsafeBufferPointer(UnsafeMutableBufferPointer<UInt8>.allocate(capacity: n))
        bits = UnsafeBufferPointer(UnsafeMutableBufferPointer<UInt16>.allocate(capacity: hasBits ? n : 0))
        numbers = UnsafeBufferPointer(UnsafeMutableBufferPointer<Double>.allocate(capacity: n * numericCount))
        owner = nil
        allocated = true
    }

    /// Values that stay valid while `owner` lives (for example a mapped file).
    public init(y: UnsafeBufferPointer<UInt8>, bits: UnsafeBufferPointer<UInt16>, numbers: UnsafeBufferPointer<Double>, owner: AnyObject) {
        self.y = y
        self.bits = bits
        self.numbers = numbers
        self.owner = owner
        allocated = false
    }

    deinit {
        guard allocated else { return }
        y.deallocate()
        bits.deallocate()
        numbers.deallocate()
    }
}
