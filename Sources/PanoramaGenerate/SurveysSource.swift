import Foundation

/// surveys.csv (SPEC §2.3): about 5 % of the base answer each month (3 % of them twice). The seven
/// dimension scores follow the customer's latent satisfaction and nps follows the true NPS model
/// (`SyntheticDeliveryGenerator.npsCoefficients`). Last month's detractors get a follow-up survey, and
/// a repair contact that reached a customer raises their scores (`ContactsSource`); shifts may lower them.
enum SurveysSource: DeliverySource {
    static let name = "surveys"
    static let columns = ["survey_id", "customer_id", "survey_date", "channel", "touchpoint", "nps", "overall_sat",
                          "network", "hall", "hotline", "billing", "new_business", "promotion", "communication"]
    static let codes = [Code.missing, Code.badNumber, Code.range, Code.badDate, Code.wrongMonth, Code.badEnum, Code.unknown,
                        Code.duplicate, Code.malformed]
    static let plantKey: UInt64 = 3
    static let fileStream = Stream.surveysFile

    static let dimMeans: [Double] = [7.6, 8.1, 7.7, 7.3, 7.4, 7.1, 7.8]
    static let dimNotAnswered: [Double] = [0.02, 0.06, 0.03, 0.02, 0.025, 0.025, 0.02]

    static func run(_ g: inout GeneratorRun, _ month: inout MonthState) throws {
        let m = month.info
        let base = month.base
        var r = Rng(seed: g.seed, stream: Stream.surveys.rawValue, month: m.index)
        var recs: [SurveyRecord] = []
        recs.reserveCapacity(base.count / 18)
        let fx = month.shifts
        let boost = ContactsSource.model.repairScoreBoost
        var fr = Rng(seed: g.seed, stream: Stream.followUpSurveys.rawValue, month: m.index)
        // Last month's detractors: the probability that each response has nps ≥ 7, keyed customer·4 + k.
        var repairProb: [Int: Double] = [:]
        for ci in base {
            let i = Int(ci)
            g.pop.lastNps[i] = 255
            let marks = g.pop.followUp[i]
            let join = Int(g.pop.joinDay[i])
            let lift = marks & FollowUp.repairReached != 0 ? boost : 0
            var n = 0
            if r.chance(0.05) { n = r.chance(0.03) ? 2 : 1 }
            for k in 0..<n {
                let day = max(join, m.firstDay + r.int(m.dayCount))
                let a = respond(&r, customer: ci, sat: g.pop.sat[i], city: Int(g.pop.city[i]), join: join, day: day, k: k, lift: lift, fx: fx, m: m)
                recs.append(a.record)
                if marks & FollowUp.detractorRepair != 0 { repairProb[i << 2 | k] = a.repairProb }
            }
            // The repair programme's follow-up survey, from its own stream, in the month's last three weeks.
            if marks & FollowUp.followUpSurvey != 0 {
                let day = max(join, m.firstDay + 7 + fr.int(m.dayCount - 7))
                let a = respond(&fr, customer: ci, sat: g.pop.sat[i], city: Int(g.pop.city[i]), join: join, day: day, k: 2, lift: lift, fx: fx, m: m)
                recs.append(a.record)
                repairProb[i << 2 | 2] = a.repairProb
            }
        }
        recs.sort { ($0.day, $0.customer, $0.k) < ($1.day, $1.customer, $1.k) }
        // The latest survey of each customer is the last in this order (its id is the greatest).
        for s in recs {
            let i = Int(s.customer)
            g.pop.lastNps[i] = s.nps
            let marks = g.pop.followUp[i]
            if marks & FollowUp.detractorRepair != 0 { month.followUp.repairProb[s.customer] = repairProb[i << 2 | Int(s.k)] }
            if marks & FollowUp.repairReached != 0 && month.followUp.firstSurveyDay[s.customer] == nil {
                month.followUp.firstSurveyDay[s.customer] = s.day
            }
        }
        var promoters = 0, detractors = 0, complete = 0
        for s in recs {
            if s.nps >= 9 { promoters += 1 } else if s.nps <= 6 { detractors += 1 }
            if s.complete { complete += 1 }
        }
        let npsScore = recs.isEmpty ? 0 : 100 * Double(promoters - detractors) / Double(recs.count)

        month.surveyNPS = npsScore
        month.surveysComplete = complete

        var pr = g.planRng(SurveysSource.self, m)
        var w = try g.openFile(SurveysSource.self, month, realRows: recs.count, plan: &pr)
        let prefix = Array("SV\(m.year)\(Fmt.two(m.month))".utf8)
        let freshPrefix = prefix + Array("X".utf8)
        try w.writeNumbered(recs, idPrefix: prefix) { w, p in plant(&g, &w, p, m: m, base: base, prefix: prefix, freshPrefix: freshPrefix) }
        try g.finish(&w, &month)
    }

    /// One response of customer `ci` on `day`, drawn from `r` in a fixed order (the draws first, the
    /// answers after the channel is known, since a shift may depend on it). `lift` raises every score
    /// before rounding (a repair contact reached the customer); the shifts in force lower them.
    /// Returns the record and the probability that its nps is ≥ 7 given its scores.
    @inline(__always)
    static func respond(_ r: inout Rng, customer ci: Int32, sat: Float, city: Int, join: Int, day: Int, k: Int, lift: Double,
                        fx: ShiftEffects, m: MonthInfo) -> (record: SurveyRecord, repairProb: Double) {
        let b0 = SyntheticDeliveryGenerator.npsIntercept
        let bs = SyntheticDeliveryGenerator.npsCoefficients
        let sd = SyntheticDeliveryGenerator.npsNoiseSD
        let latent = 0.85 * Double(sat) + 0.5 * r.normal()
        var raw = SIMD8<Double>(repeating: 0)
        var answered: UInt8 = 0
        for d in 0..<7 {
            raw[d] = SurveysSource.dimMeans[d] + 1.45 * (0.62 * latent + 0.78 * r.normal())
            if !r.chance(SurveysSource.dimNotAnswered[d]) { answered |= 1 << d }
        }
        if lift != 0 { raw += SIMD8<Double>(repeating: lift) }
        let npsNoise = sd * r.normal()
        let overallNoise: Double? = r.chance(0.02) ? nil : r.normal()
        let ch = r.weighted([0.5, 0.25, 0.1, 0.15])
        var tp: UInt8
        if r.chance(0.1) { tp = 255 } else if ch == 2 && r.chance(0.7) { tp = 0 } else if ch == 1 && r.chance(0.6) { tp = 1 } else if join >= m.firstDay && r.chance(0.7) { tp = 3 } else { tp = UInt8(r.int(7)) }
        var given = answers(raw, answered: answered, npsNoise: npsNoise, overallNoise: overallNoise, b0: b0, bs: bs)
        if fx.surveys {
            let channelDrop = fx.channelDrop[ch], networkDrop = fx.networkDrop[city]
            if channelDrop != 0 || networkDrop != 0 {
                var drop = SIMD8<Double>(repeating: channelDrop)
                drop[0] += networkDrop
                given = answers(raw - drop, answered: answered, npsNoise: npsNoise, overallNoise: overallNoise, b0: b0, bs: bs)
            }
        }
        // nps = clamp(round(pred + ε)) ≥ 7 exactly when pred + ε ≥ 6.5
        let repairProb = 0.5 * Foundation.erfc((6.5 - given.pred) / (sd * 2.0.squareRoot()))
        let record = SurveyRecord(customer: ci, day: Int32(day), k: Int32(k), channel: UInt8(ch), touchpoint: tp,
                                  nps: given.nps, overall: given.overall, scores: given.scores, naForm: UInt8(r.int(256)))
        return (record, repairProb)
    }

    /// The answers of one response from its draws: scores rounded and clamped to 1–10 (0 where not
    /// answered), nps from the true model on all seven scores, overall_sat from their mean.
    @inline(__always)
    static func answers(_ raw: SIMD8<Double>, answered: UInt8, npsNoise: Double, overallNoise: Double?, b0: Double, bs: [Double])
        -> (nps: UInt8, overall: UInt8, scores: SIMD8<UInt8>, pred: Double) {
        var scores = SIMD8<UInt8>(repeating: 0)
        var pred = b0
        var sum = 0.0
        for d in 0..<7 {
            let x = min(10, max(1, raw[d].rounded()))
            pred += bs[d] * x
            sum += x
            if answered & (1 << d) != 0 { scores[d] = UInt8(x) }
        }
        let nps = min(10, max(0, (pred + npsNoise).rounded()))
        let overall = overallNoise.map { UInt8(min(10, max(1, (0.6 + 0.93 * sum / 7 + 0.6 * $0).rounded()))) } ?? 0
        return (UInt8(nps), overall, scores, pred)
    }

    /// Writes one planted bad survey row that fails first with `p.code` (planted ids are fresh `…X#######`
    /// except DUPLICATE_KEY, which repeats an earlier real id).
    static func plant(_ g: inout GeneratorRun, _ w: inout SourceWriter, _ p: Plant, m: MonthInfo, base: [Int32], prefix: [UInt8], freshPrefix: [UInt8]) {
        var r = w.r
        defer { w.r = r }
        var s = SurveyRecord(customer: base[r.int(base.count)], day: Int32(m.firstDay + r.int(m.dayCount)), k: 0,
                             channel: UInt8(r.int(4)), touchpoint: UInt8(r.int(7)), nps: UInt8(r.int(11)),
                             overall: UInt8(1 + r.int(10)), scores: SIMD8<UInt8>(repeating: 0), naForm: 0)
        for d in 0..<7 { s.scores[d] = UInt8(1 + r.int(10)) }
        g.freshRow += 1
        var id = g.freshRow
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
}

/// One real survey response (scores 0 = not answered).
struct SurveyRecord: NumberedRecord {
    var customer: Int32
    var day: Int32
    var k: Int32
    var channel: UInt8
    var touchpoint: UInt8     // 255 = empty
    var nps: UInt8
    var overall: UInt8        // 0 = not answered
    var scores: SIMD8<UInt8>  // lanes 0..<7, 0 = not answered
    var naForm: UInt8         // spelling seed for "not answered"

    var complete: Bool {
        for d in 0..<7 where scores[d] == 0 { return false }
        return true
    }

    func render(_ b: inout RowBuilder, id: Int, idPrefix: [UInt8], awk: Bool, _ r: inout Rng) {
        b.begin(0); b.bytes.append(contentsOf: idPrefix); Fmt.padded(&b.bytes, id, width: 7); b.end(0)
        if awk && r.chance(0.2) { b.alt(0, b.current(0), &r) }
        writeId(&b, 1, prefix: 67, Int(customer) + 1)
        if awk && r.chance(0.2) { b.alt(1, b.current(1), &r) }
        if awk && r.chance(0.4) { b.alt(2, Forms.date(Int(day), &r), &r) } else { b.date(2, Int(day)) }
        let ch = Int(channel)
        if awk && r.chance(0.4) {
            b.alt(3, r.chance(0.6) ? r.pick(Vocabulary.channelsZh[ch]) : Forms.mixedCase(Vocabulary.channels[ch], &r), &r)
        } else { b.plain(3, Vocabulary.channelBytes[ch]) }
        if touchpoint != 255 {
            let t = Int(touchpoint)
            if awk && r.chance(0.3) { b.alt(4, Forms.mixedCase(Vocabulary.touchpoints[t], &r), &r) } else { b.plain(4, Vocabulary.touchpointBytes[t]) }
        }
        if awk && r.chance(0.3) { b.alt(5, Forms.integer(Int(nps), &r), &r) } else { b.int(5, Int(nps)) }
        var na = Int(naForm)
        for c in 6..<14 {
            let v = c == 6 ? Int(overall) : Int(scores[c - 7])
            if v == 0 {
                let s = Vocabulary.notAnswered[na % Vocabulary.notAnswered.count]
                na = na &* 7 &+ 3
                if s.isEmpty { b.empty(c) } else { b.text(c, s) }
            } else if awk && r.chance(0.2) {
                b.alt(c, Forms.integer(v, &r), &r)
            } else {
                b.int(c, v)
            }
        }
    }
}

