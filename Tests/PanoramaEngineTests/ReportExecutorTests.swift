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
}
