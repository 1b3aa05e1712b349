import PanoramaCore

/// `panorama.html`: one self-contained page for managers (SPEC §6). Inline CSS and SVG only, a
/// Content-Security-Policy that forbids every fetch, every data value HTML-escaped, every label
/// from `ReportLabels`.
public struct PanoramaHTML: Sendable {
    /// The policy in the page's `<meta http-equiv>`: nothing may be fetched.
    public static let contentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    /// Rows of each follow-up list shown in the page.
    public static let listPreviewRows = 20
    /// Alerts listed in the summary table (the XML has them all).
    public static let alertRows = 30

    public var settings: ReportSettings
    public var data: ReportData
    public var alerts: [ReportAlert]
    let t: ReportLabels

    /// A renderer for one report.
    public init(settings: ReportSettings, data: ReportData, alerts: [ReportAlert]) {
        self.settings = settings
        self.data = data
        self.alerts = alerts
        self.t = ReportLabels(settings.language)
    }

    /// The whole page.
    public func render() -> String {
        var h = "<!DOCTYPE html>\n"
        h += "<html lang=\"\(settings.language == .zh ? "zh-CN" : "en")\">\n<head>\n<meta charset=\"utf-8\">\n"
        h += "<meta http-equiv=\"Content-Security-Policy\" content=\"\(PanoramaHTML.contentSecurityPolicy)\">\n"
        h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        h += "<title>\(e(t("title"))) · \(e(settings.province)) · \(settings.month)</title>\n"
        h += "<style>\n\(ReportCSS.stylesheet)</style>\n</head>\n"
        h += "<body class=\"colors-\(settings.arrowColors.rawValue)\">\n"
        header(&h)
        h += "<main>\n"
        alertSection(&h)
        treeSection(&h)
        breakdownSection(&h)
        trendSection(&h)
        driverSection(&h)
        listSection(&h)
        qualitySection(&h)
        lineageSection(&h)
        h += "</main>\n</body>\n</html>\n"
        return h
    }

    // MARK: - Sections

    private func header(_ h: inout String) {
        h += "<header>\n<h1>\(e(t("title"))) · \(e(settings.province)) · \(settings.month)</h1>\n<dl class=\"meta\">\n"
        let items: [(String, String)] = [
            ("header.province", settings.province), ("header.month", settings.month.description),
            ("header.run_id", data.lineage.runId), ("header.as_of", data.lineage.asOf),
            ("header.generated", data.lineage.generated),
        ]
        for (key, value) in items { h += "<div><dt>\(e(t(key)))</dt><dd>\(e(value))</dd></div>\n" }
        h += "</dl>\n<p class=\"legend\">\(e(t(settings.arrowColors == .cn ? "legend.cn" : "legend.western")))</p>\n"
        h += "<nav aria-label=\"\(e(t("nav.label")))\"><ol>\n"
        for (id, key) in [("alerts", "section.alerts"), ("tree", "section.tree"), ("breakdown", "section.breakdown"),
                          ("trend", "section.trend"), ("drivers", "section.drivers"), ("lists", "section.lists"),
                          ("quality", "section.quality"), ("lineage", "section.lineage")] {
            let label = key == "section.trend" ? t(key, String(settings.historyMonths)) : t(key)
            h += "<li><a href=\"#\(id)\">\(e(label))</a></li>\n"
        }
        h += "</ol></nav>\n</header>\n"
    }

    private func alertSection(_ h: inout String) {
        h += "<section id=\"alerts\">\n<h2>\(e(t("section.alerts")))</h2>\n"
        guard !alerts.isEmpty else {
            h += "<p>\(e(t("alerts.none")))</p>\n</section>\n"
            return
        }
        let unfavourable = alerts.filter { !$0.favourable }.count
        h += "<p class=\"lead\">\(e(t("alerts.count", String(alerts.count), String(unfavourable))))</p>\n"
        // Most severe first; ties keep table order, so the page is the same on every run.
        let ordered = alerts.enumerated().sorted { a, b in
            if a.element.severity != b.element.severity { return a.element.severity > b.element.severity }
            return a.offset < b.offset
        }.map(\.element)
        h += "<table>\n<caption>\(e(t("alerts.caption", ReportText.fixed(settings.alertThreshold, 1))))</caption>\n"
        h += headRow(["col.kpi", "col.dimension", "col.member", "col.kind", "col.change", "col.severity", "col.assessment"])
        h += "<tbody>\n"
        for a in ordered.prefix(PanoramaHTML.alertRows) {
            let tone: Tone
            switch settings.arrowColors {
            case .cn: tone = a.change > 0 ? .red : a.change < 0 ? .green : .grey
            case .western: tone = a.favourable ? .green : .red
            }
            let arrow = a.change > 0 ? "▲" : a.change < 0 ? "▼" : "▬"
            let word = a.favourable ? t("assess.favourable") : t("assess.unfavourable")
            h += "<tr><th scope=\"row\">\(e(kpiName(a.row.kpi)))</th><td>\(e(dimensionName(a.row.dimension)))</td>"
            h += "<td>\(e(memberName(a.row.dimension, a.row.member)))</td><td>\(e(t("alert.\(a.kind)")))</td>"
            h += "<td class=\"num\"><span class=\"chg \(tone.rawValue)\"><span class=\"arrow\">\(arrow)</span> \(ReportText.signed(a.change, 1))\(ChangeMark.unitSymbol(a.unit))</span></td>"
            h += "<td class=\"num\">\(ReportText.fixed(a.severity, 2))</td><td>\(e(word))</td></tr>\n"
        }
        h += "</tbody>\n</table>\n"
        if alerts.count > PanoramaHTML.alertRows {
            h += "<p class=\"note\">\(e(t("alerts.more", String(alerts.count - PanoramaHTML.alertRows))))</p>\n"
        }
        h += "</section>\n"
    }

    private func treeSection(_ h: inout String) {
        h += "<section id=\"tree\">\n<h2>\(e(t("section.tree")))</h2>\n"
        h += "<p class=\"note\">\(e(t("tree.caption", settings.province)))</p>\n"
        if let note = retentionNote() { h += "<p class=\"warn\" role=\"note\">\(e(note))</p>\n" }
        h += "<div class=\"groups\">\n"
        for group in ReportKPICatalogue.tree {
            h += "<section class=\"group\" aria-label=\"\(e(t(group.group)))\">\n<h3>\(e(t(group.group)))</h3>\n<ul class=\"tree\">\n"
            for node in group.nodes {
                h += "<li>" + nodeCard(node.kpi, root: !node.children.isEmpty)
                if !node.children.isEmpty {
                    h += "\n<ul>\n"
                    for child in node.children { h += "<li>" + nodeCard(child, root: false) + "</li>\n" }
                    h += "</ul>\n"
                }
                h += "</li>\n"
            }
            h += "</ul>\n</section>\n"
        }
        h += "</div>\n</section>\n"
    }

    private func nodeCard(_ kpi: String, root: Bool) -> String {
        let row = totalRow(kpi)
        var s = "<div class=\"node\(root ? " root" : "")\"><div class=\"name\">\(e(kpiName(kpi)))</div>"
        guard let row else {
            let missing = kpi == "hv_retention" ? (retentionNote() ?? t("none")) : t("none")
            return s + "<div class=\"value\">\(e(t("none")))</div><div class=\"sub\">\(e(missing))</div></div>"
        }
        s += "<div class=\"value\">\(value(row))</div>"
        s += "<div class=\"sub\">" + changeHTML(row) + "</div>"
        if let target = row.target {
            var line = "\(e(t("node.target"))) \(ReportText.fixed(target, ReportKPICatalogue.decimals(kpi)))"
            if let gap = row.targetGap {
                line += " · \(e(t("node.gap"))) \(ReportText.signed(gap, 1))\(ChangeMark.unitSymbol(row.momUnit))"
            }
            if row.alertKinds.contains("off_target") {
                line += " <span class=\"badge\">\(e(t("node.off_target")))</span>"
            }
            s += "<div class=\"sub\">\(line)</div>"
        } else if !row.polarity.isEmpty {
            s += "<div class=\"sub muted\">\(e(t("node.no_target")))</div>"
        }
        if let base = row.base {
            s += "<div class=\"sub muted\">\(e(t("node.base"))) \(ReportText.fixed(base, 0))"
            if let prev = row.prevValue { s += " · \(e(t("node.prev"))) \(ReportText.fixed(prev, ReportKPICatalogue.decimals(kpi)))" }
            s += "</div>"
        }
        return s + "</div>"
    }

    private func breakdownSection(_ h: inout String) {
        h += "<section id=\"breakdown\">\n<h2>\(e(t("section.breakdown")))</h2>\n"
        let columns = ReportKPICatalogue.breakdownColumns
        for dim in ReportKPICatalogue.breakdownDimensions {
            let rows = data.kpis.filter { $0.dimension == dim }
            var members: [String] = []
            for r in rows where !members.contains(r.member) { members.append(r.member) }
            h += "<div class=\"scroll\"><table>\n<caption>\(e(t("breakdown.caption", dimensionName(dim))))</caption>\n"
            h += "<thead><tr><th scope=\"col\">\(e(dimensionName(dim)))</th>"
            for kpi in columns { h += "<th scope=\"col\">\(e(kpiName(kpi)))</th>" }
            h += "</tr></thead>\n<tbody>\n"
            for member in members {
                h += "<tr><th scope=\"row\">\(e(memberName(dim, member)))</th>"
                for kpi in columns {
                    if let r = rows.first(where: { $0.member == member && $0.kpi == kpi }) {
                        h += "<td class=\"num\">\(value(r))<br>\(changeHTML(r))</td>"
                    } else {
                        h += "<td class=\"num muted\">\(e(t("none")))</td>"
                    }
                }
                h += "</tr>\n"
            }
            h += "</tbody>\n</table></div>\n"
        }
        h += "</section>\n"
    }

    private func trendSection(_ h: inout String) {
        let months = (0..<max(1, settings.historyMonths)).reversed().map { settings.month.adding(-$0) }
        h += "<section id=\"trend\">\n<h2>\(e(t("section.trend", String(settings.historyMonths))))</h2>\n"
        h += "<table>\n<caption>\(e(t("trend.caption", months.first!.description, months.last!.description)))</caption>\n"
        h += headRow(["col.kpi", "col.trend", "col.values"]) + "<tbody>\n"
        for kpi in ReportKPICatalogue.order {
            let values: [Double?] = months.map { m in
                let key = m.description
                let rows = m == settings.month ? data.kpis : data.history
                return rows.first { $0.month == key && $0.kpi == kpi && $0.dimension == "total" }?.value
            }
            guard values.contains(where: { $0 != nil }) else { continue }
            let decimals = ReportKPICatalogue.decimals(kpi)
            let texts = zip(months, values).map { m, v in "\(m): \(v.map { ReportText.fixed($0, decimals) } ?? t("trend.missing"))" }
            let alt = t("trend.alt", kpiName(kpi), texts.joined(separator: "; "))
            h += "<tr><th scope=\"row\">\(e(kpiName(kpi)))</th><td>\(SVGCharts.sparkline(values, alt: alt))</td>"
            h += "<td class=\"values\">\(values.map { e($0.map { ReportText.fixed($0, decimals) } ?? t("none")) }.joined(separator: " · "))</td></tr>\n"
        }
        h += "</tbody>\n</table>\n</section>\n"
    }

    private func driverSection(_ h: inout String) {
        h += "<section id=\"drivers\">\n<h2>\(e(t("section.drivers")))</h2>\n"
        guard !data.models.isEmpty || !data.drivers.isEmpty else {
            h += "<p>\(e(t("drivers.none")))</p>\n</section>\n"
            return
        }
        let totalDrivers = data.drivers.filter { $0.segmentDim == "total" }
        let totalName = data.models.first { $0.segmentDim == "total" }?.segment ?? totalDrivers.first?.segment ?? settings.province
        // "The first improve_first driver": the most important one (lowest rank), ties in table order.
        let first = totalDrivers.enumerated().filter { $0.element.quadrant == "improve_first" }
            .min { ($0.element.rank ?? Int.max, $0.offset) < ($1.element.rank ?? Int.max, $1.offset) }?.element
        if let first, let lift = first.npsLift {
            h += "<p class=\"lead\">\(e(t("drivers.lift", driverName(first.driver), ReportText.signed(lift, 1) + "pt")))</p>\n"
        } else {
            h += "<p class=\"lead\">\(e(t("drivers.no_improve_first")))</p>\n"
        }
        // Model overview.
        h += "<div class=\"scroll\"><table>\n<caption>\(e(t("drivers.models")))</caption>\n"
        h += headRow(["col.segment_dim", "col.segment", "col.n", "col.dropped", "col.r2", "col.adj_r2", "col.f_p", "col.rmse",
                      "col.intercept", "col.warnings"]) + "<tbody>\n"
        for m in data.models {
            h += "<tr><td>\(e(dimensionName(m.segmentDim)))</td><th scope=\"row\">\(e(memberName(m.segmentDim, m.segment)))</th>"
            h += num(m.n.map(Double.init), 0) + num(m.dropped.map(Double.init), 0) + num(m.r2, 3) + num(m.adjR2, 3)
            h += "<td class=\"num\">\(m.fPValue.map { e(ReportText.pValue($0)) } ?? e(t("none")))</td>"
            h += num(m.rmse, 2) + num(m.intercept, 3)
            h += "<td>\(warningsHTML(m.warnings))</td></tr>\n"
        }
        h += "</tbody>\n</table></div>\n"
        // Charts of the province-wide model.
        if !totalDrivers.isEmpty {
            let segmentLabel = memberName("total", totalName)
            let bars = totalDrivers.enumerated()
                .sorted { ($0.element.rank ?? Int.max, $0.offset) < ($1.element.rank ?? Int.max, $1.offset) }
                .map { (label: driverName($0.element.driver), pct: $0.element.importancePct ?? 0) }
            let barsAlt = t("drivers.importance.alt", bars.map { "\($0.label) \(ReportText.fixed($0.pct, 1))%" }.joined(separator: "; "))
            h += "<figure>\n<figcaption>\(e(t("drivers.importance", segmentLabel)))</figcaption>\n"
            h += SVGCharts.importanceBars(bars, alt: barsAlt) + "\n</figure>\n"
            let points = totalDrivers.compactMap { d -> SVGCharts.QuadrantPoint? in
                guard let x = d.importancePct, let y = d.performance else { return nil }
                return SVGCharts.QuadrantPoint(label: driverName(d.driver), importancePct: x, performance: y,
                                               improveFirst: d.quadrant == "improve_first")
            }
            let quadrantAlt = t("drivers.quadrant.alt", totalDrivers.map { d in
                "\(driverName(d.driver)) \(d.importancePct.map { ReportText.fixed($0, 1) } ?? "—")% / \(d.performance.map { ReportText.fixed($0, 1) } ?? "—") (\(quadrantName(d.quadrant)))"
            }.joined(separator: "; "))
            h += "<figure>\n<figcaption>\(e(t("drivers.quadrant", segmentLabel)))</figcaption>\n"
            h += SVGCharts.quadrant(points, quadrantNames: (quadrantName("improve_first"), quadrantName("keep_strength"),
                                                            quadrantName("watch"), quadrantName("low_priority")),
                                    xAxis: t("chart.axis.importance"), yAxis: t("chart.axis.performance"), alt: quadrantAlt)
            h += "\n</figure>\n"
        }
        // Coefficient tables, one per fitted model, in model order.
        var segments = data.models.map { ($0.segmentDim, $0.segment) }
        for d in data.drivers where !segments.contains(where: { $0 == (d.segmentDim, d.segment) }) { segments.append((d.segmentDim, d.segment)) }
        for (dim, segment) in segments {
            let rows = data.drivers.filter { $0.segmentDim == dim && $0.segment == segment }
            guard !rows.isEmpty else { continue }
            let title = dim == "total" ? memberName(dim, segment) : "\(dimensionName(dim)) · \(memberName(dim, segment))"
            h += "<div class=\"scroll\"><table>\n<caption>\(e(t("drivers.coefficients", title)))</caption>\n"
            h += headRow(["col.driver", "col.coef", "col.p", "col.std_beta", "col.vif", "col.importance_pct", "col.rank",
                          "col.performance", "col.quadrant", "col.nps_lift"]) + "<tbody>\n"
            for d in rows {
                h += "<tr><th scope=\"row\">\(e(driverName(d.driver)))</th>" + num(d.coef, 3)
                h += "<td class=\"num\">\(d.pValue.map { e(ReportText.pValue($0)) } ?? e(t("none")))</td>"
                h += num(d.stdBeta, 3)
                let highVIF = (d.vif ?? 0) > 5
                h += "<td class=\"num\(highVIF ? " flag" : "")\">\(d.vif.map { ReportText.fixed($0, 2) } ?? e(t("none")))\(highVIF ? " ⚠" : "")</td>"
                h += num(d.importancePct, 1) + num(d.rank.map(Double.init), 0) + num(d.performance, 1)
                h += "<td>\(e(quadrantName(d.quadrant)))</td>"
                h += "<td class=\"num\">\(d.npsLift.map { ReportText.signed($0, 2) + "pt" } ?? e(t("none")))</td></tr>\n"
            }
            h += "</tbody>\n</table></div>\n"
        }
        h += "</section>\n"
    }

    private func listSection(_ h: inout String) {
        h += "<section id=\"lists\">\n<h2>\(e(t("section.lists")))</h2>\n"
        h += "<table>\n<caption>\(e(t("lists.summary")))</caption>\n" + headRow(["col.list", "col.count", "col.file"]) + "<tbody>\n"
        for name in FollowUpList.names {
            let count = data.lists.first { $0.name == name }.map { String($0.count) } ?? t("none")
            h += "<tr><th scope=\"row\">\(e(t("list.\(name)")))</th><td class=\"num\">\(e(count))</td><td><code>\(name).csv</code></td></tr>\n"
        }
        h += "</tbody>\n</table>\n"
        for name in FollowUpList.names {
            guard let list = data.lists.first(where: { $0.name == name }) else { continue }
            h += "<h3>\(e(t("lists.caption", t("list.\(name)"), String(list.count))))</h3>\n"
            guard list.count > 0 else {
                h += "<p>\(e(t("lists.empty")))</p>\n"
                continue
            }
            let header = list.table.header
            h += "<div class=\"scroll\"><table class=\"list\">\n<caption>\(e(t("lists.first", String(min(PanoramaHTML.listPreviewRows, list.count)))))</caption>\n"
            h += "<thead><tr>" + header.map { "<th scope=\"col\">\(e(t.optional("col.\($0)") ?? $0))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
            for r in 0..<min(PanoramaHTML.listPreviewRows, list.count) {
                h += "<tr>"
                for (c, column) in header.enumerated() {
                    let cell = e(listCell(column, list.table[r, c]))
                    h += c == 0 ? "<th scope=\"row\">\(cell)</th>" : "<td>\(cell)</td>"
                }
                h += "</tr>\n"
            }
            h += "</tbody>\n</table></div>\n"
        }
        h += "</section>\n"
    }

    private func qualitySection(_ h: inout String) {
        h += "<section id=\"quality\">\n<h2>\(e(t("section.quality")))</h2>\n"
        guard let sources = data.quality else {
            h += "<p class=\"warn\">\(e(t("quality.unavailable")))</p>\n</section>\n"
            return
        }
        h += "<table>\n<caption>\(e(t("quality.caption")))</caption>\n"
        h += headRow(["col.source", "col.read", "col.clean", "col.quarantined"]) + "<tbody>\n"
        for s in sources {
            h += "<tr><th scope=\"row\">\(e(sourceName(s.source)))</th>" + num(Double(s.read), 0) + num(Double(s.clean), 0)
                + num(Double(s.quarantined), 0) + "</tr>\n"
        }
        h += "</tbody>\n</table>\n"
        let reasons = sources.flatMap { s in s.reasons.map { (s.source, $0.code, $0.rows) } }
        guard !reasons.isEmpty else {
            h += "<p>\(e(t("quality.no_reasons")))</p>\n</section>\n"
            return
        }
        h += "<table>\n<caption>\(e(t("quality.reasons")))</caption>\n"
        h += headRow(["col.source", "col.code", "col.description", "col.rows"]) + "<tbody>\n"
        for (source, code, rows) in reasons {
            h += "<tr><th scope=\"row\">\(e(sourceName(source)))</th><td><code>\(e(code))</code></td>"
            h += "<td>\(e(t.optional("code.\(code)") ?? code))</td>" + num(Double(rows), 0) + "</tr>\n"
        }
        h += "</tbody>\n</table>\n</section>\n"
    }

    private func lineageSection(_ h: inout String) {
        let l = data.lineage
        h += "<section id=\"lineage\">\n<h2>\(e(t("section.lineage")))</h2>\n<dl class=\"meta\">\n"
        for (key, value) in [("lineage.config", l.configFile), ("lineage.config_hash", l.configHash),
                             ("lineage.version", l.version), ("header.run_id", l.runId)] {
            h += "<div><dt>\(e(t(key)))</dt><dd><code>\(e(value))</code></dd></div>\n"
        }
        h += "</dl>\n"
        if !l.inputs.isEmpty {
            h += "<div class=\"scroll\"><table>\n<caption>\(e(t("lineage.inputs")))</caption>\n"
            h += headRow(["col.source", "col.path", "col.rows", "col.sha256"]) + "<tbody>\n"
            for i in l.inputs {
                h += "<tr><th scope=\"row\">\(e(sourceName(i.name)))</th><td><code>\(e(i.path))</code></td>"
                h += num(i.rows.map(Double.init), 0) + "<td><code class=\"hash\">\(e(i.sha256))</code></td></tr>\n"
            }
            h += "</tbody>\n</table></div>\n"
        }
        if !l.partitions.isEmpty {
            h += "<div class=\"scroll\"><table>\n<caption>\(e(t("lineage.partitions")))</caption>\n"
            h += headRow(["col.table", "col.month", "col.rows", "col.sha256"]) + "<tbody>\n"
            for p in l.partitions {
                h += "<tr><th scope=\"row\"><code>\(e(p.name))</code></th><td>\(e(p.month))</td>"
                h += num(p.rows.map(Double.init), 0) + "<td><code class=\"hash\">\(e(p.sha256))</code></td></tr>\n"
            }
            h += "</tbody>\n</table></div>\n"
        }
        h += "</section>\n"
    }

    // MARK: - Pieces

    private func e(_ s: String) -> String { ReportText.html(s) }

    private func headRow(_ keys: [String]) -> String {
        "<thead><tr>" + keys.map { "<th scope=\"col\">\(e(t($0)))</th>" }.joined() + "</tr></thead>\n"
    }

    private func num(_ v: Double?, _ decimals: Int) -> String {
        "<td class=\"num\">\(v.map { ReportText.fixed($0, decimals) } ?? e(t("none")))</td>"
    }

    private func totalRow(_ kpi: String) -> ReportKPIRow? {
        data.kpis.first { $0.kpi == kpi && $0.dimension == "total" }
    }

    private func value(_ row: ReportKPIRow) -> String {
        row.value.map { ReportText.fixed($0, ReportKPICatalogue.decimals(row.kpi)) } ?? e(t("none"))
    }

    /// The change in text and colour: arrow, signed change with unit, favourable/unfavourable word.
    private func changeHTML(_ row: ReportKPIRow) -> String {
        let mark = ChangeMark(row, rule: settings.arrowColors)
        guard !mark.change.isEmpty else { return "<span class=\"chg grey\">\(e(t("change.none")))</span>" }
        return "<span class=\"chg \(mark.tone.rawValue)\"><span class=\"arrow\">\(mark.arrow)</span> \(mark.change) <span class=\"assess\">\(e(t("assess.\(mark.assessment.rawValue)")))</span></span>"
    }

    private func retentionNote() -> String? {
        switch data.retention {
        case .present: return nil
        case .snapshotAfterMonth(let s): return t("hv.after", s.description, settings.month.description)
        case .noSnapshotPartition(let s): return t("hv.missing", s.description)
        case .noRows(let s): return t("hv.norows", s.description)
        }
    }

    private func kpiName(_ kpi: String) -> String { t.optional("kpi.\(kpi)") ?? kpi }
    private func dimensionName(_ dim: String) -> String { t.optional("dim.\(dim)") ?? dim }
    private func driverName(_ d: String) -> String { t.optional("driver.\(d)") ?? d }
    private func quadrantName(_ q: String) -> String { t.optional("quadrant.\(q)") ?? q }
    private func sourceName(_ s: String) -> String { t.optional("source.\(s)") ?? s }

    /// A member's label: brands, VIP levels, tiers and channels are translated; cities are data.
    private func memberName(_ dim: String, _ member: String) -> String {
        let prefix: String
        switch dim {
        case "brand": prefix = "brand."
        case "vip_level": prefix = "vip."
        case "value_tier": prefix = "tier."
        case "channel": prefix = "channel."
        default: return member
        }
        return t.optional(prefix + member) ?? member
    }

    private func warningsHTML(_ warnings: [String]) -> String {
        guard !warnings.isEmpty else { return e(t("warn.none")) }
        return warnings.map { w -> String in
            let text: String
            if w == "max_vif>5" { text = t("warn.max_vif") }
            else if w == "n<10p" { text = t("warn.n_small") }
            else if w.hasPrefix("negative_coef:") { text = t("warn.negative_coef", driverName(String(w.dropFirst("negative_coef:".count)))) }
            else if w.hasPrefix("singular") {
                let what = w.hasPrefix("singular:") ? String(w.dropFirst("singular:".count)) : "n ≤ p + 1"
                text = t("warn.singular", driverName(what))
            } else { text = w }
            return "<span class=\"warnitem\">\(e(text)) <code>\(e(w))</code></span>"
        }.joined(separator: "<br>")
    }

    /// A list cell as a manager reads it: enum values translated, `|` lists joined with commas.
    private func listCell(_ column: String, _ value: String) -> String {
        guard !value.isEmpty else { return value }
        let sep = settings.language == .zh ? "、" : ", "
        switch column {
        case "brand": return t.optional("brand.\(value)") ?? value
        case "vip_level": return t.optional("vip.\(value)") ?? value
        case "occasion": return t.optional("occasion.\(value)") ?? value
        case "high_value": return t.optional("bool.\(value)") ?? value
        case "reasons": return value.split(separator: "|").map { t.optional("reason.\($0)") ?? String($0) }.joined(separator: sep)
        case "weakest": return value.split(separator: "|").map { driverName(String($0)) }.joined(separator: sep)
        default: return value
        }
    }
}
