import PanoramaCore

/// One list's line of "did last month's follow-up work?" (SPEC §5.1): its `list_outcome` rows
/// with the figures a manager asks for first — how much of the list was contacted, and the effect
/// of contact against the held-out control group with its 95 % interval.
public struct ListOutcomeSummary: Sendable, Equatable {
    /// `churn_watch`, `detractor_repair` or `care_calendar`.
    public var list: String
    public var cohortMonth: Month
    /// The list's rows in table order (`all`, `holdout`, `contacted`, `not_contacted`).
    public var groups: [ListOutcomeRow]

    /// The summaries of a list_outcome partition, in `FollowUpList.names` order (lists without rows left out).
    public static func summaries(_ rows: [ListOutcomeRow]) -> [ListOutcomeSummary] {
        FollowUpList.names.compactMap { name in
            let own = rows.filter { $0.list == name }
            guard let first = own.first else { return nil }
            return ListOutcomeSummary(list: name, cohortMonth: first.cohortMonth, groups: own)
        }
    }

    /// The row of a group, if written.
    public func group(_ name: String) -> ListOutcomeRow? { groups.first { $0.group == name } }

    /// Coverage: the share (%) of the customers who were not held out that were contacted,
    /// contacted ÷ (contacted + not_contacted); nil when nobody could be contacted.
    public var coverage: Double? {
        let contacted = group("contacted")?.customers ?? 0
        let eligible = contacted + (group("not_contacted")?.customers ?? 0)
        return eligible > 0 ? 100 * Double(contacted) / Double(eligible) : nil
    }

    /// The effect of contact in pt (contacted − holdout): churn rate for churn_watch, repair rate for
    /// detractor_repair; nil when it could not be estimated.
    public var effect: Double? { group("contacted")?.effect }

    /// Half the width of the effect's 95 % interval, 1.96 × effect_std_err.
    public var effectInterval: Double? { group("contacted")?.effectStdErr.map { 1.96 * $0 } }

    /// Whether the effect is larger than chance at level alpha; nil without a p-value.
    public func significant(alpha: Double) -> Bool? { group("contacted")?.effectPValue.map { $0 <= alpha } }

    /// The rate the list is judged by: `churn_rate` for churn_watch, `repair_rate` for
    /// detractor_repair, nil for care_calendar (it has no control group).
    public var measure: String? {
        switch list {
        case "churn_watch": return "churn_rate"
        case "detractor_repair": return "repair_rate"
        default: return nil
        }
    }
}
