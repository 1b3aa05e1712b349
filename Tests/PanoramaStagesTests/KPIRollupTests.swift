import Testing
import PanoramaTestSupport
import PanoramaCore
@testable import PanoramaStages

/// Four base customers, five surveys (one from outside the base), four complaints; worked by hand.
enum KPIFixture {
    static let c360 = columnar("""
    customer_id,city,brand,vip_level,value_tier,high_value,churned_in_month,arpu
    K1,石家庄,gotone,gold,A,true,false,300
    K2,石家庄,mzone,none,C,false,true,60
    K3,唐山,gotone,none,B,true,false,
    K4,唐山,easyown,none,D,false,false,20

    """)
    static let surveys = table("""
    survey_id,customer_id,survey_date,channel,touchpoint,nps,overall_sat,network,hall,hotline,billing,new_business,promotion,communication
    S1,K1,2026-10-01,sms,,10,9,9,8,,,,,
    S2,K1,2026-10-02,app,,6,7,7,,,,,,
    S3,K2,2026-10-03,sms,,8,,,,,,,,
    S4,K4,2026-10-04,sms,,3,5,4,6,5,5,5,5,5
    S5,X9,2026-10-04,sms,,0,1,1,1,1,1,1,1,1

    """)
    static let complaints = table("""
    complaint_id,customer_id,opened_at,category,closed_at,escalated
    C1,K1,2026-10-01 00:00:00,network,2026-10-03 00:00:00,false
    C2,K3,2026-10-01 00:00:00,network,2026-10-03 00:00:01,false
    C3,K3,2026-10-02 00:00:00,network,,false
    C4,X9,2026-10-02 00:00:00,network,,false

    """)
    static let previous = table("""
    month,kpi,dimension,member,value,base,prev_value,mom_change,mom_unit,target,target_gap,polarity,direction,alert
    2026-09,sat_index,total,河北,60,3,,,pct,,,higher_better,flat,none
    2026-09,nps,total,河北,-20,4,,,pt,,,higher_better,flat,none
    2026-09,churn_rate,total,河北,20,4,,,pct,,,lower_better,flat,none
    2026-09,arpu,total,河北,0,3,,,pct,,,higher_better,flat,none
    2026-09,hv_share,total,河北,50,4,,,pt,,,higher_better,flat,none

    """)
    static let snapshot = columnar("""
    customer_id,city,brand,vip_level,value_tier,high_value
    K1,石家庄,gotone,gold,A,true
    K2,石家庄,mzone,none,B,true
    K5,保定,gotone,none,A,true
    K3,唐山,gotone,none,C,false

    """)

    static func run(previous: ColumnarTable? = previous, snapshot: ColumnarTable? = snapshot, _ configure: (inout KPISettings) -> Void = { _ in }) throws -> [KPIRow] {
        var s = KPISettings()
        s.province = "河北"
        s.targets = ["sat_index": (85, [:]), "churn_rate": (10, [:]), "nps": (nil, ["石家庄": 10])]
        for id in KPICatalogue.ids { s.minBase[id] = 1 }
        configure(&s)
        return try KPIRollup(settings: s).run(KPIInputs(month: Month(key: "2026-10")!, customer360: c360, surveys: surveys,
                                                        complaints: complaints, previous: previous, snapshot: snapshot)).rows
    }
}

@Suite("kpi on a hand-computed fixture (SPEC §4)")
struct KPIRollupTests {
    func find(_ rows: [KPIRow], _ kpi: String, _ dim: String = "total", _ member: String = "河北") -> KPIRow? {
        rows.first { $0.kpi == kpi && $0.dimension == dim && $0.member == member }
    }

    func close(_ a: Double?, _ b: Double) -> Bool { a.map { abs($0 - b) < 1e-9 } ?? false }

    @Test("survey KPIs count base respondents only, with every response of the month")
    func surveyKPIs() throws {
        let rows = try KPIFixture.run()
        // Respondents S1–S4 (S5's customer is not in the base): promoters {S1}, detractors {S2, S4}.
        #expect(find(rows, "nps")?.value == -25)
        #expect(find(rows, "nps")?.base == 4)
        #expect(find(rows, "promoter_share")?.value == 25)
        #expect(find(rows, "detractor_share")?.value == 50)
        #expect(find(rows, "survey_n")?.value == 4)
        // overall_sat answered by S1 9, S2 7, S4 5 → 10 × 7.
        #expect(find(rows, "sat_overall")?.value == 70)
        #expect(find(rows, "sat_overall")?.base == 3)
        // network 9, 7, 4 → 10 × 20/3; hall 8, 6 → 70; the five others only S4's 5 → 50.
        #expect(close(find(rows, "sat_network")?.value, 200.0 / 3))
        #expect(find(rows, "sat_hall")?.value == 70)
        #expect(find(rows, "sat_communication")?.value == 50)
        // sat_index = .25 × 66.667 + .15 × 70 + .15 × 50 + .15 × 50 + .10 × 50 × 3 = 57.1667 over weights summing to 1.
        #expect(close(find(rows, "sat_index")?.value, 0.25 * 200.0 / 3 + 0.15 * 70 + 0.15 * 50 + 0.15 * 50 + 0.3 * 50))
        #expect(find(rows, "sat_index")?.base == 3)
        // By channel: sms = S1, S3, S4 → (1 − 1)/3 = 0; app = S2 → −100.
        #expect(find(rows, "nps", "channel", "sms")?.value == 0)
        #expect(find(rows, "nps", "channel", "app")?.value == -100)
        // By city: 石家庄 S1 S2 S3 → 0; network 9, 7 → 80.
        #expect(find(rows, "nps", "city", "石家庄")?.value == 0)
        #expect(find(rows, "sat_network", "city", "石家庄")?.value == 80)
        // 唐山 has S4 only; K3 answered nothing. brand gotone has S1 and S2 (K1) only.
        #expect(find(rows, "nps", "city", "唐山")?.value == -100)
        #expect(find(rows, "survey_n", "brand", "gotone")?.value == 2)
    }

    @Test("customer KPIs: complaint rate per mille, 48 h closure inclusive, churn, high-value share, ARPU over customers with usage")
    func customerKPIs() throws {
        let rows = try KPIFixture.run()
        #expect(find(rows, "complaint_rate")?.value == 750)          // 1000 × 3 / 4
        #expect(close(find(rows, "complaint_closed_48h")?.value, 100.0 / 3))  // C1 at exactly 48:00:00; C2 one second late; C3 open
        #expect(find(rows, "complaint_closed_48h")?.base == 3)
        #expect(find(rows, "churn_rate")?.value == 25)
        #expect(find(rows, "hv_share")?.value == 50)
        #expect(close(find(rows, "arpu")?.value, 380.0 / 3))
        #expect(find(rows, "arpu")?.base == 3)
        #expect(find(rows, "complaint_rate", "city", "唐山")?.value == 1000)   // 2 complaints / 2 customers
        // No channel breakdown for customer KPIs.
        #expect(!rows.contains { $0.kpi == "churn_rate" && $0.dimension == "channel" })
    }

    @Test("hv_retention follows the snapshot cohort grouped by its snapshot members")
    func retention() throws {
        let rows = try KPIFixture.run()
        // Snapshot high value: K1 (kept), K2 (churned in M), K5 (gone) → 1 of 3.
        #expect(close(find(rows, "hv_retention")?.value, 100.0 / 3))
        #expect(find(rows, "hv_retention")?.base == 3)
        #expect(find(rows, "hv_retention", "city", "石家庄")?.value == 50)
        #expect(find(rows, "hv_retention", "city", "保定")?.value == 0)
        #expect(find(rows, "hv_retention", "value_tier", "B")?.value == 0)   // K2's snapshot tier
        #expect(find(rows, "hv_retention", "city", "唐山") == nil)           // K3 was not high value in S
        // Without a snapshot partition there are no hv_retention rows at all.
        #expect(try KPIFixture.run(snapshot: nil).allSatisfy { $0.kpi != "hv_retention" })
    }

    @Test("month-over-month, targets, direction and alerts against the M-1 partition")
    func variance() throws {
        let rows = try KPIFixture.run()
        // nps: −25 vs −20 → −5 pt, exactly the threshold → fall; no target for the total.
        let nps = find(rows, "nps")!
        #expect(nps.prevValue == -20); #expect(nps.momChange == -5); #expect(nps.direction == "down"); #expect(nps.alert == "fall")
        #expect(nps.target == nil)
        // nps 石家庄 has its own target 10: gap 0 − 10 = −10 pt → off_target (no M-1 row → no MoM).
        #expect(find(rows, "nps", "city", "石家庄")?.targetGap == -10)
        #expect(find(rows, "nps", "city", "石家庄")?.alert == "off_target")
        // sat_index: 57.17 vs 60 → −4.72 % (no MoM alert); target 85 → −32.7 % → off_target.
        let sat = find(rows, "sat_index")!
        #expect(close(sat.momChange, 100 * (sat.value! - 60) / 60))
        #expect(close(sat.targetGap, 100 * (sat.value! - 85) / 85))
        #expect(sat.alert == "off_target")
        // churn_rate (lower is better): 25 vs 20 → +25 % rise, and +150 % over target 10 → rise+off_target.
        #expect(find(rows, "churn_rate")?.momChange == 25)
        #expect(find(rows, "churn_rate")?.targetGap == 150)
        #expect(find(rows, "churn_rate")?.alert == "rise+off_target")
        // arpu had prev 0: pct change is empty, direction flat.
        #expect(find(rows, "arpu")?.prevValue == 0)
        #expect(find(rows, "arpu")?.momChange == nil)
        #expect(find(rows, "arpu")?.direction == "flat")
        // hv_share 50 vs 50 → 0 pt, flat.
        #expect(find(rows, "hv_share")?.momChange == 0)
        #expect(find(rows, "hv_share")?.direction == "flat")
        // survey_n: no polarity, unit, change, target; alert none.
        let n = find(rows, "survey_n")!
        #expect(n.polarity == "" && n.momUnit == "" && n.momChange == nil && n.target == nil && n.alert == "none")
    }

    @Test("min_base suppresses alerts on thin groups (defaults 30 for survey KPIs, 1 otherwise)")
    func minBase() throws {
        let rows = try KPIFixture.run { $0.minBase = [:] }
        #expect(find(rows, "nps")?.alert == "none")            // 4 respondents < 30
        #expect(find(rows, "churn_rate")?.alert == "rise+off_target")  // base 4 ≥ 1
    }

    @Test("no M-1 partition: prev, change and gap-free rows stay empty, never NaN")
    func noPrevious() throws {
        let rows = try KPIFixture.run(previous: nil)
        #expect(rows.allSatisfy { $0.prevValue == nil && $0.momChange == nil })
        #expect(rows.allSatisfy { ($0.value ?? 0).isFinite })
    }

    @Test("rows follow catalogue order, then total, city, brand, vip_level, value_tier, channel, then member")
    func order() throws {
        let rows = try KPIFixture.run()
        let kpis = rows.map(\.kpi).reduce(into: [String]()) { if $0.last != $1 { $0.append($1) } }
        #expect(kpis == KPICatalogue.ids)
        let npsDims = rows.filter { $0.kpi == "nps" }.map { "\($0.dimension):\($0.member)" }
        #expect(npsDims == ["total:河北", "city:唐山", "city:石家庄", "brand:easyown", "brand:gotone", "brand:mzone",
                            "vip_level:gold", "vip_level:none", "value_tier:A", "value_tier:C", "value_tier:D",
                            "channel:app", "channel:sms"])
    }

    @Test("a group with zero base has no row; a total with zero base has an empty value")
    func zeroBase() throws {
        let rows = try KPIFixture.run()
        // K3 (唐山, tier B) answered no survey: no tier-B survey rows; the total always has a row.
        #expect(find(rows, "nps", "value_tier", "B") == nil)
        #expect(find(rows, "churn_rate", "value_tier", "B") != nil)
        let empty = try KPIRollup(settings: KPISettings()).run(KPIInputs(
            month: Month(key: "2026-10")!, customer360: KPIFixture.c360, surveys: table(KPIFixture.surveys.header.joined(separator: ",") + "\n"),
            complaints: KPIFixture.complaints, previous: nil, snapshot: nil)).rows
        let nps = empty.first { $0.kpi == "nps" && $0.dimension == "total" }!
        #expect(nps.value == nil && nps.base == 0 && nps.alert == "none")
    }
}

@Suite("The alert rule on each side of the threshold (SPEC §4)")
struct AlertRuleTests {
    @Test("pct and pt, both polarities, inclusive thresholds")
    func sides() {
        func a(_ mom: Double?, _ gap: Double?, _ pol: String = "higher_better", base: Int = 100) -> String {
            KPIRollup.alert(mom: mom, gap: gap, polarity: pol, threshold: 5, base: base, minBase: 30)
        }
        #expect(a(5, nil) == "rise")
        #expect(a(4.999, nil) == "none")
        #expect(a(-5, nil) == "fall")
        #expect(a(-4.999, nil) == "none")
        #expect(a(nil, -5) == "off_target")              // higher is better, 5 below target
        #expect(a(nil, -4.999) == "none")
        #expect(a(nil, 10) == "none")                    // above target is favourable
        #expect(a(nil, 5, "lower_better") == "off_target")
        #expect(a(nil, -10, "lower_better") == "none")
        #expect(a(6, 5, "lower_better") == "rise+off_target")
        #expect(a(-6, -5) == "fall+off_target")
        #expect(a(-6, -5, base: 29) == "none")
        #expect(KPIRollup.change(105, 100, unit: "pct") == 5)
        #expect(KPIRollup.change(-105, -100, unit: "pct") == -5)   // relative to |prev|
        #expect(KPIRollup.change(31, 26, unit: "pt") == 5)
        #expect(KPIRollup.change(1, 0, unit: "pct") == nil)
    }
}
