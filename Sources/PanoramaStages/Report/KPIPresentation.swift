import PanoramaCore

/// The KPI catalogue of SPEC §4 in its order, and how the report groups it.
public enum ReportKPICatalogue {
    /// Every KPI id in catalogue order.
    public static let order = KPICatalogue.ids

    /// The seven satisfaction sub-indices under sat_index, in SPEC §2.3 dimension order.
    public static let subIndices = SurveyDimension.allCases.map { "sat_" + $0.rawValue }

    /// The panorama tree: group label key, then (root KPI, children) pairs.
    public static let tree: [(group: String, nodes: [(kpi: String, children: [String])])] = [
        ("group.satisfaction", [("sat_index", subIndices), ("sat_overall", []), ("survey_n", [])]),
        ("group.nps", [("nps", ["promoter_share", "detractor_share"])]),
        ("group.service", [("complaint_rate", []), ("complaint_closed_48h", [])]),
        ("group.retention", [("churn_rate", []), ("hv_retention", []), ("hv_share", [])]),
        ("group.value", [("arpu", [])]),
    ]

    /// The KPIs shown as columns of the breakdown tables.
    public static let breakdownColumns = ["sat_index", "sat_overall", "nps", "complaint_rate", "complaint_closed_48h",
                                          "churn_rate", "hv_retention", "hv_share", "arpu", "survey_n"]

    /// The breakdown dimensions shown in the HTML, in SPEC §4 order (channel has survey KPIs only).
    public static let breakdownDimensions = ["city", "brand", "vip_level", "value_tier", "channel"]

    /// The province KPIs the headline and "why it moved" speak about, in that order.
    public static let headline = ["sat_index", "nps", "complaint_rate", "churn_rate"]

    /// KPIs whose value is itself a percentage (shares and rates of SPEC §4): shown as `1.19%`, and
    /// their changes in `pt` are percentage points.
    public static let percentValued: Set<String> = ["promoter_share", "detractor_share", "complaint_closed_48h", "churn_rate",
                                                    "hv_retention", "hv_share"]

    /// Decimals shown for a KPI's value.
    public static func decimals(_ kpi: String) -> Int {
        switch kpi {
        case "survey_n": return 0
        case "arpu", "complaint_rate", "churn_rate": return 2
        default: return 1
        }
    }

    /// A value as shown: the KPI's decimals, and `%` when the value is a percentage.
    public static func valueText(_ kpi: String, _ value: Double) -> String {
        ReportText.fixed(value, decimals(kpi)) + (percentValued.contains(kpi) ? "%" : "")
    }

    /// A target as configured (`85`, `30`, `2.5%`): the number as written, `%` for percentages.
    public static func targetText(_ kpi: String, _ target: Double) -> String {
        (formatNumber(target) ?? ReportText.fixed(target, decimals(kpi))) + (percentValued.contains(kpi) ? "%" : "")
    }

    /// Half the width of a value's 95 % interval, 1.96 × std_err (SPEC §4.1); nil without std_err.
    public static func interval(_ row: KPIRow) -> Double? {
        row.stdErr.map { 1.96 * $0 }
    }

    /// The smallest range a trend chart of the KPI spans, in the KPI's value unit, so that a move
    /// of a few tenths is drawn as the small move it is: 10 points for scores and shares, 20 for NPS
    /// (−100…100), 2 pt for the churn rate, 10 complaints per 1,000 customers, and for ARPU and the
    /// survey count a fifth and two fifths of the level shown.
    public static func minimumSpan(_ kpi: String, level: Double) -> Double {
        switch kpi {
        case "nps": return 20
        case "churn_rate": return 2
        case "arpu": return max(10, 0.2 * abs(level))
        case "survey_n": return max(10, 0.4 * abs(level))
        default: return 10
        }
    }

    /// The y range of a trend chart: the values with their 95 % intervals and the target, widened
    /// symmetrically to `minimumSpan` and rounded outwards to whole units (never below 0 for KPIs that cannot be negative).
    public static func trendRange(_ kpi: String, values: [Double?], intervals: [Double?], target: Double?) -> (lo: Double, hi: Double)? {
        var points: [Double] = []
        for (v, ci) in zip(values, intervals) {
            guard let v else { continue }
            points += [v - (ci ?? 0), v + (ci ?? 0)]
        }
        guard !points.isEmpty else { return nil }
        if let target { points.append(target) }
        var lo = points.min()!, hi = points.max()!
        let level = values.compactMap { $0 }.reduce(0, +) / Double(values.compactMap { $0 }.count)
        let span = minimumSpan(kpi, level: level)
        if hi - lo < span {
            let mid = (hi + lo) / 2
            lo = mid - span / 2
            hi = mid + span / 2
        }
        if kpi != "nps", lo < 0 { hi -= lo; lo = 0 }
        if percentValued.contains(kpi) || kpi.hasPrefix("sat_"), hi > 100 { lo = max(0, lo - (hi - 100)); hi = 100 }
        lo = lo.rounded(.down)
        hi = hi.rounded(.up)
        return (lo, hi)
    }
}

/// Whether a change is good news, by the KPI's polarity (SPEC §4).
public enum Assessment: String, Sendable {
    case favourable, unfavourable, flat, neutral

    /// The assessment of a move in `direction` (`up`/`down`/`flat`) for a KPI of `polarity`.
    public static func of(direction: String, polarity: String) -> Assessment {
        switch (direction, polarity) {
        case ("up", "higher_better"), ("down", "lower_better"): return .favourable
        case ("up", "lower_better"), ("down", "higher_better"): return .unfavourable
        case ("up", _), ("down", _): return .neutral
        default: return .flat
        }
    }
}

/// The colour of a change mark; never the only signal (the arrow and words go with it).
public enum Tone: String, Sendable {
    case red, green, grey

    /// SPEC §4: `cn` colours by direction (red rise, green fall); `western` by assessment.
    public static func of(direction: String, assessment: Assessment, rule: ArrowColors) -> Tone {
        switch rule {
        case .cn:
            return direction == "up" ? .red : direction == "down" ? .green : .grey
        case .western:
            return assessment == .favourable ? .green : assessment == .unfavourable ? .red : .grey
        }
    }
}

/// The text-and-colour mark of one KPI row's month-over-month change.
public struct ChangeMark: Sendable, Equatable {
    /// ▲, ▼ or ▬ (flat), or "" when there is no change to show.
    public var arrow: String
    /// The signed change with its unit, e.g. `+6.0pt`, `−2.5%`, or "" when none.
    public var change: String
    public var assessment: Assessment
    public var tone: Tone

    /// The mark of a kpi row under a colour rule.
    public init(_ row: KPIRow, rule: ArrowColors) {
        let direction = row.momChange == nil ? "flat" : row.direction
        assessment = row.momChange == nil ? .flat : Assessment.of(direction: direction, polarity: row.polarity)
        tone = row.momChange == nil ? .grey : Tone.of(direction: direction, assessment: assessment, rule: rule)
        if let c = row.momChange {
            arrow = direction == "up" ? "▲" : direction == "down" ? "▼" : "▬"
            change = ReportText.signed(c, 1) + ChangeMark.unitSymbol(row.momUnit)
        } else {
            arrow = ""
            change = ""
        }
    }

    /// `%` (a change relative to last month) for `pct`, `pt` (a plain difference) for `pt`.
    public static func unitSymbol(_ unit: String) -> String {
        unit == "pct" ? "%" : unit == "pt" ? "pt" : ""
    }
}
