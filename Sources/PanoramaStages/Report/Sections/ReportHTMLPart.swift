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

    /// A cell that carries its column label for the phone layout (`table.reflow`), which stacks a
    /// row's cells and shows each with its label.
    func cell(_ labelKey: String, _ content: String, _ cls: String = "") -> String {
        "<td\(cls.isEmpty ? "" : " class=\"\(cls)\"") data-label=\"\(e(t(labelKey)))\">\(content)</td>"
    }

    /// A kpi row's value with the KPI's decimals (and `%` for percentages), or the no-value mark.
    func value(_ row: KPIRow) -> String {
        row.value.map { ReportKPICatalogue.valueText(row.kpi, $0) } ?? e(t("none"))
    }

    /// `±1.2`: the 95 % interval of a value (1.96 × std_err), in a muted span; "" without std_err.
    func intervalHTML(_ row: KPIRow) -> String {
        guard let ci = ReportKPICatalogue.interval(row) else { return "" }
        return " <span class=\"ci\">±\(ReportText.fixed(ci, ReportKPICatalogue.decimals(row.kpi)))</span>"
    }

    /// Whether a row's base is below the kpi stage's min_base: its value is too unsteady to be news.
    func isSmallBase(_ row: KPIRow) -> Bool {
        !row.polarity.isEmpty && row.base < settings.minBase(for: row.kpi)
    }

    /// The small-base tag with the base, e.g. `样本不足 n=12`.
    func smallBaseHTML(_ row: KPIRow) -> String {
        "<span class=\"small\">\(e(t("base.small"))) n=\(row.base)</span>"
    }

    /// The change in text and colour: arrow, signed change with unit, favourable/unfavourable word.
    /// A small base shows its change greyed and without a verdict; a row with a previous value but
    /// no computable change (survey count, or a previous value of 0) shows nothing here, since the
    /// previous value is printed beside it.
    func changeHTML(_ row: KPIRow) -> String {
        let mark = ChangeMark(row, rule: settings.arrowColors)
        guard !mark.change.isEmpty else {
            if row.prevValue == nil { return "<span class=\"chg grey\">\(e(t("change.none")))</span>" }
            if row.kpi != "survey_n", row.momUnit == "pct", row.prevValue == 0 {
                return "<span class=\"chg grey\">\(e(t("change.from_zero")))</span>"
            }
            return ""
        }
        if isSmallBase(row) {
            return "<span class=\"chg grey\"><span class=\"arrow\">\(mark.arrow)</span> \(mark.change)</span>"
        }
        return "<span class=\"chg \(mark.tone.rawValue)\"><span class=\"arrow\">\(mark.arrow)</span> \(mark.change) <span class=\"assess\">\(e(t("assess.\(mark.assessment.rawValue)")))</span></span>"
    }

    /// Whether a change is beyond sampling noise: `显著` / `误差内`, or `全量` for hv_retention; "" without a test.
    func significanceHTML(_ row: KPIRow) -> String {
        if row.kpi == "hv_retention", row.momChange != nil { return "<span class=\"sig census\">\(e(t("sig.census")))</span>" }
        switch row.significant {
        case true?: return "<span class=\"sig yes\">\(e(t("sig.yes")))</span>"
        case false?: return "<span class=\"sig no\">\(e(t("sig.no")))</span>"
        case nil: return ""
        }
    }

    /// The unit of a difference of a KPI's values (contributions of SPEC §4.2): `pt`, yuan for ARPU,
    /// complaints per 1,000 customers for the complaint rate.
    func differenceUnit(_ kpi: String) -> String {
        switch kpi {
        case "arpu": return t("unit.yuan")
        case "complaint_rate": return t("unit.per_1000")
        default: return "pt"
        }
    }

    /// A list, member or dimension label with a bounded number of names: "a、b、c" or "a, b, c".
    func joined(_ items: [String]) -> String {
        items.joined(separator: settings.language == .zh ? "、" : ", ")
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
        case "component": return kpiName(member)
        default: return member
        }
        return t.optional(prefix + member) ?? member
    }
}
