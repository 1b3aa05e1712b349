import PanoramaCore
import PanoramaEngine

/// One row of table `kpi` (SPEC §4, §4.1), typed: what the rollup writes and what every reader of
/// the table (the report, the next month's rollup) gets back. An empty cell is nil.
public struct KPIRow: Sendable, Equatable {
    public var month: Month
    public var kpi: String
    public var dimension: String
    public var member: String
    public var value: Double?
    public var base: Int
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
    /// Standard error of `value` (SPEC §4.1); nil where not defined.
    public var stdErr: Double?
    /// base and std_err of the same row in the published kpi of M-1.
    public var prevBase: Int?
    public var prevStdErr: Double?
    /// Two-sided p-value of the month-over-month change, and its Benjamini–Hochberg q-value.
    public var momPValue: Double?
    public var momQValue: Double?
    /// q ≤ alpha; nil when there is no p-value.
    public var significant: Bool?
    /// `confirmed`, `watch`, `target` or `none`.
    public var alertLevel: String

    /// A row from its values (tests build tables this way).
    public init(month: Month, kpi: String, dimension: String, member: String, value: Double?, base: Int,
                prevValue: Double? = nil, momChange: Double? = nil, momUnit: String = "pct", target: Double? = nil,
                targetGap: Double? = nil, polarity: String = "higher_better", direction: String = "flat", alert: String = "none",
                stdErr: Double? = nil, prevBase: Int? = nil, prevStdErr: Double? = nil, momPValue: Double? = nil,
                momQValue: Double? = nil, significant: Bool? = nil, alertLevel: String = "none") {
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
        self.stdErr = stdErr
        self.prevBase = prevBase
        self.prevStdErr = prevStdErr
        self.momPValue = momPValue
        self.momQValue = momQValue
        self.significant = significant
        self.alertLevel = alertLevel
    }

    /// The alert kinds this row raises, in the order `rise`/`fall` then `off_target`.
    public var alertKinds: [String] {
        alert.split(separator: "+").map(String.init).filter { $0 != "none" && !$0.isEmpty }
    }

    /// Appends the row in `KPIStage.kpi` column order.
    public func write(to w: inout CSVWriter) {
        w.field(month.description); w.field(kpi); w.field(dimension); w.field(member); w.number(value); w.integer(base)
        w.number(prevValue); w.number(momChange); w.field(momUnit); w.number(target); w.number(targetGap)
        w.field(polarity); w.field(direction); w.field(alert)
        w.number(stdErr); w.integer(prevBase); w.number(prevStdErr); w.number(momPValue); w.number(momQValue)
        w.boolean(significant); w.field(alertLevel)
        w.endRow()
    }

    /// The rows of a `kpi` partition, in table order. A partition written before SPEC §4.1 lacks the
    /// last seven columns; they read as empty (and alert_level as `none`).
    public static func read(_ t: ColumnarTable, name: String = "kpi") throws -> [KPIRow] {
        let c = try KPIStage.kpi.columns.prefix(14).map { try t.column($0) }
        let optional = KPIStage.kpi.columns.dropFirst(14).map { try? t.column($0) }
        func number(_ r: Int, _ k: Int) -> Double? { optional[k].flatMap { t.double(r, $0) } }
        func text(_ r: Int, _ k: Int) -> String { optional[k].map { t.string(r, $0) } ?? "" }
        return try (0..<t.rowCount).map { r in
            guard let month = Month(key: t.string(r, c[0])), let base = t.int(r, c[5]) else {
                throw PanoramaError.runtime("\(name) row \(r + 2) has no valid month or base; the partition is damaged — re-run the kpi stage")
            }
            let alert = t.string(r, c[13])
            let significant = text(r, 5)
            let level = text(r, 6)
            return KPIRow(month: month, kpi: t.string(r, c[1]), dimension: t.string(r, c[2]), member: t.string(r, c[3]),
                          value: t.double(r, c[4]), base: base, prevValue: t.double(r, c[6]), momChange: t.double(r, c[7]),
                          momUnit: t.string(r, c[8]), target: t.double(r, c[9]), targetGap: t.double(r, c[10]),
                          polarity: t.string(r, c[11]), direction: t.string(r, c[12]), alert: alert.isEmpty ? "none" : alert,
                          stdErr: number(r, 0), prevBase: optional[1].flatMap { t.int(r, $0) }, prevStdErr: number(r, 2),
                          momPValue: number(r, 3), momQValue: number(r, 4),
                          significant: significant == "true" ? true : significant == "false" ? false : nil,
                          alertLevel: level.isEmpty ? "none" : level)
        }
    }
}

/// One row of table `kpi_change` (SPEC §4.2): a member's part in a total KPI's month-over-month change.
public struct KPIChangeRow: Sendable, Equatable {
    public var month: Month
    public var kpi: String
    /// `component` (sat_index only), `city`, `brand`, `vip_level`, `value_tier` or `channel`.
    public var dimension: String
    public var member: String
    public var share: Double
    public var prevShare: Double
    /// nil when the member has no row that month.
    public var value: Double?
    public var prevValue: Double?
    public var rateEffect: Double
    public var mixEffect: Double
    public var contribution: Double
    /// 1 = largest |contribution| within (kpi, dimension).
    public var rank: Int

    public init(month: Month, kpi: String, dimension: String, member: String, share: Double, prevShare: Double,
                value: Double?, prevValue: Double?, rateEffect: Double, mixEffect: Double, contribution: Double, rank: Int) {
        self.month = month
        self.kpi = kpi
        self.dimension = dimension
        self.member = member
        self.share = share
        self.prevShare = prevShare
        self.value = value
        self.prevValue = prevValue
        self.rateEffect = rateEffect
        self.mixEffect = mixEffect
        self.contribution = contribution
        self.rank = rank
    }

    /// Appends the row in `KPIStage.kpiChange` column order.
    public func write(to w: inout CSVWriter) {
        w.field(month.description); w.field(kpi); w.field(dimension); w.field(member); w.number(share); w.number(prevShare)
        w.number(value); w.number(prevValue); w.number(rateEffect); w.number(mixEffect); w.number(contribution); w.integer(rank)
        w.endRow()
    }

    /// The rows of a `kpi_change` partition, in table order.
    public static func read(_ t: ColumnarTable, name: String = "kpi_change") throws -> [KPIChangeRow] {
        let c = try KPIStage.kpiChange.columns.map { try t.column($0) }
        return try (0..<t.rowCount).map { r in
            guard let month = Month(key: t.string(r, c[0])), let share = t.double(r, c[4]), let prevShare = t.double(r, c[5]),
                  let rate = t.double(r, c[8]), let mix = t.double(r, c[9]), let contribution = t.double(r, c[10]),
                  let rank = t.int(r, c[11]) else {
                throw PanoramaError.runtime("\(name) row \(r + 2) is incomplete; the partition is damaged — re-run the kpi stage")
            }
            return KPIChangeRow(month: month, kpi: t.string(r, c[1]), dimension: t.string(r, c[2]), member: t.string(r, c[3]),
                                share: share, prevShare: prevShare, value: t.double(r, c[6]), prevValue: t.double(r, c[7]),
                                rateEffect: rate, mixEffect: mix, contribution: contribution, rank: rank)
        }
    }
}
