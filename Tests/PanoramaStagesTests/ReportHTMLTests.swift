import Foundation
import Testing
import PanoramaTestSupport
import PanoramaCore
@testable import PanoramaStages

/// Every match of `needle` in `text`, with the characters that follow it.
private func following(_ needle: String, in text: String, count: Int = 40) -> [String] {
    var out: [String] = []
    var rest = text[...]
    while let range = rest.range(of: needle, options: .caseInsensitive) {
        out.append(String(rest[range.upperBound...].prefix(count)))
        rest = rest[range.upperBound...]
    }
    return out
}

private func occurrences(_ needle: String, in text: String) -> Int { following(needle, in: text, count: 0).count }

@Suite("panorama.html: a self-contained, escaped, accessible page")
struct ReportHTMLTests {
    @Test("the page fetches nothing: CSP meta present, no script/link/img, no http(s) in src, href or url()")
    func noNetwork() {
        for language in ReportLanguage.allCases {
            let html = ReportFixture.render(language).html
            #expect(html.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"))
            for tag in ["<script", "<link", "<img", "<iframe", "<object", "<embed", "@import", "@font-face"] {
                #expect(!html.lowercased().contains(tag), "\(tag) in the page")
            }
            for opener in ["src=", "href=", "url(", "xlink:href="] {
                for value in following(opener, in: html) {
                    let v = value.trimmingCharacters(in: CharacterSet(charactersIn: "\"' ")).lowercased()
                    #expect(!v.hasPrefix("http:") && !v.hasPrefix("https:") && !v.hasPrefix("//"), "\(opener)\(value)")
                }
            }
            for value in following("href=\"", in: html) { #expect(value.hasPrefix("#"), "only in-page links: \(value)") }
        }
    }

    @Test("hostile city names and list cells are HTML-escaped wherever they appear")
    func hostileText() {
        let html = ReportFixture.render().html
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("&quot;&amp;&#39;&lt;&gt;"))
        #expect(html.contains("=HYPERLINK(&quot;http://evil.example/x&quot;,&quot;click&quot;)"))
        #expect(!html.contains("<script>"))
        #expect(!html.contains("\"&'<>"))
        // The city appears in the breakdown, the alert table and a list preview.
        #expect(occurrences("&lt;script&gt;alert(1)&lt;/script&gt;", in: html) >= 3)
    }

    @Test("header names province, month, run id and data as-of; sections in order")
    func header() {
        let html = ReportFixture.render(.en).html
        #expect(html.contains("<dt>Province</dt><dd>河北</dd>"))
        #expect(html.contains("<dt>Month</dt><dd>2026-10</dd>"))
        #expect(html.contains("<dt>Run id</dt><dd>20261101T020000-42</dd>"))
        #expect(html.contains("<dt>Data as of</dt><dd>2026-10-31</dd>"))
        let ids = ["headline", "alerts", "why", "tree", "breakdown", "trend", "drivers", "outcomes", "churn", "lists", "quality", "lineage"]
        let positions = ids.map { html.range(of: "<section id=\"\($0)\">")?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil })
        #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted())
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
        #expect(ReportFixture.render(.zh).html.contains("<html lang=\"zh-CN\">"))
    }

    @Test("the contents list links each section of the page once, in page order, with the section's own heading")
    func contents() {
        for language in ReportLanguage.allCases {
            let html = ReportFixture.render(language).html
            guard let nav = html.range(of: "<nav"), let navEnd = html.range(of: "</nav>") else {
                Issue.record("no contents list")
                continue
            }
            let links = following("<li><a href=\"#", in: String(html[nav.lowerBound..<navEnd.lowerBound]), count: 200)
                .map { (id: String($0.prefix { $0 != "\"" }), title: String($0.split(separator: ">", maxSplits: 1)[1].prefix { $0 != "<" })) }
            let sections = following("<section id=\"", in: html, count: 200)
                .map { (id: String($0.prefix { $0 != "\"" }), title: String(($0.components(separatedBy: "<h2>").dropFirst().first ?? "").prefix { $0 != "<" })) }
            #expect(links.map(\.id) == ["headline", "alerts", "why", "tree", "breakdown", "trend", "drivers", "outcomes", "churn", "lists", "quality", "lineage"])
            #expect(links.map(\.id) == sections.map(\.id))
            #expect(links.map(\.title) == sections.map(\.title))
            #expect(!links.contains { $0.title.isEmpty })
        }
    }

    @Test("cn colours a rising unfavourable KPI red, and so does western; the text says ▲, +25.0% and unfavourable")
    func risingUnfavourable() {
        let cn = ReportFixture.render(.en, .cn).html
        let western = ReportFixture.render(.en, .western).html
        let mark = "<span class=\"chg red\"><span class=\"arrow\">▲</span> +25.0% <span class=\"assess\">unfavourable</span></span>"
        #expect(cn.contains(mark))
        #expect(western.contains(mark))
        let row = try! KPIRow.read(ReportFixture.table(ReportFixture.kpi)).first { $0.kpi == "complaint_rate" }!
        #expect(ChangeMark(row, rule: .cn) == ChangeMark(row, rule: .western))
        #expect(ChangeMark(row, rule: .cn).tone == .red)
        #expect(ChangeMark(row, rule: .cn).assessment == .unfavourable)
        #expect(ReportFixture.render(.zh, .cn).html.contains("<span class=\"chg red\"><span class=\"arrow\">▲</span> +25.0% <span class=\"assess\">不利</span></span>"))
    }

    @Test("the rules differ on a rising favourable KPI (NPS): red under cn, green under western")
    func risingFavourable() {
        let cn = ReportFixture.render(.en, .cn).html
        let western = ReportFixture.render(.en, .western).html
        #expect(cn.contains("<span class=\"chg red\"><span class=\"arrow\">▲</span> +7.0pt <span class=\"assess\">favourable</span></span>"))
        #expect(western.contains("<span class=\"chg green\"><span class=\"arrow\">▲</span> +7.0pt <span class=\"assess\">favourable</span></span>"))
        // A falling favourable KPI (detractor share) is green under both.
        #expect(cn.contains("<span class=\"chg green\"><span class=\"arrow\">▼</span> −3.0pt <span class=\"assess\">favourable</span></span>"))
        #expect(western.contains("<span class=\"chg green\"><span class=\"arrow\">▼</span> −3.0pt <span class=\"assess\">favourable</span></span>"))
        // A falling unfavourable KPI (overall satisfaction): green under cn, red under western.
        #expect(cn.contains("<span class=\"chg green\"><span class=\"arrow\">▼</span> −1.9% <span class=\"assess\">unfavourable</span></span>"))
        #expect(western.contains("<span class=\"chg red\"><span class=\"arrow\">▼</span> −1.9% <span class=\"assess\">unfavourable</span></span>"))
    }

    @Test("tables have captions and scoped headers; charts are images with a text alternative")
    func accessibility() {
        let html = ReportFixture.render().html
        #expect(occurrences("<table", in: html) == occurrences("<caption>", in: html))
        #expect(occurrences("<th ", in: html) + occurrences("<th>", in: html) == occurrences("<th scope=\"col\">", in: html) + occurrences("<th scope=\"row\">", in: html))
        let svgs = following("<svg", in: html, count: 400)
        #expect(svgs.count >= 5)
        for svg in svgs {
            #expect(svg.contains("role=\"img\" aria-label=\""))
            #expect(svg.contains("<title>"))
        }
        #expect(html.contains("\"Noto Sans CJK SC\""))
        #expect(html.contains("@media print"))
    }

    @Test("the tree shows value with its ±interval, change, target and gap; the driver headline uses the best-ranked improve_first driver")
    func treeAndDrivers() {
        let html = ReportFixture.render(.en).html
        // sat_index std_err 0.612245: ±1.96 × 0.612245 = ±1.2.
        #expect(html.contains("<div class=\"value\">82.3 <span class=\"ci\">±1.2</span></div>"))
        // NPS: ±1.96 × 3.404737 = ±6.7; its +7.0pt is within noise.
        #expect(html.contains("<div class=\"value\">32.0 <span class=\"ci\">±6.7</span></div>"))
        #expect(html.contains("+7.0pt <span class=\"assess\">favourable</span></span> <span class=\"sig no\">within noise</span>"))
        // hv_retention is a full count: no interval, marked as such.
        #expect(html.contains("<div class=\"value\">96.5%</div>"))
        #expect(html.contains("<span class=\"sig census\">full count</span>"))
        #expect(html.contains("Target 90 · gap −8.6% <span class=\"badge\">off target</span>"))
        #expect(html.contains("Improve “Billing transparency” first: if every respondent scored it one point higher, NPS would change by about +6.4pt."))
        #expect(html.contains("High collinearity (max VIF &gt; 5)"))
        #expect(html.contains("Model could not be fitted: nps"))
        #expect(html.contains("5.60 ⚠"))
        // Trend of sat_index with July missing.
        #expect(html.contains("78.2 · — · 79.0 · 80.1 · 82.3"))
        #expect(html.contains("2026-07: no data"))
    }

    @Test("lists: counts and at most 20 rows, masked numbers only; quality by reason; lineage checksums")
    func listsQualityLineage() {
        var data = ReportFixture.data()
        var cells: [String] = []
        for k in 0..<25 { cells += ["C9\(k)", "138****\(1000 + k)", "保定", "gotone", "gold", "A", "300", "60", "offnet", "false"] }
        data.lists[0] = FollowUpList(name: "churn_watch", table: ColumnarTable.fixture(header: data.lists[0].table.header, cells: cells))
        let html = ReportFixture.render(.en, data: data).html
        #expect(html.contains("Churn watch: 25 customers to contact"))
        #expect(html.contains("138****1019"))
        #expect(!html.contains("138****1020"))
        #expect(html.contains("<code>BAD_MSISDN</code></td><td>Invalid phone number</td><td class=\"num\">6</td>"))
        #expect(html.contains(String(repeating: "a", count: 64)))
        #expect(html.contains(String(repeating: "c", count: 64)))
    }

    @Test("an absent hv_retention says why: no snapshot partition, or a snapshot after the month")
    func retentionExplained() {
        var data = ReportFixture.data()
        data.kpis.removeAll { $0.kpi == "hv_retention" }
        data.retention = .noSnapshotPartition(Month(key: "2025-12")!)
        #expect(ReportFixture.render(.en, data: data).html.contains("the snapshot month 2025-12 has no customer_360 partition"))
        data.retention = .snapshotAfterMonth(Month(key: "2026-12")!)
        #expect(ReportFixture.render(.zh, data: data).html.contains("拍照月 2026-12 晚于本月 2026-10"))
    }
}
