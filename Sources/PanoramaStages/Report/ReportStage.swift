import PanoramaConfig
import PanoramaCore
import PanoramaEngine

/// Stage kind `report`: reads the month's kpi (with its history), drivers, driver_model and
/// follow-up lists plus the cleanse manifest, and writes panorama.html, panorama.xml and the three
/// list CSVs into the month's report folder (SPEC §6).
public enum ReportStage: StageKind {
    public typealias Settings = ReportStageSettings

    public static let name = "report"
    public static let abstract = "writes panorama.html (zh/en), panorama.xml and the call-centre list CSVs into the month's report folder"
    public static let parameters = [
        StageParameter("lang", default: "zh", "zh or en"),
        StageParameter("arrow_colors", default: "the kpi stage's", "cn or western, to override the kpi stage's rule"),
        StageParameter("history_months", default: "6", "months of trend shown, the run month included (1–36)"),
    ]
    public static let tables: [TableSchema] = []

    public static func settings(_ stage: StageConfig, in config: PipelineConfig) throws -> Settings {
        var s = ReportStageSettings()
        s.language = ReportLanguage(rawValue: try stage.choice("lang", ReportLanguage.allCases.map(\.rawValue), default: "zh")) ?? .zh
        if stage.param("arrow_colors") != nil {
            s.arrowColors = ArrowColors(rawValue: try stage.choice("arrow_colors", ArrowColors.allCases.map(\.rawValue), default: "cn"))
        }
        s.historyMonths = try stage.int("history_months", default: s.historyMonths)
        guard (1...36).contains(s.historyMonths) else {
            throw ConfigError(location: stage.param("history_months")?.location,
                              message: "\(stage.id).history_months must be between 1 and 36, not \(s.historyMonths)")
        }
        return s
    }

    public static func run(_ settings: Settings, _ io: StageIO) throws -> StageReport {
        let month = io.month
        // SPEC §7 sets arrow_colors and the alert thresholds on the kpi stage; a report may override the colours.
        let kpiSettings = io.settings(of: KPIStage.self) ?? KPISettings()
        let colors = settings.arrowColors ?? kpiSettings.arrowColors

        let kpis = try KPIRow.read(io.require(KPIStage.kpi, month))
        let drivers = try DriverRow.read(io.require(DriversStage.drivers, month))
        let models = try DriverModelRow.read(io.require(DriversStage.driverModel, month))
        let lists = try Customer360Stage.lists.map { FollowUpList(name: $0.name, table: try io.require($0, month)) }
        var history: [KPIRow] = []
        for back in (1..<settings.historyMonths).reversed() {
            if let t = try io.read(KPIStage.kpi, month.adding(-back)) { history += try KPIRow.read(t) }
        }
        let partitions = io.reads.map(LineageItem.init)

        var warnings: [String] = []
        var quality: [SourceQualityCounts]?
        var inputs: [LineageItem] = []
        if let manifest = io.manifest(of: CleanseStage.self), let cleanse = manifest.quality(CleanseQuality.self) {
            quality = cleanse.sources.map(SourceQualityCounts.init)
            inputs = manifest.inputs.filter { $0.kind == .delivery }.map(LineageItem.init)
        } else {
            warnings.append("no cleanse manifest for \(month); the report shows no data quality or input checksums")
        }

        let retention = retentionStatus(kpis, snapshot: kpiSettings.snapshotMonth(for: month), io)
        if case .present = retention {} else {
            warnings.append("no hv_retention rows for \(month); the report says why")
        }
        let lineage = ReportLineage(inputs: inputs, partitions: partitions, configFile: io.config.file,
                                    configHash: io.config.hash, version: PanoramaVersion.current, runId: io.runId,
                                    asOf: month.lastDay.description, generated: RunLogger.timestamp())
        var presentation = ReportSettings(province: io.config.province, month: month, language: settings.language, arrowColors: colors,
                                          historyMonths: settings.historyMonths, alertThreshold: KPISettings.defaultThreshold)
        presentation.thresholds = kpiSettings.thresholds
        let data = ReportData(kpis: kpis, history: history, drivers: drivers, models: models, lists: lists,
                              quality: quality, lineage: lineage, retention: retention)
        let artefacts = Report(settings: presentation, data: data).render()

        // SPEC §7 allows a second report stage (e.g. in English); it must not overwrite the first one's
        // files, so every report stage after the first (file order) writes into a subfolder named by its id.
        var folder = PipelineConfig.resolve(io.config.reportsPath, month: month)
        if let first = io.config.stages.first(where: { $0.kind == name }), first.id != io.stage.id {
            folder += "/" + io.stage.id
        }
        try io.write(artefacts.files.map { OutputFile(name: $0.name, bytes: $0.bytes, rows: $0.rows) }, into: folder)

        var report = StageReport()
        let alerts = ReportAlert.alerts(of: kpis, threshold: KPISettings.defaultThreshold, perKPI: kpiSettings.thresholds)
        report.quality = ReportQuality(alerts: alerts.count, unfavourableAlerts: alerts.filter { !$0.favourable }.count,
                                       lists: lists.map { ($0.name, $0.count) }).json
        report.warnings = warnings
        report.summary = "\(settings.language.rawValue) report, \(alerts.count) alerts, lists "
            + lists.map { "\($0.name) \($0.count)" }.joined(separator: ", ") + " → \(folder)"
        return report
    }

    /// Why hv_retention is absent, following SPEC §4's snapshot rule.
    private static func retentionStatus(_ kpis: [KPIRow], snapshot: Month, _ io: StageIO) -> RetentionStatus {
        if kpis.contains(where: { $0.kpi == "hv_retention" }) { return .present }
        if snapshot > io.month { return .snapshotAfterMonth(snapshot) }
        if !io.has(Customer360Stage.customer360, snapshot) { return .noSnapshotPartition(snapshot) }
        return .noRows(snapshot)
    }
}

/// Settings of a `report` stage (SPEC §6, §7).
public struct ReportStageSettings: Sendable, Equatable {
    public var language: ReportLanguage = .zh
    /// nil: follow the kpi stage's `arrow_colors`.
    public var arrowColors: ArrowColors?
    /// Months of trend shown, the run month included.
    public var historyMonths = 6

    public init() {}
}

/// What `report` records in its manifest.
public struct ReportQuality: ManifestQuality {
    public var alerts: Int
    public var unfavourableAlerts: Int
    public var lists: [(name: String, rows: Int)]

    public init(alerts: Int, unfavourableAlerts: Int, lists: [(name: String, rows: Int)]) {
        self.alerts = alerts
        self.unfavourableAlerts = unfavourableAlerts
        self.lists = lists
    }

    public var json: JSONValue {
        .object([("alerts", .int(alerts)), ("unfavourable_alerts", .int(unfavourableAlerts)),
                 ("lists", .object(lists.map { ($0.name, .int($0.rows)) }))])
    }

    public init?(json: JSONValue) {
        guard let alerts = json["alerts"]?.intValue else { return nil }
        var lists: [(name: String, rows: Int)] = []
        if case .object(let pairs)? = json["lists"] { lists = pairs.map { ($0.0, $0.1.intValue ?? 0) } }
        self.init(alerts: alerts, unfavourableAlerts: json["unfavourable_alerts"]?.intValue ?? 0, lists: lists)
    }
}
