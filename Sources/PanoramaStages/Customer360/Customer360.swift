import PanoramaCore

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

/// One customer_360 row, typed (SPEC §3.2 columns).
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

/// What stage `customer360` publishes for a month.
public struct Customer360Output {
    /// The rows in customer_id order, as the chunks they were built in (joining them would copy a
    /// million large rows for nothing).
    public var chunks: [[Customer360Row]]
    public var rows: FlattenSequence<[[Customer360Row]]> { chunks.joined() }
    public var customer360: CSVWriter
    public var churnWatch: CSVWriter
    public var detractorRepair: CSVWriter
    public var careCalendar: CSVWriter
}

/// Stage `customer360`: the customer-360 table, warning flags, churn-risk score and care triggers,
/// and the three follow-up lists (SPEC §3.2, §3.3).
public struct Customer360 {
    public var settings: Customer360Settings

    public init(settings: Customer360Settings) { self.settings = settings }

    public static let columns = [
        "month", "customer_id", "msisdn_masked", "city", "county", "brand", "vip_level", "gender", "age", "tenure_months",
        "arpu", "mou", "data_gb", "call_forward_ratio", "offnet_ratio", "points_balance", "arpu_prev", "arpu_3m_avg",
        "arpu_change_pct", "value_tier", "high_value", "churned_in_month", "nps", "overall_sat", "nps_category",
        "complaints_3m", "open_complaints", "flag_bill_drop", "flag_call_forward", "flag_offnet", "flag_complaint",
        "flag_detractor", "churn_risk_score", "risk_level", "care_birthday", "care_anniversary_years",
    ]

    /// The columns read from each input partition.
    public static let customerColumns = ["customer_id", "msisdn", "city", "county", "brand", "vip_level", "gender",
                                         "birth_date", "join_date", "churn_date"]
    public static let usageColumns = ["customer_id", "arpu", "mou", "data_gb", "call_forward_ratio", "offnet_ratio", "points_balance"]
    public static let arpuColumns = ["customer_id", "arpu"]
    public static let surveyColumns = ["survey_id", "customer_id", "survey_date", "nps", "overall_sat"] + SurveyDimension.allCases.map(\.rawValue)
    public static let complaintColumns = ["customer_id", "closed_at"]

    public func run(_ input: Customer360Inputs) throws -> Customer360Output {
        let month = input.month
        let lastDay = month.lastDay
        let firstDay = month.firstDay
        let nextMonth = month.next

        // Usage of M, M-1, M-2 indexed by customer id (first row per id; cleanse keeps ids unique).
        struct UsageLookup { var table: ColumnarTable; var index: ByteKeyIndex; var rowOf: [Int]; var arpu: Int }
        let usage = try input.usage.map { table -> UsageLookup? in
            guard let t = table else { return nil }
            let (index, rowOf) = ByteKeyIndex.build(t, column: try t.column("customer_id"))
            return UsageLookup(table: t, index: index, rowOf: rowOf, arpu: try t.column("arpu"))
        }
        let u0Extra = try usage[0].map { u in try ["mou", "data_gb", "call_forward_ratio", "offnet_ratio", "points_balance"].map { try u.table.column($0) } } ?? []

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
            let a = s.bytes(prev, sDate), b = s.bytes(r, sDate)
            if bytesLess(b, a) || (bytesEqual(a, b) && !bytesLess(s.bytes(prev, sId), s.bytes(r, sId))) { continue }
            latest[e] = r
        }

        // Complaints of M, M-1, M-2 (partitions present) per customer; open ones of M.
        var complaintIndex = ByteKeyIndex()
        var complaints3m: [Int] = []
        var openNow: [Int] = []
        for (k, table) in input.complaints.enumerated() {
            guard let t = table else { continue }
            let id = try t.column("customer_id"), closed = try t.column("closed_at")
            for r in 0..<t.rowCount {
                let (e, inserted) = complaintIndex.insert(t.bytes(r, id))
                if inserted { complaints3m.append(0); openNow.append(0) }
                complaints3m[e] += 1
                if k == 0 && t.isEmpty(r, closed) { openNow[e] += 1 }
            }
        }

        let c = input.customers
        let cols = try ["customer_id", "msisdn", "city", "county", "brand", "vip_level", "gender", "birth_date",
                        "join_date", "churn_date"].map { try c.column($0) }
        // Rows are built in parallel chunks of the customer table (the lookups above are read-only).
        let parts = c.rowCount > 50_000 ? 8 : 1
        let pieces = try parallelMap(parts) { part -> [Customer360Row] in
        var rows: [Customer360Row] = []
        rows.reserveCapacity(c.rowCount / parts + 1)
        for r in (c.rowCount * part / parts)..<(c.rowCount * (part + 1) / parts) {
            guard let join = c.date(r, cols[8]) else {
                throw PanoramaError.runtime("dim_customer row \(r + 2) has an unreadable join_date; re-run cleanse")
            }
            let churn = c.date(r, cols[9])
            if join > lastDay { continue }
            if let churn, churn < firstDay { continue }
            var row = Customer360Row()
            let id = c.bytes(r, cols[0])
            row.customerId = c.string(r, cols[0])
            let msisdn = c.bytes(r, cols[1])
            row.msisdnMasked = msisdn.count >= 7
                ? String(decoding: msisdn[0..<3], as: UTF8.self) + "****" + String(decoding: msisdn[(msisdn.count - 4)...], as: UTF8.self)
                : "****"
            row.city = c.string(r, cols[2]); row.county = c.string(r, cols[3]); row.brand = c.string(r, cols[4])
            row.vipLevel = c.string(r, cols[5]); row.gender = c.string(r, cols[6])
            if let birth = c.date(r, cols[7]) {
                let age = birth.wholeYears(to: lastDay)
                if birth <= lastDay && age >= 10 && age <= 110 {
                    row.age = age
                    if birth.month == nextMonth.month {
                        row.careBirthday = true
                        row.birthdayYears = nextMonth.year - birth.year
                    }
                }
            }
            var arpuSum = 0.0, arpuCount = 0
            for k in 0..<3 {
                guard let u = usage[k], let e = u.index.find(id) else { continue }
                let ur = u.rowOf[e]
                let value = u.table.double(ur, u.arpu)
                if let value { arpuSum += value; arpuCount += 1 }
                if k == 1 { row.arpuPrev = value }
                if k == 0 {
                    row.arpu = value
                    row.mou = u.table.double(ur, u0Extra[0]); row.dataGb = u.table.double(ur, u0Extra[1])
                    row.callForwardRatio = u.table.double(ur, u0Extra[2]); row.offnetRatio = u.table.double(ur, u0Extra[3])
                    row.pointsBalance = u.table.double(ur, u0Extra[4])
                }
            }
            if arpuCount > 0 { row.arpu3mAvg = arpuSum / Double(arpuCount) }
            if let a = row.arpu, let p = row.arpuPrev, p > 0 { row.arpuChangePct = 100 * (a - p) / p }
            let avg = row.arpu3mAvg
            row.valueTier = avg.map { $0 >= settings.tierA ? "A" : $0 >= settings.tierB ? "B" : $0 >= settings.tierC ? "C" : "D" } ?? "D"
            row.highValue = (avg ?? -.infinity) >= settings.highValueArpu
            if let churn { row.churnedInMonth = churn.monthKey == month }
            if let e = surveyIndex.find(id) {
                let sr = latest[e]
                let nps = s.int(sr, sNps) ?? 0
                row.nps = nps
                row.overallSat = s.int(sr, sOverall)
                row.npsCategory = nps >= 9 ? "promoter" : nps >= 7 ? "passive" : "detractor"
                row.latestScores = sDims.map { s.int(sr, $0) }
            }
            if let e = complaintIndex.find(id) {
                row.complaints3m = complaints3m[e]
                row.openComplaints = openNow[e]
            }
            row.tenureMonths = join.wholeMonths(to: lastDay)
            if join.month == nextMonth.month {
                let years = join.wholeYears(to: nextMonth.lastDay)
                if years >= 1 { row.careAnniversaryYears = years }
            }
            let raised = [
                (row.arpuChangePct ?? .infinity) <= settings.billDropPct,
                (row.callForwardRatio ?? -.infinity) >= settings.callForwardRatio,
                (row.offnetRatio ?? -.infinity) >= settings.offnetRatio,
                Double(row.complaints3m) >= settings.complaints3m,
                row.npsCategory == "detractor",
            ]
            var sum = 0.0
            for k in 0..<5 where raised[k] {
                sum += settings.weights[k]
                row.flagBits |= 1 << k
            }
            row.churnRiskScore = Int((100 * sum).rounded())
            let score = Double(row.churnRiskScore)
            row.riskLevel = score >= settings.riskHigh ? "high" : score >= settings.riskMedium ? "medium" : "low"
            rows.append(row)
        }
        return rows
        }
        var chunks = pieces.filter { !$0.isEmpty }
        // Deliveries usually come sorted by id already; check before paying for a sort.
        let ids = chunks.joined().lazy.map(\.customerId)
        if !zip(ids, ids.dropFirst()).allSatisfy({ codePointLess($0, $1) }) {
            chunks = [chunks.flatMap { $0 }.sorted { codePointLess($0.customerId, $1.customerId) }]
        }
        let all = chunks.joined()
        return Customer360Output(
            chunks: chunks,
            customer360: write360(chunks, month),
            churnWatch: FollowUpLists.churnWatch(all),
            detractorRepair: FollowUpLists.detractorRepair(all),
            careCalendar: FollowUpLists.careCalendar(all))
    }

    /// Renders customer_360 in parallel chunks, joined in row order.
    /// Byte-wise (code point) order of two cells.
    @inline(__always)
    func bytesLess(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        a.lexicographicallyPrecedes(b)
    }

    @inline(__always)
    func bytesEqual(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        a.elementsEqual(b)
    }

    private func write360(_ rowChunks: [[Customer360Row]], _ month: Month) -> CSVWriter {
        let chunks = (try? parallelMap(rowChunks.count) { part -> CSVWriter in
            var w = CSVWriter(header: [])
            w.reserve(rowChunks[part].count * 200)
            render360(rowChunks[part][...], month, into: &w)
            return w
        }) ?? []
        var out = CSVWriter(header: Customer360.columns)
        out.reserve(chunks.reduce(0) { $0 + $1.bytes.count })
        for chunk in chunks { out.append(chunk) }
        return out
    }

    private func render360(_ rows: ArraySlice<Customer360Row>, _ month: Month, into w: inout CSVWriter) {
        let m = month.description
        for row in rows {
            w.field(m); w.field(row.customerId); w.field(row.msisdnMasked); w.field(row.city); w.field(row.county)
            w.field(row.brand); w.field(row.vipLevel); w.field(row.gender); w.integer(row.age); w.integer(row.tenureMonths)
            w.number(row.arpu); w.number(row.mou); w.number(row.dataGb); w.number(row.callForwardRatio)
            w.number(row.offnetRatio); w.number(row.pointsBalance); w.number(row.arpuPrev); w.number(row.arpu3mAvg)
            w.number(row.arpuChangePct); w.field(row.valueTier); w.boolean(row.highValue); w.boolean(row.churnedInMonth)
            w.integer(row.nps); w.integer(row.overallSat); w.field(row.npsCategory); w.integer(row.complaints3m)
            w.integer(row.openComplaints)
            for k in 0..<5 { w.boolean(row.flagBits & (1 << k) != 0) }
            w.integer(row.churnRiskScore); w.field(row.riskLevel); w.boolean(row.careBirthday)
            w.integer(row.careAnniversaryYears)
            w.endRow()
        }
    }
}
