import PanoramaCore

/// `panorama.html`: one self-contained page for managers (SPEC §6). Inline CSS and SVG only, a
/// Content-Security-Policy that forbids every fetch, every data value HTML-escaped, every label
/// from `ReportLabels`. The page is a header and the `sections` in order, each in its own file
/// under `Sections/`.
public struct PanoramaHTML: Sendable {
    /// The policy in the page's `<meta http-equiv>`: nothing may be fetched.
    public static let contentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    /// Rows of each follow-up list shown in the page.
    public static let listPreviewRows = 20

    public var settings: ReportSettings
    public var data: ReportData
    public var alerts: [ReportAlert]
    let t: ReportLabels

    /// A renderer for one report.
    public init(settings: ReportSettings, data: ReportData, alerts: [ReportAlert]) {
        self.settings = settings
        self.data = data
        self.alerts = alerts
        self.t = ReportLabels(settings.language)
    }

    /// The sections inside `<main>`, in page order; the header's contents list follows it. A new
    /// section is one type conforming to `ReportSection` and one line here.
    var sections: [any ReportSection] {
        [
            HeadlineSection(page: self),
            AlertSummarySection(page: self),
            AttributionSection(page: self),
            KPITreeSection(page: self),
            BreakdownSection(page: self),
            TrendSection(page: self),
            DriversSection(page: self),
            OutcomesSection(page: self),
            ChurnModelSection(page: self),
            ListsSection(page: self),
            QualitySection(page: self),
            LineageSection(page: self),
        ]
    }

    /// The page title in one script: the province is named only when it is written in the page's
    /// script (a Chinese name in the Chinese title, a Latin one in the English title); the header
    /// names it in any case.
    var title: String {
        let monthText = t("month.\(settings.month.month)", String(settings.month.year))
        let latin = settings.province.unicodeScalars.allSatisfy { $0.isASCII }
        let hasLatinLetters = settings.province.unicodeScalars.contains { $0.properties.isAlphabetic && $0.isASCII }
        let named = settings.language == .en ? latin : !hasLatinLetters
        return named && !settings.province.isEmpty ? t("title.province", settings.province, monthText) : t("title.month", monthText)
    }

    /// The whole page.
    public func render() -> String {
        let e = ReportText.html
        var h = "<!DOCTYPE html>\n"
        h += "<html lang=\"\(settings.language == .zh ? "zh-CN" : "en")\">\n<head>\n<meta charset=\"utf-8\">\n"
        h += "<meta http-equiv=\"Content-Security-Policy\" content=\"\(PanoramaHTML.contentSecurityPolicy)\">\n"
        h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        h += "<title>\(e(title))</title>\n"
        h += "<style>\n\(ReportCSS.stylesheet)</style>\n</head>\n"
        h += "<body class=\"colors-\(settings.arrowColors.rawValue)\">\n"
        let sections = self.sections
        HeaderSection(page: self, contents: sections).render(into: &h)
        h += "<main>\n"
        for section in sections {
            h += "<section id=\"\(section.id)\">\n<h2>\(e(section.title))</h2>\n"
            section.render(into: &h)
            h += "</section>\n"
        }
        h += "</main>\n</body>\n</html>\n"
        return h
    }
}
