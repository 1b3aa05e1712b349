import PanoramaCore

/// Everything the report shows, already read from the warehouse (SPEC §6).
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

    /// Data from its parts.
    public init(kpis: [KPIRow], history: [KPIRow], drivers: [DriverRow], models: [DriverModelRow], lists: [FollowUpList],
                quality: [SourceQualityCounts]?, lineage: ReportLineage, retention: RetentionStatus) {
        self.kpis = kpis
        self.history = history
        self.drivers = drivers
        self.models = models
        self.lists = lists
        self.quality = quality
        self.lineage = lineage
        self.retention = retention
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
                                       severity: limit > 0 ? abs(change) / limit : 0, favourable: favourable))
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
    /// `churn_watch.csv`, `detractor_repair.csv`, `care_calendar.csv`, neutralised.
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
        return ReportArtefacts(
            html: PanoramaHTML(settings: settings, data: data, alerts: alerts).render(),
            xml: PanoramaXML(settings: settings, data: data, alerts: alerts).render(),
            lists: FollowUpList.names.compactMap { name in
                data.lists.first { $0.name == name }.map { Report.neutralisedCSV($0) }
            })
    }

    /// A list as CSV with every cell that could start a spreadsheet formula prefixed with `'`.
    public static func neutralisedCSV(_ list: FollowUpList) -> ReportFile {
        var writer = CSVWriter(header: list.table.header.map(ReportText.neutraliseFormula))
        let width = list.table.header.count
        for r in 0..<list.table.rowCount {
            for c in 0..<width { writer.field(ReportText.neutraliseFormula(list.table[r, c])) }
            writer.endRow()
        }
        return ReportFile(name: list.name + ".csv", bytes: writer.bytes, rows: writer.rows)
    }
}
