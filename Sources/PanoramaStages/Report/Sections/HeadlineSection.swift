/// What a manager reads first: one sentence per headline KPI of the province (value with its 95 %
/// interval, the change against last month and whether it is beyond sampling noise, the target),
/// then the confirmed unfavourable movements. Three to five sentences.
struct HeadlineSection: ReportSection {
    let page: PanoramaHTML
    let id = "headline"
    var title: String { t("section.headline") }

    /// Confirmed unfavourable movements named in the last sentence; the rest are counted.
    static let namedMovements = 3

    func render(into h: inout String) {
        h += "<ul class=\"headline\">\n"
        for kpi in ReportKPICatalogue.headline {
            guard let row = data.total(kpi), row.value != nil else { continue }
            h += "<li>\(sentence(row))</li>\n"
        }
        h += "<li>\(movements())</li>\n"
        h += "</ul>\n"
    }

    /// `净推荐值 26.5（±2.6），环比 +5.2pt，显著；仍低于目标 30。`
    func sentence(_ row: KPIRow) -> String {
        var s = "<strong>\(e(kpiName(row.kpi)))</strong> \(value(row))"
        if let ci = ReportKPICatalogue.interval(row) {
            s += e(t("headline.interval", ReportText.fixed(ci, ReportKPICatalogue.decimals(row.kpi))))
        }
        var clauses: [String] = []
        let mark = ChangeMark(row, rule: settings.arrowColors)
        if !mark.change.isEmpty {
            var change = e(t("headline.change")) + " " + changeHTML(row)
            if row.kpi == "hv_retention" {
                change += e(t("headline.comma")) + e(t("sig.census"))
            } else if let significant = row.significant {
                change += e(t("headline.comma")) + e(t(significant ? "headline.significant" : "headline.noise"))
            }
            clauses.append(change)
        } else if row.prevValue == nil {
            clauses.append(e(t("headline.no_prev")))
        }
        var text = s + (clauses.isEmpty ? "" : e(t("headline.comma")) + clauses.joined(separator: e(t("headline.comma"))))
        if let target = row.target, let v = row.value {
            let targetText = ReportKPICatalogue.targetText(row.kpi, target)
            let met = row.polarity == "lower_better" ? v <= target : v >= target
            let key = met ? "headline.target_met" : row.polarity == "lower_better" ? "headline.above_target" : "headline.below_target"
            text += e(t("headline.semicolon")) + e(t(key, targetText))
        }
        return text + e(t("headline.stop"))
    }

    /// The confirmed unfavourable movements, most severe first, and how many moves stay on watch.
    func movements() -> String {
        let moves = alerts.filter { $0.kind != "off_target" }
        let bad = moves.enumerated().filter { $0.element.level == "confirmed" && !$0.element.favourable }
            .sorted { ($1.element.severity, $0.offset) < ($0.element.severity, $1.offset) }.map(\.element)
        let watch = moves.filter { $0.level == "watch" }.count
        // A kpi partition written before SPEC §4.1 has no test: say so rather than call every move noise.
        if !moves.isEmpty && !data.kpis.contains(where: { $0.momPValue != nil }) {
            return e(t("headline.untested", String(moves.count)))
        }
        if bad.isEmpty { return e(t("headline.no_confirmed", String(watch))) }
        let named = bad.prefix(HeadlineSection.namedMovements).map { a -> String in
            let change = ReportText.signed(a.change, 1) + ChangeMark.unitSymbol(a.unit)
            guard a.row.dimension != "total" else { return e(kpiName(a.row.kpi) + " " + change) }
            return e(t("headline.item", memberName(a.row.dimension, a.row.member), kpiName(a.row.kpi), change))
        }
        // Items hold commas and parentheses themselves, so English separates them with semicolons.
        var text = e(t("headline.confirmed", String(bad.count))) + named.joined(separator: e(t("headline.list_separator")))
        if bad.count > named.count { text += e(t("headline.and_more", String(bad.count - named.count))) }
        return text + e(t("headline.watch", String(watch)))
    }
}
