/// One table per breakdown dimension (`ReportKPICatalogue.breakdownDimensions`): a row per member,
/// a column per headline KPI, each cell with value and change; a cell whose base is below the kpi
/// stage's min_base shows its value greyed and marked as a small base instead of a change.
struct BreakdownSection: ReportSection {
    let page: PanoramaHTML
    let id = "breakdown"
    var title: String { t("section.breakdown") }

    func render(into h: inout String) {
        let columns = ReportKPICatalogue.breakdownColumns
        for dim in ReportKPICatalogue.breakdownDimensions {
            let rows = data.kpis.filter { $0.dimension == dim }
            var members: [String] = []
            for r in rows where !members.contains(r.member) { members.append(r.member) }
            h += "<div class=\"scroll\"><table class=\"breakdown\">\n<caption>\(e(t("breakdown.caption", dimensionName(dim))))</caption>\n"
            h += "<thead><tr><th scope=\"col\">\(e(dimensionName(dim)))</th>"
            for kpi in columns { h += "<th scope=\"col\">\(e(kpiName(kpi)))</th>" }
            h += "</tr></thead>\n<tbody>\n"
            for member in members {
                h += "<tr><th scope=\"row\">\(e(memberName(dim, member)))</th>"
                for kpi in columns {
                    if let r = rows.first(where: { $0.member == member && $0.kpi == kpi }) {
                        if isSmallBase(r) {
                            // Too few responses to be news: the value greyed, no change mark.
                            h += "<td class=\"num smallbase\">\(value(r))<br>\(smallBaseHTML(r))</td>"
                        } else {
                            h += "<td class=\"num\">\(value(r))<br>\(changeHTML(r))</td>"
                        }
                    } else {
                        h += "<td class=\"num muted\">\(e(t("none")))</td>"
                    }
                }
                h += "</tr>\n"
            }
            h += "</tbody>\n</table></div>\n"
        }
    }
}
