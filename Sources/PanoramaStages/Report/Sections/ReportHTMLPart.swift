/// A part of `panorama.html` (the header or a section): it reads the page's settings, data, alerts
/// and labels, and shares the HTML pieces several sections use. Every data value goes through `e`.
protocol ReportHTMLPart: Sendable {
    /// The page this part belongs to.
    var page: PanoramaHTML { get }
}

extension ReportHTMLPart {
    var settings: ReportSettings { page.settings }
    var data: ReportData { page.data }
    var alerts: [ReportAlert] { page.alerts }
    var t: ReportLabels { page.t }

    /// HTML-escaped text.
    func e(_ s: String) -> String { ReportText.html(s) }

    /// A `<thead>` row of column labels.
    func headRow(_ keys: [String]) -> String {
        "<thead><tr>" + keys.map { "<th scope=\"col\">\(e(t($0)))</th>" }.joined() + "</tr></thead>\n"
    }

    /// A numeric cell with `decimals` decimals, or the no-value mark.
    func num(_ v: Double?, _ decimals: Int) -> String {
        "<td class=\"num\">\(v.map { ReportText.fixed($0, decimals) } ?? e(t("none")))</td>"
    }

    /// A kpi row's value with the KPI's decimals, or the no-value mark.
    func value(_ row: KPIRow) -> String {
        row.value.map { ReportText.fixed($0, ReportKPICatalogue.decimals(row.kpi)) } ?? e(t("none"))
    }

    /// The change in text and colour: arrow, signed change with unit, favourable/unfavourable word.
    func changeHTML(_ row: KPIRow) -> String {
        let mark = ChangeMark(row, rule: settings.arrowColors)
        guard !mark.change.isEmpty else { return "<span class=\"chg grey\">\(e(t("change.none")))</span>" }
        return "<span class=\"chg \(mark.tone.rawValue)\"><span class=\"arrow\">\(mark.arrow)</span> \(mark.change) <span class=\"assess\">\(e(t("assess.\(mark.assessment.rawValue)")))</span></span>"
    }

    func kpiName(_ kpi: String) -> String { t.optional("kpi.\(kpi)") ?? kpi }
    func dimensionName(_ dim: String) -> String { t.optional("dim.\(dim)") ?? dim }
    func driverName(_ d: String) -> String { t.optional("driver.\(d)") ?? d }
    func quadrantName(_ q: String) -> String { t.optional("quadrant.\(q)") ?? q }
    func sourceName(_ s: String) -> String { t.optional("source.\(s)") ?? s }

    /// A member's label: brands, VIP levels, tiers and channels are translated; cities are data.
    func memberName(_ dim: String, _ member: String) -> String {
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
}
