import PanoramaCore

/// A customer_360 column a key-driver segment can be cut by (SPEC §5 `segment_by`).
public enum DriverSegmentDimension: String, CaseIterable, Sendable {
    case brand, value_tier, city, vip_level
}

/// Settings of a `drivers` stage (SPEC §5, §7).
public struct DriversSettings: Sendable, Equatable {
    /// The largest `window_months` accepted: a year of surveys. Longer windows would mix
    /// service changes the analysis is meant to tell apart.
    public static let maxWindowMonths = 12
    /// The exact LMG importance averages over 2^p subsets; SPEC §5 caps p at 15.
    public static let maxDrivers = 15

    /// Months of surveys pooled: 1 = M only, 3 = M-2..M (partitions present).
    public var windowMonths: Int
    /// A segment member is fitted only when its n after listwise deletion is at least this.
    public var minN: Int
    /// The model's x, in the configured order (which is also the `drivers` row order).
    public var drivers: [SurveyDimension]
    /// Segment dimensions after `total`, in the configured order.
    public var segmentBy: [DriverSegmentDimension]

    /// Settings with the SPEC §5 defaults for anything not given.
    public init(windowMonths: Int = 1, minN: Int = 100,
                drivers: [SurveyDimension] = SurveyDimension.allCases,
                segmentBy: [DriverSegmentDimension] = [.brand, .value_tier]) {
        self.windowMonths = windowMonths
        self.minN = minN
        self.drivers = drivers
        self.segmentBy = segmentBy
    }

    /// The months of the window ending at `month`, oldest first.
    public func window(endingAt month: Month) -> [Month] {
        month.adding(-(windowMonths - 1)).through(month)
    }

    /// Problems with the settings, each a sentence a person can act on (empty when valid).
    /// The engine reports these with file:line:column; this check keeps library callers honest.
    public func problems() -> [String] {
        var out: [String] = []
        if !(1...Self.maxWindowMonths).contains(windowMonths) {
            out.append("window_months must be between 1 and \(Self.maxWindowMonths), not \(windowMonths)")
        }
        if minN < 1 { out.append("min_n must be at least 1, not \(minN)") }
        if drivers.isEmpty || drivers.count > Self.maxDrivers {
            out.append("drivers must list 1 to \(Self.maxDrivers) dimensions, not \(drivers.count)")
        }
        if let d = firstDuplicate(drivers.map(\.rawValue)) { out.append("drivers lists `\(d)` twice") }
        if let d = firstDuplicate(segmentBy.map(\.rawValue)) { out.append("segment_by lists `\(d)` twice") }
        return out
    }

    private func firstDuplicate(_ names: [String]) -> String? {
        for (i, name) in names.enumerated() where names[..<i].contains(name) { return name }
        return nil
    }
}
