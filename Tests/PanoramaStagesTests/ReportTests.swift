import Foundation
import Testing
import PanoramaTestSupport
import PanoramaCore
@testable import PanoramaStages

/// Hand-made warehouse tables for October 2026 (SPEC §3.3, §4, §5 columns), with hostile text in
/// cities and list cells.
enum ReportFixture {
    static let month = Month(key: "2026-10")!
    static let scriptCity = "<script>alert(1)</script>"
    static let quoteCity = "\"&'<>"
    static let formula = "=HYPERLINK(\"http://evil.example/x\",\"click\")"

    static let kpiHeader = "month,kpi,dimension,member,value,base,prev_value,mom_change,mom_unit,target,target_gap,polarity,direction,alert\n"

    /// The kpi partition of M. complaint_rate rises 25% (unfavourable); nps rises 7pt and is 8pt off target.
    static let kpi = kpiHeader + """
    2026-10,sat_index,total,河北,82.3,412,80.1,2.746567,pct,90,-8.555556,higher_better,up,off_target
    2026-10,sat_index,city,\"\"\"&'<>\",81,60,79.5,1.886792,pct,90,-10,higher_better,up,off_target
    2026-10,sat_index,city,<script>alert(1)</script>,84.25,55,84,0.297619,pct,90,-6.388889,higher_better,up,off_target
    2026-10,sat_index,city,保定,80.5,150,81,-0.617284,pct,90,-10.555556,higher_better,down,off_target
    2026-10,sat_index,city,石家庄,83.1,147,77,7.922078,pct,90,-7.666667,higher_better,up,rise+off_target
    2026-10,sat_index,brand,easyown,79,120,78,1.282051,pct,90,-12.222222,higher_better,up,off_target
    2026-10,sat_index,brand,gotone,86,150,85.5,0.584795,pct,90,-4.444444,higher_better,up,none
    2026-10,sat_index,brand,mzone,81.2,142,83,-2.168675,pct,90,-9.777778,higher_better,down,off_target
    2026-10,sat_index,vip_level,diamond,88,40,87,1.149425,pct,90,-2.222222,higher_better,up,none
    2026-10,sat_index,vip_level,gold,85,90,84,1.190476,pct,90,-5.555556,higher_better,up,off_target
    2026-10,sat_index,vip_level,none,80,200,79,1.265823,pct,90,-11.111111,higher_better,up,off_target
    2026-10,sat_index,vip_level,silver,82,82,82,0,pct,90,-8.888889,higher_better,flat,off_target
    2026-10,sat_index,value_tier,A,87,60,86,1.162791,pct,90,-3.333333,higher_better,up,none
    2026-10,sat_index,value_tier,B,83,120,82,1.219512,pct,90,-7.777778,higher_better,up,off_target
    2026-10,sat_index,value_tier,C,81,130,81.5,-0.613497,pct,90,-10,higher_better,down,off_target
    2026-10,sat_index,value_tier,D,79.5,102,80,-0.625,pct,90,-11.666667,higher_better,down,off_target
    2026-10,sat_index,channel,app,83,100,82,1.219512,pct,90,-7.777778,higher_better,up,off_target
    2026-10,sat_index,channel,hall,84,80,83,1.204819,pct,90,-6.666667,higher_better,up,off_target
    2026-10,sat_index,channel,phone,81,112,80,1.25,pct,90,-10,higher_better,up,off_target
    2026-10,sat_index,channel,sms,81.5,120,80.5,1.242236,pct,90,-9.444444,higher_better,up,off_target
    2026-10,sat_overall,total,河北,79.5,400,81,-1.851852,pct,,,higher_better,down,none
    2026-10,sat_network,total,河北,78.2,410,76.4,2.356021,pct,,,higher_better,up,none
    2026-10,sat_hall,total,河北,85.1,300,85.1,0,pct,,,higher_better,flat,none
    2026-10,sat_hotline,total,河北,80.4,280,83,-3.13253,pct,,,higher_better,down,none
    2026-10,sat_billing,total,河北,76,390,74.9,1.468625,pct,,,higher_better,up,none
    2026-10,sat_new_business,total,河北,81.2,210,,,pct,,,higher_better,flat,none
    2026-10,sat_promotion,total,河北,74.4,200,79,-5.822785,pct,,,higher_better,down,fall
    2026-10,sat_communication,total,河北,83,260,82.5,0.606061,pct,,,higher_better,up,none
    2026-10,nps,total,河北,32,412,25,7,pt,40,-8,higher_better,up,rise+off_target
    2026-10,nps,city,\"\"\"&'<>\",28.333333,60,30,-1.666667,pt,40,-11.666667,higher_better,down,off_target
    2026-10,nps,city,<script>alert(1)</script>,40,55,38,2,pt,40,0,higher_better,up,none
    2026-10,promoter_share,total,河北,45,412,41,4,pt,,,higher_better,up,none
    2026-10,detractor_share,total,河北,13,412,16,-3,pt,,,lower_better,down,none
    2026-10,complaint_rate,total,河北,12.5,8000,10,25,pct,,,lower_better,up,rise
    2026-10,complaint_closed_48h,total,河北,91.2,100,93,-1.8,pt,95,-3.8,higher_better,down,none
    2026-10,churn_rate,total,河北,1.25,8000,1.1,13.636364,pct,,,lower_better,up,rise
    2026-10,hv_retention,total,河北,96.5,2000,97,-0.5,pt,98,-1.5,higher_better,down,none
    2026-10,hv_share,total,河北,25.5,8000,25,0.5,pt,,,higher_better,up,none
    2026-10,arpu,total,河北,88.42,7900,86.5,2.219653,pct,,,higher_better,up,none
    2026-10,survey_n,total,河北,412,412,,,,,,,flat,none

    """

    /// Earlier months' kpi partitions (July missing: the sparkline has a gap).
    static let history: [(String, String)] = [
        ("2026-06", kpiHeader + "2026-06,sat_index,total,河北,78.2,380,,,pct,90,-13.111111,higher_better,flat,off_target\n2026-06,nps,total,河北,20,380,,,pt,40,-20,higher_better,flat,off_target\n2026-06,complaint_rate,total,河北,9,7800,,,pct,,,lower_better,flat,none\n"),
        ("2026-08", kpiHeader + "2026-08,sat_index,total,河北,79,390,,,pct,90,-12.222222,higher_better,flat,off_target\n2026-08,nps,total,河北,22,390,,,pt,40,-18,higher_better,flat,off_target\n2026-08,complaint_rate,total,河北,9.5,7900,,,pct,,,lower_better,flat,none\n"),
        ("2026-09", kpiHeader + "2026-09,sat_index,total,河北,80.1,400,79,1.392405,pct,90,-11,higher_better,up,off_target\n2026-09,nps,total,河北,25,400,22,3,pt,40,-15,higher_better,up,off_target\n2026-09,complaint_rate,total,河北,10,7950,9.5,5.263158,pct,,,lower_better,up,rise\n"),
    ]

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

    static let churnWatch = """
    customer_id,msisdn_masked,city,brand,vip_level,value_tier,arpu_3m_avg,churn_risk_score,reasons
    C0007,138****0007,"=HYPERLINK(""http://evil.example/x"",""click"")",gotone,gold,A,350.5,75,bill_drop|call_forward|offnet
    C0012,139****0012,<script>alert(1)</script>,mzone,none,B,130,55,bill_drop|complaint|detractor
    @SUM(A1),150****0020,-2+3,easyown,silver,B,121,50,+cmd

    """

    static let detractorRepair = """
    customer_id,msisdn_masked,city,brand,vip_level,high_value,nps,weakest,complaints_3m,priority
    C0003,137****0003,保定,gotone,diamond,true,2,network|billing,3,1
    C0015,150****0015,\"\"\"&'<>\",easyown,none,false,5,,0,3

    """

    static let careCalendar = """
    customer_id,msisdn_masked,city,vip_level,value_tier,occasion,years
    C0004,136****0004,石家庄,gold,B,anniversary,10
    C0004,136****0004,石家庄,gold,B,birthday,46

    """

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
            quality: quality, lineage: lineage, retention: .present)
    }

    static func settings(_ language: ReportLanguage = .zh, _ colors: ArrowColors = .cn) -> ReportSettings {
        ReportSettings(province: "河北", month: month, language: language, arrowColors: colors)
    }

    static func render(_ language: ReportLanguage = .zh, _ colors: ArrowColors = .cn, data: ReportData = data()) -> ReportArtefacts {
        Report(settings: settings(language, colors), data: data).render()
    }

    /// Variants that between them reach every conditional label.
    static func variants() -> [(ReportData, ArrowColors)] {
        var b = data()
        b.retention = .noSnapshotPartition(Month(key: "2025-12")!)
        b.kpis.removeAll { $0.kpi == "hv_retention" }
        b.quality = nil
        b.kpis = b.kpis.map { var r = $0; r.alert = "none"; return r }
        b.drivers = []
        b.models = []
        b.lists = b.lists.map { FollowUpList(name: $0.name, table: ColumnarTable.fixture(header: $0.table.header, cells: [])) }
        var c = data()
        c.retention = .snapshotAfterMonth(Month(key: "2026-12")!)
        c.quality = [SourceQualityCounts(source: "customers", read: 5, clean: 5, quarantined: 0, reasons: [])]
        var d = data()
        d.retention = .noRows(Month(key: "2025-12")!)
        d.kpis = d.kpis.map { r in
            var r = r
            if r.kpi == "survey_n" { r.momChange = 5; r.direction = "up"; return r }
            r.momChange = 10; r.direction = "up"; r.alert = "rise"
            return r
        }
        d.drivers = d.drivers.map { var x = $0; x.quadrant = "watch"; return x }
        d.models = d.models.map { var m = $0; if m.segment == "gotone" { m.warnings = [] }; return m }
        d.quality = [SourceQualityCounts(source: "surveys", read: 20, clean: 10, quarantined: 10,
                                         reasons: QuarantineCode.allCases.map { ($0.rawValue, 1) })]
        return [(data(), .cn), (b, .western), (c, .cn), (d, .western)]
    }
}

@Suite("Report text helpers: escaping, formula neutralising, number display")
struct ReportTextTests {
    @Test("HTML escaping turns & < > \" ' into entities and drops control characters")
    func htmlEscaping() {
        #expect(ReportText.html("\"&'<>") == "&quot;&amp;&#39;&lt;&gt;")
        #expect(ReportText.html("a\u{1}b") == "a\u{FFFD}b")
        #expect(ReportText.html("北京\n") == "北京\n")
    }

    @Test("XML attribute escaping keeps tabs and line breaks as character references")
    func xmlEscaping() {
        #expect(ReportText.xml("\"&'<>") == "&quot;&amp;&apos;&lt;&gt;")
        #expect(ReportText.xml("a\tb\nc\rd") == "a&#9;b&#10;c&#13;d")
        #expect(ReportText.xml("x\u{0}y\u{FFFE}") == "x\u{FFFD}y\u{FFFD}")
    }

    @Test("cells starting with = + - @ are prefixed with a quote; others are kept")
    func neutralise() {
        #expect(ReportText.neutraliseFormula("=1+1") == "'=1+1")
        #expect(ReportText.neutraliseFormula("+86") == "'+86")
        #expect(ReportText.neutraliseFormula("-2") == "'-2")
        #expect(ReportText.neutraliseFormula("@SUM(A1)") == "'@SUM(A1)")
        #expect(ReportText.neutraliseFormula("a=b") == "a=b")
        #expect(ReportText.neutraliseFormula("") == "")
    }

    @Test("display numbers: fixed decimals, signed with a true minus, never -0")
    func numbers() {
        #expect(ReportText.fixed(82.25, 1) == "82.3")
        #expect(ReportText.fixed(-0.04, 1) == "0.0")
        #expect(ReportText.fixed(0.5, 0) == "1")
        #expect(ReportText.fixed(0.004, 2) == "0.00")
        #expect(ReportText.fixed(1234.5, 2) == "1234.50")
        #expect(ReportText.signed(2.746567, 1) == "+2.7")
        #expect(ReportText.signed(-8, 1) == "−8.0")
        #expect(ReportText.signed(0.01, 1) == "0.0")
        #expect(ReportText.pValue(0.0001) == "<0.001")
        #expect(ReportText.pValue(0.0123) == "0.012")
    }
}

@Suite("Report labels: one table, both languages side by side")
struct ReportLabelTests {
    /// The `{n}` placeholders of a text.
    private func placeholders(_ text: String) -> Set<String> {
        Set(text.components(separatedBy: "{").dropFirst().compactMap { piece in
            piece.firstIndex(of: "}").map { String(piece[..<$0]) }
        })
    }

    @Test("every key appears once and has a text in both languages")
    func keysUniqueAndFilled() {
        var seen: Set<String> = []
        for entry in ReportLabels.entries {
            #expect(!entry.key.isEmpty)
            #expect(seen.insert(entry.key).inserted, "label \(entry.key) is declared twice")
            #expect(!entry.zh.isEmpty, "label \(entry.key) has no Chinese text")
            #expect(!entry.en.isEmpty, "label \(entry.key) has no English text")
        }
    }

    @Test("both languages of a label take the same placeholders")
    func samePlaceholders() {
        #expect(placeholders("{0}：共 {1} 人，{0}") == ["0", "1"])
        for entry in ReportLabels.entries {
            #expect(placeholders(entry.zh) == placeholders(entry.en), "label \(entry.key): zh \(entry.zh) / en \(entry.en)")
        }
    }

    @Test("every label key written in the report's source exists in the table")
    func sourceKeysExist() throws {
        // Keys built at run time (`"alert.\(kind)"`, data-driven `optional` look-ups) are covered by
        // the rendering test below; this one catches a mistyped literal key on a path no fixture reaches.
        let reportDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/PanoramaStages/Report")
        let keys = Set(ReportLabels.entries.map(\.key))
        let namespaces = Set(keys.compactMap { $0.split(separator: ".").count > 1 ? String($0.split(separator: ".")[0]) : nil })
        let literal = try NSRegularExpression(pattern: #""([a-z][a-z0-9_]*(?:\.[A-Za-z0-9_]+)+)""#)
        var files: [URL] = []
        let walker = FileManager.default.enumerator(at: reportDir, includingPropertiesForKeys: nil)
        while let url = walker?.nextObject() as? URL {
            if url.pathExtension == "swift" && url.lastPathComponent != "ReportLabels.swift" { files.append(url) }
        }
        #expect(files.contains { $0.lastPathComponent == "PanoramaHTML.swift" }, "the report sources were not found at \(reportDir.path)")
        var checked = 0
        for file in files {
            let source = try String(contentsOf: file, encoding: .utf8)
            for match in literal.matches(in: source, range: NSRange(source.startIndex..., in: source)) {
                let key = String(source[Range(match.range(at: 1), in: source)!])
                guard namespaces.contains(String(key.split(separator: ".")[0])) else { continue }
                checked += 1
                let known = keys.contains(key)
                #expect(known, "\(file.lastPathComponent) uses label \(key), which the table lacks")
            }
        }
        #expect(checked > 50)
    }

    @Test("both languages render every label and no key leaks as ⟦key⟧")
    func everyLabelRendered() {
        for language in ReportLanguage.allCases {
            var pages = ""
            for (data, colors) in ReportFixture.variants() {
                let html = ReportFixture.render(language, colors, data: data).html
                #expect(!html.contains("⟦"), "a label key leaked in \(language)")
                pages += html
            }
            for entry in ReportLabels.entries {
                let text = ReportLabels.text(of: entry, in: language)
                // The longest literal piece between placeholders must appear.
                let pieces = text.components(separatedBy: "{").map { $0.contains("}") ? String($0.split(separator: "}", maxSplits: 1).dropFirst().first ?? "") : $0 }
                let literal = pieces.max { $0.count < $1.count } ?? text
                #expect(pages.contains(ReportText.html(literal)), "label \(entry.key) (\(language)) never appears")
            }
        }
    }

    @Test("the English page shows no Chinese label and the Chinese page no English one")
    func noCrossLanguageLeak() {
        // File names and codes inside <code> are identifiers, not labels.
        func text(_ html: String) -> String {
            html.components(separatedBy: "<code").map { $0.components(separatedBy: "</code>").last ?? "" }.joined()
        }
        let en = text(ReportFixture.render(.en).html), zh = text(ReportFixture.render(.zh).html)
        for entry in ReportLabels.entries where entry.zh != entry.en {
            if entry.zh.count >= 4 && !entry.zh.contains("{") {
                #expect(!en.contains(ReportText.html(entry.zh)), "zh label \(entry.key) appears in the English page")
            }
            if entry.en.count >= 8 && !entry.en.contains("{") {
                #expect(!zh.contains(ReportText.html(entry.en)), "en label \(entry.key) appears in the Chinese page")
            }
        }
    }
}

@Suite("Report lists: copied with spreadsheet formulas neutralised")
struct ReportListTests {
    @Test("a =HYPERLINK cell and cells starting with + - @ gain a leading quote; the rest is unchanged")
    func neutralised() {
        let files = ReportFixture.render().lists
        #expect(files.map(\.name) == ["churn_watch.csv", "detractor_repair.csv", "care_calendar.csv"])
        let churn = String(decoding: files[0].bytes, as: UTF8.self)
        #expect(churn == """
        customer_id,msisdn_masked,city,brand,vip_level,value_tier,arpu_3m_avg,churn_risk_score,reasons
        C0007,138****0007,"'=HYPERLINK(""http://evil.example/x"",""click"")",gotone,gold,A,350.5,75,bill_drop|call_forward|offnet
        C0012,139****0012,<script>alert(1)</script>,mzone,none,B,130,55,bill_drop|complaint|detractor
        '@SUM(A1),150****0020,'-2+3,easyown,silver,B,121,50,'+cmd

        """)
        #expect(files[0].rows == 3)
        #expect(String(decoding: files[2].bytes, as: UTF8.self) == ReportFixture.careCalendar)
    }

    @Test("rendering twice gives identical bytes")
    func deterministic() {
        let a = ReportFixture.render(), b = ReportFixture.render()
        #expect(a.html == b.html)
        #expect(a.xml == b.xml)
        #expect(a.lists.map(\.bytes) == b.lists.map(\.bytes))
    }
}
