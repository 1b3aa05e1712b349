import Foundation
import Testing
import PanoramaCore
import PanoramaEngine
import PanoramaGenerate
import PanoramaStages

/// SPEC §4.1 on data with a known truth: the generator plants real month-over-month changes
/// ("shifts") and records them; the kpi stage should confirm them (recall) and confirm little else
/// (precision).
@Suite("Significance on generated data: planted shifts come out confirmed, noise does not", .serialized)
struct SignificanceRecallTests {
    /// Whether a confirmed kpi row of month M is explained by a shift planted in M: its KPI is one the
    /// shift moves, and it is not another member of the shift's own dimension (docs/generator.md).
    static func explained(_ row: KPIRow, by shifts: [PlantedShift]) -> Bool {
        shifts.contains { s in
            s.moves.contains { $0.kpi == row.kpi } && !(row.dimension == s.dimension && row.member != s.member)
        }
    }

    @Test("demo-sized data (20,000 customers, 5 months): every planted shift is confirmed; almost every confirmed sampled row was planted",
          .timeLimit(.minutes(10)))
    func recallAndPrecision() throws {
        let ws = Workspace()
        let truth = try SyntheticDeliveryGenerator(options: GeneratorOptions(
            start: "2025-12", months: 5, customers: 20_000, seed: 2026, encoding: "utf-8", dirtyRate: 0.01))
            .write(to: URL(fileURLWithPath: ws.path + "/input"))
        #expect(truth.shifts.count >= 4)
        var options = RunOptions(months: .range(Month(key: "2025-12")!, Month(key: "2026-04")!))
        options.selection.until = "kpi"
        let outcome = ws.run(try ws.config(stages: """
              - {id: ingest}
              - {id: cleanse, needs: [ingest], max_reject_rate: 0.1}
              - {id: customer360, needs: [cleanse]}
              - {id: kpi, needs: [customer360]}

            """), options)
        #expect(outcome.exitCode == .ok, "\(outcome.error ?? "")")

        var found = 0, confirmed = 0, planted = 0, census = 0
        var unexplained: [String] = []
        for month in truth.months.dropFirst() {
            let rows = try KPIRow.read(ColumnarTable.read(ws.path + "/warehouse/kpi/month=\(month)/part-0.csv").0)
            let shifts = truth.shifts.filter { $0.month == month }
            for s in shifts {
                let row = rows.first { $0.kpi == s.kpi && $0.dimension == s.dimension && $0.member == s.member }
                if row?.alertLevel == "confirmed" { found += 1 }
            }
            for row in rows where row.alertLevel == "confirmed" {
                // hv_retention follows one cohort in full (a census): SPEC §4.1 confirms its moves by
                // definition, and a cohort really does erode month by month; it is no sampling claim.
                if row.kpi == "hv_retention" { census += 1; continue }
                confirmed += 1
                if Self.explained(row, by: shifts) { planted += 1 } else {
                    unexplained.append("\(month) \(row.kpi) \(row.dimension)=\(row.member) q=\(row.momQValue ?? -1)")
                }
            }
        }
        let recall = Double(found) / Double(truth.shifts.count)
        let precision = Double(planted) / Double(max(1, confirmed))
        // Measured at seed 2026 (docs/report.md): recall 7/7, 64 of 66 confirmed sampled rows planted, 21 census rows.
        print("significance on generated data: recall \(found)/\(truth.shifts.count), precision \(planted)/\(confirmed), census rows \(census), unexplained \(unexplained)")
        #expect(recall >= 0.8, "recall \(found)/\(truth.shifts.count)")
        #expect(precision >= 0.9, "precision \(planted)/\(confirmed): \(unexplained)")
    }
}
