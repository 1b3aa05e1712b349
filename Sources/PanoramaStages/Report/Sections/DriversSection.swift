/// The key-driver analysis: the headline improve-first driver, the model overview, the importance
/// bars and importance–performance quadrant of the province-wide model, and one coefficient table
/// per fitted model.
struct DriversSection: ReportSection {
    let page: PanoramaHTML
    let id = "drivers"
    var title: String { t("section.drivers") }

    func render(into h: inout String) {
        guard !data.models.isEmpty || !data.drivers.isEmpty else {
            h += "<p>\(e(t("drivers.none")))</p>\n"
            return
        }
        let totalDrivers = data.drivers.filter { $0.segmentDim == "total" }
        let totalName = data.models.first { $0.segmentDim == "total" }?.segment ?? totalDrivers.first?.segment ?? settings.province
        // "The first improve_first driver": the most important one (lowest rank), ties in table order.
        let first = totalDrivers.enumerated().filter { $0.element.quadrant == "improve_first" }
            .min { ($0.element.rank ?? Int.max, $0.offset) < ($1.element.rank ?? Int.max, $1.offset) }?.element
        if let first, let lift = first.npsLift {
            h += "<p class=\"lead\">\(e(t("drivers.lift", driverName(first.driver), ReportText.signed(lift, 1) + "pt")))</p>\n"
        } else {
            h += "<p class=\"lead\">\(e(t("drivers.no_improve_first")))</p>\n"
        }
        // Model overview.
        h += "<div class=\"scroll\"><table>\n<caption>\(e(t("drivers.models")))</caption>\n"
        h += headRow(["col.segment_dim", "col.segment", "col.n", "col.dropped", "col.r2", "col.adj_r2", "col.f_p", "col.rmse",
                      "col.intercept", "col.warnings"]) + "<tbody>\n"
        for m in data.models {
            h += "<tr><td>\(e(dimensionName(m.segmentDim)))</td><th scope=\"row\">\(e(memberName(m.segmentDim, m.segment)))</th>"
            h += num(m.n.map(Double.init), 0) + num(m.dropped.map(Double.init), 0) + num(m.r2, 3) + num(m.adjR2, 3)
            h += "<td class=\"num\">\(m.fPValue.map { e(ReportText.pValue($0)) } ?? e(t("none")))</td>"
            h += num(m.rmse, 2) + num(m.intercept, 3)
            h += "<td>\(warningsHTML(m.warnings))</td></tr>\n"
        }
        h += "</tbody>\n</table></div>\n"
        // Charts of the province-wide model.
        if !totalDrivers.isEmpty {
            let segmentLabel = memberName("total", totalName)
            let bars = totalDrivers.enumerated()
                .sorted { ($0.element.rank ?? Int.max, $0.offset) < ($1.element.rank ?? Int.max, $1.offset) }
                .map { (label: driverName($0.element.driver), pct: $0.element.importancePct ?? 0) }
            let barsAlt = t("drivers.importance.alt", bars.map { "\($0.label) \(ReportText.fixed($0.pct, 1))%" }.joined(separator: "; "))
            h += "<figure>\n<figcaption>\(e(t("drivers.importance", segmentLabel)))</figcaption>\n"
            h += SVGCharts.importanceBars(bars, alt: barsAlt) + "\n</figure>\n"
            let points = totalDrivers.compactMap { d -> SVGCharts.QuadrantPoint? in
                guard let x = d.importancePct, let y = d.performance else { return nil }
                return SVGCharts.QuadrantPoint(label: driverName(d.driver), importancePct: x, performance: y,
                                               improveFirst: d.quadrant == "improve_first")
            }
            let quadrantAlt = t("drivers.quadrant.alt", totalDrivers.map { d in
                "\(driverName(d.driver)) \(d.importancePct.map { ReportText.fixed($0, 1) } ?? "—")% / \(d.performance.map { ReportText.fixed($0, 1) } ?? "—") (\(quadrantName(d.quadrant)))"
            }.joined(separator: "; "))
            h += "<figure>\n<figcaption>\(e(t("drivers.quadrant", segmentLabel)))</figcaption>\n"
            h += SVGCharts.quadrant(points, quadrantNames: (quadrantName("improve_first"), quadrantName("keep_strength"),
                                                            quadrantName("watch"), quadrantName("low_priority")),
                                    xAxis: t("chart.axis.importance"), yAxis: t("chart.axis.performance"), alt: quadrantAlt)
            h += "\n</figure>\n"
        }
        // Coefficient tables, one per fitted model, in model order.
        var segments = data.models.map { ($0.segmentDim, $0.segment) }
        for d in data.drivers where !segments.contains(where: { $0 == (d.segmentDim, d.segment) }) { segments.append((d.segmentDim, d.segment)) }
        for (dim, segment) in segments {
            let rows = data.drivers.filter { $0.segmentDim == dim && $0.segment == segment }
            guard !rows.isEmpty else { continue }
            let title = dim == "total" ? memberName(dim, segment) : "\(dimensionName(dim)) · \(memberName(dim, segment))"
            h += "<div class=\"scroll\"><table>\n<caption>\(e(t("drivers.coefficients", title)))</caption>\n"
            h += headRow(["col.driver", "col.coef", "col.p", "col.std_beta", "col.vif", "col.importance_pct", "col.rank",
                          "col.performance", "col.quadrant", "col.nps_lift"]) + "<tbody>\n"
            for d in rows {
                h += "<tr><th scope=\"row\">\(e(driverName(d.driver)))</th>" + num(d.coef, 3)
                h += "<td class=\"num\">\(d.pValue.map { e(ReportText.pValue($0)) } ?? e(t("none")))</td>"
                h += num(d.stdBeta, 3)
                let highVIF = (d.vif ?? 0) > 5
                h += "<td class=\"num\(highVIF ? " flag" : "")\">\(d.vif.map { ReportText.fixed($0, 2) } ?? e(t("none")))\(highVIF ? " ⚠" : "")</td>"
                h += num(d.importancePct, 1) + num(d.rank.map(Double.init), 0) + num(d.performance, 1)
                h += "<td>\(e(quadrantName(d.quadrant)))</td>"
                h += "<td class=\"num\">\(d.npsLift.map { ReportText.signed($0, 2) + "pt" } ?? e(t("none")))</td></tr>\n"
            }
            h += "</tbody>\n</table></div>\n"
        }
    }

    /// A model's warnings in words, each followed by its code.
    private func warningsHTML(_ warnings: [String]) -> String {
        guard !warnings.isEmpty else { return e(t("warn.none")) }
        return warnings.map { w -> String in
            let text: String
            if w == "max_vif>5" { text = t("warn.max_vif") }
            else if w == "n<10p" { text = t("warn.n_small") }
            else if w.hasPrefix("negative_coef:") { text = t("warn.negative_coef", driverName(String(w.dropFirst("negative_coef:".count)))) }
            else if w.hasPrefix("singular") {
                let what = w.hasPrefix("singular:") ? String(w.dropFirst("singular:".count)) : "n ≤ p + 1"
                text = t("warn.singular", driverName(what))
            } else { text = w }
            return "<span class=\"warnitem\">\(e(text)) <code>\(e(w))</code></span>"
        }.joined(separator: "<br>")
    }
}
