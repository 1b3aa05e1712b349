import Foundation
import Testing
@testable import PanoramaGenerate

@Suite("Planted real changes (shifts)")
struct ShiftTests {
    @Test("every run of two months or more plants 4–8 shifts in distinct cells, none in the first month, at most one churn shift")
    func plan() throws {
        var kinds = Set<String>()
        for seed in UInt64(1)...40 {
            let start = MonthInfo(key: "2025-12")!
            let shifts = ShiftPlan.make(seed: seed, start: start, months: 6)
            #expect((4...8).contains(shifts.count), "seed \(seed): \(shifts.count) shifts")
            #expect(shifts.allSatisfy { (1..<6).contains($0.ordinal) })
            let truths = shifts.map { ShiftPlan.truth($0, start: start) }
            #expect(Set(truths.map { "\($0.kind)|\($0.dimension)|\($0.member)" }).count == shifts.count)
            #expect(truths.filter { $0.kind == "churn_up" }.count <= 1)
            // each kind once before any kind twice
            #expect(Set(truths.map(\.kind)).count == 4, "seed \(seed): every kind planted")
            // spread: no month has two more shifts than another
            let perMonth = (1..<6).map { o in shifts.filter { $0.ordinal == o }.count }
            #expect(perMonth.max()! - perMonth.min()! <= 2, "seed \(seed): \(perMonth)")
            kinds.formUnion(truths.map(\.kind))
            #expect(truths.allSatisfy { t in t.moves.first?.kpi == t.kpi && t.moves.first?.direction == t.direction })
        }
        #expect(kinds == ["network_drop", "channel_fall", "complaint_jump", "churn_up"])
        #expect(ShiftPlan.make(seed: 1, start: MonthInfo(key: "2026-01")!, months: 1).isEmpty)
    }

    @Test("_truth.json lists the shifts; with shifts off it has none and every file up to the first shifted month is byte-identical")
    func offIsIdentical() throws {
        let on = TestSupport.tempDir("shift-on"), off = TestSupport.tempDir("shift-off")
        defer { TestSupport.cleanup(on, off) }
        let o = GeneratorOptions(start: "2026-01", months: 4, customers: 600, seed: 17)
        var oOff = o
        oOff.shifts = false
        let tOn = try SyntheticDeliveryGenerator(options: o).write(to: on)
        let tOff = try SyntheticDeliveryGenerator(options: oOff).write(to: off)
        #expect(!tOn.shifts.isEmpty && tOff.shifts.isEmpty)
        #expect(try GenerationTruth.load(from: on.appendingPathComponent("_truth.json")).shifts == tOn.shifts)
        let offText = try String(contentsOf: off.appendingPathComponent("_truth.json"), encoding: .utf8)
        #expect(!offText.contains("\"shifts\""), "no shifts key when there are none")
        let first = try #require(tOn.shifts.map(\.month).min())
        let fOn = try TestSupport.allFiles(on), fOff = try TestSupport.allFiles(off)
        var compared = 0
        for (path, data) in fOff where path.hasSuffix(".csv") && !path.contains("_planted") {
            let month = String(path.split(separator: "/")[0])
            if month < first { #expect(fOn[path] == data, "\(path)"); compared += 1 }
        }
        #expect(compared >= 4)
        for key in tOff.months where key < first { #expect(tOn.perMonth[key] == tOff.perMonth[key]) }
    }

    @Test("in the month of a shift only the shifted cells' rows differ from a run without it, each in the planted direction")
    func onlyShiftedCellsChange() throws {
        let on = TestSupport.tempDir("cells-on"), off = TestSupport.tempDir("cells-off")
        defer { TestSupport.cleanup(on, off) }
        let o = GeneratorOptions(start: "2026-04", months: 2, customers: 3000, seed: 23)
        var oOff = o
        oOff.shifts = false
        // One shift of each kind, all from the second month.
        let networkCity = 0, complaintCity = 1, channel = 0, brand = 1
        var run = try GeneratorRun(options: o)
        run.shifts = [Shift(kind: .networkDrop, ordinal: 1, member: networkCity, byTier: false, size: 1.5),
                      Shift(kind: .channelFall, ordinal: 1, member: channel, byTier: false, size: 0.5),
                      Shift(kind: .complaintJump, ordinal: 1, member: complaintCity, byTier: false, size: 3),
                      Shift(kind: .churnUp, ordinal: 1, member: brand, byTier: false, size: 6)]
        let tOn = try run.execute(dir: on)
        let tOff = try SyntheticDeliveryGenerator(options: oOff).write(to: off)
        #expect(tOn.shifts.map(\.kind) == ["network_drop", "channel_fall", "complaint_jump", "churn_up"])
        #expect(tOn.shifts.allSatisfy { $0.month == "2026-05" })
        let rOn = try TestSupport.verify(on, tOn), rOff = try TestSupport.verify(off, tOff)

        // The first month and the usage of the second are untouched.
        for s in TestSupport.sources {
            #expect(try Data(contentsOf: on.appendingPathComponent("2026-04/\(s).csv")) == Data(contentsOf: off.appendingPathComponent("2026-04/\(s).csv")))
        }
        #expect(try Data(contentsOf: on.appendingPathComponent("2026-05/usage.csv")) == Data(contentsOf: off.appendingPathComponent("2026-05/usage.csv")))

        let m = "2026-05"
        let customers = rOff["\(m)/customers"]!.cleanRows
        var city: [String: String] = [:], brandOf: [String: String] = [:]
        for c in customers { city[c["customer_id"]!] = c["city"]!; brandOf[c["customer_id"]!] = c["brand"]! }
        let cityName = Vocabulary.cities[networkCity].name, complaintCityName = Vocabulary.cities[complaintCity].name

        // Surveys: same responses; scores differ only for the city's customers or the channel's answers, and only downwards.
        let sOn = rOn["\(m)/surveys"]!.cleanRows, sOff = rOff["\(m)/surveys"]!.cleanRows
        #expect(sOn.count == sOff.count)
        let scoreColumns = ["nps", "overall_sat"] + Vocabulary.dimensions
        var changed = 0, networkLower = 0, channelLower = 0
        for (a, b) in zip(sOn, sOff) {
            #expect(a["survey_id"] == b["survey_id"] && a["customer_id"] == b["customer_id"])
            let inCity = city[a["customer_id"]!] == cityName
            let inChannel = RefNorm.channel(a["channel"]!) == Vocabulary.channels[channel]
            if a == b { continue }
            changed += 1
            #expect(inCity || inChannel, "survey \(a["survey_id"]!) changed outside the shifted cells")
            for k in scoreColumns where a[k] != b[k] {
                #expect(Int(a[k]!)! <= Int(b[k]!)!, "\(k) moved up")
                if k == "network" && inCity { networkLower += 1 }
                if k != "network" && inChannel { channelLower += 1 }
            }
            for k in a.keys where !scoreColumns.contains(k) { #expect(a[k] == b[k], "\(k) changed") }
        }
        #expect(changed > 0 && networkLower > 0 && channelLower > 0)

        // Complaints: the same complaints of everyone outside the complaint city, more inside it.
        func complaintKeys(_ rows: [[String: String]], inCity: Bool) -> [String] {
            rows.filter { (city[$0["customer_id"]!] == complaintCityName) == inCity }.map { r in
                let fields = [r["customer_id"]!, String(RefNorm.dateTime(r["opened_at"]!)), RefNorm.category(r["category"]!),
                              r["closed_at"]!.isEmpty ? "" : String(RefNorm.dateTime(r["closed_at"]!)), String(RefNorm.bool(r["escalated"]!))]
                return fields.joined(separator: "|")
            }.sorted()
        }
        let cOn = rOn["\(m)/complaints"]!.cleanRows, cOff = rOff["\(m)/complaints"]!.cleanRows
        #expect(complaintKeys(cOn, inCity: false) == complaintKeys(cOff, inCity: false))
        let insideOn = complaintKeys(cOn, inCity: true), insideOff = complaintKeys(cOff, inCity: true)
        #expect(Set(insideOff).isSubset(of: Set(insideOn)) && insideOn.count > insideOff.count)

        // Customer master: only customers of the shifted brand differ, from active to churned in M.
        let kOn = rOn["\(m)/customers"]!.cleanRows
        #expect(kOn.count == customers.count)
        var flips = 0
        let first = MonthInfo(key: m)!.firstDay
        for (a, b) in zip(kOn, customers) where a != b {
            flips += 1
            #expect(a["customer_id"] == b["customer_id"])
            #expect(brandOf[a["customer_id"]!] == Vocabulary.brands[brand], "\(a["customer_id"]!) changed outside the shifted brand")
            #expect(b["status"] == "active" && a["status"] == "churned" && Int(a["churn_date"]!)! >= first)
            for k in a.keys where k != "status" && k != "churn_date" { #expect(a[k] == b[k], "\(k) changed") }
        }
        #expect(flips > 0 && tOn.perMonth[m]!.churnedInMonth == tOff.perMonth[m]!.churnedInMonth + flips)
    }
}

/// Canonical values of a few normalised fields, for comparing rows whose spelling may differ.
enum RefNorm {
    static func channel(_ s: String) -> String { Norm.en(s, Norm.channel)! }
    static func category(_ s: String) -> String { Norm.en(s, Norm.category)! }
    static func dateTime(_ s: String) -> Int { Norm.dateTime(s)! }
    static func bool(_ s: String) -> Bool { s.isEmpty ? false : Norm.bool(s)! }
}
