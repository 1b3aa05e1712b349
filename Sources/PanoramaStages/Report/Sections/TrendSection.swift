/// The province's KPIs over the last `historyMonths` months: a sparkline and the values per KPI,
/// from the `kpi` history (a month without a value leaves a gap).
struct TrendSection: ReportSection {
    let page: PanoramaHTML
    let id = "trend"
    var title: String { t("section.trend", String(settings.historyMonths)) }

    func render(into h: inout String) {
        let months = (0..<max(1, settings.historyMonths)).reversed().map { settings.month.adding(-$0) }
        h += "<table>\n<caption>\(e(t("trend.caption", months.first!.description, months.last!.description)))</caption>\n"
        h += headRow(["col.kpi", "col.trend", "col.values"]) + "<tbody>\n"
        for kpi in ReportKPICatalogue.order {
            let values: [Double?] = months.map { m in
                let rows = m == settings.month ? data.kpis : data.history
                return rows.first { $0.month == m && $0.kpi == kpi && $0.dimension == "total" }?.value
            }
            guard values.contains(where: { $0 != nil }) else { continue }
            let decimals = ReportKPICatalogue.decimals(kpi)
            let texts = zip(months, values).map { m, v in "\(m): \(v.map { ReportText.fixed($0, decimals) } ?? t("trend.missing"))" }
            let alt = t("trend.alt", kpiName(kpi), texts.joined(separator: "; "))
            h += "<tr><th scope=\"row\">\(e(kpiName(kpi)))</th><td>\(SVGCharts.sparkline(values, alt: alt))</td>"
            h += "<td class=\"values\">\(values.map { e($0.map { ReportText.fixed($0, decimals) } ?? t("none")) }.joined(separator: " · "))</td></tr>\n"
        }
        h += "</tbody>\n</table>\n"
    }
}
