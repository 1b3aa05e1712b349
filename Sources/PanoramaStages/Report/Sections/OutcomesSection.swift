/// 上月跟进效果 / did last month's follow-up work (list_outcome, SPEC §5.1): per list of M-1, how much
/// of it was contacted, the churn and repair rates by group, and the effect of contact against the
/// held-out control group with its 95 % interval and significance in words; then how many
/// customers this month's lists hold out. Says why when the outcomes stage did not run.
struct OutcomesSection: ReportSection {
    let page: PanoramaHTML
    let id = "outcomes"
    var title: String { t("section.outcomes") }

    func render(into h: inout String) {
        heldOutNow(into: &h)
        guard let rows = data.outcomes else {
            h += "<p class=\"warn\" role=\"note\">\(e(t("outcomes.absent")))</p>\n"
            return
        }
        let summaries = ListOutcomeSummary.summaries(rows)
        guard !summaries.isEmpty else {
            h += "<p>\(e(t("outcomes.empty", settings.month.previous.description)))</p>\n"
            return
        }
        h += "<p class=\"note\">\(e(t("outcomes.explain", ReportText.exact(settings.alpha) ?? "0.05")))</p>\n"
        for s in summaries {
            h += "<h3>\(e(t("outcomes.list", t("list.\(s.list)"), s.cohortMonth.description)))</h3>\n"
            h += "<p class=\"lead\">\(e(coverageSentence(s) + t("headline.stop") + effectSentence(s) + t("headline.stop")))</p>\n"
            table(s, into: &h)
        }
    }

    /// This month's control groups: held-out customers on churn_watch and detractor_repair of M.
    private func heldOutNow(into h: inout String) {
        let counts = ["churn_watch", "detractor_repair"].compactMap { name -> String? in
            guard let list = data.lists.first(where: { $0.name == name }), let held = list.heldOut else { return nil }
            return t("outcomes.held_list", t("list.\(name)"), String(held), String(list.count))
        }
        if counts.isEmpty {
            h += "<p>\(e(t("outcomes.no_holdout_column")))</p>\n"
        } else {
            h += "<p>\(e(t("outcomes.holdout_now", settings.month.description) + joined(counts) + t("headline.stop")))</p>\n"
        }
    }

    private func coverageSentence(_ s: ListOutcomeSummary) -> String {
        let contacted = s.group("contacted")?.customers ?? 0
        let eligible = contacted + (s.group("not_contacted")?.customers ?? 0)
        guard let coverage = s.coverage else { return t("outcomes.no_coverage") }
        return t("outcomes.coverage", ReportText.fixed(coverage, 1), String(eligible), String(contacted))
    }

    /// `挽留外呼使离网率降低 2.1pt（±0.9，显著）` or its not-significant form.
    private func effectSentence(_ s: ListOutcomeSummary) -> String {
        guard let measure = s.measure else { return t("outcomes.no_control") }
        guard let effect = s.effect else { return t("outcomes.no_effect") }
        let size = ReportText.fixed(abs(effect), 1)
        let ci = s.effectInterval.map { ReportText.fixed($0, 1) } ?? t("none")
        switch s.significant(alpha: settings.alpha) {
        case true?:
            let good = measure == "churn_rate" ? effect < 0 : effect > 0
            return t("outcomes.sig.\(s.list).\(good ? "good" : "bad")", size, ci)
        default:
            return t("outcomes.ns", size, ci, t(effect < 0 ? "cmp.lower" : "cmp.higher"), t("measure.\(measure)"))
        }
    }

    private func table(_ s: ListOutcomeSummary, into h: inout String) {
        h += "<div class=\"scroll\"><table class=\"reflow\">\n<caption>\(e(t("outcomes.caption", t("list.\(s.list)"))))</caption>\n"
        h += headRow(["col.group", "col.customers", "col.churned", "col.churn_rate", "col.resurveyed", "col.nps_resurvey",
                      "col.repair_rate", "col.complaint_rate"]) + "<tbody>\n"
        func pct(_ v: Double?) -> String { v.map { ReportText.fixed($0, 1) + "%" } ?? e(t("none")) }
        for g in s.groups {
            h += "<tr><th scope=\"row\">\(e(t.optional("group.\(g.group)") ?? g.group))</th>"
            h += cell("col.customers", String(g.customers), "num") + cell("col.churned", String(g.churned), "num")
            h += cell("col.churn_rate", g.churnRate.map { ReportText.fixed($0, 2) + "%" } ?? e(t("none")), "num")
            h += cell("col.resurveyed", String(g.resurveyed), "num")
            h += cell("col.nps_resurvey", g.nps.map { ReportText.fixed($0, 1) } ?? e(t("none")), "num")
            h += cell("col.repair_rate", pct(g.repairRate), "num")
            h += cell("col.complaint_rate", g.complaintRate.map { ReportText.fixed($0, 1) } ?? e(t("none")), "num") + "</tr>\n"
        }
        h += "</tbody>\n</table></div>\n"
    }
}
