/// The alert summary: how many alerts and how many unfavourable, then the most severe ones
/// (up to `PanoramaHTML.alertRows`; the XML has them all).
struct AlertSummarySection: ReportSection {
    let page: PanoramaHTML
    let id = "alerts"
    var title: String { t("section.alerts") }

    func render(into h: inout String) {
        guard !alerts.isEmpty else {
            h += "<p>\(e(t("alerts.none")))</p>\n"
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
    }
}
