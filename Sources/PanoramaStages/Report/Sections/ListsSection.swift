/// The follow-up lists: each list's size and file, then its first `PanoramaHTML.listPreviewRows`
/// rows (numbers are masked in the lists already), enum values translated.
struct ListsSection: ReportSection {
    let page: PanoramaHTML
    let id = "lists"
    var title: String { t("section.lists") }

    func render(into h: inout String) {
        h += "<table>\n<caption>\(e(t("lists.summary")))</caption>\n" + headRow(["col.list", "col.count", "col.file"]) + "<tbody>\n"
        for name in FollowUpList.names {
            let count = data.lists.first { $0.name == name }.map { String($0.count) } ?? t("none")
            h += "<tr><th scope=\"row\">\(e(t("list.\(name)")))</th><td class=\"num\">\(e(count))</td><td><code>\(name).csv</code></td></tr>\n"
        }
        h += "</tbody>\n</table>\n"
        for name in FollowUpList.names {
            guard let list = data.lists.first(where: { $0.name == name }) else { continue }
            h += "<h3>\(e(t("lists.caption", t("list.\(name)"), String(list.count))))</h3>\n"
            guard list.count > 0 else {
                h += "<p>\(e(t("lists.empty")))</p>\n"
                continue
            }
            let header = list.table.header
            h += "<div class=\"scroll\"><table class=\"list\">\n<caption>\(e(t("lists.first", String(min(PanoramaHTML.listPreviewRows, list.count)))))</caption>\n"
            h += "<thead><tr>" + header.map { "<th scope=\"col\">\(e(t.optional("col.\($0)") ?? $0))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
            for r in 0..<min(PanoramaHTML.listPreviewRows, list.count) {
                h += "<tr>"
                for (c, column) in header.enumerated() {
                    let cell = e(listCell(column, list.table[r, c]))
                    h += c == 0 ? "<th scope=\"row\">\(cell)</th>" : "<td>\(cell)</td>"
                }
                h += "</tr>\n"
            }
            h += "</tbody>\n</table></div>\n"
        }
    }

    /// A list cell as a manager reads it: enum values translated, `|` lists joined with commas.
    private func listCell(_ column: String, _ value: String) -> String {
        guard !value.isEmpty else { return value }
        let sep = settings.language == .zh ? "、" : ", "
        switch column {
        case "brand": return t.optional("brand.\(value)") ?? value
        case "vip_level": return t.optional("vip.\(value)") ?? value
        case "occasion": return t.optional("occasion.\(value)") ?? value
        case "high_value": return t.optional("bool.\(value)") ?? value
        case "reasons": return value.split(separator: "|").map { t.optional("reason.\($0)") ?? String($0) }.joined(separator: sep)
        case "weakest": return value.split(separator: "|").map { driverName(String($0)) }.joined(separator: sep)
        default: return value
        }
    }
}
