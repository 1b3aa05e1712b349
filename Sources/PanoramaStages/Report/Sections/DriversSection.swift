/// The key-driver analysis: the headline improve-first driver, the sample (responses dropped by
/// listwise deletion, segments too small to model), the model overview, the importance bars and
/// importance–performance quadrant of the province-wide model (drivers with p > alpha greyed and
/// marked not significant), what it takes to reach the NPS target (由果推因), and one coefficient
/// table per fitted model.
struct DriversSection: ReportSection {
    let page: PanoramaHTML
    let id = "drivers"
    var title: String { t("section.drivers") }

    /// Whether a driver's p-value is above the kpi stage's alpha (or missing).
    private func notSignificant(_ d: DriverRow) -> Bool { (d.pValue ?? 1) > settings.alpha }

    func render(into h: inout String) {
        guard !data.models.isEmpty || !data.drivers.isEmpty else {
            h += "<p>\(e(t("drivers.none")))</p>\n"
            return
        }
        let totalDrivers = data.drivers.filter { $0.segmentDim == "total" }
        let totalName = data.models.first { $0.segmentDim == "total" }?.segment ?? totalDrivers.first?.segment ?? settings.province
        // "The first improve_first driver": the most important significant one (lowest rank), ties in table order.
        let first = totalDrivers.enumerated().filter { $0.element.quadrant == "improve_first" && !notSignificant($0.element) }
            .min { ($0.element.rank ?? Int.max, $0.offset) < ($1.element.rank ?? Int.max, $1.offset) }?.element
        if let first, let lift = first.npsLift {
            h += "<p class=\"lead\">\(e(t("drivers.lift", driverName(first.driver), ReportText.signed(lift, 1) + "pt")))</p>\n"
        } else {
            h += "<p class=\"lead\">\(e(t("drivers.no_improve_first")))</p>\n"
        }
        sample(into: &h)
        // Model overview.
        h += "<div class=\"scroll\"><table>\n<caption>\(e(t("drivers.models")))</caption>\n"
        h += headRow(["col.segment_dim", "col.segment", "col.n", "col.dropped", "col.r2", "col.adj_r2", "col.f_p", "col.rmse",
                      "col.intercept", "col.warnings"]) + "<tbody>\n"
        for m in data.models {
            h += "<tr><td>\(e(dimensionName(m.segmentDim)))</td><th scope=\"row\">\(e(memberName(m.segmentDim, m.segment)))</th>"
            h += num(m.n.map(Double.init), 0)
            h += "<td class=\"num\">\(droppedText(m))</td>" + num(m.r2, 3) + num(m.adjR2, 3)
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
                .map { item in
                    let muted = notSignificant(item.element)
                    return (label: driverName(item.element.driver) + (muted ? t("drivers.ns_suffix") : ""),
                            pct: item.element.importancePct ?? 0, muted: muted)
                }
            let barsAlt = t("drivers.importance.alt", bars.map { "\($0.label) \(ReportText.fixed($0.pct, 1))%" }.joined(separator: "; "))
            h += "<figure>\n<figcaption>\(e(t("drivers.importance", segmentLabel)))</figcaption>\n"
            h += SVGCharts.importanceBars(bars, alt: barsAlt) + "\n"
            if bars.contains(where: \.muted) {
                h += "<p class=\"note\">\(e(t("drivers.ns_note", ReportText.exact(settings.alpha) ?? "0.05")))</p>\n"
            }
            h += "</figure>\n"
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
        gapClosing(into: &h)
        // Coefficient tables, one per fitted model, in model order.
        var segments = data.models.map { ($0.segmentDim, $0.segment) }
        for d in data.drivers where !segments.contains(where: { $0 == (d.segmentDim, d.segment) }) { segments.append((d.segmentDim, d.segment)) }
        for (dim, segment) in segments {
            let rows = data.drivers.filter { $0.segmentDim == dim && $0.segment == segment }
            guard !rows.isEmpty else { continue }
            h += "<div class=\"scroll\"><table>\n<caption>\(e(t("drivers.coefficients", segmentTitle(dim, segment))))</caption>\n"
            h += headRow(["col.driver", "col.coef", "col.p", "col.std_beta", "col.vif", "col.importance_pct", "col.rank",
                          "col.performance", "col.quadrant", "col.nps_lift"]) + "<tbody>\n"
            for d in rows {
                let muted = notSignificant(d)
                h += "<tr\(muted ? " class=\"ns\"" : "")><th scope=\"row\">\(e(driverName(d.driver)))</th>" + num(d.coef, 3)
                h += "<td class=\"num\">\(d.pValue.map { e(ReportText.pValue($0)) } ?? e(t("none")))"
                if muted { h += " <span class=\"sig no\">\(e(t("drivers.ns")))</span>" }
                h += "</td>" + num(d.stdBeta, 3)
                let highVIF = (d.vif ?? 0) > 5
                h += "<td class=\"num\(highVIF ? " flag" : "")\">\(d.vif.map { ReportText.fixed($0, 2) } ?? e(t("none")))\(highVIF ? " ⚠" : "")</td>"
                h += num(d.importancePct, 1) + num(d.rank.map(Double.init), 0) + num(d.performance, 1)
                h += "<td>\(e(quadrantName(d.quadrant)))</td>"
                h += "<td class=\"num\">\(d.npsLift.map { ReportText.signed($0, 2) + "pt" } ?? e(t("none")))</td></tr>\n"
            }
            h += "</tbody>\n</table></div>\n"
        }
    }

    /// `全省` or `品牌 · 全球通`.
    private func segmentTitle(_ dim: String, _ segment: String) -> String {
        dim == "total" ? memberName(dim, segment) : "\(dimensionName(dim)) · \(memberName(dim, segment))"
    }

    /// `15（3.5%）`: responses dropped by listwise deletion and their share of the segment's responses.
    private func droppedText(_ m: DriverModelRow) -> String {
        guard let dropped = m.dropped else { return e(t("none")) }
        guard let n = m.n, n + dropped > 0 else { return String(dropped) }
        return "\(dropped) <span class=\"muted\">(\(ReportText.fixed(100 * Double(dropped) / Double(n + dropped), 1))%)</span>"
    }

    /// The province model's sample and the segments that got no model for n < min_n.
    private func sample(into h: inout String) {
        if let m = data.models.first(where: { $0.segmentDim == "total" }), let n = m.n, let dropped = m.dropped {
            let responses = n + dropped
            let share = responses > 0 ? 100 * Double(dropped) / Double(responses) : 0
            h += "<p>\(e(t("drivers.sample", String(responses), String(dropped), ReportText.fixed(share, 1), String(n))))</p>\n"
        }
        guard let q = data.driversQuality else {
            h += "<p class=\"note\">\(e(t("drivers.no_manifest")))</p>\n"
            return
        }
        if q.belowMinN.isEmpty {
            h += "<p>\(e(t("drivers.skipped_none", String(q.minN))))</p>\n"
        } else {
            let names = q.belowMinN.map { "\(segmentTitle($0.dimension, $0.member)) (n=\($0.n))" }
            h += "<p>\(e(t("drivers.skipped", String(q.minN), String(q.belowMinN.count)) + joined(names)))</p>\n"
        }
    }

    /// 由果推因: for the province and each segment with an NPS target, the mean-score rise of each
    /// significant driver that alone would close the gap, ranked (`GapClosingPlan`).
    private func gapClosing(into h: inout String) {
        h += "<h3>\(e(t("gap.title")))</h3>\n"
        let plans = GapClosingPlan.plans(drivers: data.drivers, models: data.models, kpis: data.kpis, alpha: settings.alpha)
        guard !plans.isEmpty else {
            h += "<p>\(e(t("gap.no_target")))</p>\n"
            return
        }
        h += "<p class=\"note\">\(e(t("gap.explain", ReportText.exact(settings.alpha) ?? "0.05")))</p>\n"
        for (k, plan) in plans.enumerated() {
            if k == 1 { h += "<details>\n<summary>\(e(t("gap.segments", String(plans.count - 1))))</summary>\n" }
            gapPlan(plan, into: &h)
        }
        if plans.count > 1 { h += "</details>\n" }
    }

    private func gapPlan(_ plan: GapClosingPlan, into h: inout String) {
        let title = segmentTitle(plan.segmentDim, plan.segment)
        let nps = ReportText.fixed(plan.nps, 1), target = ReportText.exact(plan.target) ?? ""
        guard plan.gap > 0 else {
            h += "<p><strong>\(e(title))</strong>\(e(t("gap.met", nps, target)))</p>\n"
            return
        }
        h += "<p><strong>\(e(title))</strong>\(e(t("gap.status", nps, target, ReportText.fixed(plan.gap, 1))))"
        if let best = plan.steps.first {
            h += e(t("headline.comma"))
            if best.closesGap {
                h += "<span class=\"lead\">\(e(t("gap.sentence", driverName(best.driver), ReportText.fixed(best.rise, 2), target)))</span>"
            } else {
                h += e(t("gap.partial", driverName(best.driver), ReportText.fixed(best.headroom, 2), ReportText.fixed(best.npsGain, 1)))
            }
        } else {
            h += e(t("headline.comma") + t("gap.no_driver"))
        }
        h += e(t("headline.stop")) + "</p>\n"
        if !plan.steps.isEmpty {
            h += "<div class=\"scroll\"><table class=\"reflow\">\n<caption>\(e(t("gap.caption", title)))</caption>\n"
            h += headRow(["col.rank", "col.driver", "col.mean_score", "col.nps_lift", "col.rise_needed", "col.verdict"]) + "<tbody>\n"
            for (i, step) in plan.steps.enumerated() {
                let verdict = step.closesGap ? t("gap.closes")
                    : t("gap.capped", ReportText.fixed(step.headroom, 2), ReportText.fixed(step.npsGain, 1))
                h += "<tr>" + cell("col.rank", String(i + 1), "num") + "<th scope=\"row\">\(e(driverName(step.driver)))</th>"
                h += cell("col.mean_score", ReportText.fixed(step.meanScore, 2), "num")
                h += cell("col.nps_lift", ReportText.signed(step.lift, 2) + "pt", "num")
                h += cell("col.rise_needed", "+" + ReportText.fixed(step.needed, 2), "num")
                h += cell("col.verdict", e(verdict)) + "</tr>\n"
            }
            h += "</tbody>\n</table></div>\n"
        }
        let notSignificant = plan.excluded.filter { $0.reason == "not_significant" }.map { driverName($0.driver) }
        let noLift = plan.excluded.filter { $0.reason == "no_lift" }.map { driverName($0.driver) }
        var left: [String] = []
        if !notSignificant.isEmpty { left.append(t("gap.excluded_ns") + joined(notSignificant)) }
        if !noLift.isEmpty { left.append(t("gap.excluded_lift") + joined(noLift)) }
        if !left.isEmpty { h += "<p class=\"note\">\(e(left.joined(separator: t("headline.semicolon"))))</p>\n" }
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
