import Foundation

/// customers.csv (SPEC §2.1): the customer master as of the end of M, every customer ever created
/// (churned ones included), in id order. Real rows may have an invalid gender or birth_date (emptied by
/// a correct cleanse and counted as `nulled`).
enum CustomersSource: DeliverySource {
    static let name = "customers"
    static let columns = ["customer_id", "msisdn", "city", "county", "brand", "vip_level", "gender", "birth_date", "join_date", "status", "churn_date"]
    static let codes = [Code.missing, Code.msisdn, Code.badEnum, Code.badDate, Code.duplicate, Code.malformed]
    static let plantKey: UInt64 = 1
    static let fileStream = Stream.customersFile

    static func run(_ g: inout GeneratorRun, _ month: inout MonthState) throws {
        let m = month.info
        let n = g.pop.count
        var pr = g.planRng(CustomersSource.self, m)
        var w = try g.openFile(CustomersSource.self, month, realRows: n, plan: &pr)
        var nullGender = 0, nullBirth = 0
        let forcedGender = g.rate > 0 && g.coverage ? pr.int(n) : -1
        let forcedBirth = g.rate > 0 && g.coverage ? pr.int(n) : -1
        let nullRate = g.rate * 0.4
        let last = m.lastDay
        let flips = month.shiftChurned
        var nextFlip = 0
        for i in 0..<n {
            let row = CustomerRow(pop: g.pop, i, lastDay: last)
            w.b.reset()
            let awk = w.r.chance(0.05)
            if nextFlip < flips.count && Int(flips[nextFlip]) == i {
                // Churned this month only because of a shift: spelt with the draws of the row it
                // replaces, and the stream moved on as that row would have moved it.
                nextFlip += 1
                var unshifted = row
                unshifted.churn = nil
                var spelling = w.r
                unshifted.render(&w.b, awk: awk, &w.r)
                w.b.reset()
                row.render(&w.b, awk: awk, &spelling)
            } else {
                row.render(&w.b, awk: awk, &w.r)
            }
            if g.rate > 0 {
                if i == forcedGender || w.r.chance(nullRate) {
                    w.b.text(6, w.r.pick(["X", "未知", "U", "unknown", "9"])); nullGender += 1
                }
                if i == forcedBirth || w.r.chance(nullRate) {
                    w.b.text(7, w.r.pick(["1990-13-01", "1985-02-30", "19881340", "0000-00-00", "1979/2/29"])); nullBirth += 1
                    month.followUp.birthNulled.append(Int32(i))
                }
            }
            w.emitReal(i)
            while let p = w.nextPlant(after: i) { plant(&g, &w, p, m: m) }
            w.maybeBlank(after: i)
            try w.out.maybeFlush()
        }
        try g.finish(&w, &month, nulled: ["gender": nullGender, "birth_date": nullBirth])
    }

    /// Writes one planted bad customer row that fails first with `p.code` (a fresh `X########` id, or for
    /// DUPLICATE_KEY an earlier real row repeated).
    static func plant(_ g: inout GeneratorRun, _ w: inout SourceWriter, _ p: Plant, m: MonthInfo) {
        var r = w.r
        defer { w.r = r }
        let last = m.lastDay
        var c: CustomerRow
        if p.code == Code.duplicate {
            c = CustomerRow(pop: g.pop, r.int(p.after + 1), lastDay: last)
        } else {
            c = CustomerRow(pop: g.pop, r.int(g.pop.count), lastDay: last)
            g.freshCustomer += 1
            c.prefix = 88  // X
            c.idNum = g.freshCustomer
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

/// One real customer-master row.
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

    init(pop: borrowing Population, _ i: Int, lastDay: Int) {
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
