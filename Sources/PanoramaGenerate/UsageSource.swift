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

    /// Monthly probability that a customer of average satisfaction starts considering another operator.
    static let intentRate = 0.006
    /// Log bill level from which competitors court a customer (120 yuan, SPEC's high value).
    static let courtedLevel = Float(Foundation.log(120.0))

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
            // Churn intent: a customer weighing another operator's offer for three months (likelier
            // when dissatisfied, twice as likely for big spenders, whom competitors court) cuts the
            // plan, forwards calls to the new number and calls that network.
            var intent = g.pop.intent[i]
            let courted = g.pop.logLevel[i] >= UsageSource.courtedLevel ? 2.0 : 1.0
            let considering = intent == 0 && r.chance(UsageSource.intentRate * courted * Foundation.exp(-0.6 * Double(g.pop.sat[i])))
            if considering { intent = 3 }
            var level = g.pop.logLevel[i] + Float(0.03 * r.normal())
            var factor = 1.0
            if prev > 0 && r.chance(considering ? 0.4 : 0.025) {
                factor = 0.3 + 0.35 * r.uniform()
                level += logDrop * Float(0.3 + 0.7 * r.uniform())
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
            if g.pop.cfrClass[i] < 2 && r.chance(0.003) { g.pop.cfrClass[i] = 2 }
            let forwarding = intent > 0 && r.chance(0.6)
            if !r.chance(0.02) {
                switch forwarding ? 2 : g.pop.cfrClass[i] {
                case 0: u.cfrMilli = 0
                case 1: u.cfrMilli = 5 + r.int(200)
                default: u.cfrMilli = 500 + r.int(450)
                }
            }
            if !r.chance(0.02) {
                let offnet = Double(g.pop.offnetBase[i]) + (intent > 0 ? 0.25 : 0)
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
