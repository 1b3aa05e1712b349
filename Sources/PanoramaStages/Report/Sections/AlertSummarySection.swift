/// The alerts, every one of them, grouped as SPEC §4.1 grades them: confirmed (beyond the ±threshold
/// and beyond sampling noise), watch (beyond the threshold but within noise; collapsed) and off
/// target. Each row shows the value, previous value, base, change with its unit, q-value and
/// severity; the most severe first within a group.
struct AlertSummarySection: ReportSection {
    let page: PanoramaHTML
    let id = "alerts"
    var title: String { t("section.alerts") }

    func render(into h: inout String) {
        guard !alerts.isEmpty else {
            h += "<p>\(e(t("alerts.none")))</p>\n"
            return
        }
        let groups = ReportAlert.levels.map { level in
            alerts.enumerated().filter { $0.element.level == level }
                .sorted { ($1.element.severity, $0.offset) < ($0.element.severity, $1.offset) }.map(\.element)
        }
        let confirmedBad = groups[0].filter { !$0.favourable }.count
        let counts = t("alerts.count", String(alerts.count), String(groups[0].count), String(confirmedBad),
                       String(groups[1].count), String(groups[2].count))
        h += "<p class=\"lead\">\(e(counts))</p>\n"
        h += "<p class=\"note\">\(e(t("alerts.explain", ReportText.exact(settings.alertThreshold) ?? "5", formatAlpha)))</p>\n"
        if !data.kpis.contains(where: { $0.momPValue != nil }) && !(groups[0].isEmpty && groups[1].isEmpty) {
            h += "<p class=\"warn\" role=\"note\">\(e(t("alerts.untested")))</p>\n"
        }

        h += "<h3>\(e(t("alerts.confirmed", String(groups[0].count))))</h3>\n"
        if groups[0].isEmpty { h += "<p>\(e(t("alerts.group_empty")))</p>\n" } else { moveTable(groups[0], caption: "alerts.confirmed.caption", into: &h) }

        h += "<details>\n<summary>\(e(t("alerts.watch", String(groups[1].count))))</summary>\n"
        if groups[1].isEmpty { h += "<p>\(e(t("alerts.group_empty")))</p>\n" } else { moveTable(groups[1], caption: "alerts.watch.caption", into: &h) }
        h += "</details>\n"

        // Off-target alerts are mostly members below a province-wide target; the headline and the tree
        // give the province's own position, so the list is collapsed like the watch group.
        h += "<details>\n<summary>\(e(t("alerts.target", String(groups[2].count))))</summary>\n"
        if groups[2].isEmpty { h += "<p>\(e(t("alerts.group_empty")))</p>\n" } else { targetTable(groups[2], into: &h) }
        h += "</details>\n"
    }

    private var formatAlpha: String { ReportText.exact(settings.alpha) ?? "0.05" }

    /// Rise and fall alerts.
    private func moveTable(_ rows: [ReportAlert], caption: String, into h: inout String) {
        h += "<div class=\"scroll\"><table class=\"reflow alerts\">\n<caption>\(e(t(caption)))</caption>\n"
        h += headRow(["col.kpi", "col.dimension", "col.member", "col.value", "col.prev", "col.base", "col.change", "col.q", "col.severity"])
        h += "<tbody>\n"
        for a in rows {
            let r = a.row
            h += "<tr>" + rowStart(r)
            h += cell("col.value", value(r) + intervalHTML(r), "num")
            h += cell("col.prev", r.prevValue.map { ReportKPICatalogue.valueText(r.kpi, $0) } ?? e(t("none")), "num")
            h += cell("col.base", baseText(r), "num")
            h += cell("col.change", changeHTML(r))
            h += cell("col.q", qText(r), "num")
            h += cell("col.severity", ReportText.fixed(a.severity, 2), "num") + "</tr>\n"
        }
        h += "</tbody>\n</table></div>\n"
    }

    /// The q-value of the month-on-month change; hv_retention is a full count, not a sample.
    private func qText(_ r: KPIRow) -> String {
        if r.kpi == "hv_retention" { return e(t("sig.census")) }
        return r.momQValue.map { e(ReportText.pValue($0)) } ?? e(t("none"))
    }

    /// Off-target alerts: the gap to target is the change.
    private func targetTable(_ rows: [ReportAlert], into h: inout String) {
        h += "<div class=\"scroll\"><table class=\"reflow alerts\">\n<caption>\(e(t("alerts.target.caption")))</caption>\n"
        h += headRow(["col.kpi", "col.dimension", "col.member", "col.value", "col.target", "col.gap", "col.prev", "col.change",
                      "col.base", "col.q", "col.severity"])
        h += "<tbody>\n"
        for a in rows {
            let r = a.row
            h += "<tr>" + rowStart(r)
            h += cell("col.value", value(r) + intervalHTML(r), "num")
            h += cell("col.target", r.target.map { ReportKPICatalogue.targetText(r.kpi, $0) } ?? e(t("none")), "num")
            h += cell("col.gap", gapHTML(a))
            h += cell("col.prev", r.prevValue.map { ReportKPICatalogue.valueText(r.kpi, $0) } ?? e(t("none")), "num")
            h += cell("col.change", changeHTML(r))
            h += cell("col.base", baseText(r), "num")
            h += cell("col.q", qText(r), "num")
            h += cell("col.severity", ReportText.fixed(a.severity, 2), "num") + "</tr>\n"
        }
        h += "</tbody>\n</table></div>\n"
    }

    private func rowStart(_ r: KPIRow) -> String {
        "<th scope=\"row\">\(e(kpiName(r.kpi)))</th>" + cell("col.dimension", e(dimensionName(r.dimension)))
            + cell("col.member", e(memberName(r.dimension, r.member)))
    }

    private func baseText(_ r: KPIRow) -> String {
        ReportText.fixed(Double(r.base), 0) + (isSmallBase(r) ? " " + smallBaseHTML(r) : "")
    }

    /// The gap to target with arrow, unit and the word "unfavourable" (an off-target gap always is).
    private func gapHTML(_ a: ReportAlert) -> String {
        let tone: Tone
        switch settings.arrowColors {
        case .cn: tone = a.change > 0 ? .red : a.change < 0 ? .green : .grey
        case .western: tone = .red
        }
        let arrow = a.change > 0 ? "▲" : a.change < 0 ? "▼" : "▬"
        return "<span class=\"chg \(tone.rawValue)\"><span class=\"arrow\">\(arrow)</span> \(ReportText.signed(a.change, 1))\(ChangeMark.unitSymbol(a.unit)) <span class=\"assess\">\(e(t("assess.unfavourable")))</span></span>"
    }
}
