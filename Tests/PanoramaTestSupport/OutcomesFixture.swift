import PanoramaCore
import PanoramaStages

/// A hand-made warehouse for stage `outcomes` with M = 2026-10: the follow-up lists of the cohort
/// 2026-09 and customer_360, fact_survey, fact_complaint and fact_contact of 2026-10. Every group
/// of SPEC §5.1 is exercised; the expected list_outcome is worked out in the tests that use it.
///
/// churn_watch: W1–W3 held out (W3 contacted for retention anyway); W4 retention reached, W5
///   retention resolved (and once unreached); W6 contacted for `repair` (wrong programme), W7
///   retention unreached, W9 only an `other` contact (all three not contacted); W8 left the base.
///   Nobody churned in holdout or contacted (zero variance); W9 churned.
/// detractor_repair: D1–D4 held out (D1's repair contact was refused); D5–D9 repair reached or
///   resolved; D10 contacted for retention only, D12 refused (both not contacted); D11 left the base.
/// care_calendar: E1 (birthday and anniversary: two rows, one customer) birthday contact reached,
///   E2 anniversary resolved; nobody is left for not_contacted (an empty group).
public enum OutcomesFixture {
    public static let month = Month(key: "2026-10")!
    public static let cohort = Month(key: "2026-09")!

    public static let churnWatch = """
    customer_id,msisdn_masked,city,brand,vip_level,value_tier,arpu_3m_avg,churn_risk_score,reasons,holdout
    W1,138****0001,石家庄,gotone,gold,A,400,100,bill_drop|call_forward|offnet,true
    W2,138****0002,石家庄,gotone,gold,A,380,75,bill_drop|call_forward|offnet,true
    W3,138****0003,唐山,gotone,none,A,350,75,bill_drop|call_forward|offnet,true
    W4,138****0004,唐山,mzone,none,B,200,75,bill_drop|call_forward|offnet,false
    W5,138****0005,保定,gotone,silver,B,190,55,bill_drop|call_forward,false
    W6,138****0006,保定,gotone,none,B,180,55,bill_drop|call_forward,false
    W7,138****0007,廊坊,easyown,none,B,170,50,bill_drop|offnet,false
    W8,138****0008,廊坊,easyown,none,B,160,50,bill_drop|offnet,false
    W9,138****0009,沧州,gotone,gold,B,150,50,bill_drop|offnet,false

    """

    public static let detractorRepair = """
    customer_id,msisdn_masked,city,brand,vip_level,high_value,nps,weakest,complaints_3m,priority,holdout
    D1,139****0001,石家庄,gotone,gold,true,2,network,0,1,true
    D2,139****0002,石家庄,gotone,none,true,3,hall,1,1,true
    D3,139****0003,唐山,mzone,none,true,4,billing,0,1,true
    D4,139****0004,唐山,mzone,gold,false,1,network,0,2,true
    D5,139****0005,保定,gotone,gold,true,0,network,2,1,false
    D6,139****0006,保定,gotone,none,true,5,,0,1,false
    D7,139****0007,廊坊,easyown,silver,false,2,hall,0,2,false
    D8,139****0008,廊坊,easyown,none,false,3,,0,3,false
    D9,139****0009,沧州,easyown,none,false,4,,0,3,false
    D10,139****0010,沧州,gotone,none,false,5,,0,3,false
    D11,139****0011,邯郸,gotone,none,false,6,,0,3,false
    D12,139****0012,邯郸,gotone,none,false,6,,0,3,false

    """

    public static let careCalendar = """
    customer_id,msisdn_masked,city,vip_level,value_tier,occasion,years
    E1,137****0001,石家庄,gold,A,anniversary,10
    E2,137****0002,唐山,silver,B,anniversary,3
    E1,137****0001,石家庄,gold,A,birthday,41

    """

    /// customer_360 of 2026-10: everyone on the lists but W8 and D11, plus X1 (on no list);
    /// W9, D9 and E2 churned in October. Columns the stage does not read are empty.
    public static var customer360: String {
        let ids = ["D1", "D10", "D12", "D2", "D3", "D4", "D5", "D6", "D7", "D8", "D9", "E1", "E2",
                   "W1", "W2", "W3", "W4", "W5", "W6", "W7", "W9", "X1"]
        let columns = Customer360Stage.customer360.columns
        var text = columns.joined(separator: ",") + "\n"
        for id in ids {
            text += columns.map { column -> String in
                switch column {
                case "month": return "2026-10"
                case "customer_id": return id
                case "churned_in_month": return ["W9", "D9", "E2"].contains(id) ? "true" : "false"
                default: return ""
                }
            }.joined(separator: ",") + "\n"
        }
        return text
    }

    /// fact_survey of 2026-10 (latest survey per customer as in customer_360: W4's is S03 (nps 3,
    /// later date), W5's is S04b (same date, greater id, nps 5)).
    public static let surveys = """
    survey_id,customer_id,survey_date,channel,touchpoint,nps,overall_sat,network,hall,hotline,billing,new_business,promotion,communication
    S01,W1,2026-10-05,sms,,9,,,,,,,,
    S02,W4,2026-10-03,sms,,10,,,,,,,,
    S03,W4,2026-10-20,sms,,3,,,,,,,,
    S04b,W5,2026-10-15,phone,,5,,,,,,,,
    S04a,W5,2026-10-15,phone,,8,,,,,,,,
    S05,D1,2026-10-11,sms,,8,,,,,,,,
    S06,D2,2026-10-11,sms,,4,,,,,,,,
    S07,D3,2026-10-11,sms,,6,,,,,,,,
    S08,D5,2026-10-12,sms,,9,,,,,,,,
    S09,D6,2026-10-12,sms,,7,,,,,,,,
    S10,D7,2026-10-12,sms,,10,,,,,,,,
    S11,D8,2026-10-12,sms,,2,,,,,,,,
    S12,D10,2026-10-13,sms,,5,,,,,,,,
    S13,D12,2026-10-13,sms,,7,,,,,,,,
    S14,E1,2026-10-14,app,,6,,,,,,,,
    S15,W8,2026-10-14,app,,10,,,,,,,,
    S16,X1,2026-10-14,app,,0,,,,,,,,

    """

    /// fact_complaint of 2026-10: W1 1, W6 2, D2 1, D5 2, E2 1 (and W8, who left the base, 1).
    public static let complaints = """
    complaint_id,customer_id,opened_at,category,closed_at,escalated
    K1,W1,2026-10-02 09:00:00,network,,false
    K2,W6,2026-10-03 09:00:00,billing,,false
    K3,W6,2026-10-04 09:00:00,billing,,false
    K4,D2,2026-10-05 09:00:00,service,,false
    K5,D5,2026-10-06 09:00:00,service,,false
    K6,D5,2026-10-07 09:00:00,other,,false
    K7,E2,2026-10-08 09:00:00,network,,false
    K8,W8,2026-10-09 09:00:00,network,,false

    """

    public static let contacts = """
    contact_id,customer_id,contacted_at,program,channel,outcome
    T01,W3,2026-10-02 10:00:00,retention,phone,reached
    T02,W4,2026-10-02 10:00:00,retention,phone,reached
    T03,W5,2026-10-02 10:00:00,retention,phone,unreached
    T04,W5,2026-10-03 10:00:00,retention,visit,resolved
    T05,W6,2026-10-02 10:00:00,repair,phone,reached
    T06,W7,2026-10-02 10:00:00,retention,phone,unreached
    T07,W9,2026-10-02 10:00:00,other,sms,reached
    T08,W8,2026-10-02 10:00:00,retention,phone,reached
    T09,D1,2026-10-02 10:00:00,repair,phone,refused
    T10,D5,2026-10-02 10:00:00,repair,phone,reached
    T11,D6,2026-10-02 10:00:00,repair,phone,resolved
    T12,D7,2026-10-02 10:00:00,repair,visit,reached
    T13,D8,2026-10-02 10:00:00,repair,app,reached
    T14,D9,2026-10-02 10:00:00,repair,phone,resolved
    T15,D10,2026-10-02 10:00:00,retention,phone,reached
    T16,D12,2026-10-02 10:00:00,repair,phone,refused
    T17,E1,2026-10-02 10:00:00,birthday,mail,reached
    T18,E2,2026-10-02 10:00:00,anniversary,visit,resolved

    """

    /// fact_contact of a month without contacts.csv.
    public static let noContacts = "contact_id,customer_id,contacted_at,program,channel,outcome\n"

    /// The partitions as (table, month, text).
    public static func partitions(contacts: String = contacts) -> [(table: String, month: Month, text: String)] {
        [("churn_watch", cohort, churnWatch), ("detractor_repair", cohort, detractorRepair), ("care_calendar", cohort, careCalendar),
         ("customer_360", month, customer360), ("fact_survey", month, surveys), ("fact_complaint", month, complaints),
         ("fact_contact", month, contacts)]
    }

    /// Writes the partitions under `warehouse` (hive layout).
    public static func write(into dir: TempDir, warehouse: String = "warehouse", contacts: String = contacts, lists: Bool = true) {
        for p in partitions(contacts: contacts) where lists || p.month == month {
            dir.write("\(warehouse)/\(p.table)/month=\(p.month)/part-0.csv", p.text)
        }
    }
}

/// The expected list_outcome of `OutcomesFixture` (M = 2026-10, cohort 2026-09), worked by hand.
///
/// churn_watch — 9 on the list, W8 left the base: 8 customers.
///   all (W1 W2 W3 W4 W5 W6 W7 W9): churned W9 = 1 → 100·1/8 = 12.5; resurveyed W1 9, W4 3 (its
///     later survey), W5 5 (S04b beats S04a on the same date) = 3; promoters 1, detractors 2 →
///     nps 100·(1−2)/3 = −33.333333; repaired (≥ 7) W1 = 1 → 33.333333; complaints W1 1 + W6 2 = 3 →
///     1000·3/8 = 375.
///   holdout (W1 W2 W3; W3 was contacted anyway and stays here): churned 0 → 0; resurveyed W1 → nps
///     100, repaired 1 → 100; complaints 1 → 1000/3 = 333.333333.
///   contacted (W4 reached, W5 resolved): churned 0 → 0; resurveyed 2 (3, 5) → nps −100, repaired 0 → 0;
///     complaints 0 → 0. Effect on churn: 0/2 − 0/3 = 0; std err 100·√(0 + 0) = 0; pooled p̄ = 0 →
///     zero denominator and p₁ = p₂ → p-value 1.
///   not_contacted (W6 wrong programme, W7 unreached, W9 `other`): churned W9 → 100/3 = 33.333333;
///     nobody resurveyed → nps and repair_rate empty; complaints W6 2 → 666.666667.
/// detractor_repair — 12 on the list, D11 left the base: 11 customers.
///   holdout (D1 8, D2 4, D3 6, D4 no survey): churned 0; resurveyed 3, promoters 0, detractors 2 →
///     nps −66.666667; repaired D1 → 1/3 → 33.333333; complaints D2 1 → 1000/4 = 250.
///   contacted (D5 9, D6 7, D7 10, D8 2, D9 no survey and churned): churned 1/5 → 20; resurveyed 4,
///     promoters 2, detractors 1 → nps 25; repaired 3/4 → 75; complaints D5 2 → 400.
///   not_contacted (D10 5, contacted for retention only; D12 7, refused): churned 0; resurveyed 2,
///     detractors 1 → nps −50; repaired 1/2 → 50; complaints 0.
///   all: 11 customers, churned 1 → 9.090909; resurveyed 9, promoters 2, detractors 4 → nps
///     100·(2−4)/9 = −22.222222; repaired 5/9 → 55.555556; complaints 3 → 3000/11 = 272.727273.
///   Effect on repair: p₁ = 3/4, p₂ = 1/3 → 75 − 33.333333 = 41.666667 pt;
///     std err = 100·√(0.75·0.25/4 + (1/3)(2/3)/3) = 100·√(0.046875 + 0.074074) = 34.777733;
///     pooled p̄ = 4/7, p̄(1−p̄)(1/4 + 1/3) = (12/49)(7/12) = 1/7 → z = 0.416667/0.377964 = 1.102396,
///     p = erfc(1.102396/√2) = 0.270289.
/// care_calendar — E1 (two rows, one customer) and E2; no holdout row.
///   all = contacted (E1 birthday reached, E2 anniversary resolved): churned E2 → 50; resurveyed E1 6 →
///     nps −100, repaired 0 → 0; complaints E2 1 → 500. not_contacted: nobody (customers 0, rates empty).
public enum OutcomesExpected {
    public static let header = "month,list,cohort_month,group,customers,churned,churn_rate,resurveyed,nps,repaired,repair_rate,complaints,complaint_rate,effect,effect_std_err,effect_p_value\n"

    public static let withContacts = header + """
    2026-10,churn_watch,2026-09,all,8,1,12.5,3,-33.333333,1,33.333333,3,375,,,
    2026-10,churn_watch,2026-09,holdout,3,0,0,1,100,1,100,1,333.333333,,,
    2026-10,churn_watch,2026-09,contacted,2,0,0,2,-100,0,0,0,0,0,0,1
    2026-10,churn_watch,2026-09,not_contacted,3,1,33.333333,0,,0,,2,666.666667,,,
    2026-10,detractor_repair,2026-09,all,11,1,9.090909,9,-22.222222,5,55.555556,3,272.727273,,,
    2026-10,detractor_repair,2026-09,holdout,4,0,0,3,-66.666667,1,33.333333,1,250,,,
    2026-10,detractor_repair,2026-09,contacted,5,1,20,4,25,3,75,2,400,41.666667,34.777733,0.270289
    2026-10,detractor_repair,2026-09,not_contacted,2,0,0,2,-50,1,50,0,0,,,
    2026-10,care_calendar,2026-09,all,2,1,50,1,-100,0,0,1,500,,,
    2026-10,care_calendar,2026-09,contacted,2,1,50,1,-100,0,0,1,500,,,
    2026-10,care_calendar,2026-09,not_contacted,0,0,,0,,0,,0,,,,

    """

    /// Without contacts.csv nobody is contacted: contacted rows are empty and carry no effect;
    /// not_contacted holds every customer not held out.
    /// churn_watch not_contacted = W4 W5 W6 W7 W9: churned 1 → 20; resurveyed 2 (3, 5) → nps −100,
    ///   repaired 0; complaints 2 → 400.
    /// detractor_repair not_contacted = D5–D10, D12 (7): churned 1 → 14.285714; resurveyed 6 (9, 7, 10, 2,
    ///   5, 7), promoters 2, detractors 2 → nps 0; repaired 4 → 66.666667; complaints 2 → 285.714286.
    /// care_calendar not_contacted = all.
    public static let withoutContacts = header + """
    2026-10,churn_watch,2026-09,all,8,1,12.5,3,-33.333333,1,33.333333,3,375,,,
    2026-10,churn_watch,2026-09,holdout,3,0,0,1,100,1,100,1,333.333333,,,
    2026-10,churn_watch,2026-09,contacted,0,0,,0,,0,,0,,,,
    2026-10,churn_watch,2026-09,not_contacted,5,1,20,2,-100,0,0,2,400,,,
    2026-10,detractor_repair,2026-09,all,11,1,9.090909,9,-22.222222,5,55.555556,3,272.727273,,,
    2026-10,detractor_repair,2026-09,holdout,4,0,0,3,-66.666667,1,33.333333,1,250,,,
    2026-10,detractor_repair,2026-09,contacted,0,0,,0,,0,,0,,,,
    2026-10,detractor_repair,2026-09,not_contacted,7,1,14.285714,6,0,4,66.666667,2,285.714286,,,
    2026-10,care_calendar,2026-09,all,2,1,50,1,-100,0,0,1,500,,,
    2026-10,care_calendar,2026-09,contacted,0,0,,0,,0,,0,,,,
    2026-10,care_calendar,2026-09,not_contacted,2,1,50,1,-100,0,0,1,500,,,

    """
}
