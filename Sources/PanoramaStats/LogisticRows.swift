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
    /// y as 0/1.
    let y: [UInt8]
    /// Indicator bits of each row (empty when bitCount is 0).
    let bits: [UInt16]
    /// Number of numeric columns.
    public let numericCount: Int
    /// Numeric values, row-major: numbers[i * numericCount + c] is column c of row i (so that one
    /// row's values are adjacent in the Newton pass).
    let numbers: [Double]

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
        let n = y.count
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
        if bitSeen.isEmpty ? !(bits.isEmpty || bits.count == n) : bits.count != n {
            throw .dimensionMismatch("\(bits.count) indicator words for \(n) rows")
        }
        let allowed = UInt16(truncatingIfNeeded: (1 << bitSeen.count) - 1)
        if let i = bits.firstIndex(where: { $0 & ~allowed != 0 }) {
            throw .dimensionMismatch("row \(i) sets an indicator bit beyond the \(bitSeen.count) declared")
        }
        if numbers.count != n * numericCount {
            throw .dimensionMismatch("\(numbers.count) numeric values for \(n) rows of \(numericCount) columns")
        }
        if let k = numbers.firstIndex(where: { !$0.isFinite }) {
            throw .nonFiniteValue("numeric column \(k % numericCount) row \(k / numericCount)")
        }
        count = n
        self.predictors = predictors
        bitCount = bitSeen.count
        self.y = y.map { $0 ? 1 : 0 }
        events = y.reduce(0) { $0 + ($1 ? 1 : 0) }
        self.bits = bitSeen.isEmpty ? [] : bits
        self.numericCount = numericCount
        self.numbers = numbers
    }

    /// Predictor j of row i as a number.
    public func value(_ j: Int, row i: Int) -> Double {
        switch predictors[j] {
        case .indicator(let b): return (bits[i] >> UInt16(b)) & 1 == 1 ? 1 : 0
        case .numeric(let c): return numbers[i * numericCount + c]
        }
    }

    /// Whether two row sets describe the same model layout (so that they can be fitted together).
    func sameLayout(as other: LogisticRows) -> Bool {
        predictors == other.predictors && bitCount == other.bitCount && numericCount == other.numericCount
    }
}
