import Foundation
import Testing
import PanoramaCore
import PanoramaEngine
import PanoramaGenerate
import PanoramaStages

/// SPEC §5.2 on data with a known truth: the generator's churn depends on the customer's state in a
/// way a logistic model can learn and the fixed-weight rule only partly captures (docs/generator.md),
/// so the learnt model's backtest must rank next month's churners better than the rule.
@Suite("Churn model on generated data: the learnt model beats the operator's rule", .serialized)
struct ChurnBacktestTests {
    @Test("20,000 customers over 5 months: in every backtest month the learnt model's AUC is above the rule's",
          .timeLimit(.minutes(10)))
    func learntBeatsRule() throws {
        let ws = Workspace()
        let truth = try SyntheticDeliveryGenerator(options: GeneratorOptions(
            start: "2026-01", months: 5, customers: 20_000, seed: 2026, encoding: "utf-8", dirtyRate: 0.01))
            .write(to: URL(fileURLWithPath: ws.path + "/input"))
        var options = RunOptions(months: .range(Month(key: truth.months.first!)!, Month(key: truth.months.last!)!))
        options.selection.until = "churn"
        let outcome = ws.run(try ws.config(stages: """
              - {id: ingest}
              - {id: cleanse, needs: [ingest], max_reject_rate: 0.1}
              - {id: customer360, needs: [cleanse]}
              - {id: churn, needs: [customer360], train_months: 6}

            """), options)
        #expect(outcome.exitCode == .ok, "\(outcome.error ?? "")")
        var compared = 0
        for month in truth.months.dropFirst(2) {
            let rows = try ChurnModelRow.read(ColumnarTable.read(ws.path + "/warehouse/churn_model/month=\(month)/part-0.csv").0)
            let learnt = try #require(rows.first { $0.model == "learnt" }), rule = try #require(rows.first { $0.model == "rule" })
            #expect(learnt.nEval == rule.nEval && learnt.churnersEval == rule.churnersEval)
            let l = try #require(learnt.auc), r = try #require(rule.auc)
            print("churn backtest \(month): learnt AUC \(l) lift \(learnt.topDecileLift ?? -1); rule AUC \(r) lift \(rule.topDecileLift ?? -1); n \(learnt.nEval), churners \(learnt.churnersEval)")
            #expect(l > r, "\(month): learnt \(l) ≤ rule \(r)")
            compared += 1
        }
        #expect(compared == 3)
    }
}
