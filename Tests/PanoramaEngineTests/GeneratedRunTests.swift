import Foundation
import Testing
import PanoramaConfig
import PanoramaCore
import PanoramaGenerate
@testable import PanoramaEngine

/// Generated deliveries run through the real pipeline, checked against the generator's truth.
@Suite("Generated deliveries through the pipeline", .serialized)
struct GeneratedRunTests {
    static let fullPipeline = """
      - {id: ingest}
      - {id: cleanse, needs: [ingest], max_reject_rate: 0.1}
      - {id: customer360, needs: [cleanse]}
      - {id: kpi, needs: [customer360]}
      - {id: drivers, needs: [customer360], window_months: 3, min_n: 100}

    """

    func generate(_ ws: Workspace, start: String, months: Int, customers: Int, seed: UInt64, encoding: String = "utf-8") throws -> GenerationTruth {
        try SyntheticDeliveryGenerator(options: GeneratorOptions(start: start, months: months, customers: customers, seed: seed,
                                                                 encoding: encoding, dirtyRate: 0.01))
            .write(to: URL(fileURLWithPath: ws.path + "/input"))
    }

    func range(_ truth: GenerationTruth) -> MonthChoice {
        .range(Month(key: truth.months.first!)!, Month(key: truth.months.last!)!)
    }

    func table(_ ws: Workspace, _ name: String, _ month: String) throws -> ColumnarTable {
        try ColumnarTable.read(ws.path + "/warehouse/\(name)/month=\(month)/part-0.csv").0
    }

    /// Quarantine rows per source and code, and the manifest counts, equal the truth file exactly.
    func expectCountsMatch(_ ws: Workspace, _ truth: GenerationTruth) throws {
        for month in truth.months {
            let t = truth.perMonth[month]!
            let manifest = JSONValue.parse(ws.read("warehouse/_manifests/\(month)/cleanse.json")!)!
            let sources = manifest["quality"]!["sources"]!.arrayValue!
            // contacts.csv is a small file in a small first month: its planted rows can pass 5 %, so
            // these runs gate at 10 %.
            for (k, expected) in ([t.customers, t.usage, t.surveys, t.complaints] + (t.contacts.map { [$0] } ?? [])).enumerated() {
                let got = sources[k]
                let name = got["source"]!.stringValue!
                #expect(got["read"]?.intValue == expected.read, "\(month) \(name) read")
                #expect(got["clean"]?.intValue == expected.clean, "\(month) \(name) clean")
                #expect(got["blank_lines"]?.intValue == expected.blankLines, "\(month) \(name) blank lines")
                var reasons: [String: Int] = [:]
                if case .object(let pairs)? = got["reasons"] { for (code, n) in pairs { reasons[code] = n.intValue } }
                #expect(reasons == expected.quarantined, "\(month) \(name) reasons")
                if let nulled = expected.nulled {
                    var gotNulled: [String: Int] = [:]
                    if case .object(let pairs)? = got["nulled"] { for (f, n) in pairs { gotNulled[f] = n.intValue } }
                    #expect(gotNulled.filter { $0.value > 0 } == nulled.filter { $0.value > 0 }, "\(month) nulled")
                }
            }
            // The quarantine partition holds exactly those rows.
            let q = try table(ws, "quarantine", month)
            let all = ([t.customers, t.usage, t.surveys, t.complaints] + (t.contacts.map { [$0] } ?? []))
                .map { $0.quarantined.values.reduce(0, +) }.reduce(0, +)
            #expect(q.rowCount == all, "\(month) quarantine rows")
        }
    }

    @Test("generate then run --months … --until cleanse: counts per source and code equal _truth.json")
    func cleanseMatchesTruth() throws {
        let ws = Workspace()
        let truth = try generate(ws, start: "2026-01", months: 3, customers: 16_000, seed: 11)
        var options = RunOptions(months: range(truth))
        options.selection.until = "cleanse"
        let outcome = ws.run(try ws.config(stages: Self.fullPipeline), options)
        #expect(outcome.exitCode == .ok, "\(outcome.error ?? "")")
        try expectCountsMatch(ws, truth)
        // Every code of SPEC §2 was planted at this size, so every rule was exercised.
        let codes = Set(truth.perMonth.values.flatMap { [$0.customers, $0.usage, $0.surveys, $0.complaints].flatMap { $0.quarantined.keys } })
        #expect(codes.count == 10)
    }

    @Test("GB18030 deliveries give the same counts as their truth")
    func gb18030() throws {
        let ws = Workspace()
        let truth = try generate(ws, start: "2026-02", months: 1, customers: 3_000, seed: 5, encoding: "gb18030")
        var options = RunOptions(months: range(truth))
        options.selection.until = "cleanse"
        let outcome = ws.run(try ws.config(stages: Self.fullPipeline, extra: "encoding: gb18030\n"), options)
        #expect(outcome.exitCode == .ok, "\(outcome.error ?? "")")
        try expectCountsMatch(ws, truth)
    }

    @Test("a six-month run: base counts add up across members, shares stay in 0–100, risk = weights of flags, importance sums to R²")
    func sixMonthInvariants() throws {
        let ws = Workspace()
        let truth = try generate(ws, start: "2025-12", months: 6, customers: 4_000, seed: 3)
        let outcome = ws.run(try ws.config(stages: Self.fullPipeline), RunOptions(months: range(truth)))
        #expect(outcome.exitCode == .ok, "\(outcome.error ?? "")")
        let weights = [0.30, 0.25, 0.20, 0.15, 0.10]
        for month in truth.months {
            let t = truth.perMonth[month]!
            let c360 = try table(ws, "customer_360", month)
            #expect(c360.rowCount == t.baseCustomers, "\(month) base")
            let churned = try c360.column("churned_in_month")
            #expect((0..<c360.rowCount).filter { c360[$0, churned] == "true" }.count == t.churnedInMonth, "\(month) churned")
            let flags = try ["flag_bill_drop", "flag_call_forward", "flag_offnet", "flag_complaint", "flag_detractor"].map { try c360.column($0) }
            let score = try c360.column("churn_risk_score")
            for r in 0..<c360.rowCount {
                let expected = Int((100 * zip(weights, flags).filter { c360[r, $0.1] == "true" }.map(\.0).reduce(0, +)).rounded())
                #expect(c360.int(r, score) == expected)
            }

            let kpi = try table(ws, "kpi", month)
            let (kc, dc, mc, vc, bc) = (try kpi.column("kpi"), try kpi.column("dimension"), try kpi.column("member"), try kpi.column("value"), try kpi.column("base"))
            var totals: [String: Int] = [:]
            var sums: [String: Int] = [:]
            for r in 0..<kpi.rowCount {
                let key = kpi[r, kc]
                if kpi[r, dc] == "total" { totals[key] = kpi.int(r, bc) } else { sums[key + "/" + kpi[r, dc], default: 0] += kpi.int(r, bc)! }
                if let v = kpi.double(r, vc), ["promoter_share", "detractor_share", "churn_rate", "hv_share", "hv_retention", "complaint_closed_48h"].contains(key) {
                    #expect(v >= 0 && v <= 100, "\(month) \(key) \(v)")
                }
                #expect(!kpi[r, vc].contains("nan") && !kpi[r, vc].contains("inf"))
            }
            #expect(totals["churn_rate"] == t.baseCustomers)
            for (key, sum) in sums {
                let kpiId = String(key.split(separator: "/")[0])
                // A member with base 0 has no row, so member bases add up to the total for every dimension.
                #expect(sum == totals[kpiId], "\(month) \(key)")
            }
            // December 2025 is the default snapshot for 2026: hv_retention exists from January on, not for December itself.
            #expect((0..<kpi.rowCount).contains { kpi[$0, kc] == "hv_retention" } == (month != "2025-12"), "\(month) hv_retention")

            let models = try table(ws, "driver_model", month)
            let drivers = try table(ws, "drivers", month)
            let (seg, r2) = (try models.column("segment"), try models.column("r2"))
            let (dSeg, imp) = (try drivers.column("segment"), try drivers.column("importance"))
            for r in 0..<models.rowCount {
                guard let rsq = models.double(r, r2) else { continue }
                let total = (0..<drivers.rowCount).filter { drivers[$0, dSeg] == models[r, seg] }.compactMap { drivers.double($0, imp) }.reduce(0, +)
                #expect(abs(total - rsq) < 1e-5, "\(month) \(models[r, seg]) importance sums to R²")
            }
        }
    }

    @Test("the drivers stage recovers the generator's true NPS coefficients")
    func coefficientRecovery() throws {
        let ws = Workspace()
        let truth = try generate(ws, start: "2026-01", months: 3, customers: 30_000, seed: 21)
        let outcome = ws.run(try ws.config(stages: Self.fullPipeline), RunOptions(months: range(truth)))
        #expect(outcome.exitCode == .ok, "\(outcome.error ?? "")")
        let drivers = try table(ws, "drivers", truth.months.last!)
        let (seg, name, coef, se) = (try drivers.column("segment_dim"), try drivers.column("driver"), try drivers.column("coef"), try drivers.column("std_err"))
        var checked = 0
        for r in 0..<drivers.rowCount where drivers[r, seg] == "total" {
            let beta = truth.npsModel.coefficients[drivers[r, name]]!
            let estimate = drivers.double(r, coef)!, stdErr = drivers.double(r, se)!
            // Under the linear model (coef − β)/se is t-distributed with about n − 8 df, so 4 standard errors
            // fail by chance with probability ~6e-5 each. The generator rounds NPS to integers and clamps it to
            // 0–10, which biases slopes slightly toward zero; 0.03 absolute allows for that attenuation.
            #expect(abs(estimate - beta) <= 4 * stdErr + 0.03, "\(drivers[r, name]): \(estimate) vs \(beta) (se \(stdErr))")
            checked += 1
        }
        #expect(checked == 7)
    }
}
