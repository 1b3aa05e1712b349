import Foundation
import Testing
import PanoramaConfig
import PanoramaCore
import PanoramaStages
import PanoramaStats
import PanoramaTestSupport
@testable import PanoramaEngine

/// One customer_360 row of the hand-made history, with only what the churn model reads; the other
/// columns are filled consistently (value_tier and high_value from arpu_3m_avg, the risk score from
/// the flags with the default weights bill_drop .30, call_forward .25, offnet .20, complaint .15,
/// detractor .10).
struct ChurnFixtureRow {
    var id: String
    var churned: Bool
    /// flag_bill_drop, flag_call_forward, flag_offnet, flag_complaint, flag_detractor.
    var flags: [Int]
    var complaints3m: Int
    var open: Int
    var arpu3m: Double?
    var tenure: Int
    var vip: String
    var nps: Int?
    var brand: String

    init(_ id: String, _ churned: Bool, _ flags: [Int], _ complaints3m: Int, _ open: Int, _ arpu3m: Double?, _ tenure: Int,
         _ vip: String, _ nps: Int?, _ brand: String) {
        (self.id, self.churned, self.flags, self.complaints3m, self.open, self.arpu3m, self.tenure, self.vip, self.nps, self.brand) =
            (id, churned, flags, complaints3m, open, arpu3m, tenure, vip, nps, brand)
    }

    var riskScore: Int { Int((100 * zip(flags, [0.30, 0.25, 0.20, 0.15, 0.10]).reduce(0) { $0 + Double($1.0) * $1.1 }).rounded()) }

    func line(_ month: String) -> String {
        let a = arpu3m ?? 0
        let tier = arpu3m == nil ? "D" : a >= 300 ? "A" : a >= 120 ? "B" : a >= 50 ? "C" : "D"
        let arpu = arpu3m.map { formatNumber($0)! } ?? ""
        let category = nps.map { $0 >= 9 ? "promoter" : $0 >= 7 ? "passive" : "detractor" } ?? ""
        let risk = riskScore >= 50 ? "high" : riskScore >= 25 ? "medium" : "low"
        let cells: [String] = [
            month, id, "138****0000", "石家庄", "", brand, vip, "", "40", String(tenure), arpu, "", "", "", "", "", "", arpu, "", tier,
            String(a >= 120), String(churned), nps.map(String.init) ?? "", "", category, String(complaints3m), String(open),
        ] + flags.map { String($0 == 1) } + [String(riskScore), risk, "false", ""]
        return cells.joined(separator: ",")
    }
}

/// The hand-made history of SPEC §5.2's worked example: customer_360 of 2026-08, 2026-09 and 2026-10
/// (M) in a temporary warehouse.
///
/// Pairs (train_months 6): production (08→09) and (09→10); backtest (08→09) only (07 is missing);
/// the backtest evaluation is the pair (09→10).
///   pair 08→09 rows: C01 C02 C03 C04 C07 C08 C09 (C05 churned in 08; C06 is not in 09's base);
///                    y = churned_in_month of 09: C02 and C07 → 7 rows, 2 churners.
///   pair 09→10 rows: C01 C03 C04 C08 C09 C10 C11 C12 (C02, C07 churned in 09);
///                    y = churned_in_month of 10: C03 and C12 → 8 rows, 2 churners.
/// Features (from t) in SPEC order, e.g. C03 in 08: flags 0,0,0,1,1; complaints_3m 3; open 1;
/// ln(1 + 40); min(300, 240)/12 = 20; vip 0 (none); high_value 0; has_survey 1 (nps 3).
/// C09 in 09 has no arpu_3m_avg: log_arpu_3m = 0 and value_tier D. C10 in 09 is `silver`, a
/// vip_level no backtest training row has.
struct ChurnHistory {
    static let month = Month(key: "2026-10")!
    static let header = Customer360Stage.customer360.columns.joined(separator: ",")

    static let m08: [ChurnFixtureRow] = [
        .init("C01", false, [1, 0, 0, 0, 0], 0, 0, 150, 24, "gold", 9, "gotone"),
        .init("C02", false, [0, 1, 1, 0, 0], 1, 0, 80, 6, "none", nil, "mzone"),
        .init("C03", false, [0, 0, 0, 1, 1], 3, 1, 40, 300, "none", 3, "easyown"),
        .init("C04", false, [0, 0, 0, 0, 0], 0, 0, 320, 120, "diamond", 10, "gotone"),
        .init("C05", true, [1, 1, 0, 0, 0], 0, 0, 60, 12, "none", nil, "mzone"),
        .init("C06", false, [0, 1, 0, 0, 0], 0, 0, nil, 2, "none", nil, "mzone"),
        .init("C07", false, [0, 0, 1, 0, 1], 1, 1, 55, 36, "none", 5, "easyown"),
        .init("C08", false, [1, 0, 1, 0, 0], 0, 0, 130, 48, "none", 8, "gotone"),
        .init("C09", false, [0, 0, 0, 0, 0], 1, 0, 95, 60, "none", nil, "mzone"),
    ]
    static let m09: [ChurnFixtureRow] = [
        .init("C01", false, [0, 0, 0, 0, 0], 0, 0, 140, 25, "gold", nil, "gotone"),
        .init("C02", true, [0, 1, 1, 0, 0], 1, 1, 75, 7, "none", nil, "mzone"),
        .init("C03", false, [0, 0, 0, 1, 1], 3, 0, 38, 301, "none", 2, "easyown"),
        .init("C04", false, [0, 0, 0, 0, 0], 0, 0, 310, 121, "diamond", nil, "gotone"),
        .init("C07", true, [0, 0, 1, 0, 1], 1, 1, 50, 37, "none", 6, "easyown"),
        .init("C08", false, [1, 0, 1, 0, 0], 1, 1, 110, 49, "none", nil, "gotone"),
        .init("C09", false, [0, 1, 0, 0, 0], 1, 0, nil, 61, "none", nil, "mzone"),
        .init("C10", false, [1, 1, 0, 0, 0], 0, 0, 70, 1, "silver", nil, "mzone"),
        .init("C11", false, [0, 0, 0, 0, 1], 0, 0, 200, 10, "gold", 4, "easyown"),
        .init("C12", false, [1, 1, 0, 0, 0], 0, 0, 60, 3, "none", 7, "easyown"),
    ]
    static let m10: [ChurnFixtureRow] = [
        .init("C01", false, [0, 0, 0, 0, 0], 0, 0, 145, 26, "gold", 9, "gotone"),
        .init("C03", true, [0, 0, 0, 1, 1], 3, 0, 35, 302, "none", nil, "easyown"),
        .init("C04", false, [0, 0, 0, 0, 0], 0, 0, 300, 122, "diamond", nil, "gotone"),
        .init("C08", false, [1, 0, 1, 0, 0], 1, 0, 100, 50, "none", nil, "gotone"),
        .init("C09", false, [0, 1, 0, 0, 0], 1, 0, 85, 62, "none", nil, "mzone"),
        .init("C10", false, [1, 1, 0, 0, 0], 0, 0, 65, 2, "silver", nil, "mzone"),
        .init("C11", false, [0, 0, 0, 0, 1], 0, 0, 190, 11, "gold", 3, "easyown"),
        .init("C12", true, [1, 1, 0, 0, 0], 0, 0, 55, 4, "none", nil, "easyown"),
        // C13 and C14 are the same customer twice over: equal probabilities, ranked by id.
        .init("C13", false, [0, 1, 0, 0, 0], 0, 0, 90, 5, "none", nil, "mzone"),
        .init("C14", false, [0, 1, 0, 0, 0], 0, 0, 90, 5, "none", nil, "mzone"),
    ]

    let dir = TempDir("churn")
    var warehouse: String { dir.path + "/warehouse" }

    /// Writes customer_360 of a month (rows reversed when asked: the stage must not depend on order).
    func write(_ month: String, _ rows: [ChurnFixtureRow], reversed: Bool = false) {
        let lines = (reversed ? rows.reversed() : rows).map { $0.line(month) }
        dir.write("warehouse/customer_360/month=\(month)/part-0.csv", ([Self.header] + lines).joined(separator: "\n") + "\n")
    }

    func writeAll(reversed: Bool = false) {
        write("2026-08", Self.m08, reversed: reversed)
        write("2026-09", Self.m09, reversed: reversed)
        write("2026-10", Self.m10, reversed: reversed)
    }

    func configText(_ params: String) -> String {
        """
        name: test
        province: 河北
        month: 2026-10
        paths: {input: \(dir.path)/input/{month}, warehouse: \(warehouse), reports: \(dir.path)/reports/{month}}
        stages:
          - {id: churn\(params.isEmpty ? "" : ", " + params)}
        """
    }

    /// Runs the stage directly on the hand-made warehouse.
    func execute(_ params: String = "") throws -> StageReport {
        let config = try PipelineConfig.parse(text: configText(params), file: "test.yaml")
        let runner = PipelineRunner(config: config, options: RunOptions(), log: RunLogger(quiet: true, sink: { _ in }),
                                    registry: StageKinds.registry)
        return try runner.executeStage("churn", month: Self.month).report
    }

    func table(_ name: String) -> String? { dir.read("warehouse/\(name)/month=2026-10/part-0.csv") }
}

private let modelHeader = "month,model,train_pairs,n_train,n_eval,churners_eval,auc,top_decile_lift\n"
private let coefHeader = "month,feature,coef,backtest_coef\n"
private let scoreHeader = "month,customer_id,churn_probability,risk_rank\n"

// The fitted numbers below were reproduced by an independent implementation of SPEC §5.2 (numpy:
// dense design, Newton from β = 0 with np.linalg.solve on XᵀWX + λĨ, stop at max|Δβ| ≤ 1e-10; the
// production fit takes 6 iterations, the backtest fit 8; the script is at the end of this file),
// which agrees with these to every written digit.
private let expectedCoef = """
    2026-10,intercept,-1.625916,2.611546
    2026-10,flag_bill_drop,-0.183087,-0.34323
    2026-10,flag_call_forward,0.534882,0.161136
    2026-10,flag_offnet,0.377058,0.364686
    2026-10,flag_complaint,0.205342,-0.000074
    2026-10,flag_detractor,0.429609,0.331689
    2026-10,complaints_3m,0.670331,0.345061
    2026-10,open_complaints,-0.21951,0.331689
    2026-10,log_arpu_3m,0.097266,-0.345764
    2026-10,tenure_years,-0.116539,-0.626368
    2026-10,vip,-0.629727,-0.216997
    2026-10,high_value,-0.641567,-0.345208
    2026-10,has_survey,0.643952,-0.013519

    """

// churn_score: the eight customers of 10's base not churned in 10 (C03 and C12 churned). C13 and
// C14 tie exactly (0.33162585176054765 both) and take ranks 2 and 3 in id order.
private let expectedScore = """
    2026-10,C09,0.356734,1
    2026-10,C13,0.331626,2
    2026-10,C14,0.331626,3
    2026-10,C08,0.310389,4
    2026-10,C11,0.194723,5
    2026-10,C10,0.180086,6
    2026-10,C01,0.117013,7
    2026-10,C04,0.028556,8

    """

// churn_model, n_eval 8 (the pair 09→10 rows), 2 churners (C03, C12); the top decile is ⌈8/10⌉ = 1 row.
// learnt: backtest-fit probabilities C01 .2755, C03 .0001, C04 .0019, C08 .2939, C09 .4834, C10 .6652,
//   C11 .5030, C12 .6980. Pairs (churner, non-churner) ordered right: C03 beats none of the six, C12
//   beats all six → 6/12 = 0.5; the top row is C12, a churner: (1/1)/(2/8) = 4.
// rule (churn_risk_score of 09): C01 0, C03 25, C04 0, C08 50, C09 25, C10 55, C11 10, C12 55.
//   C03: above 0, 0, 10, tied with 25 (½) → 3.5; C12: above 0, 0, 50, 25, 10, tied with C10 (½) → 5.5;
//   9/12 = 0.75. Top row: C10 and C12 tie at 55 and the smaller id, C10 (not a churner), is taken → 0.
// segment_rates over the backtest rows (pair 08→09, attributes of 08, 7 rows, churners C02 C07):
//   value_tier A 0/1, B 0/2, C 2/3, D 0/1; brand gotone 0/3, mzone 1/2, easyown 1/2;
//   vip_level gold 0/1, diamond 0/1, none 2/5 (silver unseen); flag_offnet true 2/3, false 0/4;
//   flag_call_forward true 1/1, false 1/6; flag_bill_drop true 0/2, false 2/5;
//   flag_complaint true 0/1, false 1/3; flag_detractor true 1/2, false 1/5.
//   Scores of the evaluation rows (attributes of 09), ×100: C01 110, C03 196.67, C04 110, C08 243.33,
//   C09 283.33 (tier D: no arpu), C10 270 (silver adds 0), C11 190, C12 310.
//   C03 beats C01, C04, C11 → 3; C12 beats all six → 6; 9/12 = 0.75. Top row C12, a churner → 4.
private let expectedModel = """
    2026-10,learnt,1,7,8,2,0.5,4
    2026-10,rule,,,8,2,0.75,0
    2026-10,segment_rates,1,7,8,2,0.75,4

    """

@Suite("churn stage: the worked three-month history (SPEC §5.2)")
struct ChurnStageTests {
    @Test("churn_coef, churn_score (order and ties) and the three churn_model rows")
    func workedExample() throws {
        let h = ChurnHistory()
        h.writeAll()
        let report = try h.execute()
        #expect(h.table("churn_coef") == coefHeader + expectedCoef)
        #expect(h.table("churn_score") == scoreHeader + expectedScore)
        #expect(h.table("churn_model") == modelHeader + expectedModel)
        // 2026-07 and the months before it are missing: fewer pairs, said once.
        #expect(report.warnings == ["customer_360 missing for 2026-03, 2026-04, 2026-05, 2026-06, 2026-07: 2 of 6 production pairs and 1 of 6 backtest pairs"])
        let quality = try #require(ChurnQuality(json: report.quality))
        #expect(quality.production?.pairs == ["2026-08/2026-09", "2026-09/2026-10"])
        #expect(quality.production?.rows == 15 && quality.production?.churners == 4)
        #expect(quality.production?.iterations == 6 && quality.production?.converged == true)
        #expect(quality.backtest?.pairs == ["2026-08/2026-09"])
        #expect(quality.backtest?.rows == 7 && quality.backtest?.iterations == 8)
        #expect(quality.evaluationRows == 8 && quality.evaluationChurners == 2 && quality.scored == 8)
        #expect(quality.auc.map(\.model) == ["learnt", "rule", "segment_rates"])
        #expect(report.summary.hasPrefix("production: 2 of 6 pairs, 15 rows, 4 churners, 6 iterations; backtest: 1 of 6 pairs, 7 rows"))
    }

    @Test("partitions whose rows are not in customer_id order give the same bytes")
    func rowOrderDoesNotMatter() throws {
        let h = ChurnHistory()
        h.writeAll(reversed: true)
        _ = try h.execute()
        #expect(h.table("churn_coef") == coefHeader + expectedCoef)
        #expect(h.table("churn_score") == scoreHeader + expectedScore)
        #expect(h.table("churn_model") == modelHeader + expectedModel)
    }

    @Test("the stage's fit is the library fit of the pairs' rows, and its scores use η in SPEC order")
    func stageAgreesWithLibrary() throws {
        // The production fit of the history from the features listed above, dense and unpacked.
        func features(_ r: ChurnFixtureRow) -> [Double] {
            r.flags.map(Double.init) + [Double(r.complaints3m), Double(r.open), r.arpu3m.map { log1p($0) } ?? 0,
                                        Double(min(r.tenure, 240)) / 12, r.vip == "none" ? 0 : 1,
                                        (r.arpu3m ?? 0) >= 120 ? 1 : 0, r.nps == nil ? 0 : 1]
        }
        func pair(_ t: [ChurnFixtureRow], _ next: [ChurnFixtureRow]) -> (x: [[Double]], y: [Bool]) {
            var x: [[Double]] = [], y: [Bool] = []
            for r in t where !r.churned {
                guard let n = next.first(where: { $0.id == r.id }) else { continue }
                x.append(features(r))
                y.append(n.churned)
            }
            return (x, y)
        }
        let a = pair(ChurnHistory.m08, ChurnHistory.m09), b = pair(ChurnHistory.m09, ChurnHistory.m10)
        let rows = a.x + b.x
        let columns = (0..<12).map { j in rows.map { $0[j] } }
        let fit = try LogisticRegression.fit([LogisticRows(y: a.y + b.y, x: columns, packing: .none)], ridge: 1)
        #expect(fit.converged)
        let h = ChurnHistory()
        h.writeAll()
        _ = try h.execute()
        let coef = try ChurnCoefRow.read(ColumnarTable.fixture(h.table("churn_coef")!))
        for (j, row) in coef.enumerated() { #expect(abs(row.coef! - fit.coefficients[j]) < 5e-7) }
        let score = ColumnarTable.fixture(h.table("churn_score")!)
        for r in 0..<score.rowCount {
            let customer = ChurnHistory.m10.first { $0.id == score.string(r, 1) }!
            #expect(abs(score.double(r, 2)! - fit.probability(features(customer))) < 5e-7)
        }
    }

    @Test("a re-run through the runner rewrites byte-identical partitions; the manifest holds the quality record")
    func determinism() throws {
        let h = ChurnHistory()
        h.writeAll()
        let config = try PipelineConfig.parse(text: h.configText("train_months: 6, ridge: 1"), file: "test.yaml")
        let runner = PipelineRunner(config: config, options: RunOptions(months: .one(ChurnHistory.month)),
                                    log: RunLogger(quiet: true, sink: { _ in }), registry: StageKinds.registry)
        #expect(runner.run().exitCode == .ok)
        let first = ["churn_model", "churn_coef", "churn_score"].map { h.table($0) }
        let manifest = try #require(Warehouse(root: h.warehouse).manifest(ChurnHistory.month, stage: "churn"))
        #expect(manifest.status == .ok)
        #expect(manifest.inputs.map { "\($0.name) \($0.month)" } == ["customer_360 2026-08", "customer_360 2026-09", "customer_360 2026-10"])
        #expect(manifest.outputs.map(\.name) == ["churn_model", "churn_coef", "churn_score"])
        #expect(manifest.quality(ChurnQuality.self)?.scored == 8)
        h.dir.remove("warehouse/churn_score")
        #expect(runner.run().exitCode == .ok)
        #expect(["churn_model", "churn_coef", "churn_score"].map { h.table($0) } == first)
    }
}

@Suite("churn stage: missing history and degenerate evaluations")
struct ChurnEmptyCaseTests {
    @Test("only M: no pair at all — every table is written with its header only, and two warnings")
    func onlyRunMonth() throws {
        let h = ChurnHistory()
        h.write("2026-10", ChurnHistory.m10)
        let report = try h.execute()
        #expect(h.table("churn_model") == modelHeader)
        #expect(h.table("churn_coef") == coefHeader)
        #expect(h.table("churn_score") == scoreHeader)
        #expect(report.warnings.contains { $0.hasPrefix("no production pair") })
        #expect(report.warnings.contains { $0.hasPrefix("no backtest pair") })
        let quality = try #require(ChurnQuality(json: report.quality))
        #expect(quality.production == nil && quality.backtest == nil && quality.scored == 0)
        #expect(report.summary == "production: no pair; backtest: no pair; 0 customers scored")
    }

    @Test("M-1 and M only: a production fit (scores, coef) but no backtest (no churn_model rows, backtest_coef empty)")
    func noBacktestPair() throws {
        let h = ChurnHistory()
        h.write("2026-09", ChurnHistory.m09)
        h.write("2026-10", ChurnHistory.m10)
        let report = try h.execute()
        #expect(h.table("churn_model") == modelHeader)
        let coef = try ChurnCoefRow.read(ColumnarTable.fixture(h.table("churn_coef")!))
        #expect(coef.map(\.feature) == ["intercept"] + ChurnStage.features)
        #expect(coef.allSatisfy { $0.coef != nil && $0.backtestCoef == nil })
        #expect(h.table("churn_score")!.split(separator: "\n").count == 1 + 8)
        #expect(report.warnings.contains { $0.hasPrefix("no backtest pair") })
        #expect(!report.warnings.contains { $0.hasPrefix("no production pair") })
    }

    @Test("M-1 missing: both fits from older pairs, an evaluation with no rows (n_eval 0, auc and lift empty)")
    func noEvaluationPair() throws {
        // 07 → 08 is a pair of both fits (t+1 = 08 is within six months of M and of M-1); 09 is missing.
        // Its rows are those of the pair 08→09 above (the same customers, a month earlier): 7.
        let h = ChurnHistory()
        h.write("2026-07", ChurnHistory.m08)
        h.write("2026-08", ChurnHistory.m09)
        h.write("2026-10", ChurnHistory.m10)
        _ = try h.execute()
        #expect(h.table("churn_model") == modelHeader + """
            2026-10,learnt,1,7,0,0,,
            2026-10,rule,,,0,0,,
            2026-10,segment_rates,1,7,0,0,,

            """)
        let coef = try ChurnCoefRow.read(ColumnarTable.fixture(h.table("churn_coef")!))
        #expect(coef.allSatisfy { $0.coef != nil && $0.coef == $0.backtestCoef })
    }

    @Test("an evaluation without churners, or without non-churners, leaves auc and lift empty")
    func oneClassEvaluation() throws {
        let h = ChurnHistory()
        h.write("2026-08", ChurnHistory.m08)
        h.write("2026-09", ChurnHistory.m09)
        // Nobody churns in 10.
        h.write("2026-10", ChurnHistory.m10.map { var r = $0; r.churned = false; return r })
        _ = try h.execute()
        let rows = try ChurnModelRow.read(ColumnarTable.fixture(h.table("churn_model")!))
        #expect(rows.map(\.model) == ["learnt", "rule", "segment_rates"])
        #expect(rows.allSatisfy { $0.nEval == 8 && $0.churnersEval == 0 && $0.auc == nil && $0.topDecileLift == nil })
        // Everyone of the evaluation churns in 10.
        h.write("2026-10", ChurnHistory.m10.map { var r = $0; r.churned = r.id <= "C12"; return r })
        _ = try h.execute()
        let all = try ChurnModelRow.read(ColumnarTable.fixture(h.table("churn_model")!))
        #expect(all.allSatisfy { $0.nEval == 8 && $0.churnersEval == 8 && $0.auc == nil && $0.topDecileLift == nil })
        // churn_score holds only the two customers of 10 not churned.
        #expect(h.table("churn_score")!.split(separator: "\n").map { $0.split(separator: ",")[1] } == ["customer_id", "C13", "C14"])
    }

    @Test("a missing customer_360 of M is a usage error naming the stage to run first")
    func missingRunMonth() throws {
        let h = ChurnHistory()
        h.write("2026-09", ChurnHistory.m09)
        do {
            _ = try h.execute()
            Issue.record("should fail without customer_360 of M")
        } catch let e as PanoramaError {
            #expect(e.exitCode == .usage)
            #expect(e.message.contains("customer_360` of 2026-10"))
        }
        #expect(h.table("churn_score") == nil)
    }

    @Test("settings: train_months 1–36 and ridge ≥ 0, errors at the value's position")
    func settings() throws {
        let h = ChurnHistory()
        h.writeAll()
        func message(_ params: String) -> String {
            do {
                _ = try h.execute(params)
                return "no error"
            } catch {
                return "\(error)"
            }
        }
        #expect(message("train_months: 0").contains("train_months must be between 1 and 36"))
        #expect(message("train_months: 37").contains("train_months must be between 1 and 36"))
        #expect(message("train_months: 1.5").contains("train_months must be an integer"))
        #expect(message("ridge: -1").contains("ridge must be a number ≥ 0"))
        #expect(message("ridge: abc").contains("ridge must be a number"))
        #expect(message("ridge: -1").hasPrefix("test.yaml:6:"))
        #expect(throws: ConfigError.self) { try StageKinds.parsePipeline(text: h.configText("train_month: 5"), file: "test.yaml") }
        // train_months 1: the production fit is the pair 09→10 only, the backtest fit 08→09.
        #expect(message("train_months: 1, ridge: 0") == "no error")
        let coef = try ChurnCoefRow.read(ColumnarTable.fixture(h.table("churn_coef")!))
        #expect(coef.count == 13 && coef.allSatisfy { $0.coef!.isFinite && $0.backtestCoef!.isFinite })
    }
}

/*
 The independent reference (Python 3 with numpy) that produced the expected coefficients, the
 learnt row and the scores above:

    # Independent reference for the hand-made three-month churn fixture (SPEC §5.2), numpy only.
    import numpy as np
    # M08, M09, M10 = {id: (churned, [bd,cf,off,cpl,det], c3m, open, arpu3m or None, tenure, vip, nps or None, brand)}
    # as in ChurnHistory.m08 / m09 / m10 above.
    def feats(r):
        ch, f, c3, op, arpu, ten, vip, nps, brand = r
        return f + [c3, op, np.log(1 + arpu) if arpu is not None else 0.0, min(ten, 240) / 12,
                    1 if vip != 'none' else 0, 1 if (arpu or 0) >= 120 else 0, 1 if nps is not None else 0]
    def pair(t, t1):
        X, y, ids = [], [], []
        for cid in sorted(t):
            if t[cid][0] == 0 and cid in t1:
                X.append(feats(t[cid])); y.append(t1[cid][0]); ids.append(cid)
        return np.array(X, float), np.array(y, float), ids
    def fit(X, y, lam):
        X1 = np.hstack([np.ones((len(y), 1)), X]); b = np.zeros(X1.shape[1]); P = np.eye(X1.shape[1]) * lam; P[0, 0] = 0
        for it in range(1, 101):
            p = 1 / (1 + np.exp(-X1 @ b)); w = p * (1 - p)
            g = X1.T @ (y - p) - P @ b; H = X1.T @ (X1 * w[:, None]) + P
            d = np.linalg.solve(H, g); b = b + d
            if np.max(np.abs(d)) <= 1e-10: return b, it
        return b, 100
    def prob(b, x):
        eta = b[0]
        for j, v in enumerate(x): eta += b[j + 1] * v
        return 1 / (1 + np.exp(-eta))
    def auc(s, y):
        pos = [a for a, l in zip(s, y) if l]; neg = [a for a, l in zip(s, y) if not l]
        return sum(1 if a > c else .5 if a == c else 0 for a in pos for c in neg) / (len(pos) * len(neg))
    def lift(s, y, ids):
        k = -(-len(s) // 10); order = sorted(range(len(s)), key=lambda i: (-s[i], ids[i]))
        return (sum(y[i] for i in order[:k]) / k) / (sum(y) / len(y))
    Xa, ya, ida = pair(M08, M09); Xb, yb, idb = pair(M09, M10)
    prod, itp = fit(np.vstack([Xa, Xb]), np.concatenate([ya, yb]), 1.0)
    back, itb = fit(Xa, ya, 1.0)
    names = ['intercept','flag_bill_drop','flag_call_forward','flag_offnet','flag_complaint','flag_detractor','complaints_3m','open_complaints','log_arpu_3m','tenure_years','vip','high_value','has_survey']
    print('iterations', itp, itb)
    for n, a, b in zip(names, prod, back): print('2026-10,%s,%.6f,%.6f' % (n, a, b))
    s = [prob(back, x) for x in Xb]
    print('learnt rows', len(yb), int(sum(yb)), 'auc %.6f lift %.6f' % (auc(s, yb), lift(s, yb, idb)))
    for i, v in zip(idb, s): print('  eval', i, '%.10f' % v)
    sc = sorted([(prob(prod, feats(r)), cid) for cid, r in M10.items() if r[0] == 0], key=lambda t: (-t[0], t[1]))
    for k, (p, cid) in enumerate(sc): print('2026-10,%s,%.6f,%d   (%.17g)' % (cid, p, k + 1, p))
*/
