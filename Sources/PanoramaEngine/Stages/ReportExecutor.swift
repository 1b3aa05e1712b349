import PanoramaConfig
import PanoramaCore
import PanoramaStages

/// Stage `report`: reads the month's kpi (with its history), drivers, driver_model and follow-up
/// lists plus the cleanse manifest, and writes panorama.html, panorama.xml and the three list CSVs
/// into the month's report folder (SPEC §6).
struct ReportExecutor: StageExecutor {
    func execute(_ context: StageContext) throws -> StageReport {
        let stage = context.stage
        let month = context.month
        let warehouse = context.warehouse
        let language = ReportLanguage(rawValue: try stage.choice("lang", ReportLanguage.allCases.map(\.rawValue), default: "zh")) ?? .zh
        // SPEC §7 sets arrow_colors on the kpi stage; a report stage may override it.
        let kpiColors = (try? context.upstream(kind: "kpi")?.choice("arrow_colors", ArrowColors.allCases.map(\.rawValue), default: "cn")) ?? "cn"
        let colors = ArrowColors(rawValue: try stage.choice("arrow_colors", ArrowColors.allCases.map(\.rawValue), default: kpiColors)) ?? .cn
        let historyMonths = try stage.int("history_months", default: 6)
        guard (1...36).contains(historyMonths) else {
            throw PanoramaError.usage("\(stage.id).history_months must be between 1 and 36, not \(historyMonths)")
        }
        let kpiStage = context.upstream(kind: "kpi")
        // Severity is |change| / the kpi stage's threshold for that KPI (SPEC §4 default 5).
        let threshold = 5.0
        var perKPI: [String: Double] = [:]
        for (k, v) in (try? kpiStage?.numberMap("thresholds", allowed: nil)) ?? [] { perKPI[k] = v }

        var partitions: [LineageItem] = []
        func read(_ table: String, _ m: Month) throws -> CSVTable {
            let path = warehouse.partitionPath(table, m)
            let bytes = try FileIO.read(path)
            let parsed = try CSVTable.parse(bytes, name: path)
            partitions.append(LineageItem(name: table, month: m.description, path: path, sha256: ChecksumCache.shared.sha256(of: bytes, at: path), rows: parsed.rowCount))
            return parsed
        }
        func required(_ table: String, kind: String) throws -> CSVTable {
            guard warehouse.hasPartition(table, month) else {
                let upstream = context.upstream(kind: kind)?.id ?? kind
                throw PanoramaError.usage(
                    "stage `\(stage.id)` for \(month) needs table `\(table)` for \(month), which is not published; run `panorama run \(context.config.file) --month \(month) --stage \(upstream)` first")
            }
            return try read(table, month)
        }

        let kpis = try ReportKPIRow.rows(from: required("kpi", kind: "kpi"))
        let drivers = try DriverRow.rows(from: required("drivers", kind: "drivers"))
        let models = try DriverModelRow.rows(from: required("driver_model", kind: "drivers"))
        let lists = try FollowUpList.names.map { FollowUpList(name: $0, table: try required($0, kind: "customer360")) }
        var history: [ReportKPIRow] = []
        for back in (1..<historyMonths).reversed() {
            let m = month.adding(-back)
            if warehouse.hasPartition("kpi", m) { history += try ReportKPIRow.rows(from: read("kpi", m)) }
        }

        var warnings: [String] = []
        var quality: [SourceQualityCounts]?
        var inputs: [LineageItem] = []
        if let cleanse = context.upstream(kind: "cleanse"), let manifest = warehouse.manifest(month, stage: cleanse.id) {
            quality = SourceQualityCounts.fromCleanseManifest(manifest)
            for i in manifest["inputs"]?.arrayValue ?? [] {
                inputs.append(LineageItem(name: i["source"]?.stringValue ?? "", month: month.description, path: i["path"]?.stringValue ?? "",
                                          sha256: i["sha256"]?.stringValue ?? "", rows: i["rows"]?.intValue))
            }
        } else {
            warnings.append("no cleanse manifest for \(month); the report shows no data quality or input checksums")
        }

        let retention = retentionStatus(kpis, kpiStage: kpiStage, context: context)
        if case .present = retention {} else {
            warnings.append("no hv_retention rows for \(month); the report says why")
        }
        let generated = RunLogger.timestamp()
        let lineage = ReportLineage(inputs: inputs, partitions: partitions, configFile: context.config.file,
                                    configHash: context.config.hash, version: PanoramaVersion.current, runId: context.runId,
                                    asOf: month.lastDay.description, generated: generated)
        var settings = ReportSettings(province: context.config.province, month: month, language: language, arrowColors: colors,
                                      historyMonths: historyMonths, alertThreshold: threshold)
        settings.thresholds = perKPI
        let data = ReportData(kpis: kpis, history: history, drivers: drivers, models: models, lists: lists,
                              quality: quality, lineage: lineage, retention: retention)
        let artefacts = Report(settings: settings, data: data).render()

        // SPEC §7 allows a second report stage (e.g. in English); it must not overwrite the first one's
        // files, so every report stage after the first (file order) writes into a subfolder named by its id.
        var folder = PipelineConfig.resolve(context.config.reportsPath, month: month)
        if let first = context.config.stages.first(where: { $0.kind == "report" }), first.id != stage.id {
            folder += "/" + stage.id
        }
        try FileIO.makeDirectory(folder)
        var report = StageReport()
        report.inputs = partitions.map { p in
            .object([("table", .string(p.name)), ("month", .string(p.month)), ("path", .string(p.path)),
                     ("sha256", .string(p.sha256)), ("rows", .int(p.rows ?? 0))])
        }
        for file in artefacts.files {
            let path = folder + "/" + file.name
            try FileIO.writeAtomically(file.bytes, to: path)
            var entry: [(String, JSONValue)] = [("file", .string(file.name)), ("path", .string(path))]
            if let rows = file.rows { entry.append(("rows", .int(rows))) }
            entry.append(("sha256", .string(SHA256Digest.hex(file.bytes))))
            report.outputs.append(.object(entry))
        }
        let alerts = ReportAlert.alerts(of: kpis, threshold: threshold)
        report.quality = .object([
            ("alerts", .int(alerts.count)),
            ("unfavourable_alerts", .int(alerts.filter { !$0.favourable }.count)),
            ("lists", .object(lists.map { ($0.name, .int($0.count)) })),
        ])
        report.warnings = warnings
        report.summary = "\(language.rawValue) report, \(alerts.count) alerts, lists "
            + lists.map { "\($0.name) \($0.count)" }.joined(separator: ", ") + " → \(folder)"
        return report
    }

    /// Why hv_retention is absent, following SPEC §4's snapshot rule (default December of the year before M).
    private func retentionStatus(_ kpis: [ReportKPIRow], kpiStage: StageConfig?, context: StageContext) -> RetentionStatus {
        if kpis.contains(where: { $0.kpi == "hv_retention" }) { return .present }
        let month = context.month
        var snapshot = Month(year: month.year - 1, month: 12)
        if let text = (try? kpiStage?.strings("retention_snapshot", default: []))?.first, let m = Month(key: text) {
            snapshot = m
        }
        if snapshot > month { return .snapshotAfterMonth(snapshot) }
        if !context.warehouse.hasPartition("customer_360", snapshot) { return .noSnapshotPartition(snapshot) }
        return .noRows(snapshot)
    }
}
