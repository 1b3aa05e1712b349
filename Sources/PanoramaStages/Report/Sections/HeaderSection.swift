/// The page header: title, province, month, run id, data as-of, the colour and unit legends (units
/// are explained here once) and the contents list of the sections inside `<main>`.
struct HeaderSection: ReportHTMLPart {
    let page: PanoramaHTML
    /// The sections the contents list links to, in page order.
    let contents: [any ReportSection]

    func render(into h: inout String) {
        h += "<header>\n<h1>\(e(page.title))</h1>\n<dl class=\"meta\">\n"
        let items: [(String, String)] = [
            ("header.province", settings.province), ("header.month", settings.month.description),
            ("header.run_id", data.lineage.runId), ("header.as_of", data.lineage.asOf),
            ("header.generated", data.lineage.generated),
        ]
        for (key, value) in items { h += "<div><dt>\(e(t(key)))</dt><dd>\(e(value))</dd></div>\n" }
        h += "</dl>\n<p class=\"legend\">\(e(t(settings.arrowColors == .cn ? "legend.cn" : "legend.western")))</p>\n"
        h += "<p class=\"legend\">\(e(t("legend.units")))</p>\n"
        h += "<nav aria-label=\"\(e(t("nav.label")))\"><ol>\n"
        for section in contents {
            h += "<li><a href=\"#\(section.id)\">\(e(section.title))</a></li>\n"
        }
        h += "</ol></nav>\n</header>\n"
    }
}
