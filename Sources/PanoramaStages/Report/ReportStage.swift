import PanoramaConfig
import PanoramaCore
import PanoramaEngine

/// Stage kind `report`: reads the month's kpi (with its history), drivers, driver_model and
/// follow-up lists plus the cleanse and drivers manifests, and — when their stages ran —
/// kpi_change, list_outcome and the churn tables; writes panorama.html, panorama.xml and the three
/// call-centre list CSVs into the month's report folder (SPEC §6).
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
        // What the later stages add is optional: a pipeline without them still gets its report.
        let changes = try io.read(KPIStage.kpiChange, month).map { try KPIChangeRow.read($0) }
        let outcomes = try io.read(OutcomesStage.listOutcome, month).map { try ListOutcomeRow.read($0) }
        let churn = try churnInput(months: settings.historyMonths, lists: lists, io)
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

        let driversQuality = io.manifest(of: DriversStage.self)?.quality(DriversQuality.self)
        if driversQuality == nil { warnings.append("no drivers manifest for \(month); the report cannot list segments below min_n") }
        if changes == nil { warnings.append("no kpi_change for \(month); the report cannot say which members moved the KPIs") }
        if outcomes == nil { warnings.append("no list_outcome for \(month); the outcomes section says the outcomes stage did not run") }
        if churn == nil { warnings.append("no churn_model for \(month); the churn model section says the churn stage did not run") }

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
        presentation.minBase = kpiSettings.minBase
        presentation.alpha = kpiAlpha(io)
        let data = ReportData(kpis: kpis, history: history, drivers: drivers, models: models, lists: lists,
                              quality: quality, lineage: lineage, retention: retention, changes: changes,
                              driversQuality: driversQuality, outcomes: outcomes, churn: churn)
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
        var record = ReportQuality(alerts: alerts.count, unfavourableAlerts: alerts.filter { !$0.favourable }.count,
                                   lists: lists.map { ($0.name, $0.count) })
        record.confirmedAlerts = alerts.filter { $0.level == "confirmed" }.count
        record.watchAlerts = alerts.filter { $0.level == "watch" }.count
        record.targetAlerts = alerts.filter { $0.level == "target" }.count
        report.quality = record.json
        report.warnings = warnings
        report.summary = "\(settings.language.rawValue) report, \(alerts.count) alerts (\(record.confirmedAlerts) confirmed, "
            + "\(record.watchAlerts) watch, \(record.targetAlerts) target), lists "
            + lists.map { "\($0.name) \($0.count)" }.joined(separator: ", ") + " → \(folder)"
        return report
    }

    /// The kpi stage's `alpha` (SPEC §4.1), through its own settings type, so the report judges
    /// drivers and follow-up effects at the level the KPIs were judged at.
    private static func kpiAlpha(_ io: StageIO) -> Double {
        io.settings(of: KPIStage.self)?.alpha ?? KPISettings.defaultAlpha
    }

    /// The churn stage's tables: churn_model of the months shown (oldest first), churn_coef of M,
    /// and the watch list against churn_score of M. nil when churn_model of M is not published.
    private static func churnInput(months: Int, lists: [FollowUpList], _ io: StageIO) throws -> ChurnReportInput? {
        let month = io.month
        guard io.has(ChurnStage.churnModel, month) else { return nil }
        var backtests: [ChurnModelRow] = []
        for back in (0..<months).reversed() {
            if let t = try io.read(ChurnStage.churnModel, month.adding(-back)) { backtests += try ChurnModelRow.read(t) }
        }
        let coefficients = try io.read(ChurnStage.churnCoef, month).map { try ChurnCoefRow.read($0) } ?? []
        var overlap: WatchListOverlap?
        if let scores = try io.read(ChurnStage.churnScore, month, columns: ["customer_id", "risk_rank"]),
           let watch = lists.first(where: { $0.name == "churn_watch" }) {
            let id = try watch.table.column("customer_id")
            let pairs = try (0..<scores.rowCount).map { r -> (customerId: String, riskRank: Int) in
                guard let rank = scores.int(r, 1) else {
                    throw PanoramaError.runtime("churn_score row \(r + 2) of \(month) has no risk_rank; the partition is damaged — re-run the churn stage")
                }
                return (scores.string(r, 0), rank)
            }
            overlap = WatchListOverlap(watchIds: (0..<watch.count).map { watch.table[$0, id] }, scores: pairs)
        }
        return ChurnReportInput(backtests: backtests, coefficients: coefficients, overlap: overlap)
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
    /// Alerts by group (SPEC §4.1): confirmed and watch rises and falls, off-target alerts.
    public var confirmedAlerts = 0
    public var watchAlerts = 0
    public var targetAlerts = 0
    public var lists: [(name: String, rows: Int)]

    public init(alerts: Int, unfavourableAlerts: Int, lists: [(name: String, rows: Int)]) {
        self.alerts = alerts
        self.unfavourableAlerts = unfavourableAlerts
        self.lists = lists
    }

    public var json: JSONValue {
        .object([("alerts", .int(alerts)), ("unfavourable_alerts", .int(unfavourableAlerts)),
                 ("confirmed_alerts", .int(confirmedAlerts)), ("watch_alerts", .int(watchAlerts)), ("target_alerts", .int(targetAlerts)),
                 ("lists", .object(lists.map { ($0.name, .int($0.rows)) }))])
    }

    public init?(json: JSONValue) {
        guard let alerts = json["alerts"]?.intValue else { return nil }
        var lists: [(name: String, rows: Int)] = []
        if case .object(let pairs)? = json["lists"] { lists = pairs.map { ($0.0, $0.1.intValue ?? 0) } }
        self.init(alerts: alerts, unfavourableAlerts: json["unfavourable_alerts"]?.intValue ?? 0, lists: lists)
        confirmedAlerts = json["confirmed_alerts"]?.intValue ?? 0
        watchAlerts = json["watch_alerts"]?.intValue ?? 0
        targetAlerts = json["target_alerts"]?.intValue ?? 0
    }
}
