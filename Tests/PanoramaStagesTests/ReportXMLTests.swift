import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import PanoramaTestSupport
import PanoramaCore
@testable import PanoramaStages

/// An element of a parsed feed: local name, namespace, attributes and child elements.
final class XNode {
    let name: String
    let uri: String?
    let attributes: [String: String]
    var children: [XNode] = []

    init(name: String, uri: String?, attributes: [String: String]) {
        self.name = name
        self.uri = uri
        self.attributes = attributes
    }
}

/// Builds an `XNode` tree with XMLParser (namespace-aware).
final class XTreeBuilder: NSObject, XMLParserDelegate {
    var stack: [XNode] = []
    var root: XNode?
    var error: Error?

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?,
                attributes attributeDict: [String: String] = [:]) {
        let node = XNode(name: elementName, uri: namespaceURI, attributes: attributeDict)
        if let parent = stack.last { parent.children.append(node) } else { root = node }
        stack.append(node)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        stack.removeLast()
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) { error = parseError }
}

/// Child elements by local name.
private func kids(_ e: XNode?, _ name: String) -> [XNode] {
    (e?.children ?? []).filter { $0.name == name }
}

private func attr(_ e: XNode, _ name: String) -> String? { e.attributes[name] }

private func parse(_ xml: String) throws -> XNode {
    let parser = XMLParser(data: Data(xml.utf8))
    parser.shouldProcessNamespaces = true
    let builder = XTreeBuilder()
    parser.delegate = builder
    let ok = parser.parse()
    #expect(ok, "XML does not parse: \(String(describing: builder.error))")
    return try #require(builder.root)
}

@Suite("panorama.xml: the SPEC §6 feed")
struct ReportXMLTests {
    @Test("the feed validates against reports/schema/panorama.xsd in every variant and language")
    func validates() throws {
        let dir = TempDir()
        var k = 0
        for language in ReportLanguage.allCases {
            for (data, colors) in ReportFixture.variants() {
                k += 1
                let xml = ReportFixture.render(language, colors, data: data).xml
                guard let result = try XMLSchema.validate(xml, in: dir, name: "v\(k).xml") else { Issue.record(Comment(rawValue: XMLSchema.missing)); return }
                #expect(result.status == 0, "xmllint: \(result.output)")
            }
        }
    }

    @Test("the schema types generated as xs:dateTime and checks the new enumerations")
    func schemaRejects() throws {
        let dir = TempDir()
        let xml = ReportFixture.render().xml
        for (name, broken) in [("space", xml.replacingOccurrences(of: "generated=\"2026-11-01T02:00:05\"", with: "generated=\"2026-11-01 02:00:05\"")),
                               ("level", xml.replacingOccurrences(of: "level=\"confirmed\"", with: "level=\"sure\"")),
                               ("group", xml.replacingOccurrences(of: "<group name=\"holdout\"", with: "<group name=\"control\""))] {
            #expect(broken != xml, "\(name): the fixture has the text to break")
            guard let result = try XMLSchema.validate(broken, in: dir, name: "\(name).xml") else { Issue.record(Comment(rawValue: XMLSchema.missing)); return }
            #expect(result.status != 0, "\(name) should not validate")
        }
    }

    @Test("root, namespace and summary carry month, province, run id and lineage")
    func root() throws {
        let root = try parse(ReportFixture.render().xml)
        #expect(root.name == "panorama")
        #expect(root.uri == "urn:panorama:report:1")
        #expect(attr(root, "version") == "1")
        #expect(attr(root, "month") == "2026-10")
        #expect(attr(root, "province") == "河北")
        #expect(attr(root, "run-id") == "20261101T020000-42")
        #expect(attr(root, "generated") == "2026-11-01T02:00:05", "an xs:dateTime")
        #expect(root.children.map(\.name) == ["summary", "kpis", "alerts", "changes", "drivers", "outcomes", "churn-model", "quality", "lists"])
        let summary = try #require(kids(root, "summary").first)
        #expect(attr(summary, "as-of") == "2026-10-31")
        #expect(attr(summary, "nps") == "32")
        #expect(attr(summary, "alert-count") == "24")
        // Confirmed: 石家庄's satisfaction index and the complaint rate; watch: promotion, NPS and churn rate.
        #expect(attr(summary, "confirmed-alerts") == "2" && attr(summary, "watch-alerts") == "3" && attr(summary, "target-alerts") == "19")
        #expect(kids(summary, "input").map { attr($0, "sha256") } == [String(repeating: "a", count: 64)])
        let lists = try #require(kids(root, "lists").first)
        #expect(attr(lists, "churn-watch") == "4" && attr(lists, "detractor-repair") == "3" && attr(lists, "care-calendar") == "2")
    }

    @Test("every kpi attribute equals the kpi table's cell text; an empty cell omits the attribute")
    func kpisEqualTable() throws {
        let table = ReportFixture.table(ReportFixture.kpi)
        let root = try parse(ReportFixture.render().xml)
        let elements = kids(kids(root, "kpis").first, "kpi")
        #expect(elements.count == table.rowCount)
        let mapping = [("id", "kpi"), ("dimension", "dimension"), ("member", "member"), ("value", "value"), ("base", "base"),
                       ("prev", "prev_value"), ("mom", "mom_change"), ("unit", "mom_unit"), ("target", "target"),
                       ("gap", "target_gap"), ("polarity", "polarity"), ("direction", "direction"), ("alert", "alert"),
                       ("std-err", "std_err"), ("prev-base", "prev_base"), ("prev-std-err", "prev_std_err"), ("p", "mom_p_value"),
                       ("q", "mom_q_value"), ("significant", "significant"), ("level", "alert_level")]
        for (r, e) in elements.enumerated() {
            for (attribute, column) in mapping {
                let cell = table[r, try table.column(column)]
                #expect(attr(e, attribute) == (cell.isEmpty ? nil : cell), "row \(r) \(attribute)")
            }
        }
    }

    @Test("every model and driver attribute equals the driver_model and drivers tables")
    func driversEqualTables() throws {
        let drivers = ReportFixture.table(ReportFixture.drivers)
        let models = ReportFixture.table(ReportFixture.driverModel)
        let root = try parse(ReportFixture.render().xml)
        let modelElements = kids(kids(root, "drivers").first, "model")
        #expect(modelElements.count == models.rowCount)
        let modelMap = [("segment-dimension", "segment_dim"), ("segment", "segment"), ("n", "n"), ("dropped", "dropped"),
                        ("r2", "r2"), ("adj-r2", "adj_r2"), ("f-stat", "f_stat"), ("f-p-value", "f_p_value"), ("rmse", "rmse"),
                        ("intercept", "intercept"), ("warnings", "warnings")]
        let driverMap = [("id", "driver"), ("coef", "coef"), ("p", "p_value"), ("std-beta", "std_beta"), ("vif", "vif"),
                         ("importance-pct", "importance_pct"), ("rank", "rank"), ("performance", "performance"),
                         ("quadrant", "quadrant"), ("nps-lift", "nps_lift_1pt")]
        var r = 0
        for (m, model) in modelElements.enumerated() {
            for (attribute, column) in modelMap {
                let cell = models[m, try models.column(column)]
                #expect(attr(model, attribute) == (cell.isEmpty ? nil : cell), "model \(m) \(attribute)")
            }
            for driver in kids(model, "driver") {
                #expect(attr(model, "segment") == drivers[r, try drivers.column("segment")])
                for (attribute, column) in driverMap {
                    let cell = drivers[r, try drivers.column(column)]
                    #expect(attr(driver, attribute) == (cell.isEmpty ? nil : cell), "driver row \(r) \(attribute)")
                }
                r += 1
            }
        }
        #expect(r == drivers.rowCount)
        #expect(kids(modelElements[2], "driver").isEmpty, "the singular mzone model has no drivers")
    }

    @Test("alerts: rise+off_target gives two alerts; severity = |change| / threshold; favourable follows polarity")
    func alerts() throws {
        let root = try parse(ReportFixture.render().xml)
        let alerts = kids(kids(root, "alerts").first, "alert").filter { attr($0, "dimension") == "total" }
        let text = alerts.map { a in
            ["kpi", "kind", "change", "unit", "severity", "favourable", "level", "value", "prev", "base", "q"].map { attr(a, $0) ?? "-" }
                .joined(separator: " ")
        }
        #expect(text == [
            "sat_index off_target -8.555556 pct 1.711111 false target 82.3 80.1 412 0.061871",
            "sat_promotion fall -5.822785 pct 1.164557 false watch 74.4 79 200 0.061871",
            "nps rise 7 pt 1.4 true watch 32 25 412 0.310858",
            "nps off_target -8 pt 1.6 false target 32 25 412 0.310858",
            "complaint_rate rise 25 pct 5 false confirmed 12.5 10 80000 0.000054",
            "churn_rate rise 13.636364 pct 2.727273 false watch 1.25 1.1 8000 0.524449",
        ])
    }

    @Test("quality: sources with their reason codes, as the cleanse manifest counts them")
    func quality() throws {
        let root = try parse(ReportFixture.render().xml)
        let sources = kids(kids(root, "quality").first, "source")
        #expect(sources.map { "\(attr($0, "name")!) \(attr($0, "read")!)/\(attr($0, "clean")!)/\(attr($0, "quarantined")!)" }
                == ["customers 1000/990/10", "usage 990/985/5", "surveys 420/415/5", "complaints 120/120/0"])
        #expect(kids(sources[0], "reason").map { "\(attr($0, "code")!)=\(attr($0, "rows")!)" } == ["MISSING_FIELD=4", "BAD_MSISDN=6"])
    }

    @Test("hostile city names are escaped in the text and come back intact when parsed")
    func hostileText() throws {
        let xml = ReportFixture.render().xml
        #expect(xml.contains("member=\"&lt;script&gt;alert(1)&lt;/script&gt;\""))
        #expect(xml.contains("member=\"&quot;&amp;&apos;&lt;&gt;\""))
        #expect(!xml.contains("<script"))
        let root = try parse(xml)
        let members = Set(kids(kids(root, "kpis").first, "kpi").compactMap { attr($0, "member") })
        #expect(members.contains(ReportFixture.scriptCity))
        #expect(members.contains(ReportFixture.quoteCity))
    }

    @Test("an absent hv_retention is explained by a note with the snapshot month")
    func retentionNote() throws {
        var data = ReportFixture.data()
        data.kpis.removeAll { $0.kpi == "hv_retention" }
        data.retention = .noSnapshotPartition(Month(key: "2025-12")!)
        let root = try parse(ReportFixture.render(data: data).xml)
        let note = try #require(kids(kids(root, "summary").first, "note").first)
        #expect(attr(note, "code") == "hv_retention_absent")
        #expect(attr(note, "reason") == "no_snapshot_partition")
        #expect(attr(note, "snapshot") == "2025-12")
    }

    @Test("changes: every kpi_change row with its cells as written; absent table → available=false")
    func changes() throws {
        let table = ReportFixture.table(ReportFixture.kpiChange)
        let root = try parse(ReportFixture.render().xml)
        let elements = kids(kids(root, "changes").first, "change")
        #expect(elements.count == table.rowCount)
        let mapping = [("kpi", "kpi"), ("dimension", "dimension"), ("member", "member"), ("share", "share"), ("prev-share", "prev_share"),
                       ("value", "value"), ("prev", "prev_value"), ("rate-effect", "rate_effect"), ("mix-effect", "mix_effect"),
                       ("contribution", "contribution"), ("rank", "rank")]
        for (r, e) in elements.enumerated() {
            for (attribute, column) in mapping {
                let cell = table[r, try table.column(column)]
                #expect(attr(e, attribute) == (cell.isEmpty ? nil : cell), "row \(r) \(attribute)")
            }
        }
        var data = ReportFixture.data()
        data.changes = nil
        let absent = try parse(ReportFixture.render(data: data).xml)
        #expect(attr(try #require(kids(absent, "changes").first), "available") == "false")
    }

    @Test("outcomes: this month's held-out customers, and each list with coverage, effect, interval, significance and its groups")
    func outcomes() throws {
        let root = try parse(ReportFixture.render().xml)
        let outcomes = try #require(kids(root, "outcomes").first)
        #expect(attr(outcomes, "available") == nil && attr(outcomes, "alpha") == "0.05")
        #expect(kids(outcomes, "holdout").map { "\(attr($0, "list")!) \(attr($0, "customers")!)/\(attr($0, "list-rows")!)" }
                == ["churn_watch 1/4", "detractor_repair 1/3"])
        let lists = kids(outcomes, "list")
        #expect(lists.map { attr($0, "name")! } == ["churn_watch", "detractor_repair", "care_calendar"])
        // coverage 60/90; interval 1.96 × 12.958266 = 25.398201 (6 decimals).
        let churn = lists[0]
        #expect(["cohort-month", "coverage", "effect", "effect-std-err", "effect-ci", "effect-p-value", "significant"].map { attr(churn, $0) ?? "-" }
                == ["2026-09", "66.666667", "-15", "12.958266", "25.398201", "0.088158", "false"])
        #expect(attr(lists[1], "significant") == "true")
        #expect(attr(lists[2], "effect") == nil && attr(lists[2], "coverage") == "75")
        #expect(kids(churn, "group").map { "\(attr($0, "name")!):\(attr($0, "customers")!):\(attr($0, "churn-rate") ?? "-")" }
                == ["all:100:8", "holdout:10:20", "contacted:60:5", "not_contacted:30:10"])
        var data = ReportFixture.data()
        data.outcomes = nil
        let absent = try #require(kids(try parse(ReportFixture.render(data: data).xml), "outcomes").first)
        #expect(attr(absent, "available") == "false")
        #expect(kids(absent, "holdout").count == 2, "the control groups of this month's lists are known without list_outcome")
    }

    @Test("churn-model: the backtests shown, the five strongest features and the watch-list overlap")
    func churnModel() throws {
        let root = try parse(ReportFixture.render().xml)
        let churn = try #require(kids(root, "churn-model").first)
        let backtests = kids(churn, "backtest")
        #expect(backtests.count == 9)
        #expect(["month", "model", "train-pairs", "n-train", "n-eval", "churners-eval", "auc", "top-decile-lift"].map { attr(backtests[6], $0) ?? "-" }
                == ["2026-10", "learnt", "6", "45000", "7900", "100", "0.768", "3.1"])
        #expect(attr(backtests[7], "train-pairs") == nil, "the rule has no training")
        #expect(kids(churn, "feature").map { "\(attr($0, "rank")!) \(attr($0, "name")!) \(attr($0, "coef")!) \(attr($0, "direction")!)" } == [
            "1 flag_offnet 1.1 raises", "2 flag_bill_drop 0.9 raises", "3 tenure_years -0.8 lowers", "4 open_complaints 0.6 raises",
            "5 flag_detractor 0.5 raises",
        ])
        let overlap = try #require(kids(churn, "watch-overlap").first)
        #expect(["watch-list", "scored", "top-decile", "in-top-decile", "share"].map { attr(overlap, $0) ?? "-" } == ["4", "25", "3", "2", "50"])
        var data = ReportFixture.data()
        data.churn = nil
        #expect(attr(try #require(kids(try parse(ReportFixture.render(data: data).xml), "churn-model").first), "available") == "false")
    }
}
