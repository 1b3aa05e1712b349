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
    /// customer_360 of M already decoded (the stage reads it in pieces; then `customer360` holds
    /// its ids only).
    var base: KPIBase?

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

/// What stage `kpi` computes for month M: the rows of `kpi` and of `kpi_change`, each with its file.
public struct KPIOutput {
    public var rows: [KPIRow]
    public var csv: CSVWriter
    /// Table `kpi_change` (SPEC §4.2); empty when M-1 has no kpi partition.
    public var changes: [KPIChangeRow]
    public var changeCSV: CSVWriter
    /// False when the kpi partition of M-1 predates SPEC §4.1 (no std_err column).
    public var previousHasStdErr: Bool
}

/// Value, base and standard error of one KPI for one group.
struct KPIMeasure {
    var value: Double?
    var base: Int
    var stdErr: Double?
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

    /// Per-group sums; one per (dimension, member). One pass over the rows fills them, and every
    /// value and standard error of SPEC §4 and §4.1 follows from them.
    struct Acc {
        var customers = 0, churned = 0, highValue = 0
        var arpuSum = 0.0
        var arpu = RunningMoments()
        var withUsage: Int { arpu.n }
        var complaints = 0, closed48h = 0
        var respondents = 0, promoters = 0, detractors = 0
        var overallSum = 0, overallSquares = 0, overallN = 0
        var scores = ScoreMoments()
        var satIndexBase = 0
        var snapshot = 0, retained = 0

        /// Adds one survey response; `answered` lists the dimensions it answered (see ScoreMoments).
        @inline(__always)
        mutating func addSurvey(nps: Int, overall: Int?, answered: [Int], scores values: [Int]) {
            respondents += 1
            if nps >= 9 { promoters += 1 } else if nps <= 6 { detractors += 1 }
            if let overall { overallSum += overall; overallSquares += overall * overall; overallN += 1 }
            if !answered.isEmpty {
                satIndexBase += 1
                scores.add(answered: answered, scores: values)
            }
        }
    }

    /// Sums by dimension (0 total, 1…4 customer dimensions, 5 channel) and member; members are
    /// dictionary-encoded (entry = member code), so a million customers add up without Strings.
    struct Groups {
        var codes = [MemberCodes](repeating: MemberCodes(), count: 6)
        var accs: [[Acc]] = Array(repeating: [], count: 6)

        /// The member entry of dimension `d` for `key` (added when new).
        @inline(__always)
        mutating func entry(_ d: Int, _ key: UnsafeBufferPointer<UInt8>) -> Int {
            let e = codes[d].code(key)
            if e == accs[d].count { accs[d].append(Acc()) }
            return e
        }

        mutating func entry(_ d: Int, _ key: String) -> Int {
            var copy = key
            return copy.withUTF8 { entry(d, $0) }
        }

        /// Members of a dimension in code-point order with their sums.
        func members(_ d: Int) -> [(String, Acc)] {
            (0..<codes[d].count).map { (codes[d].string($0), accs[d][$0]) }.sorted { codePointLess($0.0, $1.0) }
        }
    }

    /// The customer sums of one member, added in row order (so ARPU's floating-point sums are the
    /// same whatever the number of cores).
    struct CustomerSums {
        var customers = 0, churned = 0, highValue = 0
        var arpuSum = 0.0
        var arpu = RunningMoments()
    }

    public func run(_ input: KPIInputs) throws -> KPIOutput {
        let base = try input.base ?? KPIBase(input.customer360)
        var groups = Groups()
        _ = groups.entry(0, settings.province)
        for d in 1..<5 {
            groups.codes[d] = base.members[d - 1]
            groups.accs[d] = Array(repeating: Acc(), count: base.members[d - 1].count)
        }
        // One task per dimension, each adding its members' customers in row order.
        let sums = try parallelMap(5) { d -> [CustomerSums] in
            var sums = [CustomerSums](repeating: CustomerSums(), count: d == 0 ? 1 : base.members[d - 1].count)
            sums.withUnsafeMutableBufferPointer { sums in
                base.flags.withUnsafeBufferPointer { flags in
                    base.arpu.withUnsafeBufferPointer { arpu in
                        @inline(__always) func add(_ r: Int, _ e: Int) {
                            let f = flags[r]
                            sums[e].customers &+= 1
                            if f & KPIBase.churnedFlag != 0 { sums[e].churned &+= 1 }
                            if f & KPIBase.highValueFlag != 0 { sums[e].highValue &+= 1 }
                            if f & KPIBase.arpuFlag != 0 {
                                sums[e].arpuSum += arpu[r]
                                sums[e].arpu.add(arpu[r])
                            }
                        }
                        if d == 0 {
                            for r in 0..<base.count { add(r, 0) }
                        } else {
                            base.forEachCode(d - 1, add)
                        }
                    }
                }
            }
            return sums
        }
        for d in 0..<5 {
            for (e, s) in sums[d].enumerated() {
                groups.accs[d][e].customers = s.customers
                groups.accs[d][e].churned = s.churned
                groups.accs[d][e].highValue = s.highValue
                groups.accs[d][e].arpuSum = s.arpuSum
                groups.accs[d][e].arpu = s.arpu
            }
        }
        /// The member entry of a base row in dimension d (0 = total).
        @inline(__always) func member(_ d: Int, _ row: Int) -> Int { d == 0 ? 0 : base.code(d - 1, row) }
        let customers = KeyedRows(base.ids, column: base.idColumn, ascending: base.ascending)

        let s = input.surveys
        let sCustomer = try s.column("customer_id"), sChannel = try s.column("channel"), sNps = try s.column("nps")
        let sOverall = try s.column("overall_sat")
        let sDims = try SurveyDimension.allCases.map { try s.column($0.rawValue) }
        var answered: [Int] = [], scores = [Int](repeating: 0, count: sDims.count)
        answered.reserveCapacity(sDims.count)
        // Each response's customer_360 row, found in customer_id order (the responses come by date).
        let surveyRows = customers.matchesInKeyOrder(s, sCustomer)
        for r in 0..<s.rowCount {
            let row = Int(surveyRows[r])
            guard row >= 0, let nps = s.int(r, sNps) else { continue }
            let overall = s.int(r, sOverall)
            answered.removeAll(keepingCapacity: true)
            for (i, column) in sDims.enumerated() {
                if let v = s.int(r, column) { scores[i] = v; answered.append(i) }
            }
            let channel = groups.entry(5, s.bytes(r, sChannel))
            for d in 0..<6 {
                let e = d == 5 ? channel : member(d, row)
                groups.accs[d][e].addSurvey(nps: nps, overall: overall, answered: answered, scores: scores)
            }
        }

        let k = input.complaints
        let kCustomer = try k.column("customer_id"), kOpened = try k.column("opened_at"), kClosed = try k.column("closed_at")
        let complaintRows = customers.matchesInKeyOrder(k, kCustomer)
        for r in 0..<k.rowCount {
            let row = Int(complaintRows[r])
            guard row >= 0 else { continue }
            var within = false
            if let o = ValueParser.dateTime(bytes: k.bytes(r, kOpened)), let cl = ValueParser.dateTime(bytes: k.bytes(r, kClosed)) {
                within = cl.seconds - o.seconds <= 48 * 3600
            }
            for d in 0..<5 {
                let e = member(d, row)
                groups.accs[d][e].complaints += 1
                if within { groups.accs[d][e].closed48h += 1 }
            }
        }

        // hv_retention: the snapshot month's high-value customers, grouped by their snapshot members.
        // Both months are in customer_id order, so the cursor walks M once.
        var retention = Groups()
        let hasSnapshot = input.snapshot != nil
        if let snap = input.snapshot {
            let id = try snap.column("customer_id"), highCol = try snap.column("high_value")
            let dims = try KPICatalogue.dimensions.map { try snap.column($0) }
            let retentionTotal = retention.entry(0, settings.province)
            var cursor = KeyedRows.Cursor(customers)
            for r in 0..<snap.rowCount where snap.isTrue(r, highCol) {
                let kept = cursor.row(snap.bytes(r, id)).map { row in
                    base.flags[row] & (KPIBase.churnedFlag | KPIBase.highValueFlag) == KPIBase.highValueFlag
                } ?? false
                for d in 0..<5 {
                    let e = d == 0 ? retentionTotal : retention.entry(d, snap.bytes(r, dims[d - 1]))
                    retention.accs[d][e].snapshot += 1
                    if kept { retention.accs[d][e].retained += 1 }
                }
            }
        }
        let previous = try input.previous.map { try KPIRow.read($0, name: "kpi of \(input.month.previous)") }
        var previousRow: [String: KPIRow] = [:]
        for r in previous ?? [] { previousRow[KPIRollup.key(r.kpi, r.dimension, r.member)] = r }

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
                    let m = KPIRollup.measure(def.id, acc)
                    if d > 0 && m.base == 0 { continue }
                    let prev = previousRow[KPIRollup.key(def.id, dimNames[d], member)]
                    var row = finish(input.month, def, dimNames[d], member, m.value, m.base, prev?.value)
                    row.stdErr = m.stdErr
                    row.prevBase = prev?.base
                    row.prevStdErr = prev?.stdErr
                    rows.append(row)
                }
            }
        }
        KPISignificance(alpha: settings.alpha).apply(to: &rows)
        var w = CSVWriter(header: KPIStage.kpi.columns)
        for r in rows { r.write(to: &w) }
        let changes = previous.map { KPIAttribution.rows(current: rows, previous: $0) } ?? []
        var cw = CSVWriter(header: KPIStage.kpiChange.columns)
        for r in changes { r.write(to: &cw) }
        return KPIOutput(rows: rows, csv: w, changes: changes, changeCSV: cw,
                         previousHasStdErr: input.previous.map { $0.header.contains("std_err") } ?? true)
    }

    static func key(_ kpi: String, _ dimension: String, _ member: String) -> String {
        kpi + "\u{1}" + dimension + "\u{1}" + member
    }

    /// Value, base and standard error of one KPI for one group (SPEC §4, §4.1). The value is nil when
    /// the base is 0; the standard error is nil where §4.1 leaves it undefined.
    static func measure(_ kpi: String, _ a: Acc) -> KPIMeasure {
        func ratio(_ num: Double, _ den: Int, _ scale: Double) -> Double? {
            den > 0 ? scale * num / Double(den) : nil
        }
        /// A share of a base: 100 × count/n, std_err 100 × √(p(1−p)/n).
        func share(_ count: Int, _ n: Int) -> KPIMeasure {
            guard n > 0 else { return KPIMeasure(value: nil, base: n, stdErr: nil) }
            let p = Double(count) / Double(n)
            return KPIMeasure(value: ratio(Double(count), n, 100), base: n, stdErr: 100 * (p * (1 - p) / Double(n)).squareRoot())
        }
        switch kpi {
        case "sat_index":
            var num = 0.0, den = 0.0
            for i in 0..<ScoreMoments.count where a.scores.n(i) > 0 {
                num += KPICatalogue.satWeights[i] * 10 * Double(a.scores.sum(i)) / Double(a.scores.n(i))
                den += KPICatalogue.satWeights[i]
            }
            return KPIMeasure(value: den > 0 ? num / den : nil, base: a.satIndexBase,
                              stdErr: a.scores.satIndexStdErr(weights: KPICatalogue.satWeights, respondents: a.satIndexBase))
        case "sat_overall":
            return KPIMeasure(value: ratio(Double(a.overallSum), a.overallN, 10), base: a.overallN,
                              stdErr: ScoreMoments.scaledStdErr(n: a.overallN, sum: a.overallSum, sumOfSquares: a.overallSquares))
        case "nps":
            let n = a.respondents
            guard n > 0 else { return KPIMeasure(value: nil, base: 0, stdErr: nil) }
            let pa = Double(a.promoters) / Double(n), pb = Double(a.detractors) / Double(n)
            let variance = max(0, pa + pb - (pa - pb) * (pa - pb))
            return KPIMeasure(value: ratio(Double(a.promoters - a.detractors), n, 100), base: n,
                              stdErr: 100 * (variance / Double(n)).squareRoot())
        case "promoter_share": return share(a.promoters, a.respondents)
        case "detractor_share": return share(a.detractors, a.respondents)
        case "complaint_rate":
            // Poisson: √(1000 × value / n).
            let value = ratio(Double(a.complaints), a.customers, 1000)
            return KPIMeasure(value: value, base: a.customers, stdErr: value.map { (1000 * $0 / Double(a.customers)).squareRoot() })
        case "complaint_closed_48h": return share(a.closed48h, a.complaints)
        case "churn_rate": return share(a.churned, a.customers)
        case "hv_retention":
            // A census of a fixed cohort: no sampling error.
            return KPIMeasure(value: ratio(Double(a.retained), a.snapshot, 100), base: a.snapshot, stdErr: nil)
        case "hv_share": return share(a.highValue, a.customers)
        case "arpu": return KPIMeasure(value: ratio(a.arpuSum, a.withUsage, 1), base: a.withUsage, stdErr: a.arpu.stdErr)
        case "survey_n": return KPIMeasure(value: Double(a.respondents), base: a.respondents, stdErr: nil)
        default:
            if kpi.hasPrefix("sat_"), let i = SurveyDimension.allCases.firstIndex(where: { "sat_" + $0.rawValue == kpi }) {
                return KPIMeasure(value: ratio(Double(a.scores.sum(i)), a.scores.n(i), 10), base: a.scores.n(i),
                                  stdErr: a.scores.subIndexStdErr(i))
            }
            return KPIMeasure(value: nil, base: 0, stdErr: nil)
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
