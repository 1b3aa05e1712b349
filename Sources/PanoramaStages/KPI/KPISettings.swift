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

    public init() {}

    public func threshold(_ kpi: String) -> Double { thresholds[kpi] ?? 5 }

    public func target(_ kpi: String, member: String) -> Double? {
        guard let t = targets[kpi] else { return nil }
        return t.members[member] ?? t.all
    }
}
