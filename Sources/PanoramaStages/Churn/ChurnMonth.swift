#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PanoramaCore
import PanoramaStats

/// The twelve features of SPEC §5.2 as the fit stores them: the eight 0/1 features are bits of one
/// word per customer, the four others numbers.
enum ChurnFeatures {
    // Bits of the indicator word.
    static let billDrop = 0, callForward = 1, offnet = 2, complaint = 3, detractor = 4, vip = 5, highValue = 6, hasSurvey = 7
    // Numeric columns.
    static let complaints3m = 0, openComplaints = 1, logArpu = 2, tenureYears = 3
    static let numericCount = 4

    /// The model's predictors in SPEC order (`ChurnStage.features`): five flags, complaints_3m,
    /// open_complaints, log_arpu_3m, tenure_years, vip, high_value, has_survey.
    static let predictors: [LogisticRows.Predictor] = [
        .indicator(bit: billDrop), .indicator(bit: callForward), .indicator(bit: offnet), .indicator(bit: complaint),
        .indicator(bit: detractor), .numeric(column: complaints3m), .numeric(column: openComplaints),
        .numeric(column: logArpu), .numeric(column: tenureYears), .indicator(bit: vip), .indicator(bit: highValue),
        .indicator(bit: hasSurvey),
    ]

    /// η = β₀ + β₁x₁ + … + β₁₂x₁₂ accumulated feature by feature in SPEC order, as SPEC §5.2 asks
    /// for the probabilities that ranks are taken from (the order of `predictors`, written out).
    @inline(__always)
    static func eta(_ beta: UnsafeBufferPointer<Double>, bits: UInt16, numbers x: UnsafePointer<Double>) -> Double {
        @inline(__always) func bit(_ b: Int) -> Double { (bits >> UInt16(b)) & 1 == 1 ? 1 : 0 }
        var eta = beta[0]
        eta += beta[1] * bit(billDrop)
        eta += beta[2] * bit(callForward)
        eta += beta[3] * bit(offnet)
        eta += beta[4] * bit(complaint)
        eta += beta[5] * bit(detractor)
        eta += beta[6] * x[complaints3m]
        eta += beta[7] * x[openComplaints]
        eta += beta[8] * x[logArpu]
        eta += beta[9] * x[tenureYears]
        eta += beta[10] * bit(vip)
        eta += beta[11] * bit(highValue)
        eta += beta[12] * bit(hasSurvey)
        return eta
    }
}

/// The customer_360 attributes the operator's segment-rate score is built from (SPEC §5.2), in the
/// order the rates are summed.
enum ChurnSegments {
    static let attributes = ["value_tier", "brand", "vip_level", "flag_offnet", "flag_call_forward", "flag_bill_drop",
                             "flag_complaint", "flag_detractor"]
    static var count: Int { attributes.count }
}

/// One month of customer_360 reduced to what the churn model needs, row for row in the partition's
/// order (customer_id order): churned_in_month, the features, and — when asked — the segment
/// attributes as small codes and churn_risk_score. The table itself is kept for the customer ids
/// (joins and churn_score) until the month is no longer needed.
struct ChurnMonth {
    /// The columns read from customer_360.
    static let columns = [
        "customer_id", "churned_in_month", "flag_bill_drop", "flag_call_forward", "flag_offnet", "flag_complaint",
        "flag_detractor", "complaints_3m", "open_complaints", "arpu_3m_avg", "tenure_months", "vip_level", "high_value",
        "nps", "value_tier", "brand", "churn_risk_score",
    ]
    /// The columns a month is read with: the segment attributes (value_tier, brand) only when
    /// asked for, churn_risk_score likewise.
    static func columns(segments: Bool, riskScores: Bool) -> [String] {
        Array(columns[0..<14]) + (segments ? Array(columns[14..<16]) : []) + (riskScores ? [columns[16]] : [])
    }

    /// The positions in `columns` of the segment attributes, in ChurnSegments order: value_tier,
    /// brand, vip_level, flag_offnet, flag_call_forward, flag_bill_drop, flag_complaint, flag_detractor.
    static let segmentCells = [14, 15, 11, 4, 3, 2, 5, 6]
    /// Rows per unit of parallel extraction.
    static let chunkRows = 65_536

    let month: Month
    /// customer_360 of the month (customer_id is column 0); dropped once the month's pairs are formed
    /// and its tie keys taken, unless its ids are written out.
    private(set) var table: ColumnarTable?
    let count: Int
    /// Whether customer_id never decreases from row to row (then row order is id order).
    let idsAscending: Bool
    /// Whether customer_id strictly increases (then its rows are found by searching the ids).
    let idsStrictlyAscending: Bool
    let churned: [Bool]
    /// Indicator word of each row (see ChurnFeatures).
    let bits: [UInt16]
    /// Numeric features, row-major (ChurnFeatures.numericCount per row).
    let numbers: [Double]
    /// Segment attribute codes, row-major (ChurnSegments.count per row); empty unless asked for.
    let segmentCodes: [UInt8]
    /// For each segment attribute, the text of each code.
    let segmentValues: [[String]]
    /// churn_risk_score of each row; empty unless asked for.
    let riskScores: [Double]

    /// Extracts the month from customer_360 read with `columns`, on all cores: each chunk of rows
    /// writes its own slice of the arrays.
    init(month: Month, table: ColumnarTable, segments: Bool, riskScores wantRisk: Bool) throws {
        let n = table.rowCount
        let chunks = (n + Self.chunkRows - 1) / Self.chunkRows
        let units = (0..<chunks).map { k in (k * Self.chunkRows)..<min(n, (k + 1) * Self.chunkRows) }
        try self.init(month: month, header: table.header, rows: n, ids: table, idColumn: try table.column("customer_id"),
                      segments: segments, riskScores: wantRisk) { extract in
            try parallelMap(chunks) { k in (units[k], try extract(table, units[k], units[k].lowerBound)) }
        }
    }

    /// Extracts the month from customer_360 read piece by piece (`columns` read, customer_id kept
    /// as the month's ids, its column 0):
    /// the partition's cells are freed once every piece is extracted; the month holds its ids only.
    init(month: Month, pieces: PartitionPieces, segments: Bool, riskScores wantRisk: Bool) throws {
        try self.init(month: month, header: pieces.columns, rows: pieces.rowCount, ids: pieces.kept,
                      idColumn: try pieces.kept.column("customer_id"), segments: segments, riskScores: wantRisk) { extract in
            try pieces.map { piece, first in (first..<(first + piece.rowCount), try extract(piece, 0..<piece.rowCount, first)) }
        }
    }

    /// Where an extraction writes a row's values (row-major arrays of the month).
    /// (nil for an empty array: a month without rows, or a column not asked for).
    private struct Targets: @unchecked Sendable {
        let churned: UnsafeMutablePointer<Bool>?
        let bits: UnsafeMutablePointer<UInt16>?
        let numbers: UnsafeMutablePointer<Double>?
        let codes: UnsafeMutablePointer<UInt8>?
        let risk: UnsafeMutablePointer<Double>?
    }

    /// The extraction itself. `run` calls the extractor it is given once per unit of rows — a table
    /// with `header`, a range of its rows, and the month's row number of the first — on all cores,
    /// and returns each unit's month rows and dictionaries in row order.
    private init(month: Month, header: [String], rows n: Int, ids: ColumnarTable, idColumn: Int,
                 segments: Bool, riskScores wantRisk: Bool,
                 run: ((ColumnarTable, Range<Int>, Int) throws -> [SmallDictionary]) throws -> [(Range<Int>, [SmallDictionary])]) throws {
        let name = "customer_360 of \(month)"
        // Positions of `columns` in the table; -1 for a column this month does not need.
        let c = try Self.columns.enumerated().map { j, column in
            guard j < 14 || (segments && j < 16) || (wantRisk && j == 16) else { return -1 }
            guard let i = header.firstIndex(of: column) else {
                throw PanoramaError.runtime("column `\(column)` was not read (read: \(header.joined(separator: ", ")))")
            }
            return i
        }
        let width = ChurnFeatures.numericCount, segmentWidth = ChurnSegments.count
        var churned = [Bool](repeating: false, count: n)
        var bits = [UInt16](repeating: 0, count: n)
        var numbers = [Double](repeating: 0, count: n * width)
        var codes = [UInt8](repeating: 0, count: segments ? n * segmentWidth : 0)
        var risk = [Double](repeating: 0, count: wantRisk ? n : 0)
        // Each unit numbers the segment values it meets in its own dictionary; they are renumbered
        // into one dictionary per month afterwards.
        let extracted: [(Range<Int>, [SmallDictionary])] = try churned.withUnsafeMutableBufferPointer { churned in
        try bits.withUnsafeMutableBufferPointer { bits in
        try numbers.withUnsafeMutableBufferPointer { numbers in
        try codes.withUnsafeMutableBufferPointer { codes in
        try risk.withUnsafeMutableBufferPointer { risk in
            let to = Targets(churned: churned.baseAddress, bits: bits.baseAddress, numbers: numbers.baseAddress,
                             codes: codes.baseAddress, risk: risk.baseAddress)
            return try run { table, range, base in
                try Self.extract(table, range, base, to, c: c, name: name, month: month, segments: segments, wantRisk: wantRisk)
            }
        }}}}}
        let units = extracted.map(\.0), dictionaries = extracted.map(\.1)
        var merged = [SmallDictionary](repeating: SmallDictionary(), count: segmentWidth)
        if segments {
            var renumbers: [[[UInt8]]] = []
            for unit in dictionaries {
                var renumber: [[UInt8]] = []
                for a in 0..<segmentWidth {
                    renumber.append(try unit[a].values.map { value in
                        guard let code = value.withUnsafeBufferPointer({ merged[a].code($0) }) else {
                            throw PanoramaError.runtime("\(name) has more than 255 different values of \(ChurnSegments.attributes[a]); the partition is damaged — re-run customer360 for \(month)")
                        }
                        return code
                    })
                }
                renumbers.append(renumber)
            }
            // Each unit's codes renumbered into the month's dictionary, in parallel.
            codes.withUnsafeMutableBufferPointer { codes in
                _ = try? parallelMap(units.count) { k in
                    let renumber = renumbers[k]
                    if renumber.allSatisfy({ $0 == Array(0..<UInt8($0.count)) }) { return }
                    for i in (units[k].lowerBound * segmentWidth)..<(units[k].upperBound * segmentWidth) {
                        codes[i] = renumber[i % segmentWidth][Int(codes[i])]
                    }
                }
            }
        }
        self.month = month
        self.table = ids
        count = n
        // Checked on all cores; ids that repeat (never written by customer360) take the slow check.
        idsStrictlyAscending = KeyedRows.isStrictlyAscending(ids, idColumn)
        idsAscending = idsStrictlyAscending || KeyJoin.isAscending(ids, idColumn)
        self.churned = churned
        self.bits = bits
        self.numbers = numbers
        segmentCodes = codes
        segmentValues = merged.map { $0.values.map { String(decoding: $0, as: UTF8.self) } }
        self.riskScores = risk
    }

    /// Rows `range` of `table` (read with `columns`; `c` their positions), written as the month's
    /// rows from `base` on; returns the segment values met, numbered in this unit's dictionaries.
    private static func extract(_ table: ColumnarTable, _ range: Range<Int>, _ base: Int, _ to: Targets, c: [Int], name: String,
                                month: Month, segments: Bool, wantRisk: Bool) throws -> [SmallDictionary] {
        let width = ChurnFeatures.numericCount, segmentWidth = ChurnSegments.count
        var dictionaries = [SmallDictionary](repeating: SmallDictionary(), count: segmentWidth)
        // An empty cell reads as 0 (customer360 always writes these columns; see docs/decisions.md).
        func number(_ b: UnsafeBufferPointer<UInt8>, _ r: Int, _ column: Int) throws -> Double {
            if b.isEmpty { return 0 }
            guard let v = CellValues.number(b) else {
                throw PanoramaError.runtime("\(name) row \(base + r - range.lowerBound + 2) has `\(table.string(r, column))` in \(table.header[column]), not a number; the partition is damaged — re-run customer360 for \(month)")
            }
            return v
        }
        guard !range.isEmpty, let churned = to.churned, let bits = to.bits, let numbers = to.numbers else { return dictionaries }
        var cells = [UnsafeBufferPointer<UInt8>](repeating: UnsafeBufferPointer(start: nil, count: 0), count: c.count)
        try cells.withUnsafeMutableBufferPointer { cell in
        try dictionaries.withUnsafeMutableBufferPointer { dictionaries in
            for r in range {
                let g = base + r - range.lowerBound
                // Each cell's bytes once; every feature and attribute is read from them. The id
                // is not needed here, the segment attributes and the risk score only when asked.
                for j in 1...13 { cell[j] = table.bytes(r, c[j]) }
                if segments { cell[14] = table.bytes(r, c[14]); cell[15] = table.bytes(r, c[15]) }
                if wantRisk { cell[16] = table.bytes(r, c[16]) }
                churned[g] = Self.isTrue(cell[1])
                var word: UInt16 = 0
                if Self.isTrue(cell[2]) { word |= 1 << ChurnFeatures.billDrop }
                if Self.isTrue(cell[3]) { word |= 1 << ChurnFeatures.callForward }
                if Self.isTrue(cell[4]) { word |= 1 << ChurnFeatures.offnet }
                if Self.isTrue(cell[5]) { word |= 1 << ChurnFeatures.complaint }
                if Self.isTrue(cell[6]) { word |= 1 << ChurnFeatures.detractor }
                if Self.isVIP(cell[11]) { word |= 1 << ChurnFeatures.vip }
                if Self.isTrue(cell[12]) { word |= 1 << ChurnFeatures.highValue }
                if !cell[13].isEmpty { word |= 1 << ChurnFeatures.hasSurvey }
                bits[g] = word
                let arpu = try number(cell[9], r, c[9])
                guard arpu >= 0 else {
                    throw PanoramaError.runtime("\(name) row \(g + 2) has arpu_3m_avg \(table.string(r, c[9])), below 0; the partition is damaged — re-run customer360 for \(month)")
                }
                numbers[g * width + ChurnFeatures.complaints3m] = try number(cell[7], r, c[7])
                numbers[g * width + ChurnFeatures.openComplaints] = try number(cell[8], r, c[8])
                numbers[g * width + ChurnFeatures.logArpu] = log1p(arpu)
                numbers[g * width + ChurnFeatures.tenureYears] = min(try number(cell[10], r, c[10]), 240) / 12
                if segments, let codes = to.codes {
                    for (a, j) in Self.segmentCells.enumerated() {
                        guard let code = dictionaries[a].code(cell: cell[j]) else {
                            throw PanoramaError.runtime("\(name) has more than 255 different values of \(ChurnSegments.attributes[a]); the partition is damaged — re-run customer360 for \(month)")
                        }
                        codes[g * segmentWidth + a] = code
                    }
                }
                if wantRisk, let risk = to.risk { risk[g] = try number(cell[16], r, c[16]) }
            }
        }}
        return dictionaries
    }

    /// A month as the churn cache kept it (`table` holds only customer_id).
    init(month: Month, table: ColumnarTable, count: Int, idsAscending: Bool, idsStrictlyAscending: Bool, churned: [Bool],
         bits: [UInt16], numbers: [Double], segmentCodes: [UInt8], segmentValues: [[String]], riskScores: [Double]) {
        self.month = month
        self.table = table
        self.count = count
        self.idsAscending = idsAscending
        self.idsStrictlyAscending = idsStrictlyAscending
        self.churned = churned
        self.bits = bits
        self.numbers = numbers
        self.segmentCodes = segmentCodes
        self.segmentValues = segmentValues
        self.riskScores = riskScores
    }

    /// Frees the partition's bytes (the features stay).
    mutating func releaseTable() { table = nil }

    /// Whether a cell is exactly `true` (how customer360 writes booleans).
    @inline(__always)
    static func isTrue(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        b.count == 4 && b[0] == 0x74 && b[1] == 0x72 && b[2] == 0x75 && b[3] == 0x65
    }

    /// vip = 1 when vip_level is not `none` (an empty cell reads as `none`, as in the delivery).
    @inline(__always)
    static func isVIP(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        if b.isEmpty { return false }
        return !(b.count == 4 && b[0] == 0x6E && b[1] == 0x6F && b[2] == 0x6E && b[3] == 0x65)
    }

    /// Tie keys for "ties by the smaller customer_id first" over `rows` of this month (given in
    /// row order): nil when the partition is in customer_id order, as customer360 writes it (then
    /// the position is the key), else each row's rank among `rows` by customer_id bytes.
    func tieKeys(_ rows: [Int32]) -> [Int]? {
        if idsAscending { return nil }
        let table = self.table!
        var order = Array(0..<rows.count)
        order.sort { KeyJoin.compare(table.bytes(Int(rows[$0]), 0), table.bytes(Int(rows[$1]), 0)) < 0 }
        var keys = [Int](repeating: 0, count: rows.count)
        for (rank, k) in order.enumerated() { keys[k] = rank }
        return keys
    }
}

/// Codes for the few distinct values of a text column (value_tier, brand, a flag), found by
/// comparing bytes: cheaper than hashing for a handful of short values.
struct SmallDictionary {
    private(set) var values: [[UInt8]] = []
    /// Each value of up to 7 bytes packed with its length into one word (0 for longer values), so
    /// that the usual lookup compares integers.
    private var packed: [UInt64] = []

    /// The code of `bytes`, adding it when new; nil past 255 values.
    mutating func code(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt8? { code(bytes, key: Self.pack(bytes)) }

    /// `code` of a cell of a `ColumnarTable`, whose buffer has readable bytes after every cell: a
    /// short value is packed from one 8-byte load instead of a copy of its bytes.
    @inline(__always)
    mutating func code(cell bytes: UnsafeBufferPointer<UInt8>) -> UInt8? {
        guard bytes.count <= 7, let start = bytes.baseAddress else { return code(bytes) }
        let word = UInt64(littleEndian: UnsafeRawPointer(start).loadUnaligned(as: UInt64.self))
        let key = word & ((1 << UInt64(8 * bytes.count)) &- 1) | UInt64(bytes.count + 0x80) << 56
        for k in 0..<packed.count where packed[k] == key { return UInt8(k) }
        return code(bytes, key: key)
    }

    private mutating func code(_ bytes: UnsafeBufferPointer<UInt8>, key: UInt64) -> UInt8? {
        if key != 0 {
            for k in 0..<packed.count where packed[k] == key { return UInt8(k) }
        } else {
            for k in 0..<values.count where values[k].count == bytes.count {
                let same = values[k].withUnsafeBufferPointer { v in memcmp(v.baseAddress!, bytes.baseAddress!, bytes.count) == 0 }
                if same { return UInt8(k) }
            }
        }
        guard values.count < 255 else { return nil }
        values.append(Array(bytes))
        packed.append(key)
        return UInt8(values.count - 1)
    }

    /// The length + 0x80 in the top byte (so that no short value, the empty one included, packs to
    /// 0), the bytes below; 0 for values longer than 7 bytes.
    @inline(__always)
    static func pack(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        guard bytes.count <= 7 else { return 0 }
        var key: UInt64 = 0
        if let source = bytes.baseAddress {
            withUnsafeMutableBytes(of: &key) { $0.baseAddress!.copyMemory(from: source, byteCount: bytes.count) }
        }
        return UInt64(littleEndian: key) | UInt64(bytes.count + 0x80) << 56
    }
}
