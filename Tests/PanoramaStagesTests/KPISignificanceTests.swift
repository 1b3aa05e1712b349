import Foundation
import Testing
import PanoramaTestSupport
import PanoramaCore
@testable import PanoramaStages

/// October 2026 against a published September kpi partition, worked by hand (SPEC §4.1, §4.2).
///
/// Base: 石家庄 K1–K4 (K3 churned), 唐山 K5–K6, 邯郸 K7–K8 (K8 churned; 邯郸 is new in October).
/// September had 石家庄, 唐山 and 保定 (保定 is gone in October).
/// Four surveys (scores network, hall, hotline, billing, new_business, promotion, communication):
///   R1 (K1)  9 9 8 8 8 7 9     R2 (K2)  8 7 7 8 · · ·     R3 (K5) 10 8 6 7 7 6 8     R4 (K7)  9 · · 9 · · ·
/// answered nᵢ = 4 3 3 4 2 2 2, means mᵢ = 9 8 7 8 7.5 6.5 8.5, sub-indices 90 80 70 80 75 65 85;
/// sat_index = .25·90 + .15·(80 + 70 + 80) + .10·(75 + 65 + 85) = 22.5 + 34.5 + 22.5 = 79.5.
///
/// The September partition is trimmed to the rows below, so exactly five October rows have every
/// input of a test (value, prev_value, base, prev_base, and both std_errs where needed): sat_index,
/// sat_network, and churn_rate for the total, 石家庄 and 唐山. The other sub-indices had one answer in
/// September (std_err empty: n < 2), so they have no p-value.
enum KPISignificanceFixture {
    static let c360 = columnar("""
    customer_id,city,brand,vip_level,value_tier,high_value,churned_in_month,arpu
    K1,石家庄,gotone,gold,A,true,false,300
    K2,石家庄,mzone,none,C,false,false,60
    K3,石家庄,gotone,none,B,true,true,150
    K4,石家庄,easyown,none,D,false,false,20
    K5,唐山,gotone,none,B,true,false,130
    K6,唐山,mzone,none,C,false,false,
    K7,邯郸,easyown,none,D,false,false,30
    K8,邯郸,mzone,none,C,false,true,55

    """)
    static let surveys = table("""
    survey_id,customer_id,survey_date,channel,touchpoint,nps,overall_sat,network,hall,hotline,billing,new_business,promotion,communication
    R1,K1,2026-10-01,sms,,10,9,9,9,8,8,8,7,9
    R2,K2,2026-10-02,sms,,8,8,8,7,7,8,,,
    R3,K5,2026-10-03,app,,6,6,10,8,6,7,7,6,8
    R4,K7,2026-10-04,sms,,9,,9,,,9,,,

    """)
    static let complaints = table("complaint_id,customer_id,opened_at,category,closed_at,escalated\n")

    static let kpiHeader = "month,kpi,dimension,member,value,base,prev_value,mom_change,mom_unit,target,target_gap,polarity,direction,alert"
    static let newColumns = ",std_err,prev_base,prev_std_err,mom_p_value,mom_q_value,significant,alert_level"
    /// September's rows as a partition written before SPEC §4.1 (14 columns), and with the new ones.
    static let previousRows: [(old: String, new: String)] = [
        ("2026-09,sat_index,total,河北,71,50,,,pct,,,higher_better,flat,none", ",1.5,,,,,,none"),
        ("2026-09,sat_network,total,河北,70,50,,,pct,,,higher_better,flat,none", ",2,,,,,,none"),
        ("2026-09,sat_hall,total,河北,80,1,,,pct,,,higher_better,flat,none", ",,,,,,,none"),
        ("2026-09,sat_hotline,total,河北,60,1,,,pct,,,higher_better,flat,none", ",,,,,,,none"),
        ("2026-09,sat_billing,total,河北,70,1,,,pct,,,higher_better,flat,none", ",,,,,,,none"),
        ("2026-09,sat_new_business,total,河北,80,1,,,pct,,,higher_better,flat,none", ",,,,,,,none"),
        ("2026-09,sat_promotion,total,河北,60,1,,,pct,,,higher_better,flat,none", ",,,,,,,none"),
        ("2026-09,sat_communication,total,河北,80,1,,,pct,,,higher_better,flat,none", ",,,,,,,none"),
        ("2026-09,churn_rate,total,河北,20,10,,,pct,,,lower_better,flat,none", ",12.649111,,,,,,none"),
        ("2026-09,churn_rate,city,保定,0,3,,,pct,,,lower_better,flat,none", ",0,,,,,,none"),
        ("2026-09,churn_rate,city,唐山,50,2,,,pct,,,lower_better,flat,none", ",35.355339,,,,,,none"),
        ("2026-09,churn_rate,city,石家庄,20,5,,,pct,,,lower_better,flat,none", ",17.888544,,,,,,none"),
    ]
    static let previous = table(([kpiHeader + newColumns] + previousRows.map { $0.old + $0.new }).joined(separator: "\n") + "\n")
    static let oldPrevious = table(([kpiHeader] + previousRows.map(\.old)).joined(separator: "\n") + "\n")

    static func run(previous: ColumnarTable? = previous, alpha: Double = 0.05) throws -> KPIOutput {
        var s = KPISettings()
        s.province = "河北"
        s.alpha = alpha
        s.targets = ["sat_index": (85, [:]), "nps": (30, [:])]
        for id in KPICatalogue.ids { s.minBase[id] = 1 }
        return try KPIRollup(settings: s).run(KPIInputs(month: Month(key: "2026-10")!, customer360: c360, surveys: surveys,
                                                        complaints: complaints, previous: previous, snapshot: nil))
    }

    /// A row as the CSV writer writes it, without its line end.
    static func text(_ row: KPIRow) -> String {
        var w = CSVWriter(header: [])
        row.write(to: &w)
        return String(decoding: w.bytes.dropLast(), as: UTF8.self)
    }
}

@Suite("kpi: std_err, p- and q-values, significant and alert_level on a hand-worked fixture (SPEC §4.1)")
struct KPISignificanceTests {
    func row(_ out: KPIOutput, _ kpi: String, _ dim: String = "total", _ member: String = "河北") -> String? {
        out.rows.first { $0.kpi == kpi && $0.dimension == dim && $0.member == member }.map(KPISignificanceFixture.text)
    }

    @Test("every column of 唐山's churn_rate, sat_network and sat_index, worked by hand")
    func workedRows() throws {
        let out = try KPISignificanceFixture.run()
        // The five p-values, ascending (m = 5), and their BH q = min over j ≥ k of 5·p₍ⱼ₎/j:
        //   k=1 sat_network    p 0.0000108544  5p/1 = 0.0000542719            → q 0.000054
        //   k=2 sat_index      p 0.0059280296  5p/2 = 0.0148200740            → q 0.01482
        //   k=3 churn 唐山      p 0.2482130790  5p/3 = 0.4136884650            → q 0.413688
        //   k=4 churn total    p 0.7998461057  5p/4 = 0.9998076321, but k=5 is lower → q 0.857714
        //   k=5 churn 石家庄    p 0.8577144807  5p/5                            → q 0.857714
        // alpha 0.05: sat_network and sat_index are significant, the three churn rows are not.

        // churn_rate 唐山: 0 of 2 churned (September 1 of 2: 50 %). mom −100 % → fall.
        //   std_err = 100·√(0·1/2) = 0; prev_base 2, prev_std_err 35.355339 from September.
        //   Pooled: p̄ = (0·2 + 0.5·2)/4 = 0.25, √(0.25·0.75·(1/2 + 1/2)) = 0.4330127,
        //   z = (0 − 0.5)/0.4330127 = −1.1547005, p = erfc(1.1547005/√2) = 0.248213, q 0.413688 > 0.05
        //   → significant false, and the fall is `watch`.
        #expect(row(out, "churn_rate", "city", "唐山") ==
                "2026-10,churn_rate,city,唐山,0,2,50,-100,pct,,,lower_better,down,fall,0,2,35.355339,0.248213,0.413688,false,watch")
        // 石家庄 1 of 4 vs 1 of 5: std_err 100·√(.25·.75/4) = 21.650635; p̄ = 2/9, z = .05/0.2788867 = 0.1792843.
        #expect(row(out, "churn_rate", "city", "石家庄") ==
                "2026-10,churn_rate,city,石家庄,25,4,20,25,pct,,,lower_better,up,rise,21.650635,5,17.888544,0.857714,0.857714,false,watch")
        // Total 2 of 8 vs 2 of 10: std_err 100·√(.25·.75/8) = 15.309311; p̄ = 4/18, z = .05/0.1972027 = 0.2535463.
        #expect(row(out, "churn_rate") ==
                "2026-10,churn_rate,total,河北,25,8,20,25,pct,,,lower_better,up,rise,15.309311,10,12.649111,0.799846,0.857714,false,watch")
        // 邯郸 is new: no September row, so no prev, no test, no alert.
        #expect(row(out, "churn_rate", "city", "邯郸") == "2026-10,churn_rate,city,邯郸,50,2,,,pct,,,lower_better,flat,none,35.355339,,,,,,none")

        // sat_network: scores 9 8 10 9, mean 9 → 90; s² = (0 + 1 + 1 + 0)/3 = 2/3,
        //   std_err = 10·√(2/3 / 4) = 10/√6 = 4.082483. September 70 (base 50, std_err 2).
        //   z = (90 − 70)/√(4.082483² + 2²) = 20/4.5460606 = 4.3994134, p = erfc(z/√2) = 0.0000108544
        //   → q 0.000054 ≤ 0.05 → significant; +28.571429 % is a rise → `confirmed`.
        #expect(row(out, "sat_network") ==
                "2026-10,sat_network,total,河北,90,4,70,28.571429,pct,,,higher_better,up,rise,4.082483,50,2,0.000011,0.000054,true,confirmed")

        // sat_index by linearisation: every dimension has a value, W = 1, cᵢ = 10·wᵢ/nᵢ =
        //   .625 .5 .5 .375 .5 .5 .5. uᵣ = Σ over r's answers of cᵢ(x_ri − mᵢ):
        //   R1 = 0 + .5 + .5 + 0 + .25 + .25 + .25 = 1.75      R2 = −.625 − .5 + 0 + 0 = −1.125
        //   R3 = .625 + 0 − .5 − .375 − .25 − .25 − .25 = −1   R4 = 0 + .375 = .375
        //   Σu² = 3.0625 + 1.265625 + 1 + 0.140625 = 5.46875, std_err = √(4/3 · 5.46875) = 2.700309.
        //   z = (79.5 − 71)/√(2.700309² + 1.5²) = 8.5/3.0889745 = 2.751736, p = 0.005928, q 0.01482 → significant.
        //   +11.971831 % rise, and 79.5 is 6.470588 % under the target 85 → rise+off_target → `confirmed`.
        #expect(row(out, "sat_index") ==
                "2026-10,sat_index,total,河北,79.5,4,71,11.971831,pct,85,-6.470588,higher_better,up,rise+off_target,2.700309,50,1.5,0.005928,0.01482,true,confirmed")

        // sat_hall: 9 7 8 → 80, s = 1, std_err 10/√3 = 5.773503; September had one answer (no std_err) → no test.
        #expect(row(out, "sat_hall") == "2026-10,sat_hall,total,河北,80,3,80,0,pct,,,higher_better,flat,none,5.773503,1,,,,,none")
        // nps: promoters R1 R4, detractor R3 → 25; a = .5, b = .25: 100·√((.75 − .0625)/4) = 41.45781.
        //   No September row; 5 pt under the target 30 → off_target alone → `target`.
        #expect(row(out, "nps") == "2026-10,nps,total,河北,25,4,,,pt,30,-5,higher_better,flat,off_target,41.45781,,,,,,target")
        // survey_n has no std_err and no test.
        #expect(row(out, "survey_n") == "2026-10,survey_n,total,河北,4,4,,,,,,,flat,none,,,,,,,none")
        #expect(out.rows.filter { $0.momPValue != nil }.count == 5)
        #expect(out.rows.allSatisfy { ($0.significant == nil) == ($0.momPValue == nil) && ($0.momQValue == nil) == ($0.momPValue == nil) })
    }

    @Test("alpha moves the cut: at 0.01 sat_index (q 0.01482) is no longer significant, and its rise is `watch`")
    func alpha() throws {
        let out = try KPISignificanceFixture.run(alpha: 0.01)
        let sat = out.rows.first { $0.kpi == "sat_index" && $0.dimension == "total" }!
        #expect(sat.significant == false && sat.alertLevel == "watch")
        let network = out.rows.first { $0.kpi == "sat_network" && $0.dimension == "total" }!
        #expect(network.significant == true && network.alertLevel == "confirmed")
    }

    @Test("kpi_change: sat_index by component, churn_rate by city with a member that vanished and one that appeared")
    func attribution() throws {
        let out = try KPISignificanceFixture.run()
        var w = CSVWriter(header: [])
        for r in out.changes { r.write(to: &w) }
        // sat_index 79.5 − 71 = 8.5 by component: share = wᵢ, contribution = wᵢ·(v − v′):
        //   network .25·20 = 5, hall .15·0 = 0, hotline .15·10 = 1.5, billing .15·10 = 1.5,
        //   new_business .10·(−5) = −.5, promotion .10·5 = .5, communication .10·5 = .5; Σ = 8.5.
        //   Ranks by |contribution|: 5; then hotline and billing tie at 1.5 (member order: 2, 3); the
        //   three at .5 in member order (4, 5, 6); hall 7.
        // churn_rate 25 − 20 = 5 by city, V̄ = 22.5. October bases 石家庄 4, 唐山 2, 邯郸 2 (Σ 8);
        //   September 保定 3, 唐山 2, 石家庄 5 (Σ 10). Members in code-point order 保定 唐山 石家庄 邯郸:
        //   保定   share 0, prev .3; gone, so v = v′ = 0: rate .15·0 = 0, mix (0 − 22.5)(0 − .3) = 6.75
        //   唐山   .25/.2:  rate .225·(0 − 50) = −11.25, mix (25 − 22.5)(.05) = .125 → −11.125
        //   石家庄 .5/.5:   rate .5·(25 − 20) = 2.5, mix (22.5 − 22.5)·0 = 0 → 2.5
        //   邯郸   .25/0; new, so v′ = v = 50: rate 0, mix (50 − 22.5)(.25) = 6.875
        //   Σ = 6.75 − 11.125 + 2.5 + 6.875 = 5 = 25 − 20. Ranks: 唐山 1, 邯郸 2, 保定 3, 石家庄 4.
        // No other KPI has both a total prev_value and September member rows, so nothing else is split.
        #expect(String(decoding: w.bytes, as: UTF8.self) == """
        2026-10,sat_index,component,sat_network,0.25,0.25,90,70,5,0,5,1
        2026-10,sat_index,component,sat_hall,0.15,0.15,80,80,0,0,0,7
        2026-10,sat_index,component,sat_hotline,0.15,0.15,70,60,1.5,0,1.5,2
        2026-10,sat_index,component,sat_billing,0.15,0.15,80,70,1.5,0,1.5,3
        2026-10,sat_index,component,sat_new_business,0.1,0.1,75,80,-0.5,0,-0.5,4
        2026-10,sat_index,component,sat_promotion,0.1,0.1,65,60,0.5,0,0.5,5
        2026-10,sat_index,component,sat_communication,0.1,0.1,85,80,0.5,0,0.5,6
        2026-10,churn_rate,city,保定,0,0.3,,0,0,6.75,6.75,3
        2026-10,churn_rate,city,唐山,0.25,0.2,0,50,-11.25,0.125,-11.125,1
        2026-10,churn_rate,city,石家庄,0.5,0.5,25,20,2.5,0,2.5,4
        2026-10,churn_rate,city,邯郸,0.25,0,50,,0,6.875,6.875,2

        """)
        #expect(String(decoding: out.changeCSV.bytes, as: UTF8.self).hasPrefix(KPIStage.kpiChange.columns.joined(separator: ",") + "\n"))
        // The contributions of each (kpi, dimension) add up to the total's change.
        for (kpi, change) in [("sat_index", 8.5), ("churn_rate", 5.0)] {
            #expect(abs(out.changes.filter { $0.kpi == kpi }.map(\.contribution).reduce(0, +) - change) < 1e-9)
        }
        // Without a September partition kpi_change is the header alone.
        let first = try KPISignificanceFixture.run(previous: nil)
        #expect(first.changes.isEmpty)
        #expect(String(decoding: first.changeCSV.bytes, as: UTF8.self) == KPIStage.kpiChange.columns.joined(separator: ",") + "\n")
    }

    @Test("a September partition written before SPEC §4.1: share tests still run, std_err tests are empty, nothing breaks")
    func oldPartition() throws {
        let out = try KPISignificanceFixture.run(previous: KPISignificanceFixture.oldPrevious)
        #expect(!out.previousHasStdErr)
        // prev_base comes from September's base column, which old partitions have; prev_std_err is empty.
        // sat_network and sat_index have no p-value now, so m = 3 and the churn q-values change:
        //   唐山 0.248213 → 3p/1 = 0.744639; total 0.799846 → 3p/2 = 1.19977, min with 石家庄's 0.857714;
        //   石家庄 0.857714 → 3p/3.
        #expect(row(out, "sat_network") ==
                "2026-10,sat_network,total,河北,90,4,70,28.571429,pct,,,higher_better,up,rise,4.082483,50,,,,,watch")
        #expect(row(out, "churn_rate", "city", "唐山") ==
                "2026-10,churn_rate,city,唐山,0,2,50,-100,pct,,,lower_better,down,fall,0,2,,0.248213,0.744639,false,watch")
        #expect(row(out, "churn_rate")?.hasSuffix(",15.309311,10,,0.799846,0.857714,false,watch") == true)
        // kpi_change needs values and bases only: the same rows as with the full partition.
        #expect(out.changes == (try KPISignificanceFixture.run()).changes)
    }

    @Test("hv_retention is a census: no std_err, p or q, and its fall is `confirmed`; its split follows the snapshot members")
    func retention() throws {
        // The first fixture's cohort: K1 kept, K2 churned, K5 gone → 1 of 3 (33.333333 %); by city 石家庄 1 of 2,
        // 保定 0 of 1. September: 2 of 4 (50 %), 石家庄 2 of 3, 保定 0 of 1.
        let previous = table(KPISignificanceFixture.kpiHeader + KPISignificanceFixture.newColumns + """

        2026-09,hv_retention,total,河北,50,4,,,pt,,,higher_better,flat,none,,,,,,,none
        2026-09,hv_retention,city,保定,0,1,,,pt,,,higher_better,flat,none,,,,,,,none
        2026-09,hv_retention,city,石家庄,66.666667,3,,,pt,,,higher_better,flat,none,,,,,,,none

        """)
        let out = try KPIRollup(settings: { var s = KPISettings(); s.province = "河北"; return s }()).run(KPIInputs(
            month: Month(key: "2026-10")!, customer360: KPIFixture.c360, surveys: KPIFixture.surveys, complaints: KPIFixture.complaints,
            previous: previous, snapshot: KPIFixture.snapshot))
        let total = out.rows.first { $0.kpi == "hv_retention" && $0.dimension == "total" }!
        // 33.333333 − 50 = −16.666667 pt ≤ −5 → fall; a census, so confirmed without a test.
        #expect(KPISignificanceFixture.text(total) ==
                "2026-10,hv_retention,total,河北,33.333333,3,50,-16.666667,pt,,,higher_better,down,fall,,4,,,,,confirmed")
        // 石家庄 50 vs 66.666667 → fall, confirmed; 保定 0 vs 0 → flat, none.
        #expect(out.rows.first { $0.kpi == "hv_retention" && $0.member == "石家庄" }?.alertLevel == "confirmed")
        #expect(out.rows.first { $0.kpi == "hv_retention" && $0.member == "保定" }?.alertLevel == "none")
        #expect(out.rows.filter { $0.kpi == "hv_retention" }.allSatisfy { $0.stdErr == nil && $0.momPValue == nil && $0.significant == nil })
        // By city, V̄ = (33.333333 + 50)/2 = 41.6666665; 保定 share 1/3 vs 1/4, 石家庄 2/3 vs 3/4:
        //   保定   rate (7/24)·0 = 0, mix (0 − 41.6666665)(1/12) = −3.472222
        //   石家庄 rate (17/24)(50 − 66.666667) = −11.805556, mix (58.3333335 − 41.6666665)(−1/12) = −1.388889
        //   Σ = −16.666667 = 33.333333 − 50, to rounding: the members' values are 6-decimal texts
        //   (¾·66.666667 = 50.00000025), so the sum is off by 8.3e-8.
        let split = out.changes.filter { $0.kpi == "hv_retention" && $0.dimension == "city" }
        #expect(split.map(\.member) == ["保定", "石家庄"])
        #expect(split.map { formatNumber($0.contribution)! } == ["-3.472222", "-13.194445"])
        let sum: Double = split.map(\.contribution).reduce(0, +)
        #expect(abs(sum - (33.333333 - 50)) < 1e-6)
    }
}

@Suite("The tests of SPEC §4.1 on single rows")
struct KPITestRuleTests {
    func row(_ kpi: String, _ v: Double?, _ n: Int, _ vPrev: Double?, _ nPrev: Int?, se: Double? = nil, sePrev: Double? = nil) -> KPIRow {
        KPIRow(month: Month(key: "2026-10")!, kpi: kpi, dimension: "total", member: "河北", value: v, base: n, prevValue: vPrev,
               stdErr: se, prevBase: nPrev, prevStdErr: sePrev)
    }

    @Test("a zero denominator gives p = 1 when the values are equal as written, else 0")
    func zeroDenominator() {
        // Shares: 0 % in both months, and 100 % in both (p̄(1 − p̄) = 0).
        #expect(KPISignificance.pValue(row("churn_rate", 0, 5, 0, 4)) == 1)
        #expect(KPISignificance.pValue(row("hv_share", 100, 5, 100, 4)) == 1)
        // Poisson: no complaints in either month.
        #expect(KPISignificance.pValue(row("complaint_rate", 0, 50, 0, 40)) == 1)
        // Means with both std_errs 0 (every answer alike): a difference is p = 0, none is p = 1.
        #expect(KPISignificance.pValue(row("sat_network", 80, 5, 70, 4, se: 0, sePrev: 0)) == 0)
        #expect(KPISignificance.pValue(row("sat_network", 80, 5, 80, 4, se: 0, sePrev: 0)) == 1)
        // "Equal" means equal as written: 200/3 is written 66.666667, as September's value was.
        #expect(KPISignificance.pValue(row("sat_overall", 200.0 / 3, 3, 66.666667, 3, se: 0, sePrev: 0)) == 1)
        #expect(KPISignificance.pValue(row("sat_overall", 200.0 / 3, 3, 66.666666, 3, se: 0, sePrev: 0)) == 0)
    }

    @Test("which rows get a p-value: all four of value, prev_value, base, prev_base, and both std_errs for the std_err test")
    func presence() {
        #expect(KPISignificance.pValue(row("churn_rate", 10, 5, nil, nil)) == nil)
        #expect(KPISignificance.pValue(row("churn_rate", 10, 5, 20, nil)) == nil)
        #expect(KPISignificance.pValue(row("nps", 10, 5, 20, 4, se: 3)) == nil)
        #expect(KPISignificance.pValue(row("nps", 10, 5, 20, 4, sePrev: 3)) == nil)
        #expect(KPISignificance.pValue(row("nps", 10, 5, 20, 4, se: 3, sePrev: 4)) != nil)
        #expect(KPISignificance.pValue(row("survey_n", 10, 10, 20, 20)) == nil)
        #expect(KPISignificance.pValue(row("hv_retention", 10, 10, 20, 20)) == nil)
    }

    @Test("the three tests against their formulas")
    func formulas() {
        // nps 10 ± 3 vs 20 ± 4: z = −10/5 = −2, p = erfc(2/√2) = 0.0455003.
        #expect(abs(KPISignificance.pValue(row("nps", 10, 5, 20, 4, se: 3, sePrev: 4))! - 0.04550026389635842) < 1e-12)
        // complaint_rate 5 ‰ of 1000 vs 2 ‰ of 1000: pooled 3.5 ‰, √(1000·3.5·(2/1000)) = √7, z = 3/√7.
        let z: Double = 3 / 7.0.squareRoot()
        let poisson: Double = erfc(z / 2.0.squareRoot())
        #expect(abs(KPISignificance.pValue(row("complaint_rate", 5, 1000, 2, 1000))! - poisson) < 1e-15)
        // promoter_share 30 % of 100 vs 20 % of 100: p̄ = .25, √(.25·.75·.02) = .0612372, z = .1/.0612372 = 1.6329932.
        #expect(abs(KPISignificance.pValue(row("promoter_share", 30, 100, 20, 100))! - 0.10247043485974942) < 1e-12)
        // M's value is read as written: 10.0000004 is 10, so the difference from 10 is nothing.
        #expect(KPISignificance.pValue(row("nps", 10.0000004, 5, 10, 4, se: 3, sePrev: 4)) == 1)
    }

    @Test("Benjamini–Hochberg: sorted ascending, q₍ₖ₎ = min over j ≥ k of min(1, m·p₍ⱼ₎/j); rows without p are not counted")
    func benjaminiHochberg() {
        // m = 4: sorted .005 .01 .03 .04 → 4p/k = .02 .02 .04 .04.
        #expect(KPISignificance.benjaminiHochberg([0.01, nil, 0.04, 0.03, 0.005]) == [0.02, nil, 0.04, 0.04, 0.02])
        // .03 → 2·.03/1 = .06, but .04 → 2·.04/2 = .04 is lower and later: q = .04 for both.
        #expect(KPISignificance.benjaminiHochberg([0.04, 0.03]) == [0.04, 0.04])
        // Capped at 1.
        #expect(KPISignificance.benjaminiHochberg([0.9, 0.8]) == [0.9, 0.9])
        #expect(KPISignificance.benjaminiHochberg([0.7, nil, 1]) == [1, nil, 1])
        #expect(KPISignificance.benjaminiHochberg([nil]) == [nil])
    }

    @Test("alert_level: confirmed, watch, target, none; hv_retention's rise and fall are confirmed without a test")
    func alertLevels() {
        func level(_ kpi: String, _ alert: String, _ significant: Bool?) -> String {
            var r = row(kpi, 1, 1, 1, 1)
            r.alert = alert
            r.significant = significant
            return KPISignificance.alertLevel(r)
        }
        #expect(level("nps", "rise", true) == "confirmed")
        #expect(level("nps", "fall+off_target", true) == "confirmed")
        #expect(level("nps", "rise+off_target", false) == "watch")
        #expect(level("nps", "fall", nil) == "watch")
        #expect(level("nps", "off_target", true) == "target")
        #expect(level("nps", "none", true) == "none")
        #expect(level("hv_retention", "fall", nil) == "confirmed")
        #expect(level("hv_retention", "off_target", nil) == "target")
    }
}

@Suite("Standard errors from one-pass sums (SPEC §4.1)")
struct KPIStandardErrorTests {
    /// sat_index's std_err the direct way: means first, then every survey's uᵣ, then √(n/(n−1)·Σuᵣ²).
    func twoPass(_ surveys: [[Int?]]) -> Double? {
        let w = KPICatalogue.satWeights
        let answered = surveys.filter { $0.contains { $0 != nil } }
        guard answered.count >= 2 else { return nil }
        var n = [Int](repeating: 0, count: 7), mean = [Double](repeating: 0, count: 7)
        for s in answered { for i in 0..<7 { if let x = s[i] { n[i] += 1; mean[i] += Double(x) } } }
        for i in 0..<7 where n[i] > 0 { mean[i] /= Double(n[i]) }
        let weight = (0..<7).filter { n[$0] > 0 }.map { w[$0] }.reduce(0, +)
        var sum = 0.0
        for s in answered {
            var u = 0.0
            for i in 0..<7 { if let x = s[i] { u += w[i] / weight * 10 * (Double(x) - mean[i]) / Double(n[i]) } }
            sum += u * u
        }
        let count = Double(answered.count)
        return (count / (count - 1) * sum).squareRoot()
    }

    func onePass(_ surveys: [[Int?]]) -> Double? {
        var m = ScoreMoments(), respondents = 0
        for s in surveys {
            let answered = (0..<7).filter { s[$0] != nil }
            if answered.isEmpty { continue }
            respondents += 1
            m.add(answered: answered, scores: s.map { $0 ?? 0 })
        }
        return m.satIndexStdErr(weights: KPICatalogue.satWeights, respondents: respondents)
    }

    @Test("the expansion of Σuᵣ² over cross-products equals the two-pass computation, with gaps and whole dimensions unanswered")
    func satIndexExpansion() {
        var rng = SplitMix(state: 42)
        for trial in 0..<200 {
            let n = [2, 3, 5, 17, 60, 400][trial % 6]
            // Each dimension has its own answer rate; in some trials a dimension is never answered.
            let rates = (0..<7).map { i in trial % 5 == 0 && i == 4 ? 0.0 : Double.random(in: 0.2...1, using: &rng) }
            let surveys: [[Int?]] = (0..<n).map { _ in
                (0..<7).map { i in Double.random(in: 0..<1, using: &rng) < rates[i] ? Int.random(in: 1...10, using: &rng) : nil }
            }
            let direct = twoPass(surveys), expanded = onePass(surveys)
            #expect((direct == nil) == (expanded == nil), "trial \(trial)")
            if let direct, let expanded { #expect(abs(direct - expanded) < 1e-9 * max(1, direct), "trial \(trial): \(direct) vs \(expanded)") }
        }
        // One respondent: empty.
        #expect(onePass([[5, nil, nil, nil, nil, nil, nil]]) == nil)
    }

    @Test("sub-index std_err from integer sums, ARPU's by Welford's update, both against the two-pass formula")
    func means() {
        // 9 8 10 9: s² = 2/3, 10·√(2/3/4) = 4.0824829.
        #expect(abs(ScoreMoments.scaledStdErr(n: 4, sum: 36, sumOfSquares: 326)! - 10 / 6.0.squareRoot()) < 1e-12)
        #expect(ScoreMoments.scaledStdErr(n: 1, sum: 7, sumOfSquares: 49) == nil)
        func twoPass(_ xs: [Double]) -> Double {
            let mean = xs.reduce(0, +) / Double(xs.count)
            return (xs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(xs.count - 1) / Double(xs.count)).squareRoot()
        }
        func onePass(_ xs: [Double]) -> Double? {
            var m = RunningMoments()
            for x in xs { m.add(x) }
            return m.stdErr
        }
        var rng = SplitMix(state: 7)
        // Bills in fen up to 3000 yuan; a large mean with a small spread; and one bill far from all
        // the others (where Σx² − (Σx)²/n, even about the first value, loses ~1e-7), each against
        // the two-pass result.
        let bills = (0..<5000).map { _ in Double(Int.random(in: 0...300_000, using: &rng)) / 100 }
        let narrow = (0..<5000).map { _ in 99_000 + Double(Int.random(in: 0...100, using: &rng)) / 100 }
        let outlier = [100_000] + (0..<100_000).map { _ in 58 + Double(Int.random(in: 0...2, using: &rng)) / 100 }
        for xs in [bills, narrow, outlier] {
            let expected = twoPass(xs)
            #expect(abs(onePass(xs)! - expected) <= 1e-9 * expected, "\(onePass(xs)!) vs \(expected)")
        }
        #expect(onePass([42]) == nil)
        #expect(onePass([42, 42, 42]) == 0)
    }

    @Test("each KPI's std_err formula on the first fixture")
    func formulas() throws {
        let rows = try KPIFixture.run()
        func se(_ kpi: String, _ dim: String = "total", _ member: String = "河北") -> Double? {
            rows.first { $0.kpi == kpi && $0.dimension == dim && $0.member == member }?.stdErr
        }
        func close(_ a: Double?, _ b: Double) -> Bool { a.map { abs($0 - b) < 1e-9 } ?? false }
        // Shares of a base: 100·√(p(1−p)/n).
        #expect(close(se("promoter_share"), 100 * (0.25 * 0.75 / 4).squareRoot()))
        #expect(close(se("churn_rate"), 100 * (0.25 * 0.75 / 4).squareRoot()))
        #expect(close(se("complaint_closed_48h"), 100 * (1.0 / 3 * 2 / 3 / 3).squareRoot()))
        // nps −25: a = .25, b = .5 → 100·√((.75 − .0625)/4).
        #expect(close(se("nps"), 100 * (0.6875 / 4).squareRoot()))
        // complaint_rate 750 ‰ of 4: √(1000·750/4).
        #expect(close(se("complaint_rate"), (1000.0 * 750 / 4).squareRoot()))
        // arpu 300, 60, 20 (K3 has no usage): mean 126.667, s² = (173.333² + 66.667² + 106.667²)/2.
        let deviations: [Double] = [300 - 380.0 / 3, 60 - 380.0 / 3, 20 - 380.0 / 3]
        let squares: Double = deviations.map { $0 * $0 }.reduce(0, +)
        #expect(close(se("arpu"), (squares / 2 / 3).squareRoot()))
        // sat_overall 9, 7, 5: s = 2 → 10·2/√3.
        #expect(close(se("sat_overall"), 20 / 3.0.squareRoot()))
        // sat_hall 8, 6: s = √2 → 10·√2/√2 = 10; sat_communication has one answer → empty.
        #expect(close(se("sat_hall"), 10))
        #expect(se("sat_communication") == nil)
        // A group of one respondent has no std_err for means; hv_retention and survey_n never have one.
        #expect(se("sat_network", "city", "唐山") == nil)
        #expect(se("hv_retention") == nil && se("survey_n") == nil)
    }
}
