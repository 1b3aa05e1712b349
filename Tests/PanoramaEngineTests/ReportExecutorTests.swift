import Foundation
import Testing
import PanoramaConfig
import PanoramaCore
@testable import PanoramaEngine
import PanoramaStages
import PanoramaTestSupport

/// A temporary project with hand-written warehouse partitions for the report stage.
private final class ReportWorkspace {
    let dir = TempDir("report")
    var path: String { dir.path }
    var lines: [String] = []

    func write(_ name: String, _ text: String) { dir.write(name, text) }
    func read(_ name: String) -> String { dir.text(name) }
    func exists(_ name: String) -> Bool { dir.exists(name) }

    func config(report: String = "{id: report, needs: [cleanse]}", extra: String = "", overrides: [String] = []) throws -> PipelineConfig {
        try PipelineConfig.parse(text: """
        name: test
        province: 河北
        month: 2026-10
        paths: {input: \(path)/input/{month}, warehouse: \(path)/warehouse, reports: \(path)/reports/{month}}
        stages:
          - {id: ingest}
          - {id: cleanse, needs: [ingest]}
          - \(report)
        \(extra)
        """, file: "test.yaml", overrides: overrides)
    }

    func run(_ config: PipelineConfig, stages: [String] = ["report"]) -> RunOutcome {
        let options = RunOptions(months: .one(Month(key: "2026-10")!), selection: StageSelection(stages: stages))
        return PipelineRunner(config: config, options: options, log: RunLogger(sink: { [weak self] in self?.lines.append($0) }),
                              registry: StageKinds.registry).run()
    }

    static let kpiHeader = "month,kpi,dimension,member,value,base,prev_value,mom_change,mom_unit,target,target_gap,polarity,direction,alert\n"

    /// Publishes everything the report reads for October 2026 (September's kpi for the trend).
    func writeWarehouse(kpi: Bool = true) {
        let w = "warehouse"
        if kpi {
            write("\(w)/kpi/month=2026-10/part-0.csv", Self.kpiHeader + """
            2026-10,sat_index,total,河北,82.3,412,80.1,2.746567,pct,90,-8.555556,higher_better,up,off_target
            2026-10,sat_index,city,<script>alert(1)</script>,84.25,55,84,0.297619,pct,90,-6.388889,higher_better,up,off_target
            2026-10,nps,total,河北,32,412,25,7,pt,40,-8,higher_better,up,rise+off_target
            2026-10,complaint_rate,total,河北,12.5,8000,10,25,pct,,,lower_better,up,rise
            2026-10,survey_n,total,河北,412,412,,,,,,,flat,none

            """)
        }
        write("\(w)/kpi/month=2026-09/part-0.csv", Self.kpiHeader + "2026-09,sat_index,total,河北,80.1,400,,,pct,90,-11,higher_better,flat,off_target\n")
        write("\(w)/drivers/month=2026-10/part-0.csv", """
        month,segment_dim,segment,driver,coef,std_err,t,p_value,std_beta,vif,importance,importance_pct,rank,performance,quadrant,nps_lift_1pt
        2026-10,total,河北,network,0.41,0.05,8.2,0.000001,0.35,2.1,0.2,60,1,72.5,improve_first,4.1
        2026-10,total,河北,hall,0.12,0.04,3,0.0028,0.1,1.8,0.13,40,2,85,low_priority,1.5

        """)
        write("\(w)/driver_model/month=2026-10/part-0.csv", """
        month,segment_dim,segment,n,dropped,r2,adj_r2,f_stat,f_p_value,rmse,intercept,warnings
        2026-10,total,河北,412,15,0.33,0.327,101.2,0,1.82,-1.25,

        """)
        write("\(w)/churn_watch/month=2026-10/part-0.csv", """
        customer_id,msisdn_masked,city,brand,vip_level,value_tier,arpu_3m_avg,churn_risk_score,reasons
        C0007,138****0007,"=HYPERLINK(""http://evil.example/x"",""click"")",gotone,gold,A,350.5,75,bill_drop|call_forward|offnet

        """)
        write("\(w)/detractor_repair/month=2026-10/part-0.csv", """
        customer_id,msisdn_masked,city,brand,vip_level,high_value,nps,weakest,complaints_3m,priority

        """)
        write("\(w)/care_calendar/month=2026-10/part-0.csv", """
        customer_id,msisdn_masked,city,vip_level,value_tier,occasion,years
        C0004,136****0004,石家庄,gold,B,birthday,46

        """)
        write("\(w)/_manifests/2026-10/cleanse.json", """
        {"stage": "cleanse", "kind": "cleanse", "month": "2026-10", "status": "ok",
         "inputs": [{"kind": "delivery", "name": "customers", "month": "2026-10", "path": "input/2026-10/customers.csv", "rows": 1000, "sha256": "\(String(repeating: "d", count: 64))"}],
         "outputs": [],
         "quality": {"max_reject_rate": 0.05, "sources": [
           {"source": "customers", "read": 1000, "clean": 990, "quarantined": 10, "reasons": {"MISSING_FIELD": 4, "BAD_MSISDN": 6}},
           {"source": "usage", "read": 990, "clean": 990, "quarantined": 0, "reasons": {}}]}}
        """)
    }

    /// Publishes what the later stages add: kpi_change, list_outcome and the churn tables of M (and
    /// churn_model of M-1 for the history), and a holdout column on the lists of M.
    func writeLaterStages() {
        let w = "warehouse"
        write("\(w)/kpi_change/month=2026-10/part-0.csv", """
        month,kpi,dimension,member,share,prev_share,value,prev_value,rate_effect,mix_effect,contribution,rank
        2026-10,nps,city,保定,0.5,0.625,26.815534,20,3.833738,0.636529,4.470267,1
        2026-10,nps,city,石家庄,0.5,0.375,37.184466,33.333333,1.685299,0.844434,2.529733,2

        """)
        write("\(w)/list_outcome/month=2026-10/part-0.csv", """
        month,list,cohort_month,group,customers,churned,churn_rate,resurveyed,nps,repaired,repair_rate,complaints,complaint_rate,effect,effect_std_err,effect_p_value
        2026-10,churn_watch,2026-09,all,100,8,8,30,-10,12,40,5,50,,,
        2026-10,churn_watch,2026-09,holdout,10,2,20,3,-33.333333,1,33.333333,1,100,,,
        2026-10,churn_watch,2026-09,contacted,60,3,5,20,0,9,45,2,33.333333,-15,12.958266,0.088158
        2026-10,churn_watch,2026-09,not_contacted,30,3,10,7,-28.571429,2,28.571429,2,66.666667,,,

        """)
        for (m, auc) in [("2026-09", "0.75"), ("2026-10", "0.77")] {
            write("\(w)/churn_model/month=\(m)/part-0.csv", """
            month,model,train_pairs,n_train,n_eval,churners_eval,auc,top_decile_lift
            \(m),learnt,5,40000,7900,100,\(auc),3
            \(m),rule,,,7900,100,0.69,2.2
            \(m),segment_rates,5,40000,7900,100,0.71,2.4

            """)
        }
        write("\(w)/churn_coef/month=2026-10/part-0.csv", """
        month,feature,coef,backtest_coef
        2026-10,intercept,-3.2,-3.1
        2026-10,flag_offnet,1.1,1
        2026-10,tenure_years,-0.8,-0.75

        """)
        // 12 scored: the top decile is ⌈12/10⌉ = 2 customers. C0007 (rank 2) is in it, C0031 (rank 5) is not.
        write("\(w)/churn_score/month=2026-10/part-0.csv", "month,customer_id,churn_probability,risk_rank\n"
            + (1...12).map { k in "2026-10,\([2: "C0007", 5: "C0031"][k] ?? "C9\(k)"),\(formatNumber(1 / Double(k + 1))!),\(k)\n" }.joined())
        write("\(w)/churn_watch/month=2026-10/part-0.csv", """
        customer_id,msisdn_masked,city,brand,vip_level,value_tier,arpu_3m_avg,churn_risk_score,reasons,holdout
        C0007,138****0007,"=HYPERLINK(""http://evil.example/x"",""click"")",gotone,gold,A,350.5,75,bill_drop|call_forward|offnet,false
        C0031,139****0031,保定,mzone,none,B,130,55,offnet,true

        """)
    }

    /// Validates XML with xmllint against the committed XSD (nil, with an issue, when xmllint is missing).
    func validate(_ file: String) throws -> (Int32, String)? {
        guard let r = try XMLSchema.validate(file: dir.url(file)) else {
            Issue.record(Comment(rawValue: XMLSchema.missing))
            return nil
        }
        return (r.status, r.output)
    }
}

@Suite("Stage `report` reads the warehouse and writes the month's report folder")
struct ReportExecutorTests {
    @Test("the kind is registered with its parameters")
    func registered() {
        #expect(StageKinds.registry.kind(named: "report") != nil)
        #expect(StageKinds.registry.kind(named: "report")?.parameters.map(\.name) == ["lang", "arrow_colors", "history_months"])
    }

    @Test("a run writes panorama.html, panorama.xml (valid) and the neutralised lists, and a manifest with their checksums")
    func writesReport() throws {
        let ws = ReportWorkspace()
        ws.writeWarehouse()
        let outcome = ws.run(try ws.config(report: "{id: report, needs: [cleanse], lang: en, arrow_colors: western}"))
        #expect(outcome.exitCode == .ok, "\(outcome.error ?? "")")
        for name in ["panorama.html", "panorama.xml", "churn_watch.csv", "detractor_repair.csv", "care_calendar.csv"] {
            #expect(ws.exists("reports/2026-10/\(name)"), "\(name) missing")
        }
        let html = ws.read("reports/2026-10/panorama.html")
        #expect(html.contains("<html lang=\"en\">"))
        #expect(html.contains("<dt>Data as of</dt><dd>2026-10-31</dd>"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("<span class=\"chg green\"><span class=\"arrow\">▲</span> +7.0pt"), "western colours")
        #expect(html.contains(String(repeating: "d", count: 64)), "input checksum from the cleanse manifest")
        #expect(html.contains("Invalid phone number"))
        #expect(ws.read("reports/2026-10/churn_watch.csv").contains("\"'=HYPERLINK(\"\"http://evil.example/x\"\",\"\"click\"\")\""))
        if let (status, output) = try ws.validate("reports/2026-10/panorama.xml") {
            #expect(status == 0, "xmllint: \(output)")
        }
        let xml = ws.read("reports/2026-10/panorama.xml")
        #expect(xml.contains("<partition table=\"kpi\" month=\"2026-09\""))
        #expect(xml.contains("<note code=\"hv_retention_absent\" reason=\"no_snapshot_partition\" snapshot=\"2025-12\"/>"))

        let manifest = try #require(Warehouse(root: ws.path + "/warehouse").manifest(Month(key: "2026-10")!, stage: "report"))
        #expect(manifest.status == .ok)
        #expect(manifest.outputs.map(\.name) == ["panorama.html", "panorama.xml", "churn_watch.csv", "detractor_repair.csv", "care_calendar.csv"])
        for o in manifest.outputs {
            #expect(o.kind == .file)
            let bytes = [UInt8](FileManager.default.contents(atPath: o.path) ?? Data())
            #expect(o.sha256 == SHA256Digest.hex(bytes))
        }
        let inputs = manifest.inputs.map { "\($0.name)@\($0.month)" }
        #expect(inputs == ["kpi@2026-10", "drivers@2026-10", "driver_model@2026-10", "churn_watch@2026-10",
                           "detractor_repair@2026-10", "care_calendar@2026-10", "kpi@2026-09"])
    }

    @Test("--set report.lang=zh overrides the file; the Chinese page explains the missing hv_retention")
    func setOverride() throws {
        let ws = ReportWorkspace()
        ws.writeWarehouse()
        let outcome = ws.run(try ws.config(report: "{id: report, needs: [cleanse], lang: en}", overrides: ["report.lang=zh"]))
        #expect(outcome.exitCode == .ok, "\(outcome.error ?? "")")
        let html = ws.read("reports/2026-10/panorama.html")
        #expect(html.contains("<html lang=\"zh-CN\">"))
        #expect(html.contains("拍照月 2025-12 没有 customer_360 分区"))
    }

    @Test("a second report stage writes into a subfolder named by its id instead of overwriting the first")
    func secondReportStage() throws {
        let ws = ReportWorkspace()
        ws.writeWarehouse()
        let config = try ws.config(extra: "  - {id: report_en, kind: report, needs: [cleanse], lang: en}")
        let outcome = ws.run(config, stages: ["report", "report_en"])
        #expect(outcome.exitCode == .ok, "\(outcome.error ?? "")")
        #expect(ws.read("reports/2026-10/panorama.html").contains("<html lang=\"zh-CN\">"))
        #expect(ws.read("reports/2026-10/report_en/panorama.html").contains("<html lang=\"en\">"))
        #expect(ws.exists("reports/2026-10/report_en/churn_watch.csv"))
    }

    @Test("a missing kpi partition is a usage error naming the stage and month to run first")
    func missingKPI() throws {
        let ws = ReportWorkspace()
        ws.writeWarehouse(kpi: false)
        let outcome = ws.run(try ws.config())
        #expect(outcome.exitCode == .usage)
        let message = outcome.error ?? ""
        #expect(message.contains("`kpi`") && message.contains("2026-10") && message.contains("--until kpi"), "\(message)")
        #expect(!ws.exists("reports/2026-10/panorama.html"))
    }

    @Test("an unknown lang value is a config error")
    func badLanguage() throws {
        let ws = ReportWorkspace()
        ws.writeWarehouse()
        let outcome = ws.run(try ws.config(report: "{id: report, needs: [cleanse], lang: fr}"))
        #expect(outcome.exitCode == .usage)
        #expect((outcome.error ?? "").contains("report.lang must be one of zh, en"))
    }

    @Test("kpi_change, list_outcome and the churn tables are read when published: shown, fed to the XML and listed as inputs")
    func laterStages() throws {
        let ws = ReportWorkspace()
        ws.writeWarehouse()
        ws.writeLaterStages()
        let listBefore = ws.dir.bytes("warehouse/churn_watch/month=2026-10/part-0.csv")
        let outcome = ws.run(try ws.config(report: "{id: report, needs: [cleanse], lang: zh}"))
        #expect(outcome.exitCode == .ok, "\(outcome.error ?? "")")
        let html = ws.read("reports/2026-10/panorama.html")
        #expect(html.contains("按地市看：<span class=\"nowrap\"><strong>保定</strong> +4.47pt</span>"))
        #expect(html.contains("接触组离网率比对照组低 15.0pt（±25.4，不显著，可能只是偶然）"))
        #expect(html.contains("学习模型 AUC 0.770"))
        // The stage joins the watch list with churn_score: 1 of 2 in the top 2 of 12.
        #expect(html.contains("规则离网预警名单 2 人中，有 1 人（50.0%）也在模型风险最高的 10%（前 2 名，共评分 12 人）之内。"))
        #expect(html.contains("离网预警 1 人（共 2 人）"))
        // The call-centre file leaves the held-out C0031 out; the warehouse list is untouched.
        let csv = ws.read("reports/2026-10/churn_watch.csv")
        #expect(csv.hasPrefix("\u{FEFF}客户编号,") && csv.contains("C0007") && !csv.contains("C0031"))
        #expect(ws.dir.bytes("warehouse/churn_watch/month=2026-10/part-0.csv") == listBefore)
        if let (status, output) = try ws.validate("reports/2026-10/panorama.xml") { #expect(status == 0, "xmllint: \(output)") }
        let manifest = try #require(Warehouse(root: ws.path + "/warehouse").manifest(Month(key: "2026-10")!, stage: "report"))
        let inputs = manifest.inputs.map { "\($0.name)@\($0.month)" }
        for input in ["kpi_change@2026-10", "list_outcome@2026-10", "churn_model@2026-09", "churn_model@2026-10", "churn_coef@2026-10",
                      "churn_score@2026-10"] {
            #expect(inputs.contains(input), "\(input) in \(inputs)")
        }
        #expect(!manifest.warnings.contains { $0.contains("churn_model") || $0.contains("list_outcome") || $0.contains("kpi_change") })
    }

    @Test("without the later stages every optional section says what did not run, and the manifest warns")
    func laterStagesAbsent() throws {
        let ws = ReportWorkspace()
        ws.writeWarehouse()
        let outcome = ws.run(try ws.config(report: "{id: report, needs: [cleanse], lang: en}"))
        #expect(outcome.exitCode == .ok, "\(outcome.error ?? "")")
        let html = ws.read("reports/2026-10/panorama.html")
        #expect(html.contains("There is no kpi_change table this month"))
        #expect(html.contains("the follow-up evaluation (the outcomes stage) did not run."))
        #expect(html.contains("the churn model (the churn stage) did not run."))
        #expect(html.contains("The drivers stage&#39;s manifest for this month was not found"))
        let xml = ws.read("reports/2026-10/panorama.xml")
        #expect(xml.contains("<changes available=\"false\"/>") && xml.contains("<churn-model available=\"false\"/>"))
        let manifest = try #require(Warehouse(root: ws.path + "/warehouse").manifest(Month(key: "2026-10")!, stage: "report"))
        #expect(manifest.warnings.contains { $0.contains("no list_outcome for 2026-10") })
        #expect(manifest.warnings.contains { $0.contains("no churn_model for 2026-10") })
    }

    @Test("min_base comes from the kpi stage's settings: a base of 12 is small at the default 30, not at 10")
    func minBaseFromKPIStage() throws {
        for (minBase, small) in [("", true), (", min_base: {nps: 10}", false)] {
            let ws = ReportWorkspace()
            ws.writeWarehouse()
            ws.write("warehouse/kpi/month=2026-10/part-0.csv", ReportWorkspace.kpiHeader + """
            2026-10,nps,total,河北,32,412,25,7,pt,40,-8,higher_better,up,rise+off_target
            2026-10,nps,city,承德,-8.333333,12,20,-28.333333,pt,40,-48.333333,higher_better,down,none
            2026-10,survey_n,total,河北,412,412,,,,,,,flat,none

            """)
            let config = try ws.config(report: "{id: kpi, needs: [cleanse]\(minBase)}\n  - {id: report, needs: [kpi], lang: zh}")
            // The report stage alone on the hand-made warehouse (the kpi stage has no manifest here).
            let runner = PipelineRunner(config: config, options: RunOptions(), log: RunLogger(sink: { _ in }), registry: StageKinds.registry)
            _ = try runner.executeStage("report", month: Month(key: "2026-10")!)
            #expect(ws.read("reports/2026-10/panorama.html").contains("样本不足 n=12") == small, "min_base \(minBase)")
        }
    }
}
