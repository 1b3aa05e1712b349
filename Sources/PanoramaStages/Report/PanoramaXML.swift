/// `panorama.xml`: the machine feed of SPEC §6 in namespace `urn:panorama:report:1`, valid against
/// `reports/schema/panorama.xsd`. Numbers are written exactly as the warehouse tables write them
/// (SPEC §1); a missing value omits its attribute.
public struct PanoramaXML: Sendable {
    /// The namespace of the feed.
    public static let namespace = "urn:panorama:report:1"

    public var settings: ReportSettings
    public var data: ReportData
    public var alerts: [ReportAlert]

    /// A renderer for one report.
    public init(settings: ReportSettings, data: ReportData, alerts: [ReportAlert]) {
        self.settings = settings
        self.data = data
        self.alerts = alerts
    }

    /// The whole document, UTF-8 text with LF line ends.
    public func render() -> String {
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += element("panorama", [
            ("xmlns", PanoramaXML.namespace), ("version", "1"), ("month", settings.month.description),
            ("province", settings.province), ("run-id", data.lineage.runId),
            ("generated", PanoramaXML.dateTime(data.lineage.generated)),
        ], open: true) + "\n"
        summary(&out)
        kpis(&out)
        alertList(&out)
        changes(&out)
        drivers(&out)
        outcomes(&out)
        churnModel(&out)
        quality(&out)
        let counts = FollowUpList.names.map { name in data.lists.first { $0.name == name }.map { String($0.count) } }
        out += "  " + element("lists", [
            ("churn-watch", counts[0]), ("detractor-repair", counts[1]), ("care-calendar", counts[2]),
        ]) + "\n"
        out += "</panorama>\n"
        return out
    }

    /// A SPEC §1 datetime (`YYYY-MM-DD HH:MM:SS`, local) as an xs:dateTime (`YYYY-MM-DDTHH:MM:SS`, no zone).
    public static func dateTime(_ local: String) -> String {
        local.replacingOccurrences(of: " ", with: "T")
    }

    private func summary(_ out: inout String) {
        let total = { (kpi: String) in data.kpis.first { $0.kpi == kpi && $0.dimension == "total" }?.value }
        let unfavourable = alerts.filter { !$0.favourable }.count
        out += "  " + element("summary", [
            ("as-of", data.lineage.asOf), ("lang", settings.language.rawValue), ("config-sha256", data.lineage.configHash),
            ("software-version", data.lineage.version), ("kpi-rows", String(data.kpis.count)),
            ("alert-count", String(alerts.count)), ("unfavourable-alerts", String(unfavourable)),
            ("confirmed-alerts", String(alerts.filter { $0.level == "confirmed" }.count)),
            ("watch-alerts", String(alerts.filter { $0.level == "watch" }.count)),
            ("target-alerts", String(alerts.filter { $0.level == "target" }.count)),
            ("sat-index", ReportText.exact(total("sat_index"))), ("nps", ReportText.exact(total("nps"))),
            ("survey-n", ReportText.exact(total("survey_n"))),
        ], open: true) + "\n"
        for i in data.lineage.inputs {
            out += "    " + element("input", [("source", i.name), ("month", i.month), ("path", i.path), ("sha256", i.sha256),
                                             ("rows", i.rows.map(String.init))]) + "\n"
        }
        for p in data.lineage.partitions {
            out += "    " + element("partition", [("table", p.name), ("month", p.month), ("path", p.path), ("sha256", p.sha256),
                                                 ("rows", p.rows.map(String.init))]) + "\n"
        }
        switch data.retention {
        case .present: break
        case .snapshotAfterMonth(let s):
            out += "    " + element("note", [("code", "hv_retention_absent"), ("reason", "snapshot_after_month"), ("snapshot", s.description)]) + "\n"
        case .noSnapshotPartition(let s):
            out += "    " + element("note", [("code", "hv_retention_absent"), ("reason", "no_snapshot_partition"), ("snapshot", s.description)]) + "\n"
        case .noRows(let s):
            out += "    " + element("note", [("code", "hv_retention_absent"), ("reason", "no_rows"), ("snapshot", s.description)]) + "\n"
        }
        if data.quality == nil {
            out += "    " + element("note", [("code", "quality_unavailable")]) + "\n"
        }
        out += "  </summary>\n"
    }

    private func kpis(_ out: inout String) {
        out += "  <kpis>\n"
        for r in data.kpis {
            out += "    " + element("kpi", [
                ("id", r.kpi), ("dimension", r.dimension), ("member", r.member), ("value", ReportText.exact(r.value)),
                ("base", ReportText.exact(Double(r.base))), ("prev", ReportText.exact(r.prevValue)), ("mom", ReportText.exact(r.momChange)),
                ("unit", nonEmpty(r.momUnit)), ("target", ReportText.exact(r.target)), ("gap", ReportText.exact(r.targetGap)),
                ("polarity", nonEmpty(r.polarity)), ("direction", nonEmpty(r.direction)), ("alert", nonEmpty(r.alert)),
                ("std-err", ReportText.exact(r.stdErr)), ("prev-base", r.prevBase.map(String.init)),
                ("prev-std-err", ReportText.exact(r.prevStdErr)), ("p", ReportText.exact(r.momPValue)),
                ("q", ReportText.exact(r.momQValue)), ("significant", r.significant.map { $0 ? "true" : "false" }),
                ("level", nonEmpty(r.alertLevel)),
            ]) + "\n"
        }
        out += "  </kpis>\n"
    }

    private func alertList(_ out: inout String) {
        out += "  <alerts>\n"
        for a in alerts {
            out += "    " + element("alert", [
                ("kpi", a.row.kpi), ("dimension", a.row.dimension), ("member", a.row.member), ("kind", a.kind),
                ("change", ReportText.exact(a.change)), ("unit", nonEmpty(a.unit)), ("severity", ReportText.exact(a.severity)),
                ("favourable", a.favourable ? "true" : "false"), ("level", a.level), ("value", ReportText.exact(a.row.value)),
                ("prev", ReportText.exact(a.row.prevValue)), ("base", String(a.row.base)), ("q", ReportText.exact(a.row.momQValue)),
            ]) + "\n"
        }
        out += "  </alerts>\n"
    }

    /// kpi_change rows as written (SPEC §4.2); `available="false"` when the partition is absent.
    private func changes(_ out: inout String) {
        guard let rows = data.changes else {
            out += "  " + element("changes", [("available", "false")]) + "\n"
            return
        }
        out += "  <changes>\n"
        for r in rows {
            out += "    " + element("change", [
                ("kpi", r.kpi), ("dimension", r.dimension), ("member", r.member), ("share", ReportText.exact(r.share)),
                ("prev-share", ReportText.exact(r.prevShare)), ("value", ReportText.exact(r.value)), ("prev", ReportText.exact(r.prevValue)),
                ("rate-effect", ReportText.exact(r.rateEffect)), ("mix-effect", ReportText.exact(r.mixEffect)),
                ("contribution", ReportText.exact(r.contribution)), ("rank", String(r.rank)),
            ]) + "\n"
        }
        out += "  </changes>\n"
    }

    /// This month's control groups and list_outcome by list and group (SPEC §5.1), with the
    /// figures the HTML derives (coverage, 95 % interval, significance at alpha).
    private func outcomes(_ out: inout String) {
        let held = ["churn_watch", "detractor_repair"].compactMap { name -> (FollowUpList, Int)? in
            guard let list = data.lists.first(where: { $0.name == name }), let n = list.heldOut else { return nil }
            return (list, n)
        }
        let summaries = data.outcomes.map(ListOutcomeSummary.summaries) ?? []
        let attributes: [(String, String?)] = [("available", data.outcomes == nil ? "false" : nil),
                                               ("alpha", ReportText.exact(settings.alpha))]
        guard !held.isEmpty || !summaries.isEmpty else {
            out += "  " + element("outcomes", attributes) + "\n"
            return
        }
        out += "  " + element("outcomes", attributes, open: true) + "\n"
        for (list, n) in held {
            out += "    " + element("holdout", [("list", list.name), ("month", settings.month.description), ("customers", String(n)),
                                               ("list-rows", String(list.count))]) + "\n"
        }
        for s in summaries {
            out += "    " + element("list", [
                ("name", s.list), ("cohort-month", s.cohortMonth.description), ("coverage", ReportText.exact(s.coverage)),
                ("effect", ReportText.exact(s.effect)), ("effect-std-err", ReportText.exact(s.group("contacted")?.effectStdErr)),
                ("effect-ci", ReportText.exact(s.effectInterval)), ("effect-p-value", ReportText.exact(s.group("contacted")?.effectPValue)),
                ("significant", s.significant(alpha: settings.alpha).map { $0 ? "true" : "false" }),
            ], open: true) + "\n"
            for g in s.groups {
                out += "      " + element("group", [
                    ("name", g.group), ("customers", String(g.customers)), ("churned", String(g.churned)),
                    ("churn-rate", ReportText.exact(g.churnRate)), ("resurveyed", String(g.resurveyed)), ("nps", ReportText.exact(g.nps)),
                    ("repaired", String(g.repaired)), ("repair-rate", ReportText.exact(g.repairRate)),
                    ("complaints", String(g.complaints)), ("complaint-rate", ReportText.exact(g.complaintRate)),
                ]) + "\n"
            }
            out += "    </list>\n"
        }
        out += "  </outcomes>\n"
    }

    /// The churn model's backtests (the months shown), the strongest features of the production
    /// fit and the watch-list overlap (SPEC §5.2); `available="false"` when churn_model is absent.
    private func churnModel(_ out: inout String) {
        guard let churn = data.churn else {
            out += "  " + element("churn-model", [("available", "false")]) + "\n"
            return
        }
        let features = churn.strongestFeatures
        guard !churn.backtests.isEmpty || !features.isEmpty || churn.overlap != nil else {
            out += "  " + element("churn-model", []) + "\n"
            return
        }
        out += "  <churn-model>\n"
        for r in churn.backtests {
            out += "    " + element("backtest", [
                ("month", r.month.description), ("model", r.model), ("train-pairs", r.trainPairs.map(String.init)),
                ("n-train", r.nTrain.map(String.init)), ("n-eval", String(r.nEval)), ("churners-eval", String(r.churnersEval)),
                ("auc", ReportText.exact(r.auc)), ("top-decile-lift", ReportText.exact(r.topDecileLift)),
            ]) + "\n"
        }
        for (i, f) in features.enumerated() {
            out += "    " + element("feature", [
                ("rank", String(i + 1)), ("name", f.feature), ("coef", ReportText.exact(f.coef)),
                ("direction", f.coef! > 0 ? "raises" : f.coef! < 0 ? "lowers" : "none"),
            ]) + "\n"
        }
        if let o = churn.overlap {
            out += "    " + element("watch-overlap", [
                ("watch-list", String(o.watchList)), ("scored", String(o.scored)), ("top-decile", String(o.topDecile)),
                ("in-top-decile", String(o.inTopDecile)), ("share", ReportText.exact(o.share)),
            ]) + "\n"
        }
        out += "  </churn-model>\n"
    }

    private func drivers(_ out: inout String) {
        out += "  <drivers>\n"
        var segments = data.models.map { ($0.segmentDim, $0.segment) }
        for d in data.drivers where !segments.contains(where: { $0 == (d.segmentDim, d.segment) }) {
            segments.append((d.segmentDim, d.segment))
        }
        for (dim, segment) in segments {
            let m = data.models.first { $0.segmentDim == dim && $0.segment == segment }
            let rows = data.drivers.filter { $0.segmentDim == dim && $0.segment == segment }
            let attributes: [(String, String?)] = [
                ("segment-dimension", dim), ("segment", segment), ("n", m?.n.map(String.init)),
                ("dropped", m?.dropped.map(String.init)), ("r2", ReportText.exact(m?.r2)), ("adj-r2", ReportText.exact(m?.adjR2)),
                ("f-stat", ReportText.exact(m?.fStat)), ("f-p-value", ReportText.exact(m?.fPValue)),
                ("rmse", ReportText.exact(m?.rmse)), ("intercept", ReportText.exact(m?.intercept)),
                ("warnings", m.flatMap { $0.warnings.isEmpty ? nil : $0.warnings.joined(separator: "|") }),
            ]
            if rows.isEmpty {
                out += "    " + element("model", attributes) + "\n"
                continue
            }
            out += "    " + element("model", attributes, open: true) + "\n"
            for d in rows {
                out += "      " + element("driver", [
                    ("id", d.driver), ("coef", ReportText.exact(d.coef)), ("p", ReportText.exact(d.pValue)),
                    ("std-beta", ReportText.exact(d.stdBeta)), ("vif", ReportText.exact(d.vif)),
                    ("importance-pct", ReportText.exact(d.importancePct)), ("rank", d.rank.map(String.init)),
                    ("performance", ReportText.exact(d.performance)), ("quadrant", nonEmpty(d.quadrant)),
                    ("nps-lift", ReportText.exact(d.npsLift)),
                ]) + "\n"
            }
            out += "    </model>\n"
        }
        out += "  </drivers>\n"
    }

    private func quality(_ out: inout String) {
        guard let sources = data.quality else {
            out += "  " + element("quality", [("available", "false")]) + "\n"
            return
        }
        out += "  <quality>\n"
        for s in sources {
            let attributes: [(String, String?)] = [("name", s.source), ("read", String(s.read)), ("clean", String(s.clean)),
                                                  ("quarantined", String(s.quarantined))]
            if s.reasons.isEmpty {
                out += "    " + element("source", attributes) + "\n"
                continue
            }
            out += "    " + element("source", attributes, open: true) + "\n"
            for r in s.reasons {
                out += "      " + element("reason", [("code", r.code), ("rows", String(r.rows))]) + "\n"
            }
            out += "    </source>\n"
        }
        out += "  </quality>\n"
    }

    private func nonEmpty(_ s: String) -> String? { s.isEmpty ? nil : s }

    /// `<name a="v" …/>` (or an open tag), skipping nil attributes, values XML-escaped.
    private func element(_ name: String, _ attributes: [(String, String?)], open: Bool = false) -> String {
        var s = "<" + name
        for (key, value) in attributes {
            guard let value else { continue }
            s += " " + key + "=\"" + ReportText.xml(value) + "\""
        }
        return s + (open ? ">" : "/>")
    }
}
