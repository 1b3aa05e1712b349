import Foundation

/// usage.csv (SPEC §2.2): one bill per base customer. Writing it also moves each customer's latent
/// satisfaction and bill level, and sets this month's usage flags (bill drop, call forwarding,
/// off-net) that complaints, the follow-up lists and next month's churn read.
enum UsageSource: DeliverySource {
    static let name = "usage"
    static let columns = ["customer_id", "month", "arpu", "mou", "data_gb", "call_forward_ratio", "offnet_ratio", "points_balance"]
    static let codes = [Code.missing, Code.badNumber, Code.range, Code.badDate, Code.wrongMonth, Code.unknown, Code.duplicate, Code.malformed]
    static let plantKey: UInt64 = 2
    static let fileStream = Stream.usageFile

    /// How customers come to weigh another operator's offer (docs/generator.md, "Churn signals").
    static let intentModel = IntentModel(
        rate: 0.006, courtedRate: 0.10, courtedUsualBill: 150, satisfactionSlope: -0.6, months: 2,
        planCutRate: 0.8, planCutRatioMin: 0.5, planCutRatioMax: 0.7, forwardingRate: 0.8, offnetAdded: 0.25)
    /// Monthly probability that a customer of average satisfaction starts considering another operator.
    static let intentRate = intentModel.rate
    /// The same for a customer whose usual bill is at least `courtedLevel`: competitors' offers target
    /// them (150 yuan: still high value after a cut, so that they can be on churn_watch).
    static let courtedIntentRate = intentModel.courtedRate
    static let courtedLevel = Float(Foundation.log(intentModel.courtedUsualBill))
    /// Months a customer considers another operator's offer.
    static let intentMonths = UInt8(intentModel.months)
    /// Probability, in each month of considering, that the customer moves more of the usage to the new
    /// SIM: the bill falls to 50–70 % of the month before (a bill drop), and stays down until the
    /// customer leaves or decides to stay.
    static let intentPlanCut = intentModel.planCutRate
    /// Probability that a considering customer forwards calls to the new number in a month.
    static let intentForwarding = intentModel.forwardingRate
    /// What considering adds to the customer's off-net share (calls to the other operator's network).
    static let intentOffnet = intentModel.offnetAdded

    /// The plan cut of one month of considering, as a log factor on the bill level.
    @inline(__always) static func intentCut(_ r: inout Rng) -> Float {
        Float(Foundation.log(intentModel.planCutRatioMin + (intentModel.planCutRatioMax - intentModel.planCutRatioMin) * r.uniform()))
    }

    /// Before the first month: the customers who started considering in the months before it and
    /// still are, as many as in any later month (onsets at each customer's rate, plan cut included), so that
    /// the first months look like the others — the share of high-value customers, the watch list.
    static func startIntent(_ pop: inout Population, seed: UInt64, start: MonthInfo) {
        var r = Rng(seed: seed, stream: Stream.intentStart.rawValue, month: start.index)
        let first = start.firstDay
        for i in 0..<pop.count where Int(pop.joinDay[i]) < first && pop.churnDay[i] == Population.noChurn {
            let rate = pop.logLevel[i] >= courtedLevel ? courtedIntentRate : intentRate
            let q = rate * Foundation.exp(intentModel.satisfactionSlope * Double(pop.sat[i]))
            let u = r.uniform()
            // started k months before the first month (k = 1 ..< intentMonths), each with probability q;
            // the plan cuts of those k months
            guard u < Double(intentMonths - 1) * q else { continue }
            let k = 1 + Int(u / q)
            pop.intent[i] = intentMonths - UInt8(k)
            for _ in 0..<k where r.chance(intentPlanCut) {
                let cut = intentCut(&r)
                pop.logLevel[i] += cut
                pop.intentCut[i] += cut
            }
        }
    }

    static func run(_ g: inout GeneratorRun, _ month: inout MonthState) throws {
        let m = month.info
        let base = month.base
        var pr = g.planRng(UsageSource.self, m)
        var w = try g.openFile(UsageSource.self, month, realRows: base.count, plan: &pr)
        var r = Rng(seed: g.seed, stream: Stream.usage.rawValue, month: m.index)
        let monthKey = Array(m.key.utf8)
        let dayCount = Double(m.dayCount)
        let logDrop = Float(Foundation.log(0.7))
        g.pop.rotateBills()
        for (row, ci) in base.enumerated() {
            let i = Int(ci)
            // latent satisfaction drifts
            g.pop.sat[i] = 0.95 * g.pop.sat[i] + 0.312 * Float(r.normal())
            // Last month's bill; in the first month, customers who joined before it had one too (not
            // delivered), their usual bill, so that bills drop (and complaints follow) from the start.
            var prev = g.pop.previousBill(i)
            if month.ordinal == 0 && Int(g.pop.joinDay[i]) < m.firstDay { prev = Float(Foundation.exp(Double(g.pop.logLevel[i]))) }
            // Churn intent: a customer weighing another operator's offer for two months (likelier when
            // dissatisfied, far likelier for big spenders, whom competitors court) moves the usage to
            // the new SIM step by step (a bill drop each month), forwards calls to the new number and
            // calls that network. A customer still here when the two months end has decided to stay:
            // the usage comes back.
            var intent = g.pop.intent[i]
            let courted = g.pop.logLevel[i] - g.pop.intentCut[i] >= UsageSource.courtedLevel
            let rate = courted ? UsageSource.courtedIntentRate : UsageSource.intentRate
            let considering = intent == 0 && r.chance(rate * Foundation.exp(UsageSource.intentModel.satisfactionSlope * Double(g.pop.sat[i])))
            if considering { intent = UsageSource.intentMonths }
            if intent > 0 {
                month.considering += 1
                if courted { month.consideringCourted += 1 }
            }
            var level = g.pop.logLevel[i] + Float(0.03 * r.normal())
            var factor = 1.0
            if prev > 0 && r.chance(intent > 0 ? UsageSource.intentPlanCut : 0.025) {
                if intent > 0 {
                    let cut = UsageSource.intentCut(&r)
                    level += cut
                    g.pop.intentCut[i] += cut
                } else {
                    factor = 0.3 + 0.35 * r.uniform()
                    level += logDrop * Float(0.3 + 0.7 * r.uniform())
                }
                g.pop.sat[i] -= 0.3
            }
            g.pop.logLevel[i] = level
            var arpu = Foundation.exp(Double(level) + 0.10 * r.normal()) * factor
            let join = Int(g.pop.joinDay[i])
            if join >= m.firstDay { arpu *= Double(m.lastDay - join + 1) / dayCount }
            if r.chance(0.003) { arpu = 0 }
            arpu = min(arpu, 20000)
            var u = UsageRow(arpuCents: Int((arpu * 100).rounded()))
            let a = Double(u.arpuCents) / 100
            if !r.chance(0.01) {
                u.mou = Int((a * (g.pop.brand[i] == 1 ? 2.2 : 3.6) * Foundation.exp(0.4 * r.normal())).rounded())
            }
            if !r.chance(0.01) {
                let gbv = Foundation.exp(Double(g.pop.dataLevel[i]) + 0.3 * r.normal()) * min(1.5, a / 55 + 0.2)
                u.dataCenti = Int((gbv * 100).rounded())
            }
            // Habitual forwarding (to a secretary, a landline) starts and stops: about 0.5 % of the base at any time.
            if g.pop.cfrClass[i] < 2 { if r.chance(0.00035) { g.pop.cfrClass[i] = 2 } } else if r.chance(0.07) { g.pop.cfrClass[i] = 1 }
            let forwarding = intent > 0 && r.chance(UsageSource.intentForwarding)
            if !r.chance(0.02) {
                switch forwarding ? 2 : g.pop.cfrClass[i] {
                case 0: u.cfrMilli = 0
                case 1: u.cfrMilli = 5 + r.int(200)
                default: u.cfrMilli = 500 + r.int(450)
                }
            }
            if !r.chance(0.02) {
                let offnet = Double(g.pop.offnetBase[i]) + (intent > 0 ? UsageSource.intentOffnet : 0)
                u.offMilli = Int((1000 * min(1, max(0, offnet + 0.04 * r.normal()))).rounded())
            }
            var pts = Int(g.pop.points[i]) + Int(a * (0.5 + r.uniform()))
            if r.chance(0.04) { pts = pts / 4 }
            g.pop.points[i] = Int32(min(pts, 2_000_000_000))
            if !r.chance(0.01) { u.points = pts }

            var f: UInt8 = 0
            let cur = Float(a)
            if prev > 0 && cur <= 0.7 * prev { f |= Population.Flag.billDrop }
            if u.cfrMilli >= 500 { f |= Population.Flag.callForward }
            if u.offMilli >= 400 { f |= Population.Flag.offnet }
            g.pop.flags[i] = f
            g.pop.arpu0[i] = Int32(u.arpuCents)
            g.pop.intent[i] = intent > 0 ? intent - 1 : 0
            if intent == 1 && g.pop.intentCut[i] != 0 {
                // the last month of considering: from next month the usual plan again
                g.pop.logLevel[i] -= g.pop.intentCut[i]
                g.pop.intentCut[i] = 0
            }

            w.b.reset()
            let awk = w.r.chance(0.05)
            u.render(&w.b, customer: i, monthKey: monthKey, month: m, awk: awk, &w.r)
            w.emitReal(row)
            while let p = w.nextPlant(after: row) { plant(&w, p, m: m, base: base) }
            w.maybeBlank(after: row)
            try w.out.maybeFlush()
        }
        try g.finish(&w, &month)
    }

    /// Writes one planted bad usage row that fails first with `p.code`.
    static func plant(_ w: inout SourceWriter, _ p: Plant, m: MonthInfo, base: [Int32]) {
        var cust = Int(base[w.r.int(base.count)])
        if p.code == Code.duplicate { cust = Int(base[w.r.int(p.after + 1)]) }
        let u = UsageRow.random(&w.r)
        w.b.reset()
        u.render(&w.b, customer: cust, monthKey: Array(m.key.utf8), month: m, awk: false, &w.r)
        var delta = 0
        var detail = ""
        switch p.code {
        case Code.missing:
            switch w.r.int(3) {
            case 0: w.b.empty(2); detail = "arpu empty"
            case 1: w.b.empty(1); detail = "month empty"
            default: w.b.empty(0); detail = "customer_id empty"
            }
        case Code.badNumber:
            let opts: [(Int, String, String)] = [(2, "12a", "arpu"), (3, "12.5", "mou"), (7, "abc", "points_balance"), (4, "1.2.3", "data_gb")]
            let (c, v, n) = w.r.pick(opts)
            w.b.text(c, v); detail = "\(n) \(v)"
        case Code.range:
            let opts: [(Int, String, String)] = [(2, "-5", "arpu"), (2, "200000", "arpu"), (6, "35", "offnet_ratio"),
                                                 (6, "120%", "offnet_ratio"), (5, "1.5", "call_forward_ratio"), (3, "-3", "mou")]
            let (c, v, n) = w.r.pick(opts)
            w.b.text(c, v); detail = "\(n) \(v)"
        case Code.badDate:
            let v = "\(m.year)-" + (w.r.chance(0.5) ? "13" : "00")
            w.b.text(1, v); detail = "month \(v)"
        case Code.wrongMonth:
            let other = MonthInfo(index: m.index + (w.r.chance(0.7) ? -1 : 1))
            w.b.text(1, other.key); detail = "month \(other.key)"
        case Code.unknown:
            let id = "C9" + Fmt.string { Fmt.padded(&$0, w.r.int(100_000_000), width: 8) }
            w.b.text(0, id); detail = "customer_id \(id)"
        case Code.duplicate:
            detail = "repeats \(customerId(cust)) \(m.key)"
        default:
            (delta, detail) = w.makeMalformed(textColumn: 0)
        }
        w.emitPlant(p, fieldDelta: delta, detail: detail)
    }
}

/// One real usage row (amounts in cents, thousandths, centi-GB; -1 = empty).
struct UsageRow {
    var arpuCents: Int
    var mou: Int = -1
    var dataCenti: Int = -1
    var cfrMilli: Int = -1
    var offMilli: Int = -1
    var points: Int = -1

    static func random(_ r: inout Rng) -> UsageRow {
        let arpu = Int((5500.0 * Foundation.exp(0.6 * r.normal())).rounded())
        return UsageRow(arpuCents: arpu, mou: r.int(900), dataCenti: r.int(3000), cfrMilli: r.chance(0.8) ? 0 : r.int(200),
                        offMilli: r.int(350), points: r.int(20000))
    }

    func render(_ b: inout RowBuilder, customer i: Int, monthKey: [UInt8], month: MonthInfo, awk: Bool, _ r: inout Rng) {
        writeId(&b, 0, prefix: 67, i + 1)
        if awk && r.chance(0.2) { b.alt(0, b.current(0), &r) }
        if awk && r.chance(0.4) { b.alt(1, Forms.month(month, &r), &r) } else { b.plain(1, monthKey) }
        if awk && r.chance(0.5) { b.alt(2, Forms.money(arpuCents, &r), &r) } else { b.fixed(2, arpuCents, decimals: 2) }
        if mou >= 0 { if awk && r.chance(0.3) { b.alt(3, Forms.integer(mou, &r), &r) } else { b.int(3, mou) } }
        if dataCenti >= 0 {
            if awk && r.chance(0.3) { b.alt(4, Forms.decimal(dataCenti, decimals: 2, &r), &r) } else { b.fixed(4, dataCenti, decimals: 2) }
        }
        if cfrMilli >= 0 {
            if awk && r.chance(0.5) { b.alt(5, Forms.ratio(cfrMilli, &r), &r) } else { ratio(&b, 5, cfrMilli) }
        }
        if offMilli >= 0 {
            if awk && r.chance(0.5) { b.alt(6, Forms.ratio(offMilli, &r), &r) } else { ratio(&b, 6, offMilli) }
        }
        if points >= 0 { if awk && r.chance(0.3) { b.alt(7, Forms.integer(points, &r), &r) } else { b.int(7, points) } }
    }

    /// Ratio from thousandths without trailing zeros (`0`, `0.35`, `1`).
    @inline(__always) func ratio(_ b: inout RowBuilder, _ c: Int, _ v: Int) {
        b.begin(c)
        if v >= 1000 { b.bytes.append(49) } else if v == 0 { b.bytes.append(48) } else {
            b.bytes.append(48); b.bytes.append(46)
            var d = v, w = 3
            while d % 10 == 0 { d /= 10; w -= 1 }
            Fmt.padded(&b.bytes, d, width: w)
        }
        b.end(c)
    }
}
