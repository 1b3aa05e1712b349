import Foundation
import Testing
import PanoramaCore
import PanoramaEngine
import PanoramaGenerate
import PanoramaStages

/// SPEC §5.1 on data with a known truth: the generator plants the effect of the call centre's
/// follow-up (a reached retention contact halves the month's churn probability; a reached repair
/// contact raises the re-survey's scores) and records, per month, the groups and the expected effect
/// (`follow_up.<list>.expected_effect_pt`: the mean of the probabilities it used, contacted minus
/// holdout). The outcomes stage, run on the files, should measure that effect within its standard error.
@Suite("The care loop on generated data: the outcomes stage recovers the planted follow-up effect", .serialized)
struct CareEffectRecoveryTests {
    /// One list's `contacted` row of one month against the truth.
    struct MonthEffect {
        let month: String
        /// Denominators of the effect: customers (churn_watch) or resurveyed (detractor_repair).
        let contacted: Int, holdout: Int
        /// Measured by the stage (pt).
        let effect: Double, stdErr: Double
        /// The truth's expected rates (%) and effect (pt).
        let expectedContacted: Double, expectedHoldout: Double, expected: Double

        var z: Double { (effect - expected) / stdErr }
        /// The variance of the effect the design implies (pt²): the truth's expected rates over the
        /// groups' sizes. Unlike effect_std_err² it does not move with the measured rates.
        var designVariance: Double {
            let a = expectedContacted / 100, b = expectedHoldout / 100
            return 1e4 * (a * (1 - a) / Double(contacted) + b * (1 - b) / Double(holdout))
        }
    }

    /// Inverse-variance pooling over the months.
    struct Pooled {
        let effect: Double, expected: Double, stdErr: Double

        init(_ months: [MonthEffect]) {
            let w = months.map { 1 / $0.designVariance }
            let total = w.reduce(0, +)
            effect = zip(w, months).map { $0 * $1.effect }.reduce(0, +) / total
            expected = zip(w, months).map { $0 * $1.expected }.reduce(0, +) / total
            stdErr = 1 / total.squareRoot()
        }

        var z: Double { (effect - expected) / stdErr }
    }

    /// A month's effect enters the checks when each group has at least this many customers in the
    /// effect's denominator (below it the normal approximation behind effect_std_err is poor).
    static let minGroup = 20

    @Test("40,000 customers, 7 months, holdout 50 %: each month's effect is within 3 standard errors of the truth, the pooled effect within 2.5 and clearly non-zero",
          .timeLimit(.minutes(5)))
    func recoversPlantedEffect() throws {
        let ws = Workspace()
        let truth = try SyntheticDeliveryGenerator(options: GeneratorOptions(
            start: "2025-12", months: 7, customers: 40_000, seed: 2026, encoding: "utf-8", dirtyRate: 0.01, holdoutPct: 50))
            .write(to: URL(fileURLWithPath: ws.path + "/input"))
        #expect(truth.contactModel?.holdoutPct == 50)
        var options = RunOptions(months: .range(Month(key: truth.months.first!)!, Month(key: truth.months.last!)!))
        options.selection.until = "outcomes"
        let outcome = ws.run(try ws.config(stages: """
              - {id: ingest}
              - {id: cleanse, needs: [ingest], max_reject_rate: 0.1}
              - {id: customer360, needs: [cleanse], holdout_pct: 50}
              - {id: outcomes, needs: [customer360]}

            """), options)
        try #require(outcome.exitCode == .ok, "\(outcome.error ?? "")")

        var effects: [String: [MonthEffect]] = ["churn_watch": [], "detractor_repair": []]
        var figures = ["month      list              n(contacted) n(holdout)  effect  std_err  expected      z"]
        for month in truth.months.dropFirst() {
            let rows = try ListOutcomeRow.read(ColumnarTable.read(ws.path + "/warehouse/list_outcome/month=\(month)/part-0.csv").0)
            let followUp = try #require(truth.perMonth[month]?.followUp)
            for list in ["churn_watch", "detractor_repair"] {
                let t = try #require(list == "churn_watch" ? followUp.churnWatch : followUp.detractorRepair)
                func row(_ group: String) throws -> ListOutcomeRow { try #require(rows.first { $0.list == list && $0.group == group }) }
                let (all, held, contacted, notContacted) = (try row("all"), try row("holdout"), try row("contacted"), try row("not_contacted"))
                // The pipeline's SPEC §5.1 groups are the generator's, customer for customer in count.
                let measured: [Int] = [all.customers, held.customers, contacted.customers, notContacted.customers]
                let designed: [Int] = [t.customers, t.holdout, t.contacted, t.notContacted]
                #expect(measured == designed, "\(month) \(list) groups")
                let n: (Int, Int)
                if list == "churn_watch" {
                    n = (contacted.customers, held.customers)
                } else {
                    #expect(contacted.resurveyed == t.resurveyedContacted && held.resurveyed == t.resurveyedHoldout, "\(month) \(list) resurveyed")
                    n = (contacted.resurveyed, held.resurveyed)
                }
                guard n.0 >= Self.minGroup, n.1 >= Self.minGroup else { continue }
                let e = MonthEffect(month: month, contacted: n.0, holdout: n.1, effect: try #require(contacted.effect),
                                    stdErr: try #require(contacted.effectStdErr), expectedContacted: try #require(t.expectedRateContacted),
                                    expectedHoldout: try #require(t.expectedRateHoldout), expected: try #require(t.expectedEffectPt))
                effects[list]!.append(e)
                figures.append("\(month)    \(list.padding(toLength: 16, withPad: " ", startingAt: 0))  \(Self.f(Double(n.0), 0, 11)) \(Self.f(Double(n.1), 0, 10)) \(Self.f(e.effect, 2, 7)) \(Self.f(e.stdErr, 2, 8)) \(Self.f(e.expected, 2, 9)) \(Self.f(e.z, 2, 6))")
            }
        }
        for (list, direction) in [("churn_watch", -1.0), ("detractor_repair", 1.0)] {
            let months = effects[list]!
            #expect(months.count >= 4, "\(list): \(months.count) months with ≥ \(Self.minGroup) customers in each group")
            guard !months.isEmpty else { continue }
            for e in months {
                #expect(abs(e.z) <= 3, "\(e.month) \(list): effect \(e.effect) ± \(e.stdErr) against the truth's \(e.expected)")
            }
            let pooled = Pooled(months)
            figures.append("pooled     \(list.padding(toLength: 16, withPad: " ", startingAt: 0))  \(months.count) months                \(Self.f(pooled.effect, 2, 7)) \(Self.f(pooled.stdErr, 2, 8)) \(Self.f(pooled.expected, 2, 9)) \(Self.f(pooled.z, 2, 6))   effect/std_err \(Self.f(pooled.effect / pooled.stdErr, 2, 0))")
            // The run is large enough to tell the planted effect from no effect at all ...
            #expect(direction * pooled.expected >= 3 * pooled.stdErr, "\(list): expected \(pooled.expected) against a pooled std_err of \(pooled.stdErr)")
            // ... the measured effect agrees with it ...
            #expect(abs(pooled.z) <= 2.5, "\(list): pooled \(pooled.effect) ± \(pooled.stdErr) against the truth's \(pooled.expected)")
            // ... and is told from no effect, in the planted direction.
            #expect(direction * pooled.effect >= 2 * pooled.stdErr, "\(list): pooled \(pooled.effect) ± \(pooled.stdErr)")
        }
        print("planted follow-up effect against list_outcome (seed 2026, 40,000 customers, 7 months, holdout 50 %):\n" + figures.joined(separator: "\n"))
    }

    /// `x` with `digits` decimals, right-aligned in `width`.
    static func f(_ x: Double, _ digits: Int, _ width: Int) -> String {
        var s = String(Int((abs(x) * pow(10, Double(digits))).rounded()))
        if digits > 0 {
            while s.count <= digits { s = "0" + s }
            s.insert(".", at: s.index(s.endIndex, offsetBy: -digits))
        }
        if x < 0 && s.contains(where: { $0 != "0" && $0 != "." }) { s = "-" + s }
        return String(repeating: " ", count: max(0, width - s.count)) + s
    }
}
