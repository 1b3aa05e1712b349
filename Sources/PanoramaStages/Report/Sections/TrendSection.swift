/// The province's KPIs over the last `historyMonths` months: a sparkline per KPI on a labelled
/// scale that does not blow noise up (at least `ReportKPICatalogue.minimumSpan` high), with month
/// ticks, each month's 95 % interval and the target line, and the values printed beside it (a month
/// without a value leaves a gap).
struct TrendSection: ReportSection {
    let page: PanoramaHTML
    let id = "trend"
    var title: String { t("section.trend", String(settings.historyMonths)) }

    func render(into h: inout String) {
        let months = (0..<max(1, settings.historyMonths)).reversed().map { settings.month.adding(-$0) }
        h += "<p class=\"note\">\(e(t("trend.legend")))</p>\n"
        h += "<div class=\"scroll\"><table class=\"trend\">\n<caption>\(e(t("trend.caption", months.first!.description, months.last!.description)))</caption>\n"
        h += headRow(["col.kpi", "col.trend", "col.values"]) + "<tbody>\n"
        let ticks = months.map { m in (m.month < 10 ? "0" : "") + String(m.month) }
        for kpi in ReportKPICatalogue.order {
            let rows: [KPIRow?] = months.map { m in
                let rows = m == settings.month ? data.kpis : data.history
                return rows.first { $0.month == m && $0.kpi == kpi && $0.dimension == "total" }
            }
            let values = rows.map { $0?.value }
            guard values.contains(where: { $0 != nil }) else { continue }
            let intervals = rows.map { $0.flatMap(ReportKPICatalogue.interval) }
            let target = data.total(kpi)?.target
            let decimals = ReportKPICatalogue.decimals(kpi)
            guard let range = ReportKPICatalogue.trendRange(kpi, values: values, intervals: intervals, target: target) else { continue }
            let texts = zip(months, values).map { m, v in "\(m): \(v.map { ReportKPICatalogue.valueText(kpi, $0) } ?? t("trend.missing"))" }
            var alt = t("trend.alt", kpiName(kpi), texts.joined(separator: "; "))
            if let target { alt += "; " + t("node.target") + " " + ReportKPICatalogue.targetText(kpi, target) }
            let chart = SVGCharts.sparkline(values, intervals: intervals, target: target, range: range,
                                            rangeLabels: (ReportText.fixed(range.lo, 0), ReportText.fixed(range.hi, 0)), ticks: ticks, alt: alt)
            h += "<tr><th scope=\"row\">\(e(kpiName(kpi)))</th><td>\(chart)</td>"
            h += "<td class=\"values\">\(values.map { e($0.map { ReportText.fixed($0, decimals) } ?? t("none")) }.joined(separator: " · "))"
            if let target { h += "<br><span class=\"muted\">\(e(t("node.target"))) \(ReportKPICatalogue.targetText(kpi, target))</span>" }
            h += "</td></tr>\n"
        }
        h += "</tbody>\n</table></div>\n"
    }
}
