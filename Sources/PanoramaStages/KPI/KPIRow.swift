import PanoramaCore
import PanoramaEngine

/// One row of table `kpi` (SPEC §4), typed: what the rollup writes and what every reader of the
/// table (the report, the next month's rollup) gets back. An empty cell is nil.
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

    /// A row from its values (tests build tables this way).
    public init(month: Month, kpi: String, dimension: String, member: String, value: Double?, base: Int,
                prevValue: Double? = nil, momChange: Double? = nil, momUnit: String = "pct", target: Double? = nil,
                targetGap: Double? = nil, polarity: String = "higher_better", direction: String = "flat", alert: String = "none") {
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
        w.endRow()
    }

    /// The rows of a `kpi` partition read with all its columns, in table order.
    public static func read(_ t: ColumnarTable, name: String = "kpi") throws -> [KPIRow] {
        let c = try KPIStage.kpi.columns.map { try t.column($0) }
        return try (0..<t.rowCount).map { r in
            guard let month = Month(key: t.string(r, c[0])), let base = t.int(r, c[5]) else {
                throw PanoramaError.runtime("\(name) row \(r + 2) has no valid month or base; the partition is damaged — re-run the kpi stage")
            }
            let alert = t.string(r, c[13])
            return KPIRow(month: month, kpi: t.string(r, c[1]), dimension: t.string(r, c[2]), member: t.string(r, c[3]),
                          value: t.double(r, c[4]), base: base, prevValue: t.double(r, c[6]), momChange: t.double(r, c[7]),
                          momUnit: t.string(r, c[8]), target: t.double(r, c[9]), targetGap: t.double(r, c[10]),
                          polarity: t.string(r, c[11]), direction: t.string(r, c[12]), alert: alert.isEmpty ? "none" : alert)
        }
    }
}
