import PanoramaCore

/// Settings of stage `kpi` (SPEC §4, §7).
public struct KPISettings: Sendable {
    /// The member of dimension `total`.
    public var province = ""
    /// Per KPI: a target for every member, and optional per-member targets.
    public var targets: [String: (all: Double?, members: [String: Double])] = [:]
    /// Alert thresholds per KPI (default 5, in the KPI's unit).
    public var thresholds: [String: Double] = [:]
    /// min_base per KPI (defaults from the catalogue).
    public var minBase: [String: Int] = [:]
    /// The hv_retention snapshot month; nil = December of the year before M.
    public var retentionSnapshot: Month?
    /// How the report colours changes (SPEC §4; a report stage may override it).
    public var arrowColors: ArrowColors = .cn
    /// The false discovery rate at which a month-over-month change is called significant (SPEC §4.1).
    public var alpha = KPISettings.defaultAlpha

    public init() {}

    /// The snapshot month hv_retention uses for run month `month`.
    public func snapshotMonth(for month: Month) -> Month {
        retentionSnapshot ?? Month(year: month.year - 1, month: 12)
    }

    /// SPEC §4's alert threshold when `thresholds` does not set one, in the KPI's unit.
    public static let defaultThreshold = 5.0

    /// SPEC §4.1's default `alpha`.
    public static let defaultAlpha = 0.05

    /// The alert threshold of a KPI.
    public func threshold(_ kpi: String) -> Double { thresholds[kpi] ?? KPISettings.defaultThreshold }

    public func target(_ kpi: String, member: String) -> Double? {
        guard let t = targets[kpi] else { return nil }
        return t.members[member] ?? t.all
    }
}

/// Arrow colouring rule of SPEC §4.
public enum ArrowColors: String, Sendable, CaseIterable {
    /// 红涨绿跌: red for a rise, green for a fall.
    case cn
    /// Green favourable, red unfavourable.
    case western
}
