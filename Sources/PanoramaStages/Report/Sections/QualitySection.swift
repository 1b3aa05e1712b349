/// Data quality: rows read, clean and quarantined per source, then the quarantine reasons; says so
/// when the cleanse manifest was not found.
struct QualitySection: ReportSection {
    let page: PanoramaHTML
    let id = "quality"
    var title: String { t("section.quality") }

    func render(into h: inout String) {
        guard let sources = data.quality else {
            h += "<p class=\"warn\">\(e(t("quality.unavailable")))</p>\n"
            return
        }
        h += "<table>\n<caption>\(e(t("quality.caption")))</caption>\n"
        h += headRow(["col.source", "col.read", "col.clean", "col.quarantined"]) + "<tbody>\n"
        for s in sources {
            h += "<tr><th scope=\"row\">\(e(sourceName(s.source)))</th>" + num(Double(s.read), 0) + num(Double(s.clean), 0)
                + num(Double(s.quarantined), 0) + "</tr>\n"
        }
        h += "</tbody>\n</table>\n"
        let reasons = sources.flatMap { s in s.reasons.map { (s.source, $0.code, $0.rows) } }
        guard !reasons.isEmpty else {
            h += "<p>\(e(t("quality.no_reasons")))</p>\n"
            return
        }
        h += "<table>\n<caption>\(e(t("quality.reasons")))</caption>\n"
        h += headRow(["col.source", "col.code", "col.description", "col.rows"]) + "<tbody>\n"
        for (source, code, rows) in reasons {
            h += "<tr><th scope=\"row\">\(e(sourceName(source)))</th><td><code>\(e(code))</code></td>"
            h += "<td>\(e(t.optional("code.\(code)") ?? code))</td>" + num(Double(rows), 0) + "</tr>\n"
        }
        h += "</tbody>\n</table>\n"
    }
}
