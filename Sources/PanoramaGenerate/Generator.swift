import Foundation

/// Writes realistic synthetic monthly deliveries (SPEC §2) plus `_truth.json` and `_planted.csv`.
///
/// Conventions a cleanse implementation can rely on:
/// - Output is a pure function of the options (seeded xoshiro256**; no hashing order reaches output).
/// - Real rows are always valid (possibly in awkward-but-valid forms on ~5 % of rows, ~10 % for
///   surveys/complaints). Bad rows are EXTRA planted rows; each fails first, in SPEC column order, with the
///   code recorded in `_planted.csv` (month, source, physical start line, code, detail) and counted in the truth.
/// - Planted customers use fresh ids `X00000001…` (except DUPLICATE_KEY, which repeats an earlier clean
///   row's id and values); UNKNOWN_CUSTOMER uses 10-character ids `C9########`; planted survey and
///   complaint ids are `SVyyyymmX#######` / `CPyyyymmX#######`.
/// - Malformed records are single physical lines: one field too few, one too many (`,extra`),
///   `ab"c"d` in an unquoted field, or `"abc"def`.
/// - Blank lines are empty or ASCII-spaces-only, never before the header and never the file's last line.
/// - customers.csv "nulled": gender `X`/`未知`/`U`/`unknown`/`9`, birth_date `1990-13-01`/`1985-02-30`/
///   `19881340`/`0000-00-00`/`1979/2/29`, on otherwise valid real rows (both may hit the same row).
public struct SyntheticDeliveryGenerator: Sendable {
    /// The options this generator runs with.
    public let options: GeneratorOptions

    /// Intercept b0 of the true NPS model.
    public static let npsIntercept = 0.5
    /// Coefficients of the seven dimensions, in SPEC §2.3 order.
    public static let npsCoefficients: [Double] = [0.35, 0.10, 0.15, 0.20, 0.05, 0.05, 0.10]
    /// Standard deviation of the NPS noise.
    public static let npsNoiseSD = 0.9

    /// Creates a generator.
    public init(options: GeneratorOptions) {
        self.options = options
    }

    /// Writes `DIR/YYYY-MM/{customers,usage,surveys,complaints}.csv` for every month, `DIR/_truth.json`
    /// and `DIR/_planted.csv` (month, source, line, code, detail of every planted bad row), and returns the truth.
    public func write(to dir: URL) throws -> GenerationTruth {
        var run = try GeneratorRun(options: options)
        return try run.execute(dir: dir)
    }
}

struct GeneratorRun {
    let o: GeneratorOptions
    let seed: UInt64
    let start: MonthInfo
    let gb: Bool
    let rate: Double
    let coverage: Bool
    var pop = Population()
    var active = 0
    var freshCustomer = 0
    var freshRow = 0
    var planted: [PlantedRecord] = []

    static let dimMeans: [Double] = [7.6, 8.1, 7.7, 7.3, 7.4, 7.1, 7.8]
    static let dimNotAnswered: [Double] = [0.02, 0.06, 0.03, 0.02, 0.025, 0.025, 0.02]
    static let churnWeights: [(String, Double)] = [("bill_drop", 3.0), ("call_forward", 2.0), ("offnet", 1.0),
                                                   ("complaint", 1.5), ("detractor", 1.5), ("new_tenure", 0.5)]
    static let churnRate = 0.012
    static let joinRate = 0.015

    init(options: GeneratorOptions) throws {
        o = options
        guard let s = MonthInfo(key: options.start) else { throw GeneratorError.invalidOption("start must be YYYY-MM, got \(options.start)") }
        guard options.months >= 1, options.months <= 600 else { throw GeneratorError.invalidOption("months must be 1…600") }
        guard options.customers >= 1 else { throw GeneratorError.invalidOption("customers must be ≥ 1") }
        guard options.dirtyRate >= 0, options.dirtyRate <= 1, !options.dirtyRate.isNaN else {
            throw GeneratorError.invalidOption("dirty rate must be within 0…1")
        }
        let enc = options.encoding.lowercased().replacingOccurrences(of: "_", with: "-")
        switch enc {
        case "utf-8", "utf8": gb = false
        case "gb18030", "gb-18030": gb = true
        default: throw GeneratorError.invalidOption("encoding must be utf-8 or gb18030, got \(options.encoding)")
        }
        start = s
        seed = options.seed
        rate = options.dirtyRate
        coverage = options.dirtyRate > 0 && options.customers >= 50
    }

    var encodingName: String { gb ? "gb18030" : "utf-8" }

    mutating func execute(dir: URL) throws -> GenerationTruth {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        initialPopulation()
        var perMonth: [String: MonthTruth] = [:]
        var keys: [String] = []
        for k in 0..<o.months {
            let m = MonthInfo(index: start.index + k)
            keys.append(m.key)
            perMonth[m.key] = try month(m, ordinal: k, dir: dir)
        }
        var coef: [String: Double] = [:]
        for (d, name) in Vocabulary.dimensions.enumerated() { coef[name] = SyntheticDeliveryGenerator.npsCoefficients[d] }
        var weights: [String: Double] = [:]
        for (k, w) in GeneratorRun.churnWeights { weights[k] = w }
        let truth = GenerationTruth(
            seed: seed, start: start.key, months: keys, customers: o.customers, encoding: encodingName, dirtyRate: rate,
            npsModel: NPSModel(intercept: SyntheticDeliveryGenerator.npsIntercept, coefficients: coef,
                               noiseSD: SyntheticDeliveryGenerator.npsNoiseSD),
            churnModel: ChurnModel(baseRate: GeneratorRun.churnRate, joinRate: GeneratorRun.joinRate, weights: weights),
            perMonth: perMonth)
        try truth.jsonData().write(to: dir.appendingPathComponent("_truth.json"))
        var csv = "month,source,line,code,detail\n"
        for p in planted { csv += "\(p.month),\(p.source),\(p.line),\(p.code),\(p.detail)\n" }
        try Data(csv.utf8).write(to: dir.appendingPathComponent("_planted.csv"))
        return truth
    }

    // MARK: population

    mutating func initialPopulation() {
        var r = Rng(seed: seed, stream: Stream.population.rawValue, month: start.index)
        let historic = o.customers / 12
        let total = o.customers + historic
        pop.reserve(total + total / 5)
        let startDay = start.firstDay
        let span = startDay - 1 - Population.epoch2005
        var histLeft = historic
        for i in 0..<total {
            let isHist = r.uniform() * Double(total - i) < Double(histLeft)
            let tenure: Int
            if r.chance(0.55) {
                tenure = min(span, 1 + Int(-Foundation.log(max(1e-12, r.uniform())) * 1095))
            } else {
                tenure = 1 + r.int(span)
            }
            let join = startDay - tenure
            if isHist {
                histLeft -= 1
                let j = min(join, startDay - 120)
                let churn = j + 30 + r.int(max(1, startDay - 1 - j - 30))
                pop.add(&r, join: j, churn: churn)
            } else {
                pop.add(&r, join: join, churn: nil)
            }
        }
        active = o.customers
    }

    // MARK: one month

    mutating func month(_ m: MonthInfo, ordinal: Int, dir: URL) throws -> MonthTruth {
        let mdir = dir.appendingPathComponent(m.key)
        try FileManager.default.createDirectory(at: mdir, withIntermediateDirectories: true)

        // new joiners, ids in order of join date
        var jr = Rng(seed: seed, stream: Stream.newJoins.rawValue, month: m.index)
        let newCount = Int((Double(active) * GeneratorRun.joinRate * Foundation.exp(0.15 * jr.normal())).rounded())
        var days = (0..<newCount).map { _ in m.firstDay + jr.int(m.dayCount) }
        days.sort()
        for d in days { pop.add(&jr, join: d, churn: nil) }

        let first = Int32(m.firstDay), last = Int32(m.lastDay)
        var base: [Int32] = []
        base.reserveCapacity(active + newCount)
        for i in 0..<pop.count where pop.joinDay[i] <= last && pop.churnDay[i] >= first { base.append(Int32(i)) }

        let usage = try writeUsage(m, ordinal: ordinal, base: base, dir: mdir)
        let (surveys, npsScore, complete) = try writeSurveys(m, ordinal: ordinal, base: base, dir: mdir)
        let complaints = try writeComplaints(m, ordinal: ordinal, base: base, dir: mdir)
        let churned = applyChurn(m, base: base)
        let customers = try writeCustomers(m, ordinal: ordinal, dir: mdir)
        active = active + newCount - churned
        return MonthTruth(customers: customers, usage: usage, surveys: surveys, complaints: complaints,
                          baseCustomers: base.count, churnedInMonth: churned, newCustomers: newCount,
                          surveyNPS: npsScore, surveysComplete: complete)
    }

    func planRng(_ m: MonthInfo, _ source: UInt64) -> Rng {
        Rng(seed: SplitMix64.mix(seed, 0xBAD, source), stream: Stream.layout.rawValue, month: m.index)
    }

    // MARK: usage

    mutating func writeUsage(_ m: MonthInfo, ordinal: Int, base: [Int32], dir: URL) throws -> SourceTruth {
        var pr = planRng(m, 2)
        let plants = planPlants(realRows: base.count, codes: Code.usage, rate: rate, coverage: coverage, rotation: ordinal, &pr)
        var w = try SourceWriter(url: dir.appendingPathComponent("usage.csv"), source: "usage", month: m,
                                 canonical: Columns.usage, gb18030: gb, realRows: base.count, plants: plants,
                                 rng: Rng(seed: seed, stream: Stream.usageFile.rawValue, month: m.index))
        var r = Rng(seed: seed, stream: Stream.usage.rawValue, month: m.index)
        let monthKey = Array(m.key.utf8)
        let dayCount = Double(m.dayCount)
        let logDrop = Float(Foundation.log(0.7))
        for (row, ci) in base.enumerated() {
            let i = Int(ci)
            // latent satisfaction drifts
            pop.sat[i] = 0.95 * pop.sat[i] + 0.312 * Float(r.normal())
            let prev = pop.prevArpu[i]
            var level = pop.logLevel[i] + Float(0.03 * r.normal())
            var factor = 1.0
            if prev > 0 && r.chance(0.025) {
                factor = 0.3 + 0.35 * r.uniform()
                level += logDrop * Float(0.3 + 0.7 * r.uniform())
                pop.sat[i] -= 0.3
            }
            pop.logLevel[i] = level
            var arpu = Foundation.exp(Double(level) + 0.10 * r.normal()) * factor
            let join = Int(pop.joinDay[i])
            if join >= m.firstDay { arpu *= Double(m.lastDay - join + 1) / dayCount }
            if r.chance(0.003) { arpu = 0 }
            arpu = min(arpu, 20000)
            var u = UsageRow(arpuCents: Int((arpu * 100).rounded()))
            let a = Double(u.arpuCents) / 100
            if !r.chance(0.01) {
                u.mou = Int((a * (pop.brand[i] == 1 ? 2.2 : 3.6) * Foundation.exp(0.4 * r.normal())).rounded())
            }
            if !r.chance(0.01) {
                let gbv = Foundation.exp(Double(pop.dataLevel[i]) + 0.3 * r.normal()) * min(1.5, a / 55 + 0.2)
                u.dataCenti = Int((gbv * 100).rounded())
            }
            if pop.cfrClass[i] < 2 && r.chance(0.003) { pop.cfrClass[i] = 2 }
            if !r.chance(0.02) {
                switch pop.cfrClass[i] {
                case 0: u.cfrMilli = 0
                case 1: u.cfrMilli = 5 + r.int(200)
                default: u.cfrMilli = 500 + r.int(450)
                }
            }
            if !r.chance(0.02) {
                u.offMilli = Int((1000 * min(1, max(0, Double(pop.offnetBase[i]) + 0.04 * r.normal()))).rounded())
            }
            var pts = Int(pop.points[i]) + Int(a * (0.5 + r.uniform()))
            if r.chance(0.04) { pts = pts / 4 }
            pop.points[i] = Int32(min(pts, 2_000_000_000))
            if !r.chance(0.01) { u.points = pts }

            var f: UInt8 = 0
            let cur = Float(a)
            if prev > 0 && cur <= 0.7 * prev { f |= Population.Flag.billDrop }
            if u.cfrMilli >= 500 { f |= Population.Flag.callForward }
            if u.offMilli >= 400 { f |= Population.Flag.offnet }
            pop.flags[i] = f
            pop.prevArpu[i] = cur

            w.b.reset()
            let awk = w.r.chance(0.05)
            u.render(&w.b, customer: i, monthKey: monthKey, month: m, awk: awk, &w.r)
            w.emitReal(row)
            while let p = w.nextPlant(after: row) { plantUsage(&w, p, m: m, base: base) }
            w.maybeBlank(after: row)
            try w.out.maybeFlush()
        }
        planted += w.log
        return try w.finish()
    }

    func plantUsage(_ w: inout SourceWriter, _ p: Plant, m: MonthInfo, base: [Int32]) {
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

    // MARK: surveys

    mutating func writeSurveys(_ m: MonthInfo, ordinal: Int, base: [Int32], dir: URL) throws -> (SourceTruth, Double, Int) {
        var r = Rng(seed: seed, stream: Stream.surveys.rawValue, month: m.index)
        var recs: [SurveyRecord] = []
        recs.reserveCapacity(base.count / 18)
        let b0 = SyntheticDeliveryGenerator.npsIntercept
        let bs = SyntheticDeliveryGenerator.npsCoefficients
        let sd = SyntheticDeliveryGenerator.npsNoiseSD
        for ci in base {
            let i = Int(ci)
            guard r.chance(0.05) else { continue }
            let n = r.chance(0.03) ? 2 : 1
            for k in 0..<n {
                let join = Int(pop.joinDay[i])
                let day = max(join, m.firstDay + r.int(m.dayCount))
                let latent = 0.85 * Double(pop.sat[i]) + 0.5 * r.normal()
                var scores = SIMD8<UInt8>(repeating: 0)
                var pred = b0
                var sum = 0.0
                for d in 0..<7 {
                    let x = min(10, max(1, (GeneratorRun.dimMeans[d] + 1.45 * (0.62 * latent + 0.78 * r.normal())).rounded()))
                    pred += bs[d] * x
                    sum += x
                    scores[d] = r.chance(GeneratorRun.dimNotAnswered[d]) ? 0 : UInt8(x)
                }
                let nps = min(10, max(0, (pred + sd * r.normal()).rounded()))
                let overall = r.chance(0.02) ? 0 : UInt8(min(10, max(1, (0.6 + 0.93 * sum / 7 + 0.6 * r.normal()).rounded())))
                let ch = r.weighted([0.5, 0.25, 0.1, 0.15])
                var tp: UInt8
                if r.chance(0.1) { tp = 255 } else if ch == 2 && r.chance(0.7) { tp = 0 } else if ch == 1 && r.chance(0.6) { tp = 1 } else if join >= m.firstDay && r.chance(0.7) { tp = 3 } else { tp = UInt8(r.int(7)) }
                recs.append(SurveyRecord(customer: ci, day: Int32(day), k: Int32(k), channel: UInt8(ch), touchpoint: tp,
                                         nps: UInt8(nps), overall: overall, scores: scores, naForm: UInt8(r.int(256))))
                if nps <= 6 { pop.flags[i] |= Population.Flag.detractor }
            }
        }
        recs.sort { ($0.day, $0.customer, $0.k) < ($1.day, $1.customer, $1.k) }
        var promoters = 0, detractors = 0, complete = 0
        for s in recs {
            if s.nps >= 9 { promoters += 1 } else if s.nps <= 6 { detractors += 1 }
            if s.complete { complete += 1 }
        }
        let npsScore = recs.isEmpty ? 0 : 100 * Double(promoters - detractors) / Double(recs.count)

        var pr = planRng(m, 3)
        let plants = planPlants(realRows: recs.count, codes: Code.surveys, rate: rate, coverage: coverage, rotation: ordinal, &pr)
        var w = try SourceWriter(url: dir.appendingPathComponent("surveys.csv"), source: "surveys", month: m,
                                 canonical: Columns.surveys, gb18030: gb, realRows: recs.count, plants: plants,
                                 rng: Rng(seed: seed, stream: Stream.surveysFile.rawValue, month: m.index))
        let prefix = Array("SV\(m.year)\(Fmt.two(m.month))".utf8)
        let freshPrefix = prefix + Array("X".utf8)
        for (row, s) in recs.enumerated() {
            w.b.reset()
            let awk = w.r.chance(0.10)
            s.render(&w.b, id: row + 1, idPrefix: prefix, awk: awk, &w.r)
            w.emitReal(row)
            while let p = w.nextPlant(after: row) { plantSurvey(&w, p, m: m, base: base, prefix: prefix, freshPrefix: freshPrefix) }
            w.maybeBlank(after: row)
            try w.out.maybeFlush()
        }
        planted += w.log
        return (try w.finish(), npsScore, complete)
    }

    mutating func plantSurvey(_ w: inout SourceWriter, _ p: Plant, m: MonthInfo, base: [Int32], prefix: [UInt8], freshPrefix: [UInt8]) {
        var r = w.r
        defer { w.r = r }
        var s = SurveyRecord(customer: base[r.int(base.count)], day: Int32(m.firstDay + r.int(m.dayCount)), k: 0,
                             channel: UInt8(r.int(4)), touchpoint: UInt8(r.int(7)), nps: UInt8(r.int(11)),
                             overall: UInt8(1 + r.int(10)), scores: SIMD8<UInt8>(repeating: 0), naForm: 0)
        for d in 0..<7 { s.scores[d] = UInt8(1 + r.int(10)) }
        freshRow += 1
        var id = freshRow
        var idPrefix = freshPrefix
        if p.code == Code.duplicate { id = 1 + r.int(p.after + 1); idPrefix = prefix }
        w.b.reset()
        s.render(&w.b, id: id, idPrefix: idPrefix, awk: false, &r)
        var delta = 0
        var detail = ""
        let (y, mo) = (m.year, Fmt.two(m.month))
        switch p.code {
        case Code.missing:
            switch r.int(6) {
            case 0: w.b.empty(5); detail = "nps empty"
            case 1: w.b.text(5, "99"); detail = "nps 99"
            case 2: w.b.text(5, "N/A"); detail = "nps N/A"
            case 3: w.b.text(5, "不知道"); detail = "nps 不知道"
            case 4: w.b.empty(3); detail = "channel empty"
            default: w.b.empty(2); detail = "survey_date empty"
            }
        case Code.badNumber:
            let opts: [(Int, String, String)] = [(5, "7.5", "nps"), (8, "abc", "hall"), (7, "8.5", "network"), (6, "good", "overall_sat")]
            let (c, v, n) = r.pick(opts)
            w.b.text(c, v); detail = "\(n) \(v)"
        case Code.range:
            let opts: [(Int, String, String)] = [(5, "11", "nps"), (7, "0", "network"), (10, "15", "billing"), (6, "0", "overall_sat")]
            let (c, v, n) = r.pick(opts)
            w.b.text(c, v); detail = "\(n) \(v)"
        case Code.badDate:
            let v = r.chance(0.6) ? "\(y)-\(mo)-32" : "\(y)-13-05"
            w.b.text(2, v); detail = "survey_date \(v)"
        case Code.wrongMonth:
            let day = r.chance(0.7) ? m.firstDay - 1 - r.int(20) : m.lastDay + 1 + r.int(20)
            w.b.date(2, day); detail = "survey_date " + Fmt.string { Fmt.isoDate(&$0, day) }
        case Code.badEnum:
            let v = r.pick(["email", "wechat", "邮件"])
            w.b.text(3, v); detail = "channel \(v)"
        case Code.unknown:
            let cid = "C9" + Fmt.string { Fmt.padded(&$0, r.int(100_000_000), width: 8) }
            w.b.text(1, cid); detail = "customer_id \(cid)"
        case Code.duplicate:
            detail = "repeats survey_id " + String(decoding: prefix, as: UTF8.self) + Fmt.string { Fmt.padded(&$0, id, width: 7) }
        default:
            w.r = r
            (delta, detail) = w.makeMalformed(textColumn: 0)
            r = w.r
        }
        w.emitPlant(p, fieldDelta: delta, detail: detail)
    }

    // MARK: complaints

    mutating func writeComplaints(_ m: MonthInfo, ordinal: Int, base: [Int32], dir: URL) throws -> SourceTruth {
        var r = Rng(seed: seed, stream: Stream.complaints.rawValue, month: m.index)
        var recs: [ComplaintRecord] = []
        let extraction = (m.lastDay + 1 + 5) * 86400
        for ci in base {
            let i = Int(ci)
            let dropped = pop.flags[i] & Population.Flag.billDrop != 0
            let p = 0.0125 * Foundation.exp(-0.7 * Double(pop.sat[i]) - 0.245) * (dropped ? 1.8 : 1)
            var had = false
            if r.chance(p) {
                had = true
                let n = r.chance(0.12) ? 2 : 1
                for k in 0..<n {
                    let day = max(Int(pop.joinDay[i]), m.firstDay + r.int(m.dayCount))
                    var tod = 8 * 3600 + r.int(14 * 3600)
                    if r.chance(0.3) { tod -= tod % 60 }
                    let opened = day * 86400 + tod
                    var closed = -1
                    var hours = 0.0
                    if !r.chance(0.08) {
                        hours = min(600, Foundation.exp(Foundation.log(20.0) + 1.0 * r.normal()))
                        let c = opened + Int(hours * 3600)
                        if c < extraction { closed = c }
                    }
                    let cat = dropped && r.chance(0.5) ? 1 : r.weighted([0.35, 0.30, 0.15, 0.12, 0.08])
                    let esc = r.chance(0.05 + (hours > 72 ? 0.2 : 0) + (closed < 0 ? 0.1 : 0))
                    recs.append(ComplaintRecord(customer: ci, opened: opened, closed: closed, k: Int32(k), category: UInt8(cat), escalated: esc))
                }
            }
            pop.complaintMask[i] = ((pop.complaintMask[i] << 1) | (had ? 1 : 0)) & 7
        }
        recs.sort { ($0.opened, $0.customer, $0.k) < ($1.opened, $1.customer, $1.k) }

        var pr = planRng(m, 4)
        let plants = planPlants(realRows: recs.count, codes: Code.complaints, rate: rate, coverage: coverage, rotation: ordinal, &pr)
        var w = try SourceWriter(url: dir.appendingPathComponent("complaints.csv"), source: "complaints", month: m,
                                 canonical: Columns.complaints, gb18030: gb, realRows: recs.count, plants: plants,
                                 rng: Rng(seed: seed, stream: Stream.complaintsFile.rawValue, month: m.index))
        let prefix = Array("CP\(m.year)\(Fmt.two(m.month))".utf8)
        let freshPrefix = prefix + Array("X".utf8)
        for (row, c) in recs.enumerated() {
            w.b.reset()
            let awk = w.r.chance(0.10)
            c.render(&w.b, id: row + 1, idPrefix: prefix, awk: awk, &w.r)
            w.emitReal(row)
            while let p = w.nextPlant(after: row) { plantComplaint(&w, p, m: m, base: base, prefix: prefix, freshPrefix: freshPrefix) }
            w.maybeBlank(after: row)
            try w.out.maybeFlush()
        }
        planted += w.log
        return try w.finish()
    }

    mutating func plantComplaint(_ w: inout SourceWriter, _ p: Plant, m: MonthInfo, base: [Int32], prefix: [UInt8], freshPrefix: [UInt8]) {
        var r = w.r
        defer { w.r = r }
        let opened = (m.firstDay + r.int(m.dayCount)) * 86400 + 8 * 3600 + r.int(12 * 3600)
        var c = ComplaintRecord(customer: base[r.int(base.count)], opened: opened, closed: opened + 3600 * (1 + r.int(48)),
                                k: 0, category: UInt8(r.int(5)), escalated: r.chance(0.1))
        freshRow += 1
        var id = freshRow
        var idPrefix = freshPrefix
        if p.code == Code.duplicate { id = 1 + r.int(p.after + 1); idPrefix = prefix }
        var delta = 0
        var detail = ""
        if p.code == Code.wrongMonth {
            c.opened = (m.firstDay - 1 - r.int(20)) * 86400 + 9 * 3600 + r.int(10 * 3600)
            c.closed = r.chance(0.5) ? -1 : c.opened + 3600 * (1 + r.int(20))
            detail = "opened_at " + Fmt.string { Fmt.isoDateTime(&$0, c.opened) }
        }
        w.b.reset()
        c.render(&w.b, id: id, idPrefix: idPrefix, awk: false, &r)
        switch p.code {
        case Code.missing:
            switch r.int(3) {
            case 0: w.b.empty(2); detail = "opened_at empty"
            case 1: w.b.empty(3); detail = "category empty"
            default: w.b.empty(1); detail = "customer_id empty"
            }
        case Code.badDate:
            switch r.int(3) {
            case 0:
                let closed = c.opened - 3600 * (1 + r.int(48))
                w.b.dateTime(4, closed); detail = "closed_at before opened_at"
            case 1:
                let v = "\(m.year)-\(Fmt.two(m.month))-32 10:00:00"
                w.b.text(2, v); detail = "opened_at \(v)"
            default:
                let v = "\(m.year)-02-30 10:00:00"
                w.b.text(4, v); detail = "closed_at \(v)"
            }
        case Code.wrongMonth:
            break
        case Code.badEnum:
            if r.chance(0.5) {
                let v = r.pick(["weather", "天气"]); w.b.text(3, v); detail = "category \(v)"
            } else {
                let v = r.pick(["maybe", "unknown"]); w.b.text(5, v); detail = "escalated \(v)"
            }
        case Code.unknown:
            let cid = "C9" + Fmt.string { Fmt.padded(&$0, r.int(100_000_000), width: 8) }
            w.b.text(1, cid); detail = "customer_id \(cid)"
        case Code.duplicate:
            detail = "repeats complaint_id " + String(decoding: prefix, as: UTF8.self) + Fmt.string { Fmt.padded(&$0, id, width: 7) }
        default:
            w.r = r
            (delta, detail) = w.makeMalformed(textColumn: 0)
            r = w.r
        }
        w.emitPlant(p, fieldDelta: delta, detail: detail)
    }

    // MARK: churn

    mutating func applyChurn(_ m: MonthInfo, base: [Int32]) -> Int {
        var r = Rng(seed: seed, stream: Stream.churn.rawValue, month: m.index)
        let wts = GeneratorRun.churnWeights.map(\.1)
        func risk(_ i: Int) -> Double {
            let f = pop.flags[i]
            var x = 1.0
            if f & Population.Flag.billDrop != 0 { x += wts[0] }
            if f & Population.Flag.callForward != 0 { x += wts[1] }
            if f & Population.Flag.offnet != 0 { x += wts[2] }
            if pop.complaintMask[i] != 0 { x += wts[3] }
            if f & Population.Flag.detractor != 0 { x += wts[4] }
            if Int(pop.joinDay[i]) > m.firstDay - 180 { x += wts[5] }
            return x
        }
        var sum = 0.0
        var eligible = 0
        for ci in base where Int(pop.joinDay[Int(ci)]) < m.firstDay {
            sum += risk(Int(ci)); eligible += 1
        }
        guard eligible > 0 else { return 0 }
        let scale = GeneratorRun.churnRate * Double(eligible) / sum
        var churned = 0
        for ci in base {
            let i = Int(ci)
            guard Int(pop.joinDay[i]) < m.firstDay else { continue }
            if r.chance(min(0.6, scale * risk(i))) {
                pop.churnDay[i] = Int32(m.firstDay + r.int(m.dayCount))
                churned += 1
            }
        }
        return churned
    }

    // MARK: customers

    mutating func writeCustomers(_ m: MonthInfo, ordinal: Int, dir: URL) throws -> SourceTruth {
        let n = pop.count
        var pr = planRng(m, 1)
        let plants = planPlants(realRows: n, codes: Code.customers, rate: rate, coverage: coverage, rotation: ordinal, &pr)
        var w = try SourceWriter(url: dir.appendingPathComponent("customers.csv"), source: "customers", month: m,
                                 canonical: Columns.customers, gb18030: gb, realRows: n, plants: plants,
                                 rng: Rng(seed: seed, stream: Stream.customersFile.rawValue, month: m.index))
        var nullGender = 0, nullBirth = 0
        let forcedGender = rate > 0 && coverage ? pr.int(n) : -1
        let forcedBirth = rate > 0 && coverage ? pr.int(n) : -1
        let nullRate = rate * 0.4
        let last = m.lastDay
        for i in 0..<n {
            let row = CustomerRow(pop: pop, i, lastDay: last)
            w.b.reset()
            let awk = w.r.chance(0.05)
            row.render(&w.b, awk: awk, &w.r)
            if rate > 0 {
                if i == forcedGender || w.r.chance(nullRate) {
                    w.b.text(6, w.r.pick(["X", "未知", "U", "unknown", "9"])); nullGender += 1
                }
                if i == forcedBirth || w.r.chance(nullRate) {
                    w.b.text(7, w.r.pick(["1990-13-01", "1985-02-30", "19881340", "0000-00-00", "1979/2/29"])); nullBirth += 1
                }
            }
            w.emitReal(i)
            while let p = w.nextPlant(after: i) { plantCustomer(&w, p, m: m) }
            w.maybeBlank(after: i)
            try w.out.maybeFlush()
        }
        planted += w.log
        return try w.finish(nulled: ["gender": nullGender, "birth_date": nullBirth])
    }

    mutating func plantCustomer(_ w: inout SourceWriter, _ p: Plant, m: MonthInfo) {
        var r = w.r
        defer { w.r = r }
        let last = m.lastDay
        var c: CustomerRow
        if p.code == Code.duplicate {
            c = CustomerRow(pop: pop, r.int(p.after + 1), lastDay: last)
        } else {
            c = CustomerRow(pop: pop, r.int(pop.count), lastDay: last)
            freshCustomer += 1
            c.prefix = 88  // X
            c.idNum = freshCustomer
            c.churn = nil
            c.msisdn = Vocabulary.msisdnPrefixValues[r.int(Vocabulary.msisdnPrefixValues.count)] * 100_000_000 + r.int(100_000_000)
            if c.gender > 1 { c.gender = 0 }
        }
        w.b.reset()
        c.render(&w.b, awk: false, &r)
        var delta = 0
        var detail = ""
        switch p.code {
        case Code.missing:
            switch r.int(4) {
            case 0: w.b.empty(2); detail = "city empty"
            case 1: w.b.plain(9, Vocabulary.statusBytes[1]); w.b.empty(10); detail = "churned without churn_date"
            case 2: w.b.empty(1); detail = "msisdn empty"
            default: w.b.empty(8); detail = "join_date empty"
            }
        case Code.msisdn:
            let v = r.pick(["12345", "23800138000", "1380013800", "138001380001", "1380013800a"])
            w.b.text(1, v); detail = "msisdn \(v)"
        case Code.badEnum:
            switch r.int(3) {
            case 0: let v = r.pick(["unicom", "telecom"]); w.b.text(4, v); detail = "brand \(v)"
            case 1: let v = r.pick(["paused", "suspended", "停机"]); w.b.text(9, v); detail = "status \(v)"
            default: w.b.text(5, "platinum"); detail = "vip_level platinum"
            }
        case Code.badDate:
            switch r.int(4) {
            case 0:
                let v = "\(2012 + r.int(12))-02-30"
                w.b.text(8, v); detail = "join_date \(v)"
            case 1:
                let d = last + 1 + r.int(20)
                w.b.date(8, d); detail = "join_date after the month"
            case 2:
                let d = c.join - 1 - r.int(300)
                w.b.plain(9, Vocabulary.statusBytes[1]); w.b.date(10, d); detail = "churn_date before join_date"
            default:
                let d = last + 1 + r.int(20)
                w.b.plain(9, Vocabulary.statusBytes[1]); w.b.date(10, d); detail = "churn_date after the month"
            }
        case Code.duplicate:
            detail = "repeats " + customerId(c.idNum - 1)
        default:
            w.r = r
            (delta, detail) = w.makeMalformed(textColumn: 2)
            r = w.r
        }
        w.emitPlant(p, fieldDelta: delta, detail: detail)
    }
}
