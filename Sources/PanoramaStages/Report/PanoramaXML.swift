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
            ("province", settings.province), ("run-id", data.lineage.runId), ("generated", data.lineage.generated),
        ], open: true) + "\n"
        summary(&out)
        kpis(&out)
        alertList(&out)
        drivers(&out)
        quality(&out)
        let counts = FollowUpList.names.map { name in data.lists.first { $0.name == name }.map { String($0.count) } }
        out += "  " + element("lists", [
            ("churn-watch", counts[0]), ("detractor-repair", counts[1]), ("care-calendar", counts[2]),
        ]) + "\n"
        out += "</panorama>\n"
        return out
    }

    private func summary(_ out: inout String) {
        let total = { (kpi: String) in data.kpis.first { $0.kpi == kpi && $0.dimension == "total" }?.value }
        let unfavourable = alerts.filter { !$0.favourable }.count
        out += "  " + element("summary", [
            ("as-of", data.lineage.asOf), ("lang", settings.language.rawValue), ("config-sha256", data.lineage.configHash),
            ("software-version", data.lineage.version), ("kpi-rows", String(data.kpis.count)),
            ("alert-count", String(alerts.count)), ("unfavourable-alerts", String(unfavourable)),
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
                ("favourable", a.favourable ? "true" : "false"),
            ]) + "\n"
        }
        out += "  </alerts>\n"
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
