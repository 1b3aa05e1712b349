import PanoramaCore

/// One row of the `kpi` table (SPEC §4); an empty cell is nil (or "" for text).
public struct ReportKPIRow: Sendable, Equatable {
    public var month: String
    public var kpi: String
    public var dimension: String
    public var member: String
    public var value: Double?
    public var base: Double?
    public var prevValue: Double?
    public var momChange: Double?
    /// `pct`, `pt` or "" (survey_n).
    public var momUnit: String
    public var target: Double?
    public var targetGap: Double?
    /// `higher_better`, `lower_better` or "" (survey_n).
    public var polarity: String
    /// `up`, `down` or `flat`.
    public var direction: String
    /// `none`, `rise`, `fall`, `off_target`, `rise+off_target` or `fall+off_target`.
    public var alert: String

    /// A row from its values (tests build tables this way).
    public init(month: String, kpi: String, dimension: String, member: String, value: Double?, base: Double?,
                prevValue: Double? = nil, momChange: Double? = nil, momUnit: String = "pct", target: Double? = nil,
                targetGap: Double? = nil, polarity: String = "higher_better", direction: String = "flat", alert: String = "none") {
        self.month = month
        self.kpi = kpi
        self.dimension = dimension
        self.member = member
        self.value = value
        self.base = base
        self.prevValue = prevValue
        self.momChange = momChange
        self.momUnit = momUnit
        self.target = target
        self.targetGap = targetGap
        self.polarity = polarity
        self.direction = direction
        self.alert = alert
    }

    /// The alert kinds this row raises, in the order `rise`/`fall` then `off_target`.
    public var alertKinds: [String] {
        alert.split(separator: "+").map(String.init).filter { $0 != "none" && !$0.isEmpty }
    }

    /// Reads a `kpi` partition by column name (column order is not relied on).
    public static func rows(from table: CSVTable) throws -> [ReportKPIRow] {
        let c = try ColumnMap(table, ["month", "kpi", "dimension", "member", "value", "base", "prev_value", "mom_change",
                                      "mom_unit", "target", "target_gap", "polarity", "direction", "alert"])
        return (0..<table.rowCount).map { r in
            ReportKPIRow(month: table[r, c[0]], kpi: table[r, c[1]], dimension: table[r, c[2]], member: table[r, c[3]],
                   value: table.double(r, c[4]), base: table.double(r, c[5]), prevValue: table.double(r, c[6]),
                   momChange: table.double(r, c[7]), momUnit: table[r, c[8]], target: table.double(r, c[9]),
                   targetGap: table.double(r, c[10]), polarity: table[r, c[11]], direction: table[r, c[12]],
                   alert: table[r, c[13]].isEmpty ? "none" : table[r, c[13]])
        }
    }
}

/// One row of the `drivers` table (SPEC §5).
public struct DriverRow: Sendable, Equatable {
    public var segmentDim: String
    public var segment: String
    public var driver: String
    public var coef: Double?
    public var stdErr: Double?
    public var t: Double?
    public var pValue: Double?
    public var stdBeta: Double?
    public var vif: Double?
    public var importance: Double?
    public var importancePct: Double?
    public var rank: Int?
    public var performance: Double?
    /// `improve_first`, `keep_strength`, `watch` or `low_priority`.
    public var quadrant: String
    public var npsLift: Double?

    /// A row from its values.
    public init(segmentDim: String, segment: String, driver: String, coef: Double?, stdErr: Double? = nil, t: Double? = nil,
                pValue: Double?, stdBeta: Double?, vif: Double?, importance: Double? = nil, importancePct: Double?, rank: Int?,
                performance: Double?, quadrant: String, npsLift: Double?) {
        self.segmentDim = segmentDim
        self.segment = segment
        self.driver = driver
        self.coef = coef
        self.stdErr = stdErr
        self.t = t
        self.pValue = pValue
        self.stdBeta = stdBeta
        self.vif = vif
        self.importance = importance
        self.importancePct = importancePct
        self.rank = rank
        self.performance = performance
        self.quadrant = quadrant
        self.npsLift = npsLift
    }

    /// Reads a `drivers` partition by column name.
    public static func rows(from table: CSVTable) throws -> [DriverRow] {
        let c = try ColumnMap(table, ["segment_dim", "segment", "driver", "coef", "std_err", "t", "p_value", "std_beta", "vif",
                                      "importance", "importance_pct", "rank", "performance", "quadrant", "nps_lift_1pt"])
        return (0..<table.rowCount).map { r in
            DriverRow(segmentDim: table[r, c[0]], segment: table[r, c[1]], driver: table[r, c[2]], coef: table.double(r, c[3]),
                      stdErr: table.double(r, c[4]), t: table.double(r, c[5]), pValue: table.double(r, c[6]),
                      stdBeta: table.double(r, c[7]), vif: table.double(r, c[8]), importance: table.double(r, c[9]),
                      importancePct: table.double(r, c[10]), rank: table.int(r, c[11]), performance: table.double(r, c[12]),
                      quadrant: table[r, c[13]], npsLift: table.double(r, c[14]))
        }
    }
}

/// One row of the `driver_model` table (SPEC §5); a singular segment has only n, dropped and warnings.
public struct DriverModelRow: Sendable, Equatable {
    public var segmentDim: String
    public var segment: String
    public var n: Int?
    public var dropped: Int?
    public var r2: Double?
    public var adjR2: Double?
    public var fStat: Double?
    public var fPValue: Double?
    public var rmse: Double?
    public var intercept: Double?
    /// The `|`-separated warnings, in table order.
    public var warnings: [String]

    /// A row from its values.
    public init(segmentDim: String, segment: String, n: Int?, dropped: Int?, r2: Double?, adjR2: Double?, fStat: Double?,
                fPValue: Double?, rmse: Double?, intercept: Double?, warnings: [String]) {
        self.segmentDim = segmentDim
        self.segment = segment
        self.n = n
        self.dropped = dropped
        self.r2 = r2
        self.adjR2 = adjR2
        self.fStat = fStat
        self.fPValue = fPValue
        self.rmse = rmse
        self.intercept = intercept
        self.warnings = warnings
    }

    /// Reads a `driver_model` partition by column name.
    public static func rows(from table: CSVTable) throws -> [DriverModelRow] {
        let c = try ColumnMap(table, ["segment_dim", "segment", "n", "dropped", "r2", "adj_r2", "f_stat", "f_p_value", "rmse",
                                      "intercept", "warnings"])
        return (0..<table.rowCount).map { r in
            DriverModelRow(segmentDim: table[r, c[0]], segment: table[r, c[1]], n: table.int(r, c[2]), dropped: table.int(r, c[3]),
                           r2: table.double(r, c[4]), adjR2: table.double(r, c[5]), fStat: table.double(r, c[6]),
                           fPValue: table.double(r, c[7]), rmse: table.double(r, c[8]), intercept: table.double(r, c[9]),
                           warnings: table[r, c[10]].split(separator: "|").map(String.init))
        }
    }
}

/// A follow-up list of SPEC §3.3 as published (its own header and text cells).
public struct FollowUpList: Sendable {
    /// The three lists in report order.
    public static let names = ["churn_watch", "detractor_repair", "care_calendar"]

    /// `churn_watch`, `detractor_repair` or `care_calendar`.
    public var name: String
    public var table: CSVTable

    /// A list from its partition.
    public init(name: String, table: CSVTable) {
        self.name = name
        self.table = table
    }

    public var count: Int { table.rowCount }
}

/// The cleanse counts of one delivery (from the cleanse manifest's `quality.sources`).
public struct SourceQualityCounts: Sendable, Equatable {
    public var source: String
    public var read: Int
    public var clean: Int
    public var quarantined: Int
    /// Quarantined rows per reason code, in manifest order.
    public var reasons: [(code: String, rows: Int)]

    /// Counts from their values.
    public init(source: String, read: Int, clean: Int, quarantined: Int, reasons: [(code: String, rows: Int)]) {
        self.source = source
        self.read = read
        self.clean = clean
        self.quarantined = quarantined
        self.reasons = reasons
    }

    /// Equal when every count and reason (in order) is equal.
    public static func == (a: SourceQualityCounts, b: SourceQualityCounts) -> Bool {
        a.source == b.source && a.read == b.read && a.clean == b.clean && a.quarantined == b.quarantined
            && a.reasons.map(\.code) == b.reasons.map(\.code) && a.reasons.map(\.rows) == b.reasons.map(\.rows)
    }

    /// Reads the `quality.sources` entries of a cleanse manifest (see `SourceQuality.json`).
    public static func fromCleanseManifest(_ manifest: JSONValue) -> [SourceQualityCounts] {
        guard let sources = manifest["quality"]?["sources"]?.arrayValue else { return [] }
        return sources.compactMap { s in
            guard let name = s["source"]?.stringValue else { return nil }
            var reasons: [(code: String, rows: Int)] = []
            if case .object(let pairs)? = s["reasons"] {
                for (code, value) in pairs { reasons.append((code, value.intValue ?? 0)) }
            }
            return SourceQualityCounts(source: name, read: s["read"]?.intValue ?? 0, clean: s["clean"]?.intValue ?? 0,
                                       quarantined: s["quarantined"]?.intValue ?? 0, reasons: reasons)
        }
    }
}

/// One file or partition the report's numbers descend from, with its checksum.
public struct LineageItem: Sendable, Equatable {
    /// A delivery's source name or a warehouse table name.
    public var name: String
    public var month: String
    public var path: String
    public var sha256: String
    public var rows: Int?

    /// An item from its values.
    public init(name: String, month: String, path: String, sha256: String, rows: Int?) {
        self.name = name
        self.month = month
        self.path = path
        self.sha256 = sha256
        self.rows = rows
    }
}

/// Where the report's numbers come from and when it was made.
public struct ReportLineage: Sendable {
    /// The delivered input files (from the cleanse manifest).
    public var inputs: [LineageItem]
    /// The warehouse partitions the report read.
    public var partitions: [LineageItem]
    public var configFile: String
    public var configHash: String
    public var version: String
    public var runId: String
    /// The business date the data describes (`YYYY-MM-DD`).
    public var asOf: String
    /// When the report was rendered (`YYYY-MM-DD HH:MM:SS`, local).
    public var generated: String

    /// Lineage from its values.
    public init(inputs: [LineageItem], partitions: [LineageItem], configFile: String, configHash: String, version: String,
                runId: String, asOf: String, generated: String) {
        self.inputs = inputs
        self.partitions = partitions
        self.configFile = configFile
        self.configHash = configHash
        self.version = version
        self.runId = runId
        self.asOf = asOf
        self.generated = generated
    }
}

/// Why a month has no hv_retention rows (SPEC §4: the report says why).
public enum RetentionStatus: Sendable, Equatable {
    /// hv_retention rows are present.
    case present
    /// The snapshot month is after the run month.
    case snapshotAfterMonth(Month)
    /// The snapshot month has no customer_360 partition.
    case noSnapshotPartition(Month)
    /// The snapshot exists but the kpi table still has no rows (e.g. no high-value customers then).
    case noRows(Month)
}

/// Report language.
public enum ReportLanguage: String, Sendable, CaseIterable {
    case zh, en
}

/// Arrow colouring rule of SPEC §4.
public enum ArrowColors: String, Sendable, CaseIterable {
    /// 红涨绿跌: red for a rise, green for a fall.
    case cn
    /// Green favourable, red unfavourable.
    case western
}

/// Presentation settings of one report.
public struct ReportSettings: Sendable {
    public var province: String
    public var month: Month
    public var language: ReportLanguage
    public var arrowColors: ArrowColors
    /// Months of trend shown, the run month included.
    public var historyMonths: Int
    /// The kpi stage's alert threshold (SPEC §4 default 5), for alert severity.
    public var alertThreshold: Double
    /// Per-KPI thresholds of the kpi stage (`thresholds: {nps: 3}`), overriding `alertThreshold`.
    public var thresholds: [String: Double] = [:]

    /// Settings from their values.
    public init(province: String, month: Month, language: ReportLanguage = .zh, arrowColors: ArrowColors = .cn,
                historyMonths: Int = 6, alertThreshold: Double = 5) {
        self.province = province
        self.month = month
        self.language = language
        self.arrowColors = arrowColors
        self.historyMonths = historyMonths
        self.alertThreshold = alertThreshold
    }
}

/// Looks up required columns once, with an error naming the missing one.
struct ColumnMap {
    private var indices: [Int]

    init(_ table: CSVTable, _ names: [String]) throws {
        indices = try names.map { try table.column($0) }
    }

    subscript(_ k: Int) -> Int { indices[k] }
}
