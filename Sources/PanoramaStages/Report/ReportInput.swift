import PanoramaCore
import PanoramaEngine

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

    /// The counts of one source as cleanse recorded them (reasons in quarantine-code order).
    public init(_ q: SourceQuality) {
        self.init(source: q.source.rawValue, read: q.read, clean: q.clean, quarantined: q.quarantined,
                  reasons: QuarantineCode.allCases.compactMap { code in q.quarantinedByCode[code].map { (code.rawValue, $0) } })
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

    /// An item from a manifest's lineage entry.
    public init(_ entry: LineageEntry) {
        self.init(name: entry.name, month: entry.month.description, path: entry.path, sha256: entry.sha256, rows: entry.rows)
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
    /// The kpi stage's `alpha` (SPEC §4.1, default 0.05): a change with q ≤ alpha is significant, and
    /// a driver with p > alpha is marked not significant.
    public var alpha = 0.05
    /// The kpi stage's `min_base` per KPI; a KPI not listed uses the catalogue default (SPEC §4).
    public var minBase: [String: Int] = [:]

    /// The smallest base at which a KPI's value is news (below it the report marks it "small base").
    public func minBase(for kpi: String) -> Int {
        minBase[kpi] ?? KPICatalogue.all.first { $0.id == kpi }?.defaultMinBase ?? 1
    }

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

