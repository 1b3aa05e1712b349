import PanoramaCore

/// Everything the report shows, already read from the warehouse (SPEC §6). The tables of the
/// outcomes and churn stages, kpi_change and the drivers manifest are optional: a pipeline without
/// those stages still gets a report, whose sections then say what did not run.
public struct ReportData: Sendable {
    /// The `kpi` rows of the run month, in table order.
    public var kpis: [KPIRow]
    /// The `kpi` rows of earlier months (any order; only the total rows are used, for trends).
    public var history: [KPIRow]
    public var drivers: [DriverRow]
    public var models: [DriverModelRow]
    /// The follow-up lists (any subset of `FollowUpList.names`; shown in that order).
    public var lists: [FollowUpList]
    /// Cleanse counts per source; nil when the cleanse manifest was not found.
    public var quality: [SourceQualityCounts]?
    public var lineage: ReportLineage
    public var retention: RetentionStatus
    /// `kpi_change` of the run month (SPEC §4.2); nil when the partition is not published.
    public var changes: [KPIChangeRow]?
    /// The drivers stage's manifest record of the month (segments below min_n, responses dropped);
    /// nil when that manifest was not found.
    public var driversQuality: DriversQuality?
    /// `list_outcome` of the run month (SPEC §5.1); nil when the outcomes stage has not published it.
    public var outcomes: [ListOutcomeRow]?
    /// The churn stage's tables (SPEC §5.2); nil when churn_model of the run month is not published.
    public var churn: ChurnReportInput?

    /// Data from its parts.
    public init(kpis: [KPIRow], history: [KPIRow], drivers: [DriverRow], models: [DriverModelRow], lists: [FollowUpList],
                quality: [SourceQualityCounts]?, lineage: ReportLineage, retention: RetentionStatus,
                changes: [KPIChangeRow]? = nil, driversQuality: DriversQuality? = nil, outcomes: [ListOutcomeRow]? = nil,
                churn: ChurnReportInput? = nil) {
        self.kpis = kpis
        self.history = history
        self.drivers = drivers
        self.models = models
        self.lists = lists
        self.quality = quality
        self.lineage = lineage
        self.retention = retention
        self.changes = changes
        self.driversQuality = driversQuality
        self.outcomes = outcomes
        self.churn = churn
    }

    /// The total (province) row of a KPI in the run month.
    public func total(_ kpi: String) -> KPIRow? {
        kpis.first { $0.kpi == kpi && $0.dimension == "total" }
    }
}

/// One alert of the XML `<alerts>` and the HTML summary: a kpi row's `rise`/`fall` (change =
/// mom_change) or `off_target` (change = target_gap); a `rise+off_target` row gives two alerts.
public struct ReportAlert: Sendable, Equatable {
    public var row: KPIRow
    /// `rise`, `fall` or `off_target`.
    public var kind: String
    public var change: Double
    /// `pct` or `pt`.
    public var unit: String
    /// |change| / threshold.
    public var severity: Double
    public var favourable: Bool
    /// `confirmed` or `watch` for a rise or fall, `target` for an off-target alert (SPEC §4.1's
    /// alert_level, per alert rather than per row).
    public var level: String

    /// The level of a rise or fall alert of a row: the row's alert_level when it has one; for a
    /// partition written before SPEC §4.1 (no alert_level) the same rule applied to what the row has.
    public static func moveLevel(of row: KPIRow) -> String {
        if row.alertLevel == "confirmed" || row.alertLevel == "watch" { return row.alertLevel }
        return row.significant == true || row.kpi == "hv_retention" ? "confirmed" : "watch"
    }

    /// The three alert groups in the order the report shows them.
    public static let levels = ["confirmed", "watch", "target"]

    /// The alerts of rows in row order.
    public static func alerts(of rows: [KPIRow], threshold: Double, perKPI: [String: Double] = [:]) -> [ReportAlert] {
        var out: [ReportAlert] = []
        for row in rows {
            for kind in row.alertKinds {
                let change = kind == "off_target" ? row.targetGap : row.momChange
                guard let change, change.isFinite else { continue }
                let favourable: Bool
                switch kind {
                case "rise": favourable = row.polarity == "higher_better"
                case "fall": favourable = row.polarity == "lower_better"
                default: favourable = false
                }
                let limit = perKPI[row.kpi] ?? threshold
                out.append(ReportAlert(row: row, kind: kind, change: change, unit: row.momUnit,
                                       severity: limit > 0 ? abs(change) / limit : 0, favourable: favourable,
                                       level: kind == "off_target" ? "target" : moveLevel(of: row)))
            }
        }
        return out
    }
}

/// A file the report stage writes into the month's report folder.
public struct ReportFile: Sendable {
    public var name: String
    public var bytes: [UInt8]
    /// Data rows for the CSV lists; nil for the HTML and XML.
    public var rows: Int?
}

/// The three artefacts of SPEC §6.
public struct ReportArtefacts: Sendable {
    public var html: String
    public var xml: String
    /// `churn_watch.csv`, `detractor_repair.csv`, `care_calendar.csv` for the call centre (`CallCentreList`).
    public var lists: [ReportFile]

    /// Every file in write order: panorama.html, panorama.xml, then the lists.
    public var files: [ReportFile] {
        [ReportFile(name: "panorama.html", bytes: Array(html.utf8), rows: nil),
         ReportFile(name: "panorama.xml", bytes: Array(xml.utf8), rows: nil)] + lists
    }
}

/// The satisfaction panorama report: typed warehouse data in, HTML, XML and list files out.
public struct Report: Sendable {
    public var settings: ReportSettings
    public var data: ReportData

    /// A report of data under settings.
    public init(settings: ReportSettings, data: ReportData) {
        self.settings = settings
        self.data = data
    }

    /// Renders all artefacts; pure and deterministic for the same inputs.
    public func render() -> ReportArtefacts {
        let alerts = ReportAlert.alerts(of: data.kpis, threshold: settings.alertThreshold, perKPI: settings.thresholds)
        let labels = ReportLabels(settings.language)
        return ReportArtefacts(
            html: PanoramaHTML(settings: settings, data: data, alerts: alerts).render(),
            xml: PanoramaXML(settings: settings, data: data, alerts: alerts).render(),
            lists: FollowUpList.names.compactMap { name in
                data.lists.first { $0.name == name }.map { CallCentreList.file($0, labels: labels) }
            })
    }
}
