import Foundation

/// 离网预警模型 / the churn model (SPEC §5.2): how well the learnt model, the operator's rule and the
/// segment-rate score ranked last month's customers by who then churned (AUC and top-decile lift,
/// month by month), the five strongest features of the production fit, and how much of the rule's
/// watch list the model also ranks in its top decile. Says why when the churn stage did not run.
struct ChurnModelSection: ReportSection {
    let page: PanoramaHTML
    let id = "churn"
    var title: String { t("section.churn") }

    static let models = ["learnt", "rule", "segment_rates"]
    static let colours = ["#1565c0", "#ef6c00", "#6a1b9a"]

    func render(into h: inout String) {
        guard let churn = data.churn else {
            h += "<p class=\"warn\" role=\"note\">\(e(t("churn.absent")))</p>\n"
            return
        }
        let current = churn.backtests(of: settings.month)
        if current.isEmpty {
            h += "<p>\(e(t("churn.no_backtest", settings.month.previous.description)))</p>\n"
        } else {
            let parts = ChurnModelSection.models.compactMap { model -> String? in
                guard let r = current.first(where: { $0.model == model }) else { return nil }
                return t("churn.model_figures", t("model.\(model)"), r.auc.map { ReportText.fixed($0, 3) } ?? t("none"),
                         r.topDecileLift.map { ReportText.fixed($0, 2) } ?? t("none"))
            }
            let figures = parts.joined(separator: t("headline.semicolon"))
            h += "<p class=\"lead\">\(e(t("churn.backtest", settings.month.previous.description, settings.month.description) + figures + t("headline.stop")))</p>\n"
        }
        h += "<p class=\"note\">\(e(t("churn.explain")))</p>\n"
        history(churn, into: &h)
        features(churn, into: &h)
        if let o = churn.overlap {
            let share = o.share.map { ReportText.fixed($0, 1) } ?? t("none")
            h += "<p>\(e(t("churn.overlap", String(o.watchList), String(o.inTopDecile), share, String(o.topDecile), String(o.scored))))</p>\n"
        } else {
            h += "<p class=\"note\">\(e(t("churn.no_scores")))</p>\n"
        }
    }

    /// The backtest figures of every month shown: a chart of AUC when there are two months or more, and the table.
    private func history(_ churn: ChurnReportInput, into h: inout String) {
        guard !churn.backtests.isEmpty else { return }
        let months = (0..<max(1, settings.historyMonths)).reversed().map { settings.month.adding(-$0) }
        let shown = months.filter { !churn.backtests(of: $0).isEmpty }
        if shown.count >= 2 {
            let series = zip(ChurnModelSection.models, ChurnModelSection.colours).map { model, colour in
                SVGCharts.Series(name: t("model.\(model)"), values: months.map { m in churn.backtests(of: m).first { $0.model == model }?.auc },
                                 colour: colour, dashed: model != "learnt")
            }
            let aucs = churn.backtests.compactMap(\.auc)
            let lo = min(0.5, ((aucs.min() ?? 0.5) * 10).rounded(.down) / 10)
            let grid = stride(from: lo, through: 1.0001, by: 0.1).map { ($0 * 10).rounded() / 10 }
            let alt = t("churn.chart.alt", series.map { s in
                s.name + ": " + zip(months, s.values).map { "\($0) \($1.map { ReportText.fixed($0, 3) } ?? t("none"))" }.joined(separator: ", ")
            }.joined(separator: "; "))
            h += "<figure>\n<figcaption>\(e(t("churn.chart")))</figcaption>\n"
            h += SVGCharts.lineChart(series, ticks: months.map { ($0.month < 10 ? "0" : "") + String($0.month) }, range: (lo, 1),
                                     gridLines: grid, alt: alt)
            h += "\n</figure>\n"
        }
        h += "<div class=\"scroll\"><table class=\"reflow\">\n<caption>\(e(t("churn.table")))</caption>\n"
        h += headRow(["col.month", "col.model", "col.auc", "col.lift", "col.n_eval", "col.churners_eval", "col.n_train"]) + "<tbody>\n"
        for m in shown.reversed() {
            for r in churn.backtests(of: m) {
                h += "<tr><th scope=\"row\">\(m)</th>" + cell("col.model", e(t.optional("model.\(r.model)") ?? r.model))
                h += cell("col.auc", r.auc.map { ReportText.fixed($0, 3) } ?? e(t("none")), "num")
                h += cell("col.lift", r.topDecileLift.map { ReportText.fixed($0, 2) + "×" } ?? e(t("none")), "num")
                h += cell("col.n_eval", String(r.nEval), "num") + cell("col.churners_eval", String(r.churnersEval), "num")
                h += cell("col.n_train", r.nTrain.map(String.init) ?? e(t("none")), "num") + "</tr>\n"
            }
        }
        h += "</tbody>\n</table></div>\n"
    }

    /// The five strongest features of the production fit with their direction.
    private func features(_ churn: ChurnReportInput, into h: inout String) {
        let top = churn.strongestFeatures
        guard !top.isEmpty else {
            h += "<p class=\"note\">\(e(t("churn.no_fit")))</p>\n"
            return
        }
        h += "<div class=\"scroll\"><table class=\"reflow\">\n<caption>\(e(t("churn.features", String(top.count))))</caption>\n"
        h += headRow(["col.rank", "col.feature", "col.coef", "col.odds", "col.direction"]) + "<tbody>\n"
        for (i, f) in top.enumerated() {
            let coef = f.coef!
            h += "<tr>" + cell("col.rank", String(i + 1), "num") + "<th scope=\"row\">\(e(t.optional("feature.\(f.feature)") ?? f.feature))</th>"
            h += cell("col.coef", ReportText.signed(coef, 3), "num")
            h += cell("col.odds", "×" + ReportText.fixed(exp(coef), 2), "num")
            h += cell("col.direction", e(coef == 0 ? t("none") : t(coef > 0 ? "churn.raises" : "churn.lowers"))) + "</tr>\n"
        }
        h += "</tbody>\n</table></div>\n"
    }
}
