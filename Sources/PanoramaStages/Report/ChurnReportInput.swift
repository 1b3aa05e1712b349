import PanoramaCore

/// What the report shows of the churn model (SPEC §5.2), read from the churn stage's tables.
public struct ChurnReportInput: Sendable, Equatable {
    /// churn_model rows of the run month and of the earlier months of the trend window, oldest month
    /// first, each month's rows in table order.
    public var backtests: [ChurnModelRow]
    /// churn_coef of the run month (empty when not published).
    public var coefficients: [ChurnCoefRow]
    /// The rule's watch list against the model's top decile; nil without churn_score of the run month.
    public var overlap: WatchListOverlap?

    /// Input from its parts.
    public init(backtests: [ChurnModelRow], coefficients: [ChurnCoefRow], overlap: WatchListOverlap?) {
        self.backtests = backtests
        self.coefficients = coefficients
        self.overlap = overlap
    }

    /// How many features the report lists.
    public static let strongestCount = 5

    /// The features of the production fit with the largest |coef| (intercept excluded), largest
    /// first, ties in SPEC §5.2 feature order; empty without a production fit.
    public var strongestFeatures: [ChurnCoefRow] {
        let features = coefficients.filter { $0.feature != "intercept" && $0.coef != nil }
        let order = { (f: String) in ChurnStage.features.firstIndex(of: f) ?? Int.max }
        return Array(features.sorted { a, b in
            let x = abs(a.coef!), y = abs(b.coef!)
            return x != y ? x > y : order(a.feature) < order(b.feature)
        }.prefix(ChurnReportInput.strongestCount))
    }

    /// The backtest rows of one month, in table order.
    public func backtests(of month: Month) -> [ChurnModelRow] { backtests.filter { $0.month == month } }
}

/// How many of the rule's watch-list customers (churn_watch of M) the learnt model also ranks in
/// its top decile (churn_score of M: risk_rank ≤ ⌈n/10⌉, n = customers scored).
public struct WatchListOverlap: Sendable, Equatable {
    /// Distinct customers on the watch list (held-out ones included: the rule chose them).
    public var watchList: Int
    /// Customers scored by the model.
    public var scored: Int
    /// ⌈scored / 10⌉.
    public var topDecile: Int
    /// Watch-list customers with risk_rank ≤ topDecile.
    public var inTopDecile: Int

    /// Counts from their values.
    public init(watchList: Int, scored: Int, topDecile: Int, inTopDecile: Int) {
        self.watchList = watchList
        self.scored = scored
        self.topDecile = topDecile
        self.inTopDecile = inTopDecile
    }

    /// The overlap of a watch list's customer ids with the model's ranks.
    public init(watchIds: [String], scores: [(customerId: String, riskRank: Int)]) {
        let watch = Set(watchIds)
        let decile = (scores.count + 9) / 10
        self.init(watchList: watch.count, scored: scores.count, topDecile: decile,
                  inTopDecile: scores.filter { $0.riskRank <= decile && watch.contains($0.customerId) }.count)
    }

    /// inTopDecile as a share (%) of the watch list; nil for an empty list.
    public var share: Double? { watchList > 0 ? 100 * Double(inTopDecile) / Double(watchList) : nil }
}
