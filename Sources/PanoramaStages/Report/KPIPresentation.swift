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

    /// Decimals shown for a KPI's value.
    public static func decimals(_ kpi: String) -> Int {
        switch kpi {
        case "survey_n": return 0
        case "arpu", "complaint_rate": return 2
        default: return 1
        }
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

    /// `%` for `pct`, `pt` for `pt`.
    public static func unitSymbol(_ unit: String) -> String {
        unit == "pct" ? "%" : unit == "pt" ? "pt" : ""
    }
}
