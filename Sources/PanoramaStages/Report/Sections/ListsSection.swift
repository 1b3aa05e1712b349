/// The follow-up lists: each list's size, how many of its customers are held out as the control
/// group, how many the call centre works and the file; then the first `PanoramaHTML.listPreviewRows`
/// rows to work (held-out rows left out, numbers masked already), values translated as in the files.
struct ListsSection: ReportSection {
    let page: PanoramaHTML
    let id = "lists"
    var title: String { t("section.lists") }

    func render(into h: inout String) {
        h += "<div class=\"scroll\"><table>\n<caption>\(e(t("lists.summary")))</caption>\n"
        h += headRow(["col.list", "col.count", "col.held_out", "col.to_contact", "col.file"]) + "<tbody>\n"
        for name in FollowUpList.names {
            let list = data.lists.first { $0.name == name }
            h += "<tr><th scope=\"row\">\(e(t("list.\(name)")))</th>"
            h += "<td class=\"num\">\(e(list.map { String($0.count) } ?? t("none")))</td>"
            h += "<td class=\"num\">\(e(list?.heldOut.map(String.init) ?? t("none")))</td>"
            h += "<td class=\"num\">\(e(list.map { String($0.toContact) } ?? t("none")))</td>"
            h += "<td><code>\(name).csv</code></td></tr>\n"
        }
        h += "</tbody>\n</table></div>\n"
        h += "<p class=\"note\">\(e(t("lists.files")))</p>\n"
        for name in FollowUpList.names {
            guard let list = data.lists.first(where: { $0.name == name }) else { continue }
            h += "<h3>\(e(t("lists.caption", t("list.\(name)"), String(list.toContact))))</h3>\n"
            let rows = (0..<list.count).filter { !list.isHeldOut($0) }.prefix(PanoramaHTML.listPreviewRows)
            guard !rows.isEmpty else {
                h += "<p>\(e(t("lists.empty")))</p>\n"
                continue
            }
            let header = list.table.header
            let columns = header.indices.filter { header[$0] != FollowUpList.holdoutColumn }
            h += "<div class=\"scroll\"><table class=\"list\">\n<caption>\(e(t("lists.first", String(rows.count))))</caption>\n"
            h += "<thead><tr>" + columns.map { "<th scope=\"col\">\(e(t.optional("col.\(header[$0])") ?? header[$0]))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
            for r in rows {
                h += "<tr>"
                for (k, c) in columns.enumerated() {
                    let text = e(CallCentreList.display(header[c], list.table[r, c], labels: t, joiner: settings.language == .zh ? "、" : ", "))
                    h += k == 0 ? "<th scope=\"row\">\(text)</th>" : "<td>\(text)</td>"
                }
                h += "</tr>\n"
            }
            h += "</tbody>\n</table></div>\n"
        }
    }
}
