import PanoramaCore

/// The clean tables stage `customer360` reads for month M (SPEC §3.2): M-1 and M-2 only where
/// their partitions are present.
public struct Customer360Inputs {
    public var month: Month
    public var customers: CSVTable
    /// fact_usage of M, M-1, M-2 (nil = partition missing).
    public var usage: [CSVTable?]
    public var surveys: CSVTable
    /// fact_complaint of M, M-1, M-2 (nil = partition missing).
    public var complaints: [CSVTable?]

    public init(month: Month, customers: CSVTable, usage: [CSVTable?], surveys: CSVTable, complaints: [CSVTable?]) {
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
    /// bill_drop, call_forward, offnet, complaint, detractor.
    public var flags: [Bool] = [false, false, false, false, false]
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

    /// The fact_usage columns read for M (M-1 and M-2 need customer_id and arpu only).
    public static let usageColumns = ["customer_id", "arpu", "mou", "data_gb", "call_forward_ratio", "offnet_ratio", "points_balance"]

    public func run(_ input: Customer360Inputs) throws -> Customer360Output {
        let month = input.month
        let lastDay = month.lastDay
        let firstDay = month.firstDay
        let nextMonth = month.next

        // Usage of M (all fields) and arpu of M-1, M-2, keyed by customer.
        var usageNow: [String: [Double?]] = [:]
        var arpuBack: [[String: Double]] = [[:], [:], [:]]
        for (k, table) in input.usage.enumerated() {
            guard let t = table else { continue }
            let id = try t.column("customer_id"), arpu = try t.column("arpu")
            let extra = k == 0 ? try ["mou", "data_gb", "call_forward_ratio", "offnet_ratio", "points_balance"].map { try t.column($0) } : []
            arpuBack[k].reserveCapacity(t.rowCount)
            if k == 0 { usageNow.reserveCapacity(t.rowCount) }
            for r in 0..<t.rowCount {
                if let a = t.double(r, arpu) { arpuBack[k][t[r, id]] = a }
                if k == 0 { usageNow[t[r, id]] = [t.double(r, arpu)] + extra.map { t.double(r, $0) } }
            }
        }

        // Latest survey of M per customer: latest survey_date, then greatest survey_id.
        let s = input.surveys
        let sId = try s.column("survey_id"), sCustomer = try s.column("customer_id"), sDate = try s.column("survey_date")
        let sNps = try s.column("nps"), sOverall = try s.column("overall_sat")
        let sDims = try SurveyDimension.allCases.map { try s.column($0.rawValue) }
        var latest: [String: Int] = [:]
        for r in 0..<s.rowCount {
            let c = s[r, sCustomer]
            if let prev = latest[c] {
                let a = s[prev, sDate], b = s[r, sDate]
                if codePointLess(b, a) || (a == b && !codePointLess(s[prev, sId], s[r, sId])) { continue }
            }
            latest[c] = r
        }

        // Complaints of M, M-1, M-2 (partitions present) per customer; open ones of M.
        var complaints3m: [String: Int] = [:]
        var openNow: [String: Int] = [:]
        for (k, table) in input.complaints.enumerated() {
            guard let t = table else { continue }
            let id = try t.column("customer_id"), closed = try t.column("closed_at")
            for r in 0..<t.rowCount {
                complaints3m[t[r, id], default: 0] += 1
                if k == 0 && t[r, closed].isEmpty { openNow[t[r, id], default: 0] += 1 }
            }
        }

        let c = input.customers
        let cols = try ["customer_id", "msisdn", "city", "county", "brand", "vip_level", "gender", "birth_date",
                        "join_date", "churn_date"].map { try c.column($0) }
        // Rows are built in parallel chunks of the customer table (the lookups above are read-only).
        let parts = c.rowCount > 50_000 ? 8 : 1
        let pieces = try parallelMap(parts) { part -> [Customer360Row] in
        var rows: [Customer360Row] = []
        for r in (c.rowCount * part / parts)..<(c.rowCount * (part + 1) / parts) {
            guard let join = ValueParser.date(c[r, cols[8]]) else {
                throw PanoramaError.runtime("dim_customer row \(r + 2) has an unreadable join_date; re-run cleanse")
            }
            let churn = ValueParser.date(c[r, cols[9]])
            if join > lastDay { continue }
            if let churn, churn < firstDay { continue }
            var row = Customer360Row()
            row.customerId = c[r, cols[0]]
            let msisdn = Array(c[r, cols[1]].utf8)
            row.msisdnMasked = msisdn.count >= 7
                ? String(decoding: msisdn[0..<3], as: UTF8.self) + "****" + String(decoding: msisdn[(msisdn.count - 4)...], as: UTF8.self)
                : "****"
            row.city = c[r, cols[2]]; row.county = c[r, cols[3]]; row.brand = c[r, cols[4]]
            row.vipLevel = c[r, cols[5]]; row.gender = c[r, cols[6]]
            if let birth = ValueParser.date(c[r, cols[7]]) {
                let age = birth.wholeYears(to: lastDay)
                if birth <= lastDay && age >= 10 && age <= 110 {
                    row.age = age
                    if birth.month == nextMonth.month {
                        row.careBirthday = true
                        row.birthdayYears = nextMonth.year - birth.year
                    }
                }
            }
            row.tenureMonths = join.wholeMonths(to: lastDay)
            if join.month == nextMonth.month {
                let years = join.wholeYears(to: nextMonth.lastDay)
                if years >= 1 { row.careAnniversaryYears = years }
            }
            if let u = usageNow[row.customerId] {
                row.arpu = u[0]; row.mou = u[1]; row.dataGb = u[2]; row.callForwardRatio = u[3]; row.offnetRatio = u[4]; row.pointsBalance = u[5]
            }
            row.arpuPrev = arpuBack[1][row.customerId]
            let present = [arpuBack[0][row.customerId], arpuBack[1][row.customerId], arpuBack[2][row.customerId]].compactMap { $0 }
            if !present.isEmpty { row.arpu3mAvg = present.reduce(0, +) / Double(present.count) }
            if let a = row.arpu, let p = row.arpuPrev, p > 0 { row.arpuChangePct = 100 * (a - p) / p }
            let avg = row.arpu3mAvg
            row.valueTier = avg.map { $0 >= settings.tierA ? "A" : $0 >= settings.tierB ? "B" : $0 >= settings.tierC ? "C" : "D" } ?? "D"
            row.highValue = (avg ?? -.infinity) >= settings.highValueArpu
            if let churn { row.churnedInMonth = churn.monthKey == month }
            if let sr = latest[row.customerId] {
                let nps = s.int(sr, sNps) ?? 0
                row.nps = nps
                row.overallSat = s.int(sr, sOverall)
                row.npsCategory = nps >= 9 ? "promoter" : nps >= 7 ? "passive" : "detractor"
                row.latestScores = sDims.map { s.int(sr, $0) }
            }
            row.complaints3m = complaints3m[row.customerId] ?? 0
            row.openComplaints = openNow[row.customerId] ?? 0
            row.flags = [
                (row.arpuChangePct ?? .infinity) <= settings.billDropPct,
                (row.callForwardRatio ?? -.infinity) >= settings.callForwardRatio,
                (row.offnetRatio ?? -.infinity) >= settings.offnetRatio,
                Double(row.complaints3m) >= settings.complaints3m,
                row.npsCategory == "detractor",
            ]
            var sum = 0.0
            for (k, f) in row.flags.enumerated() where f { sum += settings.weights[k] }
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
            for f in row.flags { w.boolean(f) }
            w.integer(row.churnRiskScore); w.field(row.riskLevel); w.boolean(row.careBirthday)
            w.integer(row.careAnniversaryYears)
            w.endRow()
        }
    }
}
