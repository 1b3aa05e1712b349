/// One KPI of the SPEC §4 catalogue.
public struct KPIDefinition: Sendable {
    public var id: String
    /// `higher_better`, `lower_better`, or empty (survey_n).
    public var polarity: String
    /// `pct`, `pt`, or empty (survey_n).
    public var unit: String
    /// Survey KPIs count responses and are also broken down by channel.
    public var isSurvey: Bool

    /// min_base default: 30 for survey KPIs and complaint_closed_48h, else 1.
    public var defaultMinBase: Int { isSurvey || id == "complaint_closed_48h" ? 30 : 1 }
}

/// The KPI catalogue in SPEC order (the row order of table `kpi`).
public enum KPICatalogue {
    public static let all: [KPIDefinition] = {
        var list: [KPIDefinition] = [
            KPIDefinition(id: "sat_index", polarity: "higher_better", unit: "pct", isSurvey: true),
            KPIDefinition(id: "sat_overall", polarity: "higher_better", unit: "pct", isSurvey: true),
        ]
        for d in SurveyDimension.allCases {
            list.append(KPIDefinition(id: "sat_" + d.rawValue, polarity: "higher_better", unit: "pct", isSurvey: true))
        }
        list += [
            KPIDefinition(id: "nps", polarity: "higher_better", unit: "pt", isSurvey: true),
            KPIDefinition(id: "promoter_share", polarity: "higher_better", unit: "pt", isSurvey: true),
            KPIDefinition(id: "detractor_share", polarity: "lower_better", unit: "pt", isSurvey: true),
            KPIDefinition(id: "complaint_rate", polarity: "lower_better", unit: "pct", isSurvey: false),
            KPIDefinition(id: "complaint_closed_48h", polarity: "higher_better", unit: "pt", isSurvey: false),
            KPIDefinition(id: "churn_rate", polarity: "lower_better", unit: "pct", isSurvey: false),
            KPIDefinition(id: "hv_retention", polarity: "higher_better", unit: "pt", isSurvey: false),
            KPIDefinition(id: "hv_share", polarity: "higher_better", unit: "pt", isSurvey: false),
            KPIDefinition(id: "arpu", polarity: "higher_better", unit: "pct", isSurvey: false),
            KPIDefinition(id: "survey_n", polarity: "", unit: "", isSurvey: true),
        ]
        return list
    }()

    public static var ids: [String] { all.map(\.id) }

    /// Customer dimensions in row order; survey KPIs add `channel` after them.
    public static let dimensions = ["city", "brand", "vip_level", "value_tier"]

    /// sat_index weights by dimension (SPEC §4).
    public static let satWeights: [Double] = [0.25, 0.15, 0.15, 0.15, 0.10, 0.10, 0.10]
}
