import Foundation
import Testing
import PanoramaCore
@testable import PanoramaGenerate

/// SPEC §3.2–§3.3 follow-up lists of one month, computed independently from the reference cleanse's
/// clean rows (the partitions of M-1 and M-2 where the run has them).
struct RefFollowUp {
    var base = Set<String>()
    var churnWatch = Set<String>(), churnWatchHeld = Set<String>()
    var detractors = Set<String>(), detractorsHeld = Set<String>()
    /// customer → occasions (`birthday`, `anniversary`)
    var care: [String: Set<String>] = [:]
    var careRows = 0
    /// Customers with a clean survey in the month.
    var surveyed = Set<String>()
    /// Customers whose churn_date is in the month.
    var churned = Set<String>()
    /// Base customers' SPEC §5.2 features (in its order) and churn_risk_score.
    var features: [String: [Double]] = [:]
    var riskScore: [String: Int] = [:]

    init(month key: String, months: [String], results: [String: RefResult], holdoutPct: Double = 10) {
        let mi = MonthInfo(key: key)!
        let first = mi.firstDay, last = mi.lastDay
        let next = MonthInfo(index: mi.index + 1)
        func rows(_ back: Int, _ source: String) -> [[String: String]]? {
            let k = MonthInfo(index: mi.index - back).key
            return months.contains(k) ? results["\(k)/\(source)"]!.cleanRows : nil
        }
        // usage of M, M-1, M-2 (nil = no partition)
        var arpu: [[String: Double]?] = []
        var usageNow: [String: [String: String]] = [:]
        for back in 0..<3 {
            guard let u = rows(back, "usage") else { arpu.append(nil); continue }
            var a: [String: Double] = [:]
            for r in u where a[r["customer_id"]!] == nil { a[r["customer_id"]!] = Double(r["arpu"]!)! }
            arpu.append(a)
            if back == 0 { for r in u where usageNow[r["customer_id"]!] == nil { usageNow[r["customer_id"]!] = r } }
        }
        var complaints3m: [String: Int] = [:], open: [String: Int] = [:]
        for back in 0..<3 { for r in rows(back, "complaints") ?? [] { complaints3m[r["customer_id"]!, default: 0] += 1 } }
        for r in rows(0, "complaints")! where r["closed_at"]!.isEmpty { open[r["customer_id"]!, default: 0] += 1 }
        var latest: [String: (day: Int, id: String, nps: Int)] = [:]
        for r in rows(0, "surveys")! {
            let c = r["customer_id"]!, day = Norm.date(r["survey_date"]!)!, id = r["survey_id"]!
            surveyed.insert(c)
            if let l = latest[c], (l.day, l.id) > (day, id) { continue }
            latest[c] = (day, id, Int(r["nps"]!)!)
        }
        for c in rows(0, "customers")! {
            let id = c["customer_id"]!
            let join = Int(c["join_date"]!)!
            let churn = c["churn_date"].flatMap { Int($0) }
            guard join <= last, churn == nil || churn! >= first else { continue }
            base.insert(id)
            let churnedInMonth = churn.map { $0 >= first && $0 <= last } ?? false
            if churnedInMonth { churned.insert(id) }
            var sum = 0.0, n = 0
            for k in 0..<3 { if let v = arpu[k]?[id] { sum += v; n += 1 } }
            let highValue = n > 0 && sum / Double(n) >= 120
            var score = 0.0
            var x = [Double](repeating: 0, count: 12)
            if let a = arpu[0]?[id], let p = arpu[1]?[id], p > 0, 100 * (a - p) / p <= -30 { score += 0.30; x[0] = 1 }
            let u = usageNow[id] ?? [:]
            if let r = u["call_forward_ratio"].flatMap({ Double($0) }), r >= 0.5 { score += 0.25; x[1] = 1 }
            if let r = u["offnet_ratio"].flatMap({ Double($0) }), r >= 0.4 { score += 0.20; x[2] = 1 }
            if complaints3m[id, default: 0] >= 2 { score += 0.15; x[3] = 1 }
            let nps = latest[id]?.nps
            if let nps, nps <= 6 { score += 0.10; x[4] = 1 }
            x[5] = Double(complaints3m[id, default: 0])
            x[6] = Double(open[id, default: 0])
            x[7] = n > 0 ? Foundation.log(1 + sum / Double(n)) : 0
            x[8] = Double(min(RefFollowUp.wholeMonths(join, last), 240)) / 12
            x[9] = c["vip_level"] != "none" ? 1 : 0
            x[10] = highValue ? 1 : 0
            x[11] = nps != nil ? 1 : 0
            features[id] = x
            riskScore[id] = Int((100 * score).rounded())
            if (100 * score).rounded() >= 50 && highValue && !churnedInMonth {
                churnWatch.insert(id)
                if RefFollowUp.heldOut("churn_watch", id, key, holdoutPct) { churnWatchHeld.insert(id) }
            }
            if let nps, nps <= 6 {
                detractors.insert(id)
                if RefFollowUp.heldOut("detractor_repair", id, key, holdoutPct) { detractorsHeld.insert(id) }
            }
            guard !churnedInMonth, highValue || c["vip_level"] != "none" else { continue }
            if let b = c["birth_date"].flatMap({ Int($0) }) {
                let age = RefFollowUp.wholeMonths(b, last) / 12
                if b <= last && (10...110).contains(age) && RefFollowUp.ymd(b).m == next.month {
                    care[id, default: []].insert("birthday"); careRows += 1
                }
            }
            if RefFollowUp.ymd(join).m == next.month && RefFollowUp.wholeMonths(join, next.lastDay) >= 12 {
                care[id, default: []].insert("anniversary"); careRows += 1
            }
        }
    }

    static func heldOut(_ list: String, _ id: String, _ month: String, _ holdoutPct: Double = 10) -> Bool {
        let hex = SHA256Digest.hex(Array("\(list)|\(id)|\(month)".utf8))
        return Double(UInt64(hex.prefix(16), radix: 16)!) / 18_446_744_073_709_551_616.0 < holdoutPct / 100
    }

    static func ymd(_ day: Int) -> (y: Int, m: Int, d: Int) {
        var y = 1970 + Int((Double(day) / 365.2425).rounded(.down))
        while RefCal.days(y, 1, 1) > day { y -= 1 }
        while RefCal.days(y + 1, 1, 1) <= day { y += 1 }
        var m = 1
        while m < 12 && RefCal.days(y, m + 1, 1) <= day { m += 1 }
        return (y, m, day - RefCal.days(y, m, 1) + 1)
    }

    /// SPEC §1 whole months from a to b: the largest n with a + n months (day clipped to the month's end) ≤ b.
    static func wholeMonths(_ a: Int, _ b: Int) -> Int {
        let (y, m, d) = ymd(a), (yb, mb, _) = ymd(b)
        var n = (yb - y) * 12 + (mb - m)
        while n > 0 {
            let t = m - 1 + n
            let yy = y + t / 12, mm = t % 12 + 1
            let dim = (mm == 12 ? RefCal.days(yy + 1, 1, 1) : RefCal.days(yy, mm + 1, 1)) - RefCal.days(yy, mm, 1)
            if RefCal.days(yy, mm, min(d, dim)) <= b { return n }
            n -= 1
        }
        return max(0, n)
    }
}

@Suite("Contacts and the follow-up lists they work")
struct FollowUpTests {
    @Test("the lists the generator works equal SPEC §3.3 lists built from the clean files; contacts go to list customers, holdout customers are left out, and the SPEC §5.1 groups match the truth")
    func listsContactsAndGroups() throws {
        let dir = TestSupport.tempDir("followup")
        defer { TestSupport.cleanup(dir) }
        let truth = try SyntheticDeliveryGenerator(options: GeneratorOptions(start: "2025-11", months: 4, customers: 6000, seed: 31)).write(to: dir)
        let results = try TestSupport.verify(dir, truth)
        var refs: [String: RefFollowUp] = [:]
        for key in truth.months { refs[key] = RefFollowUp(month: key, months: truth.months, results: results) }
        var totals = (matching: 0, holdout: 0, contacted: 0, resurveyedHoldout: 0)
        for (k, key) in truth.months.enumerated() {
            let fu = try #require(truth.perMonth[key]!.followUp)
            let ref = refs[key]!
            #expect(fu.lists == ListSizes(churnWatch: ref.churnWatch.count, churnWatchHoldout: ref.churnWatchHeld.count,
                                          detractorRepair: ref.detractors.count, detractorRepairHoldout: ref.detractorsHeld.count,
                                          careCalendar: ref.careRows), "\(key) lists")
            let contacts = results["\(key)/contacts"]!.cleanRows
            #expect(contacts.count == fu.contacts.rows, "\(key) contact rows")
            guard k > 0 else {
                // no lists before the first month: background calls only
                #expect(fu.contacts.background == fu.contacts.rows && contacts.allSatisfy { $0["program"] == "other" })
                #expect(fu.churnWatch == nil && fu.detractorRepair == nil)
                continue
            }
            let lists = refs[truth.months[k - 1]]!
            // every contact row: matching a list the customer is on (held out or not), or planted (wrong program, background)
            var matching = 0, heldOut = 0, other = 0, otherNotOther = 0
            var reached: [String: Set<String>] = [:]
            for c in contacts {
                let id = c["customer_id"]!, program = c["program"]!
                let on: Bool, held: Bool
                switch program {
                case "retention": on = lists.churnWatch.contains(id); held = lists.churnWatchHeld.contains(id)
                case "repair": on = lists.detractors.contains(id); held = lists.detractorsHeld.contains(id)
                case "birthday", "anniversary": on = lists.care[id]?.contains(program) ?? false; held = false
                default: on = false; held = false
                }
                if on && held { heldOut += 1 } else if on { matching += 1 } else {
                    other += 1
                    if program != "other" { otherNotOther += 1 }
                }
                #expect(ref.base.contains(id), "\(key) contact of a customer outside the base")
                if c["outcome"] == "reached" || c["outcome"] == "resolved" { reached[id, default: []].insert(program) }
            }
            #expect(matching == fu.contacts.matching, "\(key) matching")
            #expect(heldOut == fu.contacts.holdout, "\(key) held-out customers contacted anyway")
            #expect(other == fu.contacts.wrongProgram + fu.contacts.background, "\(key) unlisted contacts")
            #expect(otherNotOther <= fu.contacts.wrongProgram, "\(key) a list program outside the lists is a planted wrong program")
            #expect(matching > 0 && fu.contacts.background > 0 && fu.contacts.wrongProgram >= 0)

            // SPEC §5.1 groups
            func groups(_ list: Set<String>, _ held: Set<String>, _ programs: Set<String>) -> (Int, Int, Int, Int, Set<String>, Set<String>) {
                let present = list.intersection(ref.base)
                let h = present.intersection(held)
                let contacted = present.subtracting(held).filter { !(reached[$0] ?? []).isDisjoint(with: programs) }
                return (present.count, h.count, contacted.count, present.count - h.count - contacted.count, Set(contacted), h)
            }
            let cw = groups(lists.churnWatch, lists.churnWatchHeld, ["retention"])
            let got = try #require(fu.churnWatch)
            #expect(got.cohortMonth == truth.months[k - 1])
            let cwGot: [Int] = [got.customers, got.holdout, got.contacted, got.notContacted], cwRef: [Int] = [cw.0, cw.1, cw.2, cw.3]
            #expect(cwGot == cwRef, "\(key) churn_watch groups")
            let dr = groups(lists.detractors, lists.detractorsHeld, ["repair"])
            let d = try #require(fu.detractorRepair)
            let drGot: [Int] = [d.customers, d.holdout, d.contacted, d.notContacted], drRef: [Int] = [dr.0, dr.1, dr.2, dr.3]
            #expect(drGot == drRef, "\(key) detractor_repair groups")
            #expect(d.resurveyedContacted == dr.4.intersection(ref.surveyed).count && d.resurveyedHoldout == dr.5.intersection(ref.surveyed).count)
            let cc = groups(Set(lists.care.keys), [], ["birthday", "anniversary"])
            let c = try #require(fu.careCalendar)
            let ccGot: [Int] = [c.customers, c.holdout, c.contacted, c.notContacted], ccRef: [Int] = [cc.0, 0, cc.2, cc.3]
            #expect(ccGot == ccRef, "\(key) care_calendar groups")
            // held-out customers get no contact of their list's program, except the few planted "contacted anyway"
            let heldContacted = contacts.filter { c in
                let id = c["customer_id"]!
                return (c["program"] == "retention" && cw.5.contains(id)) || (c["program"] == "repair" && dr.5.contains(id))
            }
            #expect(heldContacted.count <= fu.contacts.holdout)
            #expect(Double(fu.contacts.holdout) <= 0.25 * Double(cw.1 + dr.1) + 2)
            // the repair follow-up survey reaches most of last month's detractors
            #expect(Double(dr.4.union(dr.5).intersection(ref.surveyed).count) >= 0.6 * Double(dr.2 + dr.1))
            totals.matching += matching; totals.holdout += heldOut; totals.contacted += d.contacted
            totals.resurveyedHoldout += d.resurveyedHoldout!
        }
        #expect(totals.contacted > 50 && totals.resurveyedHoldout > 5)
    }

    @Test("the holdout share follows the option: lists held out by SPEC §3.3's hash at 50 %, recorded in the truth; a share outside 0–100 is refused")
    func holdoutOption() throws {
        let dir = TestSupport.tempDir("holdout")
        defer { TestSupport.cleanup(dir) }
        let truth = try SyntheticDeliveryGenerator(options: GeneratorOptions(start: "2026-01", months: 2, customers: 3000, seed: 5,
                                                                             holdoutPct: 50)).write(to: dir)
        #expect(truth.contactModel?.holdoutPct == 50)
        let results = try TestSupport.verify(dir, truth)
        var held = 0, listed = 0
        for key in truth.months {
            let ref = RefFollowUp(month: key, months: truth.months, results: results, holdoutPct: 50)
            let lists = try #require(truth.perMonth[key]?.followUp?.lists)
            #expect(lists.churnWatchHoldout == ref.churnWatchHeld.count && lists.detractorRepairHoldout == ref.detractorsHeld.count, "\(key)")
            held += lists.churnWatchHoldout + lists.detractorRepairHoldout
            listed += lists.churnWatch + lists.detractorRepair
        }
        // about half held out (the hash is as good as random): 3 standard deviations of a fair coin
        #expect(abs(Double(held) - 0.5 * Double(listed)) <= 3 * (0.25 * Double(listed)).squareRoot(), "\(held) of \(listed)")
        for bad in [-1.0, 100.5, .nan] {
            #expect(throws: GeneratorError.self) {
                _ = try SyntheticDeliveryGenerator(options: GeneratorOptions(customers: 10, holdoutPct: bad)).write(to: dir)
            }
        }
    }

    @Test("without contacts.csv the same contacts happen: every other file and the follow-up truth are the same")
    func contactsNotDelivered() throws {
        let on = TestSupport.tempDir("contacts-on"), off = TestSupport.tempDir("contacts-off")
        defer { TestSupport.cleanup(on, off) }
        let o = GeneratorOptions(start: "2026-01", months: 3, customers: 1500, seed: 41)
        var oOff = o
        oOff.contacts = false
        let tOn = try SyntheticDeliveryGenerator(options: o).write(to: on)
        let tOff = try SyntheticDeliveryGenerator(options: oOff).write(to: off)
        try TestSupport.verify(off, tOff)
        #expect(tOn.contactModel?.delivered == true && tOff.contactModel?.delivered == false)
        let fOn = try TestSupport.allFiles(on), fOff = try TestSupport.allFiles(off)
        #expect(fOff.keys.filter { $0.hasSuffix("contacts.csv") }.isEmpty)
        for (path, data) in fOff where path.hasSuffix(".csv") && !path.contains("_planted") { #expect(fOn[path] == data, "\(path)") }
        for key in tOn.months {
            #expect(tOff.perMonth[key]!.contacts == nil && tOn.perMonth[key]!.contacts != nil)
            #expect(tOff.perMonth[key]!.followUp == tOn.perMonth[key]!.followUp)
        }
        let planted = try String(contentsOf: off.appendingPathComponent("_planted.csv"), encoding: .utf8)
        #expect(!planted.contains(",contacts,"))
    }

    @Test("reached detractors are repaired more often and reached churn-watch customers churn less, as the truth's expected rates say")
    func plantedEffect() throws {
        let dir = TestSupport.tempDir("effect")
        defer { TestSupport.cleanup(dir) }
        let truth = try SyntheticDeliveryGenerator(options: GeneratorOptions(start: "2026-01", months: 5, customers: 12_000, seed: 2026, dirtyRate: 0)).write(to: dir)
        let results = try TestSupport.verify(dir, truth)
        #expect(truth.contactModel!.retentionChurnFactor < 1 && truth.contactModel!.repairScoreBoost > 0)
        // observed repair rates per group against the design's expected rates, pooled over the months
        var observed = (contacted: 0.0, holdout: 0.0), expected = (contacted: 0.0, holdout: 0.0), n = (contacted: 0, holdout: 0)
        var churn = (contacted: 0.0, nContacted: 0, holdout: 0.0, nHoldout: 0)
        for (k, key) in truth.months.enumerated() where k > 0 {
            let d = try #require(truth.perMonth[key]!.followUp?.detractorRepair)
            let lists = RefFollowUp(month: truth.months[k - 1], months: truth.months, results: results)
            var reached = Set<String>()
            for c in results["\(key)/contacts"]!.cleanRows where c["program"] == "repair" && (c["outcome"] == "reached" || c["outcome"] == "resolved") {
                reached.insert(c["customer_id"]!)
            }
            var latest: [String: (Int, String, Int)] = [:]
            for r in results["\(key)/surveys"]!.cleanRows {
                let c = r["customer_id"]!, v = (Norm.date(r["survey_date"]!)!, r["survey_id"]!, Int(r["nps"]!)!)
                if let l = latest[c], (l.0, l.1) > (v.0, v.1) { continue }
                latest[c] = v
            }
            for id in lists.detractors {
                guard let s = latest[id] else { continue }
                let repaired = s.2 >= 7 ? 1.0 : 0.0
                if lists.detractorsHeld.contains(id) { observed.holdout += repaired; n.holdout += 1 }
                else if reached.contains(id) { observed.contacted += repaired; n.contacted += 1 }
            }
            if let e = d.expectedRateContacted { expected.contacted += e / 100 * Double(d.resurveyedContacted!) }
            if let e = d.expectedRateHoldout { expected.holdout += e / 100 * Double(d.resurveyedHoldout!) }
            if let cw = truth.perMonth[key]!.followUp?.churnWatch {
                if let e = cw.expectedRateContacted { churn.contacted += e * Double(cw.contacted); churn.nContacted += cw.contacted }
                if let e = cw.expectedRateHoldout { churn.holdout += e * Double(cw.holdout); churn.nHoldout += cw.holdout }
            }
        }
        // The design's effect, pooled over the months: repair up, churn down.
        #expect(100 * (expected.contacted / Double(n.contacted) - expected.holdout / Double(n.holdout)) > 5)
        #expect(churn.nContacted > 0 && churn.nHoldout > 0)
        #expect(churn.contacted / Double(churn.nContacted) < churn.holdout / Double(churn.nHoldout))
        for (obs, exp, count) in [(observed.contacted, expected.contacted, n.contacted), (observed.holdout, expected.holdout, n.holdout)] {
            let p = exp / Double(count)
            let se = (p * (1 - p) / Double(count)).squareRoot()
            #expect(count > 20 && abs(obs / Double(count) - p) <= 4 * se, "repair rate \(obs / Double(count)) vs expected \(p) over \(count)")
        }
        #expect(observed.contacted / Double(n.contacted) > observed.holdout / Double(n.holdout))
    }
}
