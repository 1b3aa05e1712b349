import PanoramaCore
import PanoramaEngine

/// Stage kind `outcomes` (SPEC §5.1): did last month's follow-up work? Its table is declared here;
/// the kind's settings and run are in OutcomesStage.swift.
public enum OutcomesStage {
    public static let name = "outcomes"

    /// Per list of M-1 and group: customers, churn, re-survey NPS, repair and complaints in M, and the
    /// effect of contact against the held-out control group.
    public static let listOutcome = TableSchema("list_outcome", producer: name, columns: [
        "month", "list", "cohort_month", "group", "customers", "churned", "churn_rate", "resurveyed", "nps", "repaired",
        "repair_rate", "complaints", "complaint_rate", "effect", "effect_std_err", "effect_p_value",
    ])
}

/// One row of table `list_outcome` (SPEC §5.1). Rates and effects are nil when their denominator is 0
/// (or, for the effect, outside the `contacted` row).
public struct ListOutcomeRow: Sendable, Equatable {
    public var month: Month
    /// `churn_watch`, `detractor_repair` or `care_calendar`.
    public var list: String
    public var cohortMonth: Month
    /// `all`, `holdout`, `contacted` or `not_contacted`.
    public var group: String
    public var customers: Int
    public var churned: Int
    public var churnRate: Double?
    public var resurveyed: Int
    public var nps: Double?
    public var repaired: Int
    public var repairRate: Double?
    public var complaints: Int
    public var complaintRate: Double?
    public var effect: Double?
    public var effectStdErr: Double?
    public var effectPValue: Double?

    public init(month: Month, list: String, cohortMonth: Month, group: String, customers: Int, churned: Int, churnRate: Double?,
                resurveyed: Int, nps: Double?, repaired: Int, repairRate: Double?, complaints: Int, complaintRate: Double?,
                effect: Double? = nil, effectStdErr: Double? = nil, effectPValue: Double? = nil) {
        self.month = month
        self.list = list
        self.cohortMonth = cohortMonth
        self.group = group
        self.customers = customers
        self.churned = churned
        self.churnRate = churnRate
        self.resurveyed = resurveyed
        self.nps = nps
        self.repaired = repaired
        self.repairRate = repairRate
        self.complaints = complaints
        self.complaintRate = complaintRate
        self.effect = effect
        self.effectStdErr = effectStdErr
        self.effectPValue = effectPValue
    }

    /// Appends the row in `OutcomesStage.listOutcome` column order.
    public func write(to w: inout CSVWriter) {
        w.field(month.description); w.field(list); w.field(cohortMonth.description); w.field(group); w.integer(customers)
        w.integer(churned); w.number(churnRate); w.integer(resurveyed); w.number(nps); w.integer(repaired); w.number(repairRate)
        w.integer(complaints); w.number(complaintRate); w.number(effect); w.number(effectStdErr); w.number(effectPValue)
        w.endRow()
    }

    /// The rows of a `list_outcome` partition, in table order.
    public static func read(_ t: ColumnarTable, name: String = "list_outcome") throws -> [ListOutcomeRow] {
        let c = try OutcomesStage.listOutcome.columns.map { try t.column($0) }
        return try (0..<t.rowCount).map { r in
            guard let month = Month(key: t.string(r, c[0])), let cohort = Month(key: t.string(r, c[2])),
                  let customers = t.int(r, c[4]), let churned = t.int(r, c[5]), let resurveyed = t.int(r, c[7]),
                  let repaired = t.int(r, c[9]), let complaints = t.int(r, c[11]) else {
                throw PanoramaError.runtime("\(name) row \(r + 2) is incomplete; the partition is damaged — re-run the outcomes stage")
            }
            return ListOutcomeRow(month: month, list: t.string(r, c[1]), cohortMonth: cohort, group: t.string(r, c[3]),
                                  customers: customers, churned: churned, churnRate: t.double(r, c[6]), resurveyed: resurveyed,
                                  nps: t.double(r, c[8]), repaired: repaired, repairRate: t.double(r, c[10]), complaints: complaints,
                                  complaintRate: t.double(r, c[12]), effect: t.double(r, c[13]), effectStdErr: t.double(r, c[14]),
                                  effectPValue: t.double(r, c[15]))
        }
    }
}
