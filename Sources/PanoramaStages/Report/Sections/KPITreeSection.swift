/// The KPI panorama tree of the province: one card per KPI with value and its 95 % interval, change
/// and whether it is beyond sampling noise, target, gap, base and previous value, grouped as
/// `ReportKPICatalogue.tree`; says why hv_retention is missing.
struct KPITreeSection: ReportSection {
    let page: PanoramaHTML
    let id = "tree"
    var title: String { t("section.tree") }

    func render(into h: inout String) {
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
        h += "</div>\n"
    }

    private func nodeCard(_ kpi: String, root: Bool) -> String {
        let row = totalRow(kpi)
        var s = "<div class=\"node\(root ? " root" : "")\"><div class=\"name\">\(e(kpiName(kpi)))</div>"
        guard let row else {
            let missing = kpi == "hv_retention" ? (retentionNote() ?? t("none")) : t("none")
            return s + "<div class=\"value\">\(e(t("none")))</div><div class=\"sub\">\(e(missing))</div></div>"
        }
        s += "<div class=\"value\">\(value(row))\(intervalHTML(row))</div>"
        let change = changeHTML(row)
        if !change.isEmpty {
            let significance = isSmallBase(row) ? "" : significanceHTML(row)
            s += "<div class=\"sub\">" + change + (significance.isEmpty ? "" : " " + significance) + "</div>"
        }
        if let target = row.target {
            var line = "\(e(t("node.target"))) \(ReportKPICatalogue.targetText(kpi, target))"
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
        do {
            s += "<div class=\"sub muted\">\(e(t("node.base"))) \(ReportText.fixed(Double(row.base), 0))"
            if isSmallBase(row) { s += " " + smallBaseHTML(row) }
            if let prev = row.prevValue { s += " · \(e(t("node.prev"))) \(ReportKPICatalogue.valueText(kpi, prev))" }
            s += "</div>"
        }
        return s + "</div>"
    }

    private func totalRow(_ kpi: String) -> KPIRow? {
        data.kpis.first { $0.kpi == kpi && $0.dimension == "total" }
    }

    /// Why the month has no hv_retention, or nil when it has one.
    private func retentionNote() -> String? {
        switch data.retention {
        case .present: return nil
        case .snapshotAfterMonth(let s): return t("hv.after", s.description, settings.month.description)
        case .noSnapshotPartition(let s): return t("hv.missing", s.description)
        case .noRows(let s): return t("hv.norows", s.description)
        }
    }
}
