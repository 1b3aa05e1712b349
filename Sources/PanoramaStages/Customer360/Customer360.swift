import PanoramaCore
import PanoramaEngine

/// The clean tables stage `customer360` reads for month M (SPEC §3.2): M-1 and M-2 only where
/// their partitions are present.
public struct Customer360Inputs {
    public var month: Month
    public var customers: ColumnarTable
    /// fact_usage of M, M-1, M-2 (nil = partition missing).
    public var usage: [ColumnarTable?]
    public var surveys: ColumnarTable
    /// fact_complaint of M, M-1, M-2 (nil = partition missing).
    public var complaints: [ColumnarTable?]

    public init(month: Month, customers: ColumnarTable, usage: [ColumnarTable?], surveys: ColumnarTable, complaints: [ColumnarTable?]) {
        self.month = month
        self.customers = customers
        self.usage = usage
        self.surveys = surveys
        self.complaints = complaints
    }
}

/// One customer_360 row, typed (SPEC §3.2 columns): the value form of a row for callers and tests.
/// The stage itself keeps its rows as `Customer360Record`s and renders text straight from the inputs.
public struct Customer360Row: Sendable {
    public var customerId = "", msisdnMasked = "", city = "", county = "", brand = "", vipLevel = "", gender = ""
    public var age: Int?
    public var tenureMonths = 0
    public var arpu: Double?, mou: Double?, dataGb: Double?, callForwardRatio: Double?, offnetRatio: Double?, pointsBalance: Double?
    public var arpuPrev: Double?, arpu3mAvg: Double?, arpuChangePct: Double?
    public var valueTier = "D"
    public var highValue = false
    public var churnedInMonth = false
    public var nps: Int?, overallSat: Int?
    public var npsCategory: String?
    public var complaints3m = 0, openComplaints = 0
    /// Raised flags as bits in the order bill_drop, call_forward, offnet, complaint, detractor
    /// (a bitmask: an array per row would be a million allocations).
    public var flagBits: UInt8 = 0
    /// The five flags in SPEC order.
    public var flags: [Bool] { (0..<5).map { flagBits & (1 << $0) != 0 } }
    public var churnRiskScore = 0
    public var riskLevel = "low"
    public var careBirthday = false
    public var careAnniversaryYears: Int?
    /// Years reached on the birthday in the month after M (for care_calendar).
    public var birthdayYears: Int?
    /// Scores of the latest survey's seven dimensions (nil = not answered), for `weakest`.
    public var latestScores: [Int?] = []

    public init() {}
}

/// One customer_360 row as plain values: no Strings or arrays, so building a million of them
/// allocates nothing per row and does no reference counting. Text columns stay in dim_customer
/// (row `source`); the latest survey's scores stay in fact_survey (row `survey`). Stored compactly
/// (120 bytes, not 280 with optionals: a missing number is NaN, a missing integer a sentinel),
/// read and written through properties of the usual types.
struct Customer360Record {
    var source: Int32
    var survey: Int32 = -1
    /// arpu, mou, data_gb, call_forward_ratio, offnet_ratio, points_balance, arpu_prev,
    /// arpu_3m_avg, arpu_change_pct; NaN = missing (no value read from text is NaN, and a NaN
    /// computed from infinite ones was written and compared as missing anyway).
    private var numbers: (Double, Double, Double, Double, Double, Double, Double, Double, Double) =
        (.nan, .nan, .nan, .nan, .nan, .nan, .nan, .nan, .nan)
    /// nps and overall_sat of the latest survey; Int32.min = no survey or not answered.
    var npsValue: Int32 = .min, overallSatValue: Int32 = .min
    private var complaints: (Int32, Int32) = (0, 0)
    var churnRiskScore = 0
    private var tenure: Int32 = 0
    private var years: (anniversary: Int16, birthday: Int16) = (-1, -1)
    private var ageValue: Int8 = -1
    /// Index into `Customer360.tiers`.
    var valueTier: UInt8 = 3
    /// Index into `Customer360.riskLevels`.
    var riskLevel: UInt8 = 0
    /// Raised flags as bits in the order bill_drop, call_forward, offnet, complaint, detractor.
    var flagBits: UInt8 = 0
    var highValue = false, churnedInMonth = false, careBirthday = false

    init(source: Int) { self.source = Int32(source) }

    @inline(__always) private static func optional(_ v: Double) -> Double? { v.isNaN ? nil : v }

    var arpu: Double? { get { Self.optional(numbers.0) } set { numbers.0 = newValue ?? .nan } }
    var mou: Double? { get { Self.optional(numbers.1) } set { numbers.1 = newValue ?? .nan } }
    var dataGb: Double? { get { Self.optional(numbers.2) } set { numbers.2 = newValue ?? .nan } }
    var callForwardRatio: Double? { get { Self.optional(numbers.3) } set { numbers.3 = newValue ?? .nan } }
    var offnetRatio: Double? { get { Self.optional(numbers.4) } set { numbers.4 = newValue ?? .nan } }
    var pointsBalance: Double? { get { Self.optional(numbers.5) } set { numbers.5 = newValue ?? .nan } }
    var arpuPrev: Double? { get { Self.optional(numbers.6) } set { numbers.6 = newValue ?? .nan } }
    var arpu3mAvg: Double? { get { Self.optional(numbers.7) } set { numbers.7 = newValue ?? .nan } }
    var arpuChangePct: Double? { get { Self.optional(numbers.8) } set { numbers.8 = newValue ?? .nan } }

    /// Age in whole years (10–110, else nil).
    var age: Int? { get { ageValue < 0 ? nil : Int(ageValue) } set { ageValue = newValue.map { Int8($0) } ?? -1 } }
    var tenureMonths: Int { get { Int(tenure) } set { tenure = Int32(newValue) } }
    var nps: Int? { npsValue == .min ? nil : Int(npsValue) }
    var overallSat: Int? { overallSatValue == .min ? nil : Int(overallSatValue) }
    var complaints3m: Int { get { Int(complaints.0) } set { complaints.0 = Int32(newValue) } }
    var openComplaints: Int { get { Int(complaints.1) } set { complaints.1 = Int32(newValue) } }
    var careAnniversaryYears: Int? {
        get { years.anniversary < 0 ? nil : Int(years.anniversary) }
        set { years.anniversary = newValue.map { Int16($0) } ?? -1 }
    }
    /// Years reached on the birthday in the month after M (for care_calendar).
    var birthdayYears: Int? {
        get { years.birthday < 0 ? nil : Int(years.birthday) }
        set { years.birthday = newValue.map { Int16($0) } ?? -1 }
    }

    var npsCategory: String? { nps.map { $0 >= 9 ? "promoter" : $0 >= 7 ? "passive" : "detractor" } }
}

/// The customer_360 rows of a month in customer_id order, with the input columns their text comes from.
public struct Customer360Table {
    /// The rows as the chunks they were built in (joined in order, they are the table).
    let chunks: [[Customer360Record]]
    let customers: ColumnarTable
    /// dim_customer columns in `Customer360.customerColumns` order.
    let customerColumns: [Int]
    let surveys: ColumnarTable
    /// fact_survey columns of the seven dimensions in SPEC §2.3 order.
    let dimensionColumns: [Int]

    var records: FlattenSequence<[[Customer360Record]]> { chunks.joined() }

    /// Number of rows.
    public var count: Int { chunks.reduce(0) { $0 + $1.count } }

    /// Text of a dim_customer column (`Customer360.customerColumns` index) of a row.
    @inline(__always)
    func text(_ r: Customer360Record, _ column: Int) -> UnsafeBufferPointer<UInt8> {
        customers.bytes(Int(r.source), customerColumns[column])
    }

    func customerId(_ r: Customer360Record) -> UnsafeBufferPointer<UInt8> { text(r, 0) }

    /// Code-point order of two rows' customer ids (dim_customer row as the tie-break).
    func idLess(_ a: Customer360Record, _ b: Customer360Record) -> Bool {
        let order = KeyJoin.compare(customerId(a), customerId(b))
        return order != 0 ? order < 0 : a.source < b.source
    }

    /// Whether vip_level is `none`.
    func hasNoVIPLevel(_ r: Customer360Record) -> Bool {
        let v = text(r, 5)
        return v.count == 4 && v[0] == 0x6E && v[1] == 0x6F && v[2] == 0x6E && v[3] == 0x65
    }

    /// msisdn_masked: the first 3 and last 4 digits around `****` (just `****` when shorter than 7).
    func writeMaskedMSISDN(_ r: Customer360Record, to w: inout CSVWriter) {
        let m = text(r, 1)
        guard m.count >= 7 else { w.field("****"); return }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 11) { out in
            for k in 0..<3 { out[k] = m[k] }
            for k in 3..<7 { out[k] = 0x2A }
            for k in 0..<4 { out[7 + k] = m[m.count - 4 + k] }
            w.field(bytes: UnsafeBufferPointer(out))
        }
    }

    /// Scores of the latest survey's seven dimensions (nil = not answered; empty without a survey).
    func latestScores(_ r: Customer360Record) -> [Int?] {
        r.survey < 0 ? [] : dimensionColumns.map { surveys.int(Int(r.survey), $0) }
    }

    /// The rows as values (builds Strings for every text cell: for tests and small tables).
    public var rows: [Customer360Row] {
        records.map { r in
            func string(_ column: Int) -> String { String(decoding: text(r, column), as: UTF8.self) }
            var row = Customer360Row()
            row.customerId = string(0)
            var masked = CSVWriter(header: [])
            writeMaskedMSISDN(r, to: &masked)
            row.msisdnMasked = String(decoding: masked.bytes, as: UTF8.self)
            row.city = string(2); row.county = string(3); row.brand = string(4); row.vipLevel = string(5); row.gender = string(6)
            row.age = r.age; row.tenureMonths = r.tenureMonths
            row.arpu = r.arpu; row.mou = r.mou; row.dataGb = r.dataGb; row.callForwardRatio = r.callForwardRatio
            row.offnetRatio = r.offnetRatio; row.pointsBalance = r.pointsBalance
            row.arpuPrev = r.arpuPrev; row.arpu3mAvg = r.arpu3mAvg; row.arpuChangePct = r.arpuChangePct
            row.valueTier = Customer360.tiers[Int(r.valueTier)]
            row.highValue = r.highValue; row.churnedInMonth = r.churnedInMonth
            row.nps = r.nps; row.overallSat = r.overallSat; row.npsCategory = r.npsCategory
            row.complaints3m = r.complaints3m; row.openComplaints = r.openComplaints
            row.flagBits = r.flagBits; row.churnRiskScore = r.churnRiskScore
            row.riskLevel = Customer360.riskLevels[Int(r.riskLevel)]
            row.careBirthday = r.careBirthday; row.careAnniversaryYears = r.careAnniversaryYears
            row.birthdayYears = r.birthdayYears
            row.latestScores = latestScores(r)
            return row
        }
    }
}

/// What stage `customer360` publishes for a month.
public struct Customer360Output {
    public var table: Customer360Table
    /// The rows as values (see `Customer360Table.rows`).
    public var rows: [Customer360Row] { table.rows }
    let month: Month
    /// customer_360 rendered whole in memory (tests and small tables; the stage streams it with
    /// `write360(to:)` instead).
    public var customer360: CSVWriter {
        var out = CSVWriter(header: Customer360Stage.customer360.columns)
        write360 { out.append($0) }
        return out
    }
    public var churnWatch: CSVWriter
    public var detractorRepair: CSVWriter
    public var careCalendar: CSVWriter
    /// Counts for the stage's quality entry.
    public var baseCustomers = 0, highValue = 0, riskHigh = 0, churnedInMonth = 0
    /// Rows of churn_watch and detractor_repair held out of contact (SPEC §3.3).
    public var heldOutChurnWatch = 0, heldOutDetractorRepair = 0

    /// Rows rendered per piece of customer_360 (about 12 MB of text at 1M customers).
    static let pieceRows = 65_536

    /// Renders customer_360's rows (no header) in row order, a few pieces of `pieceRows` rows at a
    /// time on all cores, and hands each piece to `sink` in order: the text never sits whole in memory.
    public func write360(to sink: (CSVWriter) throws -> Void) rethrows {
        var slices: [(chunk: Int, rows: Range<Int>)] = []
        for (k, chunk) in table.chunks.enumerated() {
            for start in stride(from: 0, to: chunk.count, by: Self.pieceRows) {
                slices.append((k, start..<min(chunk.count, start + Self.pieceRows)))
            }
        }
        let window = parallelWidth
        for first in stride(from: 0, to: slices.count, by: window) {
            let batch = slices[first..<min(slices.count, first + window)]
            let pieces = (try? parallelMap(batch.count) { i -> CSVWriter in
                let slice = batch[batch.startIndex + i]
                var w = CSVWriter(header: [])
                w.reserve(slice.rows.count * 200)
                Customer360.render360(table, table.chunks[slice.chunk][slice.rows], month, into: &w)
                return w
            }) ?? []
            for piece in pieces { try sink(piece) }
        }
    }
}

/// Stage `customer360`: the customer-360 table, warning flags, churn-risk score and care triggers,
/// and the three follow-up lists (SPEC §3.2, §3.3).
public struct Customer360 {
    public var settings: Customer360Settings

    public init(settings: Customer360Settings) { self.settings = settings }

    /// value_tier and risk_level texts, indexed by the record's codes.
    static let tiers = ["A", "B", "C", "D"]
    static let riskLevels = ["low", "medium", "high"]

    /// The columns read from each input partition.
    public static let customerColumns = CleanseStage.dimCustomer.pick([
        "customer_id", "msisdn", "city", "county", "brand", "vip_level", "gender", "birth_date", "join_date", "churn_date",
    ])
    public static let usageColumns = CleanseStage.factUsage.pick([
        "customer_id", "arpu", "mou", "data_gb", "call_forward_ratio", "offnet_ratio", "points_balance",
    ])
    public static let arpuColumns = CleanseStage.factUsage.pick(["customer_id", "arpu"])
    public static let surveyColumns = CleanseStage.factSurvey.pick(
        ["survey_id", "customer_id", "survey_date", "nps", "overall_sat"] + SurveyDimension.allCases.map(\.rawValue))
    public static let complaintColumns = CleanseStage.factComplaint.pick(["customer_id", "closed_at"])

    /// Usage of one month joined to the customer rows.
    private struct UsageJoin {
        /// Row of fact_usage M per customer row (-1 = none); empty for M-1 and M-2.
        var row: [Int32] = []
        /// arpu per customer row (NaN = no row or no value), M-1 and M-2 only.
        var arpu: [Double] = []
    }

    public func run(_ input: Customer360Inputs) throws -> Customer360Output {
        let month = input.month
        let lastDay = month.lastDay
        let firstDay = month.firstDay
        let nextMonth = month.next
        let c = input.customers
        let cols = try Customer360.customerColumns.map { try c.column($0) }
        let idColumn = cols[0]
        // Deliveries usually come sorted by id: then every join below is a search or a merge of
        // sorted ids, and no sort is needed.
        let ordered = KeyedRows.isStrictlyAscending(c, idColumn)

        // Usage of M, M-1, M-2 per customer row (first row per id; cleanse keeps ids unique).
        let joins = try (0..<3).map { k -> UsageJoin? in
            guard let t = input.usage[k] else { return nil }
            let rows = KeyedRows(t, column: try t.column("customer_id")).matches(c, idColumn)
            if k == 0 { return UsageJoin(row: rows) }
            let arpuColumn = try t.column("arpu")
            var arpu = [Double](repeating: .nan, count: rows.count)
            arpu.withUnsafeMutableBufferPointer { arpu in
                forEachChunk(of: rows.count) { range in
                    for r in range where rows[r] >= 0 { arpu[r] = CellValues.number(t.bytes(Int(rows[r]), arpuColumn)) ?? .nan }
                }
            }
            return UsageJoin(arpu: arpu)
        }
        let usageM = input.usage[0]
        let usageRow = joins[0]?.row ?? []
        let usageColumns = try usageM.map { u in try Customer360.usageColumns.dropFirst().map { try u.column($0) } } ?? []
        let arpuPrev = joins[1]?.arpu ?? [], arpuBack2 = joins[2]?.arpu ?? []

        /// (customer row, entry) for every customer row whose id is an entry of `index`, in row
        /// order. With ordered ids each entry's row is found by searching the id column (a few
        /// thousand searches, not a million lookups); otherwise each row's id is looked up.
        func customerRows(_ index: ByteKeyIndex, key: (Int) -> UnsafeBufferPointer<UInt8>) -> [(row: Int32, entry: Int32)] {
            var pairs: [(row: Int32, entry: Int32)] = []
            if ordered {
                // The entries are looked up in key order, so the walk through the ids goes
                // forward a few rows at a time (a binary search per entry is a run of cache
                // misses in a large partition); the pairs come out in row order.
                var cursor = KeyedRows.Cursor(KeyedRows(c, column: idColumn, ascending: true))
                var entries = Array(0..<index.count)
                entries.sort { a, b in
                    let order = KeyedRows.compare(key(a), key(b))
                    return order != 0 ? order < 0 : a < b
                }
                for e in entries {
                    if let r = cursor.row(key(e)) { pairs.append((Int32(r), Int32(e))) }
                }
                pairs.sort { $0.row < $1.row }
            } else {
                for r in 0..<c.rowCount {
                    if let e = index.find(c.bytes(r, idColumn)) { pairs.append((Int32(r), Int32(e))) }
                }
            }
            return pairs
        }

        // Latest survey of M per customer: latest survey_date, then greatest survey_id (ISO dates
        // and code-point order both compare as bytes).
        let s = input.surveys
        let sId = try s.column("survey_id"), sCustomer = try s.column("customer_id"), sDate = try s.column("survey_date")
        let sNps = try s.column("nps"), sOverall = try s.column("overall_sat")
        let sDims = try SurveyDimension.allCases.map { try s.column($0.rawValue) }
        var surveyIndex = ByteKeyIndex(capacity: s.rowCount)
        var latest: [Int] = []
        for r in 0..<s.rowCount {
            let (e, inserted) = surveyIndex.insert(s.bytes(r, sCustomer))
            if inserted { latest.append(r); continue }
            let prev = latest[e]
            let order = KeyJoin.compare(s.bytes(r, sDate), s.bytes(prev, sDate))
            if order < 0 || (order == 0 && KeyJoin.compare(s.bytes(prev, sId), s.bytes(r, sId)) >= 0) { continue }
            latest[e] = r
        }
        let surveyed = customerRows(surveyIndex) { s.bytes(latest[$0], sCustomer) }

        // Complaints of M, M-1, M-2 (partitions present) per customer; open ones of M.
        var complaintIndex = ByteKeyIndex()
        var complaints3m: [Int] = []
        var openNow: [Int] = []
        var complaintKeys: [UnsafeBufferPointer<UInt8>] = []
        for (k, table) in input.complaints.enumerated() {
            guard let t = table else { continue }
            let id = try t.column("customer_id"), closed = try t.column("closed_at")
            for r in 0..<t.rowCount {
                let key = t.bytes(r, id)
                let (e, inserted) = complaintIndex.insert(key)
                if inserted { complaints3m.append(0); openNow.append(0); complaintKeys.append(key) }
                complaints3m[e] += 1
                if k == 0 && t.isEmpty(r, closed) { openNow[e] += 1 }
            }
        }
        let complained = customerRows(complaintIndex) { complaintKeys[$0] }
        /// The first of `pairs` (in row order) whose row is at or after `row`.
        func firstPair(_ pairs: [(row: Int32, entry: Int32)], atOrAfter row: Int) -> Int {
            var lo = 0, hi = pairs.count
            while lo < hi {
                let mid = (lo + hi) >> 1
                if Int(pairs[mid].row) < row { lo = mid + 1 } else { hi = mid }
            }
            return lo
        }

        let st = settings
        let weights = st.weights
        // Rows are built in parallel chunks of the customer table (everything above is read-only).
        let parts = c.rowCount > 50_000 ? 8 : 1
        let pieces = try parallelMap(parts) { part -> [Customer360Record] in
            let lower = c.rowCount * part / parts, upper = c.rowCount * (part + 1) / parts
            var records: [Customer360Record] = []
            records.reserveCapacity(upper - lower)
            // The first survey and complaint pairs at or after this part's rows.
            var nextSurveyed = firstPair(surveyed, atOrAfter: lower)
            var nextComplained = firstPair(complained, atOrAfter: lower)
            for r in lower..<upper {
                guard let join = CellValues.date(c.bytes(r, cols[8])) else {
                    throw PanoramaError.runtime("dim_customer row \(r + 2) has an unreadable join_date; re-run cleanse")
                }
                let churn = CellValues.date(c.bytes(r, cols[9]))
                if join > lastDay { continue }
                if let churn, churn < firstDay { continue }
                var rec = Customer360Record(source: r)
                if let birth = CellValues.date(c.bytes(r, cols[7])) {
                    let age = birth.wholeYears(to: lastDay)
                    if birth <= lastDay && age >= 10 && age <= 110 {
                        rec.age = age
                        if birth.month == nextMonth.month {
                            rec.careBirthday = true
                            rec.birthdayYears = nextMonth.year - birth.year
                        }
                    }
                }
                var arpuSum = 0.0, arpuCount = 0
                if let u = usageM, usageRow[r] >= 0 {
                    let ur = Int(usageRow[r])
                    @inline(__always) func number(_ k: Int) -> Double? { CellValues.number(u.bytes(ur, usageColumns[k])) }
                    rec.arpu = number(0)
                    rec.mou = number(1); rec.dataGb = number(2)
                    rec.callForwardRatio = number(3); rec.offnetRatio = number(4)
                    rec.pointsBalance = number(5)
                    if let a = rec.arpu { arpuSum += a; arpuCount += 1 }
                }
                if !arpuPrev.isEmpty, !arpuPrev[r].isNaN {
                    rec.arpuPrev = arpuPrev[r]
                    arpuSum += arpuPrev[r]; arpuCount += 1
                }
                if !arpuBack2.isEmpty, !arpuBack2[r].isNaN { arpuSum += arpuBack2[r]; arpuCount += 1 }
                if arpuCount > 0 { rec.arpu3mAvg = arpuSum / Double(arpuCount) }
                if let a = rec.arpu, let p = rec.arpuPrev, p > 0 { rec.arpuChangePct = 100 * (a - p) / p }
                if let avg = rec.arpu3mAvg {
                    rec.valueTier = avg >= st.tierA ? 0 : avg >= st.tierB ? 1 : avg >= st.tierC ? 2 : 3
                    rec.highValue = avg >= st.highValueArpu
                }
                if let churn { rec.churnedInMonth = churn.monthKey == month }
                while nextSurveyed < surveyed.count && surveyed[nextSurveyed].row < r { nextSurveyed += 1 }
                if nextSurveyed < surveyed.count && surveyed[nextSurveyed].row == r {
                    let sr = latest[Int(surveyed[nextSurveyed].entry)]
                    rec.survey = Int32(sr)
                    // Scores are 0–10 in a clean fact_survey; anything that does not even fit the
                    // record is a damaged partition, not a value to write.
                    let nps = s.int(sr, sNps) ?? 0, overall = s.int(sr, sOverall)
                    guard let npsValue = Int32(exactly: nps), let overallValue = Int32(exactly: overall ?? 0),
                          npsValue != .min, overallValue != .min else {
                        throw PanoramaError.runtime("fact_survey of \(month) row \(sr + 2) has a score that is not one (nps `\(s.string(sr, sNps))`, overall_sat `\(s.string(sr, sOverall))`); re-run cleanse for \(month)")
                    }
                    rec.npsValue = npsValue
                    if overall != nil { rec.overallSatValue = overallValue }
                }
                while nextComplained < complained.count && complained[nextComplained].row < r { nextComplained += 1 }
                if nextComplained < complained.count && complained[nextComplained].row == r {
                    let e = Int(complained[nextComplained].entry)
                    rec.complaints3m = complaints3m[e]
                    rec.openComplaints = openNow[e]
                }
                rec.tenureMonths = join.wholeMonths(to: lastDay)
                if join.month == nextMonth.month {
                    let years = join.wholeYears(to: nextMonth.lastDay)
                    if years >= 1 { rec.careAnniversaryYears = years }
                }
                // Weights are summed in flag order, so the score is the same however flags combine.
                var sum = 0.0
                if (rec.arpuChangePct ?? .infinity) <= st.billDropPct { sum += weights[0]; rec.flagBits |= 1 }
                if (rec.callForwardRatio ?? -.infinity) >= st.callForwardRatio { sum += weights[1]; rec.flagBits |= 2 }
                if (rec.offnetRatio ?? -.infinity) >= st.offnetRatio { sum += weights[2]; rec.flagBits |= 4 }
                if Double(rec.complaints3m) >= st.complaints3m { sum += weights[3]; rec.flagBits |= 8 }
                if let nps = rec.nps, nps <= 6 { sum += weights[4]; rec.flagBits |= 16 }
                rec.churnRiskScore = Int((100 * sum).rounded())
                let score = Double(rec.churnRiskScore)
                rec.riskLevel = score >= st.riskHigh ? 2 : score >= st.riskMedium ? 1 : 0
                records.append(rec)
            }
            return records
        }
        var table = Customer360Table(chunks: pieces.filter { !$0.isEmpty }, customers: c, customerColumns: cols,
                                     surveys: s, dimensionColumns: sDims)
        if !ordered {
            let sorted = table.records.sorted { table.idLess($0, $1) }
            table = Customer360Table(chunks: [sorted], customers: c, customerColumns: cols, surveys: s, dimensionColumns: sDims)
        }
        let holdout = Holdout(month: month, holdoutPct: st.holdoutPct)
        let churnWatch = FollowUpLists.churnWatch(table, holdout)
        let detractorRepair = FollowUpLists.detractorRepair(table, holdout)
        var out = Customer360Output(
            table: table,
            month: month,
            churnWatch: churnWatch.0,
            detractorRepair: detractorRepair.0,
            careCalendar: FollowUpLists.careCalendar(table),
            heldOutChurnWatch: churnWatch.heldOut,
            heldOutDetractorRepair: detractorRepair.heldOut)
        for r in table.records {
            out.baseCustomers += 1
            if r.riskLevel == 2 { out.riskHigh += 1 }
            if r.highValue { out.highValue += 1 }
            if r.churnedInMonth { out.churnedInMonth += 1 }
        }
        return out
    }

    static func render360(_ table: Customer360Table, _ records: ArraySlice<Customer360Record>, _ month: Month, into w: inout CSVWriter) {
        let tiers = Customer360.tiers, riskLevels = Customer360.riskLevels
        Array(month.description.utf8).withUnsafeBufferPointer { m in
            for r in records {
                w.field(bytes: m); w.field(bytes: table.text(r, 0)); table.writeMaskedMSISDN(r, to: &w)
                for column in 2...6 { w.field(bytes: table.text(r, column)) }
                w.integer(r.age); w.integer(r.tenureMonths)
                w.number(r.arpu); w.number(r.mou); w.number(r.dataGb); w.number(r.callForwardRatio)
                w.number(r.offnetRatio); w.number(r.pointsBalance); w.number(r.arpuPrev); w.number(r.arpu3mAvg)
                w.number(r.arpuChangePct); w.field(tiers[Int(r.valueTier)]); w.boolean(r.highValue); w.boolean(r.churnedInMonth)
                w.integer(r.nps); w.integer(r.overallSat); w.field(r.npsCategory); w.integer(r.complaints3m)
                w.integer(r.openComplaints)
                for k in 0..<5 { w.boolean(r.flagBits & (1 << k) != 0) }
                w.integer(r.churnRiskScore); w.field(riskLevels[Int(r.riskLevel)]); w.boolean(r.careBirthday)
                w.integer(r.careAnniversaryYears)
                w.endRow()
            }
        }
    }
}
