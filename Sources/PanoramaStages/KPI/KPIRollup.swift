import PanoramaCore
import PanoramaEngine

/// What stage `kpi` reads for month M.
public struct KPIInputs {
    public var month: Month
    public var customer360: ColumnarTable
    public var surveys: ColumnarTable
    public var complaints: ColumnarTable
    /// The published `kpi` partition of M-1 (nil = missing).
    public var previous: ColumnarTable?
    /// customer_360 of the snapshot month S (nil = missing or S after M).
    public var snapshot: ColumnarTable?

    public init(month: Month, customer360: ColumnarTable, surveys: ColumnarTable, complaints: ColumnarTable,
                previous: ColumnarTable?, snapshot: ColumnarTable?) {
        self.month = month
        self.customer360 = customer360
        self.surveys = surveys
        self.complaints = complaints
        self.previous = previous
        self.snapshot = snapshot
    }
}

/// Stage `kpi`: the satisfaction KPI panorama by dimension and member, month over month and against
/// target, with alerts (SPEC §4).
public struct KPIRollup {
    public var settings: KPISettings

    public init(settings: KPISettings) { self.settings = settings }

    /// The columns the rollup reads: customer_360 of M and of the snapshot month, surveys, complaints.
    public static let customerColumns = Customer360Stage.customer360.pick(
        ["customer_id"] + KPICatalogue.dimensions + ["high_value", "churned_in_month", "arpu"])
    public static let snapshotColumns = Customer360Stage.customer360.pick(["customer_id"] + KPICatalogue.dimensions + ["high_value"])
    public static let surveyColumns = CleanseStage.factSurvey.pick(
        ["customer_id", "channel", "nps", "overall_sat"] + SurveyDimension.allCases.map(\.rawValue))
    public static let complaintColumns = CleanseStage.factComplaint.pick(["customer_id", "opened_at", "closed_at"])

    /// Per-group sums; one per (dimension, member).
    struct Acc {
        var customers = 0, churned = 0, highValue = 0, withUsage = 0
        var arpuSum = 0.0
        var complaints = 0, closed48h = 0
        var respondents = 0, promoters = 0, detractors = 0
        var overallSum = 0.0, overallN = 0
        var dimSum = [Double](repeating: 0, count: 7), dimN = [Int](repeating: 0, count: 7)
        var satIndexBase = 0
        var snapshot = 0, retained = 0
    }

    /// Sums by dimension (0 total, 1…4 customer dimensions, 5 channel) and member; members are
    /// dictionary-encoded by a byte-key index, so a million customers add up without Strings.
    struct Groups {
        var indexes = [ByteKeyIndex](repeating: ByteKeyIndex(), count: 6)
        var accs: [[Acc]] = Array(repeating: [], count: 6)

        /// The member entry of dimension `d` for `key` (added when new).
        mutating func entry(_ d: Int, _ key: UnsafeBufferPointer<UInt8>) -> Int {
            let (e, inserted) = indexes[d].insert(key)
            if inserted { accs[d].append(Acc()) }
            return e
        }

        mutating func entry(_ d: Int, _ key: String) -> Int {
            var copy = key
            return copy.withUTF8 { entry(d, $0) }
        }

        /// Members of a dimension in code-point order with their sums.
        func members(_ d: Int) -> [(String, Acc)] {
            (0..<indexes[d].count).map { (indexes[d].key($0), accs[d][$0]) }.sorted { codePointLess($0.0, $1.0) }
        }
    }

    public func run(_ input: KPIInputs) throws -> (rows: [KPIRow], csv: CSVWriter) {
        let c = input.customer360
        let cId = try c.column("customer_id")
        let dimCols = try KPICatalogue.dimensions.map { try c.column($0) }
        let cHigh = try c.column("high_value"), cChurned = try c.column("churned_in_month"), cArpu = try c.column("arpu")
        let (customerIndex, customerRow) = ByteKeyIndex.build(c, column: cId)
        var groups = Groups()
        let total = groups.entry(0, settings.province)
        // Each customer's member entry per dimension (index 0 is the total), for the survey and
        // complaint passes.
        var memberOf = [[Int32]](repeating: [], count: 5)
        for d in 0..<5 { memberOf[d].reserveCapacity(c.rowCount) }
        var churned = [Bool](), high = [Bool]()
        churned.reserveCapacity(c.rowCount); high.reserveCapacity(c.rowCount)
        for r in 0..<c.rowCount {
            let isChurned = c.isTrue(r, cChurned), isHigh = c.isTrue(r, cHigh)
            churned.append(isChurned); high.append(isHigh)
            let arpu = c.double(r, cArpu)
            for d in 0..<5 {
                let e = d == 0 ? total : groups.entry(d, c.bytes(r, dimCols[d - 1]))
                memberOf[d].append(Int32(e))
                groups.accs[d][e].customers += 1
                if isChurned { groups.accs[d][e].churned += 1 }
                if isHigh { groups.accs[d][e].highValue += 1 }
                if let arpu { groups.accs[d][e].withUsage += 1; groups.accs[d][e].arpuSum += arpu }
            }
        }
        /// The base row of a customer id, if the customer is in the base.
        func baseRow(_ id: UnsafeBufferPointer<UInt8>) -> Int? { customerIndex.find(id).map { customerRow[$0] } }

        let s = input.surveys
        let sCustomer = try s.column("customer_id"), sChannel = try s.column("channel"), sNps = try s.column("nps")
        let sOverall = try s.column("overall_sat")
        let sDims = try SurveyDimension.allCases.map { try s.column($0.rawValue) }
        for r in 0..<s.rowCount {
            guard let row = baseRow(s.bytes(r, sCustomer)), let nps = s.int(r, sNps) else { continue }
            let overall = s.int(r, sOverall)
            let scores = sDims.map { s.int(r, $0) }
            let channel = groups.entry(5, s.bytes(r, sChannel))
            for d in 0..<6 {
                let e = d == 5 ? channel : Int(memberOf[d][row])
                var a = groups.accs[d][e]
                a.respondents += 1
                if nps >= 9 { a.promoters += 1 } else if nps <= 6 { a.detractors += 1 }
                if let overall { a.overallSum += Double(overall); a.overallN += 1 }
                var any = false
                for (k, v) in scores.enumerated() {
                    if let v { a.dimSum[k] += Double(v); a.dimN[k] += 1; any = true }
                }
                if any { a.satIndexBase += 1 }
                groups.accs[d][e] = a
            }
        }

        let k = input.complaints
        let kCustomer = try k.column("customer_id"), kOpened = try k.column("opened_at"), kClosed = try k.column("closed_at")
        for r in 0..<k.rowCount {
            guard let row = baseRow(k.bytes(r, kCustomer)) else { continue }
            var within = false
            if let o = ValueParser.dateTime(bytes: k.bytes(r, kOpened)), let cl = ValueParser.dateTime(bytes: k.bytes(r, kClosed)) {
                within = cl.seconds - o.seconds <= 48 * 3600
            }
            for d in 0..<5 {
                let e = Int(memberOf[d][row])
                groups.accs[d][e].complaints += 1
                if within { groups.accs[d][e].closed48h += 1 }
            }
        }

        // hv_retention: the snapshot month's high-value customers, grouped by their snapshot members.
        var retention = Groups()
        let hasSnapshot = input.snapshot != nil
        if let snap = input.snapshot {
            let id = try snap.column("customer_id"), highCol = try snap.column("high_value")
            let dims = try KPICatalogue.dimensions.map { try snap.column($0) }
            let retentionTotal = retention.entry(0, settings.province)
            for r in 0..<snap.rowCount where snap.isTrue(r, highCol) {
                let kept = customerIndex.find(snap.bytes(r, id)).map { e in
                    let row = customerRow[e]
                    return !churned[row] && high[row]
                } ?? false
                for d in 0..<5 {
                    let e = d == 0 ? retentionTotal : retention.entry(d, snap.bytes(r, dims[d - 1]))
                    retention.accs[d][e].snapshot += 1
                    if kept { retention.accs[d][e].retained += 1 }
                }
            }
        }

        var previous: [String: Double?] = [:]
        if let p = input.previous {
            let pk = try p.column("kpi"), pd = try p.column("dimension"), pm = try p.column("member"), pv = try p.column("value")
            for r in 0..<p.rowCount { previous[p.string(r, pk) + "\u{1}" + p.string(r, pd) + "\u{1}" + p.string(r, pm)] = p.double(r, pv) }
        }

        let dimNames = ["total"] + KPICatalogue.dimensions + ["channel"]
        var rows: [KPIRow] = []
        for def in KPICatalogue.all {
            if def.id == "hv_retention" && !hasSnapshot { continue }
            let source = def.id == "hv_retention" ? retention : groups
            let dimCount = def.isSurvey ? 6 : 5
            for d in 0..<dimCount {
                var members = source.members(d)
                if d == 0 && members.isEmpty { members = [(settings.province, Acc())] }
                for (member, acc) in members {
                    let (value, base) = KPIRollup.measure(def.id, acc)
                    if d > 0 && base == 0 { continue }
                    let prevKey = def.id + "\u{1}" + dimNames[d] + "\u{1}" + member
                    rows.append(finish(input.month, def, dimNames[d], member, value, base, previous[prevKey] ?? nil))
                }
            }
        }
        var w = CSVWriter(header: KPIStage.kpi.columns)
        for r in rows { r.write(to: &w) }
        return (rows, w)
    }

    /// Value and base of one KPI for one group (value nil when its base is 0).
    static func measure(_ kpi: String, _ a: Acc) -> (Double?, Int) {
        func ratio(_ num: Double, _ den: Int, _ scale: Double) -> (Double?, Int) {
            (den > 0 ? scale * num / Double(den) : nil, den)
        }
        switch kpi {
        case "sat_index":
            var num = 0.0, den = 0.0
            for i in 0..<7 where a.dimN[i] > 0 {
                num += KPICatalogue.satWeights[i] * 10 * a.dimSum[i] / Double(a.dimN[i])
                den += KPICatalogue.satWeights[i]
            }
            return (den > 0 ? num / den : nil, a.satIndexBase)
        case "sat_overall": return ratio(a.overallSum, a.overallN, 10)
        case "nps": return ratio(Double(a.promoters - a.detractors), a.respondents, 100)
        case "promoter_share": return ratio(Double(a.promoters), a.respondents, 100)
        case "detractor_share": return ratio(Double(a.detractors), a.respondents, 100)
        case "complaint_rate": return ratio(Double(a.complaints), a.customers, 1000)
        case "complaint_closed_48h": return ratio(Double(a.closed48h), a.complaints, 100)
        case "churn_rate": return ratio(Double(a.churned), a.customers, 100)
        case "hv_retention": return ratio(Double(a.retained), a.snapshot, 100)
        case "hv_share": return ratio(Double(a.highValue), a.customers, 100)
        case "arpu": return ratio(a.arpuSum, a.withUsage, 1)
        case "survey_n": return (Double(a.respondents), a.respondents)
        default:
            if kpi.hasPrefix("sat_"), let i = SurveyDimension.allCases.firstIndex(where: { "sat_" + $0.rawValue == kpi }) {
                return ratio(a.dimSum[i], a.dimN[i], 10)
            }
            return (nil, 0)
        }
    }

    /// Change in a KPI's unit: `pct` relative to |reference| (nil when it is 0), `pt` a difference.
    static func change(_ value: Double?, _ reference: Double?, unit: String) -> Double? {
        guard let value, let reference else { return nil }
        switch unit {
        case "pct": return reference == 0 ? nil : 100 * (value - reference) / abs(reference)
        case "pt": return value - reference
        default: return nil
        }
    }

    func finish(_ month: Month, _ def: KPIDefinition, _ dimension: String, _ member: String, _ value: Double?, _ base: Int,
                _ prev: Double?) -> KPIRow {
        var row = KPIRow(month: month, kpi: def.id, dimension: dimension, member: member, value: value, base: base, prevValue: prev,
                         momChange: nil, momUnit: def.unit, target: nil, targetGap: nil, polarity: def.polarity,
                         direction: "flat", alert: "none")
        if def.id == "survey_n" { return row }
        row.momChange = KPIRollup.change(value, prev, unit: def.unit)
        row.target = settings.target(def.id, member: member)
        row.targetGap = KPIRollup.change(value, row.target, unit: def.unit)
        if let m = row.momChange, abs(m) >= 0.05 { row.direction = m > 0 ? "up" : "down" }
        row.alert = KPIRollup.alert(mom: row.momChange, gap: row.targetGap, polarity: def.polarity,
                                    threshold: settings.threshold(def.id), base: base,
                                    minBase: settings.minBase[def.id] ?? def.defaultMinBase)
        return row
    }

    /// The alert rule of SPEC §4 (all thresholds inclusive).
    public static func alert(mom: Double?, gap: Double?, polarity: String, threshold: Double, base: Int, minBase: Int) -> String {
        guard base >= minBase else { return "none" }
        var moved: String?
        if let mom {
            if mom >= threshold { moved = "rise" } else if mom <= -threshold { moved = "fall" }
        }
        var offTarget = false
        if let gap {
            offTarget = polarity == "lower_better" ? gap >= threshold : gap <= -threshold
        }
        switch (moved, offTarget) {
        case (let m?, true): return m + "+off_target"
        case (let m?, false): return m
        case (nil, true): return "off_target"
        case (nil, false): return "none"
        }
    }
}
