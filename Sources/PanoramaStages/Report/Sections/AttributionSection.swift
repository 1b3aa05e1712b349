/// 为什么变化 / why it moved: for each headline KPI of the province, the members that moved it
/// (kpi_change, SPEC §4.2): a sentence on the largest city contributions (components for the
/// satisfaction index), a diverging chart of their rate and mix effects, and the largest
/// contributors of every other dimension. Says why when kpi_change is not there.
struct AttributionSection: ReportSection {
    let page: PanoramaHTML
    let id = "why"
    var title: String { t("section.why") }

    /// Members drawn in each chart, and named in each sentence.
    static let chartRows = 6
    static let namedRows = 2

    func render(into h: inout String) {
        guard let changes = data.changes else {
            h += "<p class=\"warn\" role=\"note\">\(e(t("why.absent")))</p>\n"
            return
        }
        h += "<p class=\"note\">\(e(t("why.explain")))</p>\n"
        for kpi in ReportKPICatalogue.headline {
            guard let total = data.total(kpi), total.value != nil else { continue }
            h += "<h3>\(e(kpiName(kpi)))"
            if let prev = total.prevValue, let v = total.value {
                h += " <span class=\"muted\">\(ReportKPICatalogue.valueText(kpi, prev)) → \(ReportKPICatalogue.valueText(kpi, v))</span> "
                    + changeHTML(total)
            }
            h += "</h3>\n"
            let dimensions = ChangeAttribution.dimensions(of: kpi, in: changes)
            guard let first = dimensions.first else {
                h += "<p>\(e(t(total.prevValue == nil ? "why.no_prev" : "why.no_rows")))</p>\n"
                continue
            }
            let ranked = ChangeAttribution.ranked(changes, kpi: kpi, dimension: first)
            h += "<p class=\"lead\">\(e(t("why.by", dimensionName(first))))"
                + ranked.prefix(AttributionSection.namedRows).map { phrase($0, short: false) }.joined(separator: e(t("why.separator"))) + "</p>\n"
            let shown = Array(ranked.prefix(AttributionSection.chartRows))
            let items = shown.map { r in
                SVGCharts.DivergingItem(label: memberName(first, r.member), rate: r.rateEffect, mix: r.mixEffect,
                                        total: r.contribution, muted: smallBase(kpi, first, r.member))
            }
            let decimals = AttributionSection.decimals(kpi)
            let alt = t("why.chart.alt", kpiName(kpi), dimensionName(first), shown.map { r in
                "\(memberName(first, r.member)) \(amount(kpi, r.contribution)) (\(t("why.rate")) \(ReportText.signed(r.rateEffect, decimals)), \(t("why.mix")) \(ReportText.signed(r.mixEffect, decimals)))"
            }.joined(separator: "; "))
            h += "<figure>\n<figcaption>\(e(t("why.chart", kpiName(kpi), dimensionName(first), String(shown.count), String(ranked.count))))</figcaption>\n"
            h += SVGCharts.divergingBars(items, legend: (t("why.rate"), t("why.mix"), t("why.total")), decimals: decimals, alt: alt)
            h += "\n</figure>\n"
            let others = dimensions.dropFirst()
            guard !others.isEmpty else { continue }
            h += "<div class=\"scroll\"><table>\n<caption>\(e(t("why.others", kpiName(kpi))))</caption>\n"
            h += headRow(["col.dimension", "col.contributors"]) + "<tbody>\n"
            for dim in others {
                let top = ChangeAttribution.ranked(changes, kpi: kpi, dimension: dim).prefix(AttributionSection.namedRows)
                h += "<tr><th scope=\"row\">\(e(dimensionName(dim)))</th><td>\(top.map { phrase($0, short: true) }.joined(separator: e(t("why.separator"))))</td></tr>\n"
            }
            h += "</tbody>\n</table></div>\n"
        }
    }

    /// Contributions are a share of one change, so they get one decimal more than the KPI's value.
    static func decimals(_ kpi: String) -> Int { ReportKPICatalogue.decimals(kpi) + 1 }

    /// `承德 −1.2pt：满意度指数下降（率效应）`, with the small-base tag when the member's base is
    /// small; `short` leaves the KPI's name out (in a table captioned with it).
    private func phrase(_ r: KPIChangeRow, short: Bool) -> String {
        let effect = ChangeAttribution.dominant(r)
        let reason: String
        switch (effect, r.dimension == "component") {
        case (.rate, true): reason = t(r.rateEffect < 0 ? "why.component_down" : "why.component_up")
        case (.rate, false) where short: reason = t(r.rateEffect < 0 ? "why.rate_down_short" : "why.rate_up_short")
        case (.rate, false): reason = t(r.rateEffect < 0 ? "why.rate_down" : "why.rate_up", kpiName(r.kpi))
        case (.mix, _): reason = t(r.share < r.prevShare ? "why.mix_down" : "why.mix_up")
        }
        var s = "<span class=\"nowrap\"><strong>\(e(memberName(r.dimension, r.member)))</strong> \(amount(r.kpi, r.contribution))</span>"
        s += e(t("why.colon") + reason)
        if smallBase(r.kpi, r.dimension, r.member), let row = kpiRow(r.kpi, r.dimension, r.member) { s += " " + smallBaseHTML(row) }
        return s
    }

    /// A contribution with its sign, the KPI's decimals and its unit.
    private func amount(_ kpi: String, _ x: Double) -> String {
        ReportText.signed(x, AttributionSection.decimals(kpi)) + differenceUnit(kpi)
    }

    private func kpiRow(_ kpi: String, _ dimension: String, _ member: String) -> KPIRow? {
        data.kpis.first { $0.kpi == kpi && $0.dimension == dimension && $0.member == member }
    }

    private func smallBase(_ kpi: String, _ dimension: String, _ member: String) -> Bool {
        kpiRow(kpi, dimension, member).map(isSmallBase) ?? false
    }
}
