import PanoramaConfig
import PanoramaCore
import PanoramaEngine

/// Stage kind `kpi`: the satisfaction KPI panorama of M by dimension and member, month over month
/// against the published kpi of M-1 and against target, with alerts (SPEC §4), whether each change
/// exceeds sampling noise (§4.1), and which members moved each total (table kpi_change, §4.2).
public enum KPIStage: StageKind {
    public typealias Settings = KPISettings

    public static let name = "kpi"
    public static let abstract = "rolls customer_360, surveys and complaints up into the KPI panorama with month-over-month change, targets, alerts and their significance, and splits each total's change among members (kpi_change)"
    public static let parameters = [
        StageParameter("arrow_colors", default: "cn", "cn (红涨绿跌: red rise, green fall) or western (green favourable, red unfavourable)"),
        StageParameter("targets", default: "{}", "per KPI: a number, or {default: n, <member>: n}"),
        StageParameter("thresholds", default: "{} (5 for every KPI)", "alert threshold per KPI, in the KPI's unit"),
        StageParameter("min_base", default: "30 for survey KPIs and complaint_closed_48h, else 1", "smallest base that can alert; a number for all KPIs or {kpi: n}"),
        StageParameter("retention_snapshot", default: "December of the year before M", "hv_retention's snapshot month YYYY-MM"),
        StageParameter("alpha", default: "0.05", "false discovery rate of the month-over-month tests: a change is significant when its q-value ≤ alpha (0 < alpha < 1)"),
    ]

    public static let kpi = TableSchema("kpi", producer: name, columns: [
        "month", "kpi", "dimension", "member", "value", "base", "prev_value", "mom_change", "mom_unit", "target",
        "target_gap", "polarity", "direction", "alert", "std_err", "prev_base", "prev_std_err", "mom_p_value",
        "mom_q_value", "significant", "alert_level",
    ])
    /// The exact shift-share split of each total KPI's change over the members of each dimension (SPEC §4.2).
    public static let kpiChange = TableSchema("kpi_change", producer: name, columns: [
        "month", "kpi", "dimension", "member", "share", "prev_share", "value", "prev_value", "rate_effect", "mix_effect",
        "contribution", "rank",
    ])
    public static let tables = [kpi, kpiChange]

    public static func settings(_ stage: StageConfig, in config: PipelineConfig) throws -> Settings {
        var s = KPISettings()
        s.province = config.province
        let ids = KPICatalogue.ids
        for (k, v) in try stage.numberMap("thresholds", allowed: ids) {
            guard v > 0, v.isFinite else {
                throw ConfigError(location: stage.param("thresholds")?.location,
                                  message: "\(stage.id).thresholds.\(k) must be a positive number, not \(formatNumber(v) ?? "\(v)")")
            }
            s.thresholds[k] = v
        }
        if let node = stage.param("min_base") {
            if case .mapping = node {
                for (k, v) in try stage.numberMap("min_base", allowed: ids) {
                    guard v >= 0, v == v.rounded(), v < 1e12 else {
                        throw ConfigError(location: node.location, message: "\(stage.id).min_base.\(k) must be a whole number ≥ 0")
                    }
                    s.minBase[k] = Int(v)
                }
            } else {
                let all = try stage.int("min_base", default: 1)
                guard all >= 0 else {
                    throw ConfigError(location: node.location, message: "\(stage.id).min_base must be ≥ 0, not \(all)")
                }
                for id in ids { s.minBase[id] = all }
            }
        }
        if let node = stage.param("retention_snapshot") {
            guard case .scalar(let sc) = node, let m = Month(key: sc.text) else {
                throw ConfigError(location: node.location, message: "\(stage.id).retention_snapshot must be a month YYYY-MM")
            }
            s.retentionSnapshot = m
        }
        let alpha = try stage.double("alpha", default: KPISettings.defaultAlpha)
        guard alpha > 0, alpha < 1 else {
            throw ConfigError(location: stage.param("alpha")?.location,
                              message: "\(stage.id).alpha must be a false discovery rate between 0 and 1 exclusive (0.05 = 5 %), not \(formatNumber(alpha) ?? "\(alpha)")")
        }
        s.alpha = alpha
        s.arrowColors = ArrowColors(rawValue: try stage.choice("arrow_colors", ArrowColors.allCases.map(\.rawValue), default: "cn")) ?? .cn
        if let node = stage.param("targets") {
            guard case .mapping(let m) = node else {
                throw ConfigError(location: node.location, message: "\(stage.id).targets must map KPI ids to a number or {default: n, <member>: n}")
            }
            for (key, value) in m.entries {
                guard ids.contains(key.text) else {
                    let hint = didYouMean(key.text, among: ids).map { "; did you mean `\($0)`?" } ?? ""
                    throw ConfigError(location: key.location, message: "unknown KPI `\(MessageText.excerpt(key.text, limit: 64))` in \(stage.id).targets\(hint)")
                }
                switch value {
                case .mapping(let per):
                    var all: Double?
                    var members: [String: Double] = [:]
                    for (mk, mv) in per.entries {
                        guard case .scalar(let sc) = mv, let v = sc.numberValue, v.isFinite else {
                            throw ConfigError(location: mv.location, message: "target for \(MessageText.excerpt(key.text, limit: 64))/\(MessageText.excerpt(mk.text, limit: 64)) must be a number")
                        }
                        if mk.text == "default" { all = v } else { members[mk.text] = v }
                    }
                    s.targets[key.text] = (all, members)
                case .scalar(let sc):
                    guard let v = sc.numberValue, v.isFinite else {
                        throw ConfigError(location: value.location, message: "target for \(MessageText.excerpt(key.text, limit: 64)) must be a number, not `\(MessageText.excerpt(sc.text, limit: 64))`")
                    }
                    s.targets[key.text] = (v, [:])
                case .sequence:
                    throw ConfigError(location: value.location, message: "target for \(MessageText.excerpt(key.text, limit: 64)) must be a number or a mapping")
                }
            }
        }
        return s
    }

    public static func run(_ settings: Settings, _ io: StageIO) throws -> StageReport {
        let m = io.month
        var report = StageReport()
        let clock = ContinuousClock.now
        let s = settings.snapshotMonth(for: m)
        // customer_360 of M is decoded piece by piece and only its ids kept, unless it is also the
        // retention snapshot (then its other columns are read again from the whole table).
        let request = PartitionRequest(Customer360Stage.customer360, m, columns: KPIRollup.customerColumns, required: true)
        var base: KPIBase?
        let c360: ColumnarTable
        if s == m {
            c360 = try io.require(Customer360Stage.customer360, m, columns: KPIRollup.customerColumns)
        } else {
            guard let pieces = try io.readPieces(request, keeping: [KPIRollup.customerColumns.firstIndex(of: "customer_id")!]) else {
                throw io.missing(Customer360Stage.customer360, m)
            }
            let decoded = try KPIBase(pieces: pieces)
            base = decoded
            c360 = decoded.ids
        }
        io.log.trace("kpi", "read customer_360", since: clock)
        let surveys = try io.require(CleanseStage.factSurvey, m, columns: KPIRollup.surveyColumns)
        let complaints = try io.require(CleanseStage.factComplaint, m, columns: KPIRollup.complaintColumns)
        let previous = try io.read(kpi, m.previous)
        if previous == nil { report.warnings.append("no kpi partition for \(m.previous): prev_value, mom_change and the p-values are empty, and kpi_change has no rows") }
        var snapshot: ColumnarTable?
        var retentionNote = "hv_retention uses snapshot month \(s)"
        if s > m {
            retentionNote = "no hv_retention rows: the snapshot month \(s) is after \(m)"
        } else if s == m {
            snapshot = c360  // its columns include the snapshot's
        } else if let snap = try io.read(Customer360Stage.customer360, s, columns: KPIRollup.snapshotColumns) {
            snapshot = snap
        } else {
            retentionNote = "no hv_retention rows: customer_360 for the snapshot month \(s) is missing (run customer360 for \(s), or set retention_snapshot)"
        }
        if snapshot == nil { report.warnings.append(retentionNote) }
        io.log.trace("kpi", "read", since: clock)
        var inputs = KPIInputs(month: m, customer360: c360, surveys: surveys, complaints: complaints, previous: previous, snapshot: snapshot)
        inputs.base = base
        let out = try KPIRollup(settings: settings).run(inputs)
        if !out.previousHasStdErr {
            report.warnings.append("kpi of \(m.previous) was written before std_err: nps, arpu, sat_index and sat_* have no p-value this month (re-run kpi for \(m.previous) to fill them)")
        }
        io.log.trace("kpi", "rollup", since: clock)
        try io.publish([TableOutput(kpi, out.csv), TableOutput(kpiChange, out.changeCSV)])
        io.log.trace("kpi", "publish", since: clock)
        let quality = KPIQuality(rows: out.rows, changeRows: out.changes.count, retentionSnapshot: s, hvRetention: retentionNote)
        report.quality = quality.json
        report.summary = "\(out.rows.count) kpi rows, \(quality.alerts) alerts (\(quality.confirmed) confirmed), \(out.changes.count) kpi_change rows"
        return report
    }

    public static func invariants(_ io: StageIO) throws -> [(String, Bool)] {
        guard let table = try io.read(kpi, io.month, columns: ["kpi", "dimension", "base"]) else { return [] }
        var totals: [String: Int] = [:], sums: [String: Int] = [:]
        var keys: [String] = []
        for r in 0..<table.rowCount {
            let k = table.string(r, 0), d = table.string(r, 1), base = table.int(r, 2) ?? 0
            if d == "total" { totals[k] = base; continue }
            let key = k + "/" + d
            if sums[key] == nil { keys.append(key) }
            sums[key, default: 0] += base
        }
        let ok = keys.allSatisfy { sums[$0] == totals[String($0.split(separator: "/")[0])] }
        var checks = [("kpi base counts add up across the members of every dimension", ok)]
        guard let full = try io.read(kpi, io.month), let change = try io.read(kpiChange, io.month) else { return checks }
        let rows = try KPIRow.read(full), changes = try KPIChangeRow.read(change)
        checks.append(("kpi: q ≥ p on every tested row, and `significant` is set exactly where there is a p-value",
                       rows.allSatisfy { r in
                           (r.momPValue == nil) == (r.momQValue == nil) && (r.momPValue == nil) == (r.significant == nil)
                               && (r.momPValue.map { r.momQValue! >= $0 } ?? true)
                       }))
        checks.append(("kpi_change contributions add up to the total's change in every dimension",
                       KPIAttribution.unbalanced(rows, changes).isEmpty))
        return checks
    }
}

/// What `kpi` records in its manifest.
public struct KPIQuality: ManifestQuality, Equatable {
    public var rows: Int
    public var alerts: Int
    /// Rows with a mom_p_value, and those of them called significant (q ≤ alpha).
    public var tested: Int
    public var significant: Int
    /// Alerts by alert_level (SPEC §4.1).
    public var confirmed: Int
    public var watch: Int
    public var changeRows: Int
    public var retentionSnapshot: Month
    /// Which snapshot hv_retention used, or why it has no rows.
    public var hvRetention: String

    public init(rows: Int, alerts: Int, tested: Int = 0, significant: Int = 0, confirmed: Int = 0, watch: Int = 0, changeRows: Int = 0,
                retentionSnapshot: Month, hvRetention: String) {
        self.rows = rows
        self.alerts = alerts
        self.tested = tested
        self.significant = significant
        self.confirmed = confirmed
        self.watch = watch
        self.changeRows = changeRows
        self.retentionSnapshot = retentionSnapshot
        self.hvRetention = hvRetention
    }

    /// The counts of a month's kpi rows.
    public init(rows: [KPIRow], changeRows: Int, retentionSnapshot: Month, hvRetention: String) {
        self.init(rows: rows.count, alerts: rows.filter { $0.alert != "none" }.count,
                  tested: rows.filter { $0.momPValue != nil }.count, significant: rows.filter { $0.significant == true }.count,
                  confirmed: rows.filter { $0.alertLevel == "confirmed" }.count, watch: rows.filter { $0.alertLevel == "watch" }.count,
                  changeRows: changeRows, retentionSnapshot: retentionSnapshot, hvRetention: hvRetention)
    }

    public var json: JSONValue {
        .object([("rows", .int(rows)), ("alerts", .int(alerts)), ("tested", .int(tested)), ("significant", .int(significant)),
                 ("confirmed", .int(confirmed)), ("watch", .int(watch)), ("kpi_change_rows", .int(changeRows)),
                 ("retention_snapshot", .string(retentionSnapshot.description)), ("hv_retention", .string(hvRetention))])
    }

    /// Reads manifests written before SPEC §4.1 too (their new counts read as 0).
    public init?(json: JSONValue) {
        guard let rows = json["rows"]?.intValue, let s = json["retention_snapshot"]?.stringValue, let month = Month(key: s) else { return nil }
        self.init(rows: rows, alerts: json["alerts"]?.intValue ?? 0, tested: json["tested"]?.intValue ?? 0,
                  significant: json["significant"]?.intValue ?? 0, confirmed: json["confirmed"]?.intValue ?? 0,
                  watch: json["watch"]?.intValue ?? 0, changeRows: json["kpi_change_rows"]?.intValue ?? 0,
                  retentionSnapshot: month, hvRetention: json["hv_retention"]?.stringValue ?? "")
    }
}

extension YAMLScalar {
    /// The scalar as a number, if it is one.
    var numberValue: Double? {
        switch value {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }
}
