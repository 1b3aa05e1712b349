import Foundation
import PanoramaTestSupport
import PanoramaCore
@testable import PanoramaStages

/// Hand-made warehouse tables for October 2026 (SPEC §3.3, §4, §4.1, §4.2, §5, §5.1, §5.2 columns),
/// with hostile text in cities and list cells.
enum ReportFixture {
    static let month = Month(key: "2026-10")!
    static let scriptCity = "<script>alert(1)</script>"
    static let quoteCity = "\"&'<>"
    static let formula = "=HYPERLINK(\"http://evil.example/x\",\"click\")"

    /// The header of partitions written before SPEC §4.1 (the history months use it).
    static let oldKPIHeader = "month,kpi,dimension,member,value,base,prev_value,mom_change,mom_unit,target,target_gap,polarity,direction,alert\n"
    static let kpiHeader = "month,kpi,dimension,member,value,base,prev_value,mom_change,mom_unit,target,target_gap,polarity,direction,alert,"
        + "std_err,prev_base,prev_std_err,mom_p_value,mom_q_value,significant,alert_level\n"

    /// The kpi partition of M with the SPEC §4.1 columns. std_err of the shares, NPS and the
    /// complaint rate follow §4.1 from the values, e.g. nps: a = 0.45, b = 0.13, n = 412:
    /// 100 × √((0.58 − 0.32²)/412) = 3.404737 (±1.96 × 3.404737 = ±6.7); complaint_rate:
    /// √(1000 × 12.5 / 80000) = 0.395285; churn_rate: 100 × √(0.0125 × 0.9875 / 8000) = 0.124216 (±0.24).
    /// The score KPIs' std_err are given (10·s/√n for an s of about 12). p-values follow §4.1 and
    /// q-values are Benjamini–Hochberg over the 18 rows with a p: churn_rate 1.1% → 1.25% on 8,000
    /// customers is z = 0.88, p = 0.380 — within noise, so its rise alert is `watch`; the complaint
    /// rate 10 → 12.5 per 1,000 on 80,000 customers is p = 0.000003, q = 0.000054: `confirmed`.
    /// 承德's NPS has base 12 < min_base 30 (small base, no alert); 保定's complaint rate had 0 last month.
    static let kpi = kpiHeader + """
    2026-10,sat_index,total,河北,82.3,412,80.1,2.746567,pct,90,-8.555556,higher_better,up,off_target,0.612245,400,0.65,0.013749,0.061871,false,target
    2026-10,sat_index,city,\"\"\"&'<>",81,60,79.5,1.886792,pct,90,-10,higher_better,up,off_target,,,,,,,target
    2026-10,sat_index,city,<script>alert(1)</script>,84.25,55,84,0.297619,pct,90,-6.388889,higher_better,up,off_target,,,,,,,target
    2026-10,sat_index,city,保定,80.5,150,81,-0.617284,pct,90,-10.555556,higher_better,down,off_target,,,,,,,target
    2026-10,sat_index,city,石家庄,83.1,147,77,7.922078,pct,90,-7.666667,higher_better,up,rise+off_target,1.1,140,1.2,0.000179,0.001611,true,confirmed
    2026-10,sat_index,brand,easyown,79,120,78,1.282051,pct,90,-12.222222,higher_better,up,off_target,,,,,,,target
    2026-10,sat_index,brand,gotone,86,150,85.5,0.584795,pct,90,-4.444444,higher_better,up,none,,,,,,,none
    2026-10,sat_index,brand,mzone,81.2,142,83,-2.168675,pct,90,-9.777778,higher_better,down,off_target,,,,,,,target
    2026-10,sat_index,vip_level,diamond,88,40,87,1.149425,pct,90,-2.222222,higher_better,up,none,,,,,,,none
    2026-10,sat_index,vip_level,gold,85,90,84,1.190476,pct,90,-5.555556,higher_better,up,off_target,,,,,,,target
    2026-10,sat_index,vip_level,none,80,200,79,1.265823,pct,90,-11.111111,higher_better,up,off_target,,,,,,,target
    2026-10,sat_index,vip_level,silver,82,82,82,0,pct,90,-8.888889,higher_better,flat,off_target,,,,,,,target
    2026-10,sat_index,value_tier,A,87,60,86,1.162791,pct,90,-3.333333,higher_better,up,none,,,,,,,none
    2026-10,sat_index,value_tier,B,83,120,82,1.219512,pct,90,-7.777778,higher_better,up,off_target,,,,,,,target
    2026-10,sat_index,value_tier,C,81,130,81.5,-0.613497,pct,90,-10,higher_better,down,off_target,,,,,,,target
    2026-10,sat_index,value_tier,D,79.5,102,80,-0.625,pct,90,-11.666667,higher_better,down,off_target,,,,,,,target
    2026-10,sat_index,channel,app,83,100,82,1.219512,pct,90,-7.777778,higher_better,up,off_target,,,,,,,target
    2026-10,sat_index,channel,hall,84,80,83,1.204819,pct,90,-6.666667,higher_better,up,off_target,,,,,,,target
    2026-10,sat_index,channel,phone,81,112,80,1.25,pct,90,-10,higher_better,up,off_target,,,,,,,target
    2026-10,sat_index,channel,sms,81.5,120,80.5,1.242236,pct,90,-9.444444,higher_better,up,off_target,,,,,,,target
    2026-10,sat_overall,total,河北,79.5,400,81,-1.851852,pct,,,higher_better,down,none,0.65,395,0.66,0.105387,0.252715,false,none
    2026-10,sat_network,total,河北,78.2,410,76.4,2.356021,pct,,,higher_better,up,none,0.7,405,0.72,0.073055,0.219165,false,none
    2026-10,sat_hall,total,河北,85.1,300,85.1,0,pct,,,higher_better,flat,none,0.8,298,0.8,1,1,false,none
    2026-10,sat_hotline,total,河北,80.4,280,83,-3.13253,pct,,,higher_better,down,none,0.9,281,0.88,0.038869,0.139928,false,none
    2026-10,sat_billing,total,河北,76,390,74.9,1.468625,pct,,,higher_better,up,none,0.75,385,0.77,0.30614,0.45921,false,none
    2026-10,sat_new_business,total,河北,81.2,210,80,1.5,pct,,,higher_better,up,none,1,205,1.05,0.407905,0.524449,false,none
    2026-10,sat_promotion,total,河北,74.4,200,79,-5.822785,pct,,,higher_better,down,fall,1.3,210,1.25,0.010753,0.061871,false,watch
    2026-10,sat_communication,total,河北,83,260,82.5,0.606061,pct,,,higher_better,up,none,0.95,255,0.97,0.712676,0.754598,false,none
    2026-10,nps,total,河北,32,412,25,7,pt,40,-8,higher_better,up,rise+off_target,3.404737,400,3.561952,0.155429,0.310858,false,watch
    2026-10,nps,city,\"\"\"&'<>",28.333333,60,30,-1.666667,pt,40,-11.666667,higher_better,down,off_target,,,,,,,target
    2026-10,nps,city,<script>alert(1)</script>,40,55,38,2,pt,40,0,higher_better,up,none,,,,,,,none
    2026-10,nps,city,承德,-8.333333,12,20,-28.333333,pt,40,-48.333333,higher_better,down,none,,,,,,,none
    2026-10,nps,brand,gotone,45,150,42,3,pt,40,5,higher_better,up,none,,,,,,,none
    2026-10,promoter_share,total,河北,45,412,41,4,pt,,,higher_better,up,none,2.450976,400,2.459167,0.249757,0.408693,false,none
    2026-10,detractor_share,total,河北,13,412,16,-3,pt,,,lower_better,down,none,1.656848,400,1.83303,0.224521,0.404138,false,none
    2026-10,complaint_rate,total,河北,12.5,80000,10,25,pct,,,lower_better,up,rise,0.395285,79500,0.354663,0.000003,0.000054,true,confirmed
    2026-10,complaint_rate,city,保定,5,2000,0,,pct,,,lower_better,flat,none,,,,,,,none
    2026-10,complaint_closed_48h,total,河北,91.2,100,93,-1.8,pt,95,-3.8,higher_better,down,none,2.832949,98,2.577374,0.638909,0.718773,false,none
    2026-10,churn_rate,total,河北,1.25,8000,1.1,13.636364,pct,,,lower_better,up,rise,0.124216,7900,0.117349,0.380253,0.524449,false,watch
    2026-10,hv_retention,total,河北,96.5,2000,97,-0.5,pt,98,-1.5,higher_better,down,none,,2010,,,,,none
    2026-10,hv_share,total,河北,25.5,8000,25,0.5,pt,,,higher_better,up,none,0.487308,7900,0.487177,0.468097,0.561716,false,none
    2026-10,arpu,total,河北,88.42,7900,86.5,2.219653,pct,,,higher_better,up,none,0.85,7800,0.86,0.112318,0.252715,false,none
    2026-10,survey_n,total,河北,412,412,,,,,,,flat,none,,,,,,,none

    """

    /// Earlier months' kpi partitions, written before SPEC §4.1 (July missing: the sparkline has a gap).
    static let history: [(String, String)] = [
        ("2026-06", oldKPIHeader + "2026-06,sat_index,total,河北,78.2,380,,,pct,90,-13.111111,higher_better,flat,off_target\n2026-06,nps,total,河北,20,380,,,pt,40,-20,higher_better,flat,off_target\n2026-06,complaint_rate,total,河北,9,7800,,,pct,,,lower_better,flat,none\n"),
        ("2026-08", oldKPIHeader + "2026-08,sat_index,total,河北,79,390,,,pct,90,-12.222222,higher_better,flat,off_target\n2026-08,nps,total,河北,22,390,,,pt,40,-18,higher_better,flat,off_target\n2026-08,complaint_rate,total,河北,9.5,7900,,,pct,,,lower_better,flat,none\n"),
        ("2026-09", oldKPIHeader + "2026-09,sat_index,total,河北,80.1,400,79,1.392405,pct,90,-11,higher_better,up,off_target\n2026-09,nps,total,河北,25,400,22,3,pt,40,-15,higher_better,up,off_target\n2026-09,complaint_rate,total,河北,10,7950,9.5,5.263158,pct,,,lower_better,up,rise\n"),
    ]

    /// kpi_change of M (SPEC §4.2). Worked for 承德 (NPS by city): bases 12 of 412 now and 20 of 400
    /// before give share 0.029126 and prev_share 0.05; values −8.333333 and 20. s̄ = 0.039563,
    /// rate = 0.039563 × (−28.333333) = −1.120955; v̄ = 5.833333, V̄ = (32 + 25)/2 = 28.5,
    /// mix = (5.833333 − 28.5) × (0.029126 − 0.05) = 0.473139; contribution −0.647816. The members
    /// of each dimension add up to the total change (NPS: 4.470267 + 3.177549 − 0.647816 = 7).
    /// The complaint rate's 石家庄 kept its rate (10 → 10): its contribution is all mix. The component
    /// rows follow the seven sub-index rows of the kpi fixture (share = weight); those were chosen for
    /// display long before kpi_change and do not average to this fixture's sat_index total, so the
    /// components add up to −0.065, not to its +2.2.
    static let kpiChange = """
    month,kpi,dimension,member,share,prev_share,value,prev_value,rate_effect,mix_effect,contribution,rank
    2026-10,sat_index,component,sat_network,0.25,0.25,78.2,76.4,0.45,0,0.45,2
    2026-10,sat_index,component,sat_hall,0.15,0.15,85.1,85.1,0,0,0,7
    2026-10,sat_index,component,sat_hotline,0.15,0.15,80.4,83,-0.39,0,-0.39,3
    2026-10,sat_index,component,sat_billing,0.15,0.15,76,74.9,0.165,0,0.165,4
    2026-10,sat_index,component,sat_new_business,0.1,0.1,81.2,80,0.12,0,0.12,5
    2026-10,sat_index,component,sat_promotion,0.1,0.1,74.4,79,-0.46,0,-0.46,1
    2026-10,sat_index,component,sat_communication,0.1,0.1,83,82.5,0.05,0,0.05,6
    2026-10,nps,city,保定,0.5,0.625,26.815534,20,3.833738,0.636529,4.470267,1
    2026-10,nps,city,承德,0.029126,0.05,-8.333333,20,-1.120955,0.473139,-0.647816,3
    2026-10,nps,city,石家庄,0.470874,0.325,40,35.384615,1.836632,1.340917,3.177549,2
    2026-10,nps,brand,easyown,0.291262,0.25,28,27,0.270631,-0.041262,0.229369,3
    2026-10,nps,brand,gotone,0.364078,0.4,45,42,1.146117,-0.538835,0.607282,2
    2026-10,nps,brand,mzone,0.34466,0.35,21.647887,4.142857,6.080024,0.083326,6.16335,1
    2026-10,complaint_rate,city,保定,0.625,0.622642,14,10,2.495283,0.001769,2.497052,1
    2026-10,complaint_rate,city,石家庄,0.375,0.377358,10,10,0,0.002948,0.002948,2
    2026-10,churn_rate,city,保定,0.625,0.620253,1.2,1,0.124525,-0.000356,0.124169,1
    2026-10,churn_rate,city,石家庄,0.375,0.379747,1.333333,1.263333,0.026416,-0.000585,0.025831,2

    """

    /// Drivers: billing is rank 1 and network rank 2, both improve_first.
    static let drivers = """
    month,segment_dim,segment,driver,coef,std_err,t,p_value,std_beta,vif,importance,importance_pct,rank,performance,quadrant,nps_lift_1pt
    2026-10,total,河北,network,0.41,0.05,8.2,0.000001,0.35,2.1,0.1056,22,2,72.5,improve_first,4.1
    2026-10,total,河北,hall,0.12,0.04,3,0.0028,0.1,1.8,0.032,6.666667,6,85,low_priority,1.5
    2026-10,total,河北,hotline,0.2,0.05,4,0.00007,0.16,2.4,0.0768,16,3,82,keep_strength,2.25
    2026-10,total,河北,billing,0.52,0.06,8.666667,0,0.42,3.3,0.144,30,1,70,improve_first,6.42
    2026-10,total,河北,new_business,0.15,0.06,2.5,0.012766,0.11,2.9,0.048,10,5,76,watch,1.75
    2026-10,total,河北,promotion,-0.03,0.05,-0.6,0.548837,-0.02,5.6,0.024,5,7,68,watch,-0.4
    2026-10,total,河北,communication,0.14,0.05,2.8,0.005356,0.12,2.2,0.0496,10.333333,4,83,low_priority,1.6
    2026-10,brand,gotone,network,0.38,0.09,4.222222,0.00008,0.33,2,0.12,23.076923,2,74,improve_first,3.9
    2026-10,brand,gotone,hall,0.1,0.08,1.25,0.215,0.08,1.7,0.03,5.769231,6,86,low_priority,1.1
    2026-10,brand,gotone,hotline,0.22,0.09,2.444444,0.017,0.18,2.3,0.08,15.384615,3,83,keep_strength,2.4
    2026-10,brand,gotone,billing,0.5,0.1,5,0.000005,0.4,3.1,0.15,28.846154,1,71,improve_first,6
    2026-10,brand,gotone,new_business,0.12,0.1,1.2,0.234,0.09,2.6,0.05,9.615385,5,77,watch,1.3
    2026-10,brand,gotone,promotion,0.05,0.09,0.555556,0.58,0.04,2.9,0.03,5.769231,7,69,watch,0.5
    2026-10,brand,gotone,communication,0.16,0.09,1.777778,0.079,0.13,2.1,0.06,11.538462,4,84,low_priority,1.8

    """

    static let driverModel = """
    month,segment_dim,segment,n,dropped,r2,adj_r2,f_stat,f_p_value,rmse,intercept,warnings
    2026-10,total,河北,412,15,0.48,0.471,53.2,0,1.82,-1.25,max_vif>5|negative_coef:promotion
    2026-10,brand,gotone,65,4,0.52,0.456,7.9,0.000002,1.7,-0.8,n<10p
    2026-10,brand,mzone,40,2,,,,,,,singular:nps

    """

    /// The lists of M with SPEC §3.3's holdout column: C0030 and C0015 are held out (the call-centre
    /// files leave them out); the rest carry hostile text.
    static let churnWatch = """
    customer_id,msisdn_masked,city,brand,vip_level,value_tier,arpu_3m_avg,churn_risk_score,reasons,holdout
    C0007,138****0007,"=HYPERLINK(""http://evil.example/x"",""click"")",gotone,gold,A,350.5,75,bill_drop|call_forward|offnet,false
    C0012,139****0012,<script>alert(1)</script>,mzone,none,B,130,55,bill_drop|complaint|detractor,false
    C0030,137****0030,保定,gotone,diamond,A,410.25,55,offnet|complaint,true
    @SUM(A1),150****0020,-2+3,easyown,silver,B,121,50,+cmd,false

    """

    static let detractorRepair = """
    customer_id,msisdn_masked,city,brand,vip_level,high_value,nps,weakest,complaints_3m,priority,holdout
    C0003,137****0003,保定,gotone,diamond,true,2,network|billing,3,1,false
    C0015,150****0015,\"\"\"&'<>\",easyown,none,false,5,,0,3,true
    C0016,150****0016,\"\"\"&'<>\",mzone,none,false,6,hotline,1,3,false

    """

    static let careCalendar = """
    customer_id,msisdn_masked,city,vip_level,value_tier,occasion,years
    C0004,136****0004,石家庄,gold,B,anniversary,10
    C0004,136****0004,石家庄,gold,B,birthday,46

    """

    /// list_outcome of M for the lists of 2026-09 (SPEC §5.1). churn_watch: 3 of 60 contacted
    /// churned (5%) against 2 of 10 held out (20%): effect −15 pt, std_err 100 × √(0.05 × 0.95/60 +
    /// 0.2 × 0.8/10) = 12.958266 (±25.4), pooled p = 0.088158 > 0.05 — not significant; coverage
    /// 60 ÷ (60 + 30) = 66.7%. detractor_repair: 18 of 30 re-surveyed contacted customers repaired
    /// (60%) against 0 of 5 held out: effect +60 pt, std_err 100 × √(0.6 × 0.4/30) = 8.944272 (±17.5),
    /// p = 0.012946 — significant; coverage 40 ÷ 45 = 88.9%. care_calendar has no holdout group.
    static let listOutcome = """
    month,list,cohort_month,group,customers,churned,churn_rate,resurveyed,nps,repaired,repair_rate,complaints,complaint_rate,effect,effect_std_err,effect_p_value
    2026-10,churn_watch,2026-09,all,100,8,8,30,-10,12,40,5,50,,,
    2026-10,churn_watch,2026-09,holdout,10,2,20,3,-33.333333,1,33.333333,1,100,,,
    2026-10,churn_watch,2026-09,contacted,60,3,5,20,0,9,45,2,33.333333,-15,12.958266,0.088158
    2026-10,churn_watch,2026-09,not_contacted,30,3,10,7,-28.571429,2,28.571429,2,66.666667,,,
    2026-10,detractor_repair,2026-09,all,50,2,4,39,-12.820513,19,48.717949,3,60,,,
    2026-10,detractor_repair,2026-09,holdout,5,0,0,5,-80,0,0,0,0,,,
    2026-10,detractor_repair,2026-09,contacted,40,1,2.5,30,0,18,60,2,50,60,8.944272,0.012946
    2026-10,detractor_repair,2026-09,not_contacted,5,1,20,4,-50,1,25,1,200,,,
    2026-10,care_calendar,2026-09,all,20,0,0,6,50,5,83.333333,0,0,,,
    2026-10,care_calendar,2026-09,contacted,15,0,0,5,60,5,100,0,0,,,
    2026-10,care_calendar,2026-09,not_contacted,5,0,0,1,0,0,0,0,0,,,

    """

    /// The churn stage's figures: three months of backtests; the production fit's strongest
    /// features by |coef| are flag_offnet 1.1, flag_bill_drop 0.9, tenure_years −0.8,
    /// open_complaints 0.6 and flag_detractor 0.5 (exp(1.1) = 3.004 times the odds).
    static let churnModel = """
    month,model,train_pairs,n_train,n_eval,churners_eval,auc,top_decile_lift
    2026-08,learnt,4,30000,7800,90,0.741,2.8
    2026-08,rule,,,7800,90,0.688,2.1
    2026-08,segment_rates,4,30000,7800,90,0.702,2.3
    2026-09,learnt,5,37500,7850,95,0.752,2.95
    2026-09,rule,,,7850,95,0.69,2.2
    2026-09,segment_rates,5,37500,7850,95,0.71,2.4
    2026-10,learnt,6,45000,7900,100,0.768,3.1
    2026-10,rule,,,7900,100,0.695,2.25
    2026-10,segment_rates,6,45000,7900,100,0.715,2.5

    """

    static let churnCoef = """
    month,feature,coef,backtest_coef
    2026-10,intercept,-3.2,-3.1
    2026-10,flag_bill_drop,0.9,0.85
    2026-10,flag_call_forward,0.45,0.4
    2026-10,flag_offnet,1.1,1
    2026-10,flag_complaint,0.3,0.35
    2026-10,flag_detractor,0.5,0.45
    2026-10,complaints_3m,0.2,0.22
    2026-10,open_complaints,0.6,0.55
    2026-10,log_arpu_3m,-0.35,-0.3
    2026-10,tenure_years,-0.8,-0.75
    2026-10,vip,-0.15,-0.1
    2026-10,high_value,0.1,0.12
    2026-10,has_survey,-0.05,-0.04

    """

    /// Of the 4 watch-list customers, 25 scored, top decile ⌈25/10⌉ = 3: C0012 (rank 1) and C0007
    /// (rank 3) are in it, C0030 (rank 4) and @SUM(A1) (rank 9) are not: 2 of 4, 50%.
    static let overlap = WatchListOverlap(watchIds: ["C0007", "C0012", "C0030", "@SUM(A1)"],
                                          scores: (1...25).map { k in
                                              let id = [1: "C0012", 2: "C0099", 3: "C0007", 4: "C0030", 9: "@SUM(A1)"][k] ?? "C1\(k)"
                                              return (customerId: id, riskRank: k)
                                          })

    static func churn() -> ChurnReportInput {
        ChurnReportInput(backtests: try! ChurnModelRow.read(table(churnModel)), coefficients: try! ChurnCoefRow.read(table(churnCoef)),
                         overlap: overlap)
    }

    /// The drivers manifest's record: value tier A had 22 usable responses, below min_n 30.
    static let driversQuality = DriversQuality(window: [month], monthsRead: [month], responses: 427, n: 412, dropped: 15,
                                               segmentsFitted: 2, segmentsSingular: 1, minN: 30,
                                               belowMinN: [(dimension: "value_tier", member: "A", n: 22)])

    static let quality = [
        SourceQualityCounts(source: "customers", read: 1000, clean: 990, quarantined: 10, reasons: [("MISSING_FIELD", 4), ("BAD_MSISDN", 6)]),
        SourceQualityCounts(source: "usage", read: 990, clean: 985, quarantined: 5, reasons: [("OUT_OF_RANGE", 5)]),
        SourceQualityCounts(source: "surveys", read: 420, clean: 415, quarantined: 5, reasons: [("BAD_NUMBER", 3), ("WRONG_MONTH", 2)]),
        SourceQualityCounts(source: "complaints", read: 120, clean: 120, quarantined: 0, reasons: []),
    ]

    static func table(_ csv: String) -> ColumnarTable { ColumnarTable.fixture(csv) }

    static let lineage = ReportLineage(
        inputs: [LineageItem(name: "customers", month: "2026-10", path: "data/input/2026-10/customers.csv",
                             sha256: String(repeating: "a", count: 64), rows: 1000)],
        partitions: [LineageItem(name: "kpi", month: "2026-10", path: "data/warehouse/kpi/month=2026-10/part-0.csv",
                                 sha256: String(repeating: "b", count: 64), rows: 40)],
        configFile: "pipelines/nightly.yaml", configHash: String(repeating: "c", count: 64), version: "0.2.0",
        runId: "20261101T020000-42", asOf: "2026-10-31", generated: "2026-11-01 02:00:05")

    static func data() -> ReportData {
        ReportData(
            kpis: try! KPIRow.read(table(kpi)),
            history: history.flatMap { try! KPIRow.read(table($0.1)) },
            drivers: try! DriverRow.read(table(drivers)),
            models: try! DriverModelRow.read(table(driverModel)),
            lists: [FollowUpList(name: "churn_watch", table: table(churnWatch)),
                    FollowUpList(name: "detractor_repair", table: table(detractorRepair)),
                    FollowUpList(name: "care_calendar", table: table(careCalendar))],
            quality: quality, lineage: lineage, retention: .present,
            changes: try! KPIChangeRow.read(table(kpiChange)), driversQuality: driversQuality,
            outcomes: try! ListOutcomeRow.read(table(listOutcome)), churn: churn())
    }

    static func settings(_ language: ReportLanguage = .zh, _ colors: ArrowColors = .cn) -> ReportSettings {
        ReportSettings(province: "河北", month: month, language: language, arrowColors: colors)
    }

    static func render(_ language: ReportLanguage = .zh, _ colors: ArrowColors = .cn, data: ReportData = data()) -> ReportArtefacts {
        Report(settings: settings(language, colors), data: data).render()
    }

    /// list_outcome with one list's measure changed: (denominator, count) of its `contacted` and
    /// `holdout` rows — customers/churned for churn_watch, resurveyed/repaired for detractor_repair —
    /// the `all` row re-added from the groups, and the effect as the outcomes stage writes it.
    static func outcomes(_ list: String, contacted: (Int, Int), holdout: (Int, Int), effect: Double, stdErr: Double, p: Double,
                         in rows: [ListOutcomeRow] = try! ListOutcomeRow.read(table(listOutcome))) -> [ListOutcomeRow] {
        var rows = rows
        func rate(_ k: Int, _ n: Int) -> Double? { n > 0 ? 100 * Double(k) / Double(n) : nil }
        for i in rows.indices where rows[i].list == list {
            let figures = rows[i].group == "contacted" ? contacted : rows[i].group == "holdout" ? holdout : nil
            if let (n, k) = figures {
                if list == "churn_watch" {
                    rows[i].customers = n; rows[i].churned = k; rows[i].churnRate = rate(k, n)
                } else {
                    rows[i].customers = max(rows[i].customers, n); rows[i].resurveyed = n; rows[i].repaired = k; rows[i].repairRate = rate(k, n)
                }
            }
            if rows[i].group == "contacted" { rows[i].effect = effect; rows[i].effectStdErr = stdErr; rows[i].effectPValue = p }
        }
        let groups = rows.filter { $0.list == list && $0.group != "all" }
        if let a = rows.firstIndex(where: { $0.list == list && $0.group == "all" }) {
            rows[a].customers = groups.map(\.customers).reduce(0, +)
            rows[a].churned = groups.map(\.churned).reduce(0, +)
            rows[a].churnRate = rate(rows[a].churned, rows[a].customers)
            rows[a].resurveyed = groups.map(\.resurveyed).reduce(0, +)
            rows[a].repaired = groups.map(\.repaired).reduce(0, +)
            rows[a].repairRate = rate(rows[a].repaired, rows[a].resurveyed)
        }
        return rows
    }

    /// Variants that between them reach every conditional label (with `titles`, which reach the month names).
    static func variants() -> [(ReportData, ArrowColors)] {
        // b: nothing but the kpi table — every optional section says what did not run.
        var b = data()
        b.retention = .noSnapshotPartition(Month(key: "2025-12")!)
        b.kpis.removeAll { $0.kpi == "hv_retention" }
        b.quality = nil
        b.kpis = b.kpis.map { var r = $0; r.alert = "none"; return r }
        b.drivers = []
        b.models = []
        b.lists = b.lists.map { FollowUpList(name: $0.name, table: ColumnarTable.fixture(header: $0.table.header, cells: [])) }
        b.changes = nil
        b.driversQuality = nil
        b.outcomes = nil
        b.churn = nil
        // c: a kpi partition without significance columns, no previous satisfaction index, empty
        // kpi_change, a churn stage that had nothing to fit, lists without the holdout column.
        var c = data()
        c.retention = .snapshotAfterMonth(Month(key: "2026-12")!)
        c.quality = [SourceQualityCounts(source: "customers", read: 5, clean: 5, quarantined: 0, reasons: [])]
        c.kpis = c.kpis.map { r in
            var r = r
            r.momPValue = nil; r.momQValue = nil; r.significant = nil; r.alertLevel = "none"
            if r.kpi == "sat_index" && r.dimension == "total" { r.prevValue = nil; r.momChange = nil; r.direction = "flat" }
            return r
        }
        c.changes = []
        c.drivers = c.drivers.map { var x = $0; x.pValue = 0.5; return x }
        c.driversQuality = nil
        // Nobody held out: no effect can be estimated.
        c.outcomes = try! ListOutcomeRow.read(table(listOutcome)).filter { $0.list == "churn_watch" }.map { r in
            var r = r
            if r.group == "holdout" { r.customers = 0; r.churned = 0; r.churnRate = nil; r.resurveyed = 0; r.repaired = 0; r.repairRate = nil }
            if r.group == "contacted" { r.effect = nil; r.effectStdErr = nil; r.effectPValue = nil }
            return r
        }
        c.churn = ChurnReportInput(backtests: [], coefficients: [], overlap: nil)
        c.lists = c.lists.map { list in
            let keep = list.table.header.indices.filter { list.table.header[$0] != "holdout" }
            let cells = (0..<list.count).flatMap { r in keep.map { list.table[r, $0] } }
            return FollowUpList(name: list.name, table: ColumnarTable.fixture(header: keep.map { list.table.header[$0] }, cells: cells))
        }
        // d: every row rises and is confirmed; targets met and missed; kpi_change mirrored (the
        // opposite words); effects: retention calls worked, repair calls within noise.
        var d = data()
        d.retention = .noRows(Month(key: "2025-12")!)
        d.kpis = d.kpis.map { r in
            var r = r
            if r.kpi == "survey_n" { r.momChange = 5; r.direction = "up"; return r }
            r.momChange = 10; r.direction = "up"; r.alert = "rise"
            r.momPValue = 0.001; r.momQValue = 0.002; r.significant = true; r.alertLevel = "confirmed"
            if r.dimension == "total" && r.kpi == "complaint_rate" { r.target = 20 }
            if r.dimension == "total" && r.kpi == "churn_rate" { r.target = 1 }
            return r
        }
        d.changes = d.changes!.map { x in
            var x = x
            x.rateEffect = -x.rateEffect; x.mixEffect = -x.mixEffect; x.contribution = -x.contribution
            (x.share, x.prevShare) = (x.prevShare, x.share)
            return x
        }
        d.drivers = d.drivers.map { var x = $0; x.quadrant = "watch"; if x.driver == "promotion" { x.pValue = 0.01 }; return x }
        d.models = d.models.map { var m = $0; if m.segment == "gotone" { m.warnings = [] }; return m }
        d.quality = [SourceQualityCounts(source: "surveys", read: 20, clean: 10, quarantined: 10,
                                         reasons: QuarantineCode.allCases.map { ($0.rawValue, 1) }),
                     SourceQualityCounts(source: "contacts", read: 3, clean: 3, quarantined: 0, reasons: [])]
        d.driversQuality?.belowMinN = []
        // Worked: 3 of 60 contacted churned against 10 of 40 held out: −20 pt, std_err 7.402139, p = 0.003575;
        // 12 of 30 against 1 of 5 repaired: +20 pt, std_err 20, p = 0.391504; nobody on the care calendar could be contacted.
        let dOutcomes = outcomes("churn_watch", contacted: (60, 3), holdout: (40, 10), effect: -20, stdErr: 7.402139, p: 0.003575)
        d.outcomes = outcomes("detractor_repair", contacted: (30, 12), holdout: (5, 1), effect: 20, stdErr: 20, p: 0.391504,
                              in: dOutcomes).map { r in
            var r = r
            if r.list == "care_calendar" && r.group != "all" { r.customers = 0 }
            return r
        }
        // e: contact went the wrong way on both lists; an NPS target no driver can reach alone.
        var e = data()
        // Worked: 15 of 60 contacted churned against 1 of 40 held out: +22.5 pt, std_err 6.110953,
        // p = 0.002641; 3 of 30 against 15 of 25 repaired: −50 pt, std_err 11.224972, p = 0.000083.
        let eOutcomes = outcomes("churn_watch", contacted: (60, 15), holdout: (40, 1), effect: 22.5, stdErr: 6.110953, p: 0.002641)
        e.outcomes = outcomes("detractor_repair", contacted: (30, 3), holdout: (25, 15), effect: -50, stdErr: 11.224972, p: 0.000083,
                              in: eOutcomes)
        e.kpis = e.kpis.map { var r = $0; if r.kpi == "nps" { r.target = 100 }; return r }
        // The other seven features lead here, so every feature's name is shown by some variant.
        let strong = ["complaints_3m": 2.0, "log_arpu_3m": -1.9, "vip": -1.8, "has_survey": -1.7, "flag_call_forward": 1.6]
        let eCoefficients = churn().coefficients.map { var c = $0; c.coef = strong[c.feature] ?? c.coef; return c }
        e.churn?.coefficients = eCoefficients
        // f: the first month of the outcomes stage, and no NPS target.
        var f = data()
        f.outcomes = []
        f.kpis = f.kpis.map { var r = $0; if r.kpi == "nps" { r.target = nil; r.targetGap = nil }; return r }
        let strongF = ["flag_complaint": 2.0, "high_value": -1.9]
        let fCoefficients = churn().coefficients.map { var c = $0; c.coef = strongF[c.feature] ?? c.coef; return c }
        f.churn?.coefficients = fCoefficients
        return [(data(), .cn), (b, .western), (c, .cn), (d, .western), (e, .cn), (f, .western)]
    }

    /// The page title of every month of the year (the month names are labels too), for a province
    /// written in Chinese and one written in Latin letters.
    static func titles(_ language: ReportLanguage) -> String {
        ["河北", "Hebei"].flatMap { province in
            (1...12).map { m in
                var s = settings(language)
                s.province = province
                s.month = Month(year: 2026, month: m)
                return PanoramaHTML(settings: s, data: data(), alerts: []).title
            }
        }.joined(separator: "\n")
    }
}
