/// Lineage: pipeline file, config hash, version and run id, then the checksums of the input files
/// and of the warehouse partitions the report read.
struct LineageSection: ReportSection {
    let page: PanoramaHTML
    let id = "lineage"
    var title: String { t("section.lineage") }

    func render(into h: inout String) {
        let l = data.lineage
        h += "<dl class=\"meta\">\n"
        for (key, value) in [("lineage.config", l.configFile), ("lineage.config_hash", l.configHash),
                             ("lineage.version", l.version), ("header.run_id", l.runId)] {
            h += "<div><dt>\(e(t(key)))</dt><dd><code>\(e(value))</code></dd></div>\n"
        }
        h += "</dl>\n"
        if !l.inputs.isEmpty {
            h += "<div class=\"scroll\"><table>\n<caption>\(e(t("lineage.inputs")))</caption>\n"
            h += headRow(["col.source", "col.path", "col.rows", "col.sha256"]) + "<tbody>\n"
            for i in l.inputs {
                h += "<tr><th scope=\"row\">\(e(sourceName(i.name)))</th><td><code>\(e(i.path))</code></td>"
                h += num(i.rows.map(Double.init), 0) + "<td><code class=\"hash\">\(e(i.sha256))</code></td></tr>\n"
            }
            h += "</tbody>\n</table></div>\n"
        }
        if !l.partitions.isEmpty {
            h += "<div class=\"scroll\"><table>\n<caption>\(e(t("lineage.partitions")))</caption>\n"
            h += headRow(["col.table", "col.month", "col.rows", "col.sha256"]) + "<tbody>\n"
            for p in l.partitions {
                h += "<tr><th scope=\"row\"><code>\(e(p.name))</code></th><td>\(e(p.month))</td>"
                h += num(p.rows.map(Double.init), 0) + "<td><code class=\"hash\">\(e(p.sha256))</code></td></tr>\n"
            }
            h += "</tbody>\n</table></div>\n"
        }
    }
}
