import PanoramaCore
import PanoramaEngine

/// Stage kind `churn` (SPEC §5.2): a logistic churn model learnt from the warehouse's own history,
/// backtested against the operator's rule. Its tables are declared here; the kind's settings and
/// run are in ChurnStage.swift.
public enum ChurnStage {
    public static let name = "churn"

    /// The backtest of the learnt model, the rule and the segment-rate score.
    public static let churnModel = TableSchema("churn_model", producer: name, columns: [
        "month", "model", "train_pairs", "n_train", "n_eval", "churners_eval", "auc", "top_decile_lift",
    ])
    /// The coefficients of the production fit and of the backtest fit.
    public static let churnCoef = TableSchema("churn_coef", producer: name, columns: ["month", "feature", "coef", "backtest_coef"])
    /// Every base customer of M not churned in M, by churn probability (production fit).
    public static let churnScore = TableSchema("churn_score", producer: name, columns: [
        "month", "customer_id", "churn_probability", "risk_rank",
    ])

    /// The feature names of churn_coef after `intercept`, in SPEC §5.2 order.
    public static let features = [
        "flag_bill_drop", "flag_call_forward", "flag_offnet", "flag_complaint", "flag_detractor", "complaints_3m",
        "open_complaints", "log_arpu_3m", "tenure_years", "vip", "high_value", "has_survey",
    ]
}

/// One row of table `churn_model` (SPEC §5.2).
public struct ChurnModelRow: Sendable, Equatable {
    public var month: Month
    /// `learnt`, `rule` or `segment_rates`.
    public var model: String
    /// The backtest fit's pairs and training rows (nil on the rule row).
    public var trainPairs: Int?
    public var nTrain: Int?
    public var nEval: Int
    public var churnersEval: Int
    /// nil when the evaluation has no churner or no non-churner.
    public var auc: Double?
    public var topDecileLift: Double?

    public init(month: Month, model: String, trainPairs: Int?, nTrain: Int?, nEval: Int, churnersEval: Int, auc: Double?,
                topDecileLift: Double?) {
        self.month = month
        self.model = model
        self.trainPairs = trainPairs
        self.nTrain = nTrain
        self.nEval = nEval
        self.churnersEval = churnersEval
        self.auc = auc
        self.topDecileLift = topDecileLift
    }

    public func write(to w: inout CSVWriter) {
        w.field(month.description); w.field(model); w.integer(trainPairs); w.integer(nTrain); w.integer(nEval)
        w.integer(churnersEval); w.number(auc); w.number(topDecileLift)
        w.endRow()
    }

    public static func read(_ t: ColumnarTable, name: String = "churn_model") throws -> [ChurnModelRow] {
        let c = try ChurnStage.churnModel.columns.map { try t.column($0) }
        return try (0..<t.rowCount).map { r in
            guard let month = Month(key: t.string(r, c[0])), let n = t.int(r, c[4]), let churners = t.int(r, c[5]) else {
                throw PanoramaError.runtime("\(name) row \(r + 2) is incomplete; the partition is damaged — re-run the churn stage")
            }
            return ChurnModelRow(month: month, model: t.string(r, c[1]), trainPairs: t.int(r, c[2]), nTrain: t.int(r, c[3]),
                                 nEval: n, churnersEval: churners, auc: t.double(r, c[6]), topDecileLift: t.double(r, c[7]))
        }
    }
}

/// One row of table `churn_coef` (SPEC §5.2).
public struct ChurnCoefRow: Sendable, Equatable {
    public var month: Month
    /// `intercept` or one of `ChurnStage.features`.
    public var feature: String
    /// Production fit (nil without a production pair).
    public var coef: Double?
    /// Backtest fit (nil without a backtest pair).
    public var backtestCoef: Double?

    public init(month: Month, feature: String, coef: Double?, backtestCoef: Double?) {
        self.month = month
        self.feature = feature
        self.coef = coef
        self.backtestCoef = backtestCoef
    }

    public func write(to w: inout CSVWriter) {
        w.field(month.description); w.field(feature); w.number(coef); w.number(backtestCoef)
        w.endRow()
    }

    public static func read(_ t: ColumnarTable, name: String = "churn_coef") throws -> [ChurnCoefRow] {
        let c = try ChurnStage.churnCoef.columns.map { try t.column($0) }
        return try (0..<t.rowCount).map { r in
            guard let month = Month(key: t.string(r, c[0])) else {
                throw PanoramaError.runtime("\(name) row \(r + 2) has no month; the partition is damaged — re-run the churn stage")
            }
            return ChurnCoefRow(month: month, feature: t.string(r, c[1]), coef: t.double(r, c[2]), backtestCoef: t.double(r, c[3]))
        }
    }
}
