import Foundation

/// Canonical column lists (SPEC §2.1–2.4), in the spec's check order.
enum Columns {
    static let customers = ["customer_id", "msisdn", "city", "county", "brand", "vip_level", "gender", "birth_date", "join_date", "status", "churn_date"]
    static let usage = ["customer_id", "month", "arpu", "mou", "data_gb", "call_forward_ratio", "offnet_ratio", "points_balance"]
    static let surveys = ["survey_id", "customer_id", "survey_date", "channel", "touchpoint", "nps", "overall_sat",
                          "network", "hall", "hotline", "billing", "new_business", "promotion", "communication"]
    static let complaints = ["complaint_id", "customer_id", "opened_at", "category", "closed_at", "escalated"]
}

/// Writes `C00000123` (or another one-letter prefix) into column c.
@inline(__always) func writeId(_ b: inout RowBuilder, _ c: Int, prefix: UInt8, _ n: Int) {
    b.begin(c); b.bytes.append(prefix); Fmt.padded(&b.bytes, n, width: 8); b.end(c)
}

/// Customer id text of population index i.
func customerId(_ i: Int) -> String {
    Fmt.string { $0.append(67); Fmt.padded(&$0, i + 1, width: 8) }
}

// MARK: customers

struct CustomerRow {
    var prefix: UInt8 = 67
    var idNum: Int
    var msisdn: Int
    var city: Int
    var county: Int      // -1 = empty
    var brand: Int
    var vip: Int
    var gender: Int      // 2 = empty
    var birth: Int?
    var join: Int
    var churn: Int?

    init(pop: Population, _ i: Int, lastDay: Int) {
        idNum = i + 1
        msisdn = pop.msisdn(i)
        city = Int(pop.city[i])
        county = pop.county[i] == 255 ? -1 : Int(pop.county[i])
        brand = Int(pop.brand[i])
        vip = Int(pop.vip[i])
        gender = Int(pop.gender[i])
        birth = pop.birthDay[i] == Population.noBirth ? nil : Int(pop.birthDay[i])
        join = Int(pop.joinDay[i])
        let c = Int(pop.churnDay[i])
        churn = c <= lastDay ? c : nil
    }

    func render(_ b: inout RowBuilder, awk: Bool, _ r: inout Rng) {
        writeId(&b, 0, prefix: prefix, idNum)
        if awk && r.chance(0.2) { b.alt(0, b.current(0), &r) }
        if awk && r.chance(0.4) { b.alt(1, Forms.msisdn(String(msisdn), &r), &r) } else { b.int(1, msisdn) }
        b.plain(2, Vocabulary.cityBytes[city])
        if awk && r.chance(0.2) { b.alt(2, Vocabulary.cities[city].name, &r) }
        if county >= 0 {
            b.plain(3, Vocabulary.countyBytes[city][county])
            if awk && r.chance(0.2) { b.alt(3, Vocabulary.cities[city].counties[county], &r) }
        }
        if awk && r.chance(0.4) {
            b.alt(4, r.chance(0.6) ? Vocabulary.brandsZh[brand] : Forms.mixedCase(Vocabulary.brands[brand], &r), &r)
        } else { b.plain(4, Vocabulary.brandBytes[brand]) }
        if awk && r.chance(0.4) {
            b.alt(5, r.chance(0.6) ? r.pick(Vocabulary.vipsZh[vip]) : Forms.mixedCase(Vocabulary.vips[vip], &r), &r)
        } else { b.plain(5, Vocabulary.vipBytes[vip]) }
        if gender < 2 {
            if awk && r.chance(0.4) {
                b.alt(6, r.chance(0.6) ? Vocabulary.gendersZh[gender] : Vocabulary.genders[gender].lowercased(), &r)
            } else { b.plain(6, Vocabulary.genderBytes[gender]) }
        }
        if let bd = birth {
            if awk && r.chance(0.4) { b.alt(7, Forms.date(bd, &r), &r) } else { b.date(7, bd) }
        }
        if awk && r.chance(0.4) { b.alt(8, Forms.date(join, &r), &r) } else { b.date(8, join) }
        let st = churn == nil ? 0 : 1
        if awk && r.chance(0.4) {
            b.alt(9, r.chance(0.6) ? Vocabulary.statusesZh[st] : Forms.mixedCase(Vocabulary.statuses[st], &r), &r)
        } else { b.plain(9, Vocabulary.statusBytes[st]) }
        if let cd = churn {
            if awk && r.chance(0.4) { b.alt(10, Forms.date(cd, &r), &r) } else { b.date(10, cd) }
        }
    }
}

// MARK: usage

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

// MARK: surveys

struct SurveyRecord {
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

// MARK: complaints

struct ComplaintRecord {
    var customer: Int32
    var opened: Int      // seconds since 1970-01-01 local
    var closed: Int      // -1 = open
    var k: Int32
    var category: UInt8
    var escalated: Bool

    func render(_ b: inout RowBuilder, id: Int, idPrefix: [UInt8], awk: Bool, _ r: inout Rng) {
        b.begin(0); b.bytes.append(contentsOf: idPrefix); Fmt.padded(&b.bytes, id, width: 7); b.end(0)
        if awk && r.chance(0.2) { b.alt(0, b.current(0), &r) }
        writeId(&b, 1, prefix: 67, Int(customer) + 1)
        if awk && r.chance(0.2) { b.alt(1, b.current(1), &r) }
        if awk && r.chance(0.4) { b.alt(2, Forms.dateTime(opened, &r), &r) } else { b.dateTime(2, opened) }
        let cat = Int(category)
        if awk && r.chance(0.4) {
            b.alt(3, r.chance(0.6) ? Vocabulary.categoriesZh[cat] : Forms.mixedCase(Vocabulary.categories[cat], &r), &r)
        } else { b.plain(3, Vocabulary.categoryBytes[cat]) }
        if closed >= 0 {
            if awk && r.chance(0.4) { b.alt(4, Forms.dateTime(closed, &r), &r) } else { b.dateTime(4, closed) }
        }
        if awk && r.chance(0.5) {
            b.alt(5, r.chance(0.15) ? "" : Forms.bool(escalated, &r), &r)
            if !escalated && b.current(5).isEmpty { b.empty(5) }
            if escalated && b.current(5).isEmpty { b.plain(5, Vocabulary.trueBytes) }
        } else {
            b.plain(5, escalated ? Vocabulary.trueBytes : Vocabulary.falseBytes)
        }
    }
}
