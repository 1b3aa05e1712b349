import Testing
import PanoramaEngine
import PanoramaTestSupport
import PanoramaCore
@testable import PanoramaStages

func table(_ text: String) -> ColumnarTable { ColumnarTable.fixture(text) }
func columnar(_ text: String) -> ColumnarTable { ColumnarTable.fixture(text) }

/// Fourteen customers over Aug–Oct 2026 (M = 2026-10); every number below is worked out by hand.
enum ThreeMonthFixture {
    static let customers = columnar("""
    customer_id,msisdn,city,county,brand,vip_level,gender,birth_date,join_date,status,churn_date
    A01,13800000001,石家庄,长安区,gotone,gold,M,1980-11-15,2015-11-20,active,
    A02,13800000002,石家庄,,mzone,none,F,2000-02-29,2026-10-31,active,
    A03,13800000003,唐山,,easyown,silver,,,2020-01-31,churned,2026-10-15
    A04,13800000004,唐山,,gotone,diamond,M,2020-05-05,2021-03-01,active,
    A05,13800000005,保定,,easyown,none,,,2019-01-01,churned,2026-09-30
    A06,13800000006,保定,,mzone,none,F,1990-01-01,2026-10-01,active,
    A07,13800000007,保定,,easyown,none,,,2018-06-15,active,
    A08,13800000008,廊坊,,easyown,gold,,,2018-06-15,active,
    A09,13800000009,廊坊,,easyown,none,,,2018-06-15,active,
    A10,13800000010,沧州,,gotone,none,,,2018-06-15,active,
    A11,13800000011,沧州,,gotone,none,,,2018-06-15,active,
    A12,13800000012,沧州,,gotone,diamond,,,2018-06-15,active,
    A13,13800000013,邯郸,,mzone,silver,,,2025-11-05,active,
    A14,13800000014,邯郸,,mzone,none,M,1990-11-02,2018-06-15,active,

    """)
    static let usageHeader = "customer_id,month,arpu,mou,data_gb,call_forward_ratio,offnet_ratio,points_balance\n"
    static let usageOct = columnar(usageHeader + """
    A01,2026-10,200,100,1,0.6,0.4,10
    A02,2026-10,100,,,,,
    A03,2026-10,130,,,,,
    A04,2026-10,90,,,,,
    A06,2026-10,500,,,0.5,0.39,
    A07,2026-10,0,,,,,
    A09,2026-10,70,,,,,
    A10,2026-10,150,,,,,
    A11,2026-10,120,,,0.7,0.5,
    A12,2026-10,300,,,0.5,0.4,
    A13,2026-10,40,,,,,
    A14,2026-10,60,,,,,

    """)
    static let usageSep = columnar(usageHeader + """
    A01,2026-09,400,,,,,
    A03,2026-09,100,,,,,
    A04,2026-09,100,,,,,
    A07,2026-09,0,,,,,
    A09,2026-09,100,,,,,
    A10,2026-09,150,,,,,
    A11,2026-09,200,,,,,
    A12,2026-09,500,,,,,
    A14,2026-09,60,,,,,

    """)
    static let usageAug = columnar(usageHeader + """
    A01,2026-08,300,,,,,
    A04,2026-08,110,,,,,
    A09,2026-08,130,,,,,
    A10,2026-08,150,,,,,
    A11,2026-08,160,,,,,
    A12,2026-08,400,,,,,

    """)
    static let surveys = columnar("""
    survey_id,customer_id,survey_date,channel,touchpoint,nps,overall_sat,network,hall,hotline,billing,new_business,promotion,communication
    SA01,A01,2026-10-03,sms,,3,4,5,5,5,5,5,5,5
    SA04a,A04,2026-10-20,phone,,2,,,,,,,,
    SA04b,A04,2026-10-20,phone,,7,,,,,,,,
    SA07,A07,2026-10-05,app,,6,,,,,,,,
    SA08,A08,2026-10-06,hall,,5,6,3,3,,8,8,8,8
    SA10x,A10,2026-10-09,sms,,9,9,9,9,9,9,9,9,9
    SA10a,A10,2026-10-10,sms,,4,,,,,,,,
    SA99,A05,2026-10-10,sms,,0,,,,,,,,

    """)
    static let complaintHeader = "complaint_id,customer_id,opened_at,category,closed_at,escalated\n"
    static let complaintsOct = columnar(complaintHeader + """
    K1,A01,2026-10-02 10:00:00,network,2026-10-04 10:00:00,false
    K2,A10,2026-10-05 10:00:00,billing,2026-10-07 10:00:01,false
    K3,A10,2026-10-06 10:00:00,billing,,false

    """)
    static let complaintsAug = columnar(complaintHeader + "K0,A01,2026-08-10 10:00:00,network,2026-08-11 10:00:00,false\n")

    static func run(_ settings: Customer360Settings = Customer360Settings()) throws -> Customer360Output {
        try Customer360(settings: settings).run(Customer360Inputs(
            month: Month(key: "2026-10")!, customers: customers, usage: [usageOct, usageSep, usageAug],
            surveys: surveys, complaints: [complaintsOct, nil, complaintsAug]))
    }
}

@Suite("customer_360 on a hand-computed three-month fixture (SPEC §3.2)")
struct Customer360Tests {
    func text(_ w: CSVWriter) -> String { String(decoding: w.bytes, as: UTF8.self) }

    func row(_ out: Customer360Output, _ id: String) -> [String: String] {
        let t = table(text(out.customer360))
        let r = (0..<t.rowCount).first { t[$0, 1] == id }!
        var d: [String: String] = [:]
        for (c, name) in t.header.enumerated() { d[name] = t[r, c] }
        return d
    }

    @Test("the base excludes A05 (churned before October); rows are in customer_id order")
    func base() throws {
        let out = try ThreeMonthFixture.run()
        #expect(out.rows.map(\.customerId) == ["A01", "A02", "A03", "A04", "A06", "A07", "A08", "A09", "A10", "A11", "A12", "A13", "A14"])
    }

    @Test("A01's full row: every field worked out by hand")
    func fullRow() throws {
        let out = try ThreeMonthFixture.run()
        // age: 1980-11-15 → 2026-10-31 is 45 whole years (birthday not yet reached).
        // tenure: 2015-11-20 + 131 months = 2026-10-20 ≤ 2026-10-31 < +132 months.
        // arpu_3m_avg = (200 + 400 + 300) / 3 = 300 → tier A, high value; change = 100 × (200 − 400) / 400 = −50.
        // complaints_3m = K1 (Oct) + K0 (Aug); Sep partition missing. All five flags → score 100, high.
        // Birthday and join anniversary fall in November: care_birthday true, anniversary 2026 − 2015 = 11.
        let lines = text(out.customer360).split(separator: "\n")
        #expect(String(lines[0]) == Customer360Stage.customer360.columns.joined(separator: ","))
        #expect(String(lines[1]) == "2026-10,A01,138****0001,石家庄,长安区,gotone,gold,M,45,131,200,100,1,0.6,0.4,10,400,300,-50,A,true,false,3,4,detractor,2,0,true,true,true,true,true,100,high,true,11")
    }

    @Test("ages, tenure, ARPU windows, tiers and flags of the other customers")
    func otherRows() throws {
        let out = try ThreeMonthFixture.run()
        // A02: born 2000-02-29 → 26 on 2026-10-31; joined on the last day of M → tenure 0; no M-1 usage → prev and change empty.
        #expect(row(out, "A02")["age"] == "26")
        #expect(row(out, "A02")["tenure_months"] == "0")
        #expect(row(out, "A02")["arpu_prev"] == "")
        #expect(row(out, "A02")["arpu_change_pct"] == "")
        #expect(row(out, "A02")["value_tier"] == "C")
        // A03: (130 + 100) / 2 = 115 (August missing); +30 %; churned on 2026-10-15; 2020-01-31 + 81 months = 2026-10-31.
        #expect(row(out, "A03")["arpu_3m_avg"] == "115")
        #expect(row(out, "A03")["arpu_change_pct"] == "30")
        #expect(row(out, "A03")["churned_in_month"] == "true")
        #expect(row(out, "A03")["tenure_months"] == "81")
        // A04: born 2020 → age 6, outside 10–110: empty; the latest survey is SA04b (same date, greater id) → 7 passive.
        #expect(row(out, "A04")["age"] == "")
        #expect(row(out, "A04")["nps"] == "7")
        #expect(row(out, "A04")["nps_category"] == "passive")
        #expect(row(out, "A04")["arpu_3m_avg"] == "100")
        // A06: call_forward_ratio 0.5 is inclusive (flag), offnet 0.39 is not → 25, medium; avg 500 → A.
        #expect(row(out, "A06")["churn_risk_score"] == "25")
        #expect(row(out, "A06")["risk_level"] == "medium")
        #expect(row(out, "A06")["flag_offnet"] == "false")
        // A07: arpu_prev 0 → change empty (no division by zero); avg 0 → D.
        #expect(row(out, "A07")["arpu_change_pct"] == "")
        #expect(row(out, "A07")["value_tier"] == "D")
        #expect(row(out, "A07")["tenure_months"] == "100")
        // A08: no usage at all → usage fields empty, tier D, not high value.
        #expect(row(out, "A08")["arpu"] == "")
        #expect(row(out, "A08")["value_tier"] == "D")
        #expect(row(out, "A08")["high_value"] == "false")
        // A09: −30 % exactly raises bill_drop (inclusive) → 30, medium.
        #expect(row(out, "A09")["arpu_change_pct"] == "-30")
        #expect(row(out, "A09")["flag_bill_drop"] == "true")
        #expect(row(out, "A09")["churn_risk_score"] == "30")
        // A10: latest survey SA10a (10-10) nps 4 → detractor; two complaints, one open → 0.15 + 0.10 → 25.
        #expect(row(out, "A10")["nps"] == "4")
        #expect(row(out, "A10")["complaints_3m"] == "2")
        #expect(row(out, "A10")["open_complaints"] == "1")
        #expect(row(out, "A10")["churn_risk_score"] == "25")
        #expect(row(out, "A10")["value_tier"] == "B")
        // A11: (120 + 200 + 160) / 3 = 160 → B; bill_drop + call_forward + offnet = 0.75 → 75.
        #expect(row(out, "A11")["arpu_3m_avg"] == "160")
        #expect(row(out, "A11")["churn_risk_score"] == "75")
        // A13: joined 2025-11-05 → 11 whole months; anniversary next month: 1 year.
        #expect(row(out, "A13")["tenure_months"] == "11")
        #expect(row(out, "A13")["care_anniversary_years"] == "1")
        // A14: born 1990-11-02 → 35 now, birthday next month.
        #expect(row(out, "A14")["age"] == "35")
        #expect(row(out, "A14")["care_birthday"] == "true")
    }

    @Test("the risk score always equals the weights of its raised flags")
    func scoreEqualsWeights() throws {
        var s = Customer360Settings()
        s.weights = [0.4, 0.1, 0.1, 0.2, 0.2]
        s.riskHigh = 60
        let out = try ThreeMonthFixture.run(s)
        for r in out.rows {
            let expected = Int((100 * zip(s.weights, r.flags).filter { $0.1 }.map { $0.0 }.reduce(0, +)).rounded())
            #expect(r.churnRiskScore == expected, "\(r.customerId)")
        }
        // A11 now scores 40 + 10 + 10 = 60 → high under riskHigh 60.
        #expect(out.rows.first { $0.customerId == "A11" }?.riskLevel == "high")
    }

    @Test("churn_watch: high risk and high value, by score desc, arpu_3m_avg desc, customer_id")
    func churnWatch() throws {
        let out = try ThreeMonthFixture.run()
        // holdout (default 10 %): h = first 8 bytes of SHA-256("churn_watch|<id>|2026-10") / 2^64 —
        // A01 5bf3f18255f011df → 0.359, A12 d8385efed7727aa4 → 0.845, A11 10c1d500d1e08136 → 0.065 < 0.1.
        #expect(text(out.churnWatch) == """
        customer_id,msisdn_masked,city,brand,vip_level,value_tier,arpu_3m_avg,churn_risk_score,reasons,holdout
        A01,138****0001,石家庄,gotone,gold,A,300,100,bill_drop|call_forward|offnet|complaint|detractor,false
        A12,138****0012,沧州,gotone,diamond,A,400,75,bill_drop|call_forward|offnet,false
        A11,138****0011,沧州,gotone,none,B,160,75,bill_drop|call_forward|offnet,true

        """)
        #expect(out.heldOutChurnWatch == 1)
    }

    @Test("detractor_repair: priority, then nps, then customer_id; weakest dimensions in SPEC order")
    func detractorRepair() throws {
        let out = try ThreeMonthFixture.run()
        // A01 and A10 are high value (priority 1, nps 3 before 4); A08 has a gold card (2); A07 neither (3).
        // holdout: SHA-256("detractor_repair|<id>|2026-10") gives A01 0.409, A10 0.424, A08 0.239,
        // A07 0.371 — none below 0.1.
        #expect(text(out.detractorRepair) == """
        customer_id,msisdn_masked,city,brand,vip_level,high_value,nps,weakest,complaints_3m,priority,holdout
        A01,138****0001,石家庄,gotone,gold,true,3,network|hall|hotline|billing|new_business|promotion|communication,2,1,false
        A10,138****0010,沧州,gotone,none,true,4,,2,1,false
        A08,138****0008,廊坊,easyown,gold,false,5,network|hall,0,2,false
        A07,138****0007,保定,easyown,none,false,6,,0,3,false

        """)
        #expect(out.heldOutDetractorRepair == 0)
    }

    @Test("care_calendar: anniversary rows before birthday rows; A14 is neither high value nor VIP")
    func careCalendar() throws {
        let out = try ThreeMonthFixture.run()
        #expect(text(out.careCalendar) == """
        customer_id,msisdn_masked,city,vip_level,value_tier,occasion,years
        A01,138****0001,石家庄,gold,A,anniversary,11
        A13,138****0013,邯郸,silver,D,anniversary,1
        A01,138****0001,石家庄,gold,A,birthday,46

        """)
    }

    @Test("inputs out of customer_id order (hash joins, then a sort) give the same bytes as sorted ones (merge joins)")
    func orderDoesNotMatter() throws {
        func reversed(_ t: ColumnarTable) -> ColumnarTable {
            var text = t.header.joined(separator: ",") + "\n"
            for r in (0..<t.rowCount).reversed() {
                text += (0..<t.header.count).map { t.string(r, $0) }.joined(separator: ",") + "\n"
            }
            return columnar(text)
        }
        let f = ThreeMonthFixture.self
        let sorted = try f.run()
        let shuffled = try Customer360(settings: Customer360Settings()).run(Customer360Inputs(
            month: Month(key: "2026-10")!, customers: reversed(f.customers),
            usage: [reversed(f.usageOct), f.usageSep, reversed(f.usageAug)],
            surveys: reversed(f.surveys), complaints: [reversed(f.complaintsOct), nil, f.complaintsAug]))
        #expect(text(shuffled.customer360) == text(sorted.customer360))
        #expect(text(shuffled.churnWatch) == text(sorted.churnWatch))
        #expect(text(shuffled.detractorRepair) == text(sorted.detractorRepair))
        #expect(text(shuffled.careCalendar) == text(sorted.careCalendar))
        #expect(shuffled.baseCustomers == 13 && shuffled.highValue == sorted.highValue && shuffled.riskHigh == sorted.riskHigh)
    }

    @Test("a record holds a row in 128 bytes or less (a million rows are built before they are written), and reads back what was set")
    func compactRecord() {
        #expect(MemoryLayout<Customer360Record>.stride <= 128)
        var r = Customer360Record(source: 7)
        #expect(r.arpu == nil && r.age == nil && r.nps == nil && r.overallSat == nil && r.careAnniversaryYears == nil)
        r.arpu = 0; r.arpuChangePct = -50; r.age = 110; r.tenureMonths = 119_988; r.complaints3m = 3
        r.careAnniversaryYears = 9_998; r.birthdayYears = 111; r.npsValue = 0
        #expect(r.arpu == 0 && r.arpuChangePct == -50 && r.age == 110 && r.tenureMonths == 119_988 && r.complaints3m == 3)
        #expect(r.careAnniversaryYears == 9_998 && r.birthdayYears == 111 && r.nps == 0 && r.npsCategory == "detractor")
        r.arpu = nil; r.age = nil
        #expect(r.arpu == nil && r.age == nil && r.source == 7)
    }
}
