import PanoramaCore

/// Settings of a `churn` stage (SPEC §5.2, §7).
public struct ChurnSettings: Sendable, Equatable {
    /// The longest history a fit may use: three years of month pairs.
    public static let maxTrainMonths = 36

    /// Month pairs per fit: the production fit's pairs end at M, the backtest fit's at M-1.
    public var trainMonths: Int
    /// λ of the ridge penalty (λ/2)·Σβⱼ² on every coefficient but the intercept; 0 = plain maximum likelihood.
    public var ridge: Double

    /// Settings with the SPEC §5.2 defaults for anything not given.
    public init(trainMonths: Int = 6, ridge: Double = 1) {
        self.trainMonths = trainMonths
        self.ridge = ridge
    }

    /// The months whose customer_360 the fits and the backtest read for run month `month`, oldest
    /// first: M − train_months − 1 (the backtest fit's first t) through M.
    public func window(endingAt month: Month) -> [Month] {
        month.adding(-(trainMonths + 1)).through(month)
    }

    /// Whether the pair (t, t+1) ending at `next` belongs to the production fit (t+1 within the
    /// train_months months ending at M).
    public func isProductionPair(endingAt next: Month, runMonth month: Month) -> Bool {
        next <= month && next > month.adding(-trainMonths)
    }

    /// Whether the pair ending at `next` belongs to the backtest fit (t+1 within the train_months
    /// months ending at M-1).
    public func isBacktestPair(endingAt next: Month, runMonth month: Month) -> Bool {
        next <= month.previous && next > month.adding(-trainMonths - 1)
    }

    /// Whether run month `month` uses the pair ending at `next`: a production pair, or a backtest
    /// pair unless the backtest fit was kept by the night before (then its pairs are not needed).
    func usesPair(endingAt next: Month, runMonth month: Month, backtestKept: Bool) -> Bool {
        isProductionPair(endingAt: next, runMonth: month) || (!backtestKept && isBacktestPair(endingAt: next, runMonth: month))
    }

    /// Problems with the settings, each a sentence a person can act on (empty when valid).
    public func problems() -> [String] {
        var out: [String] = []
        if !(1...Self.maxTrainMonths).contains(trainMonths) {
            out.append("train_months must be between 1 and \(Self.maxTrainMonths), not \(trainMonths)")
        }
        if !(ridge >= 0 && ridge.isFinite) { out.append("ridge must be a number ≥ 0, not \(ridge)") }
        return out
    }
}
