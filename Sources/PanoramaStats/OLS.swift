// Ordinary least squares with an intercept, solved by Householder QR.

/// Input problems detected before any arithmetic. Singular *data* is not an error for key-driver
/// analysis (it is reported as warnings); these are caller mistakes or unusable input.
public enum StatsError: Error, Sendable, Equatable {
    /// Columns, names or the response differ in length (the message says which).
    case dimensionMismatch(String)
    /// A NaN or infinite value was supplied (the message says where).
    case nonFiniteValue(String)
    /// A model needs at least one predictor.
    case noPredictors
    /// Exact LMG enumerates 2^p subsets; more than 15 predictors is refused.
    case tooManyPredictors(Int)
    /// The design cannot be fitted: n ≤ p + 1 or a predictor is collinear (OLS only; key-driver
    /// analysis reports these as `singular…` warnings instead).
    case singularDesign(String)
}

/// An ordinary least-squares fit y = b₀ + Σ bⱼxⱼ + e with inference and diagnostics.
public struct OLSFit: Sendable {
    /// Number of observations.
    public let n: Int
    /// Number of predictors (excluding the intercept).
    public let p: Int
    /// Intercept b₀.
    public let intercept: Double
    /// Slope of each predictor, in input order.
    public let coefficients: [Double]
    /// Standard error of each slope.
    public let standardErrors: [Double]
    /// t statistic of each slope (coefficient / standard error).
    public let tStatistics: [Double]
    /// Two-sided p-value of each slope, Student t with n − p − 1 df.
    public let pValues: [Double]
    /// Coefficient of determination 1 − RSS/TSS.
    public let r2: Double
    /// Adjusted R² = 1 − (1 − R²)(n − 1)/(n − p − 1).
    public let adjustedR2: Double
    /// Overall F statistic ((TSS − RSS)/p) / (RSS/(n − p − 1)).
    public let fStatistic: Double
    /// Upper-tail p-value of the F statistic with (p, n − p − 1) df.
    public let fPValue: Double
    /// Residual sum of squares.
    public let rss: Double
    /// Total sum of squares about the mean of y.
    public let tss: Double
    /// √(RSS/n) — divides by n, not by the residual df, as SPEC §5 prescribes.
    public let rmse: Double
    /// coefficient × sd(x)/sd(y), sample standard deviations.
    public let standardizedCoefficients: [Double]
    /// Variance inflation factor 1/(1 − R²ⱼ) of each predictor regressed on the others.
    public let vif: [Double]
    /// Residuals y − ŷ.
    public let residuals: [Double]

    /// Fits y on the predictor columns `x` (p columns of n values each) with an intercept.
    /// Throws `singularDesign` when n ≤ p + 1 or a predictor is a linear combination of the
    /// intercept and the predictors before it (relative residual ≤ `collinearityTolerance`).
    /// A constant y is fitted (all slopes 0) but R², t, F and standardized coefficients are then
    /// not finite; key-driver analysis screens that case out first.
    public init(y: [Double], x: [[Double]], collinearityTolerance: Double = 1e-9) throws(StatsError) {
        try validate(y: y, x: x, names: nil)
        let n = y.count, p = x.count
        guard n > p + 1 else {
            throw .singularDesign("n = \(n) ≤ p + 1 = \(p + 1)")
        }
        let qr = designQR(x: x, tolerance: collinearityTolerance)
        if let j = qr.aliased.firstIndex(of: true) {
            throw .singularDesign(j == 0 ? "intercept" : "predictor \(j - 1) is collinear")
        }
        self.init(y: y, x: x, qr: qr)
    }

    /// Fit from an already-computed full-rank design QR (intercept column first).
    init(y: [Double], x: [[Double]], qr: HouseholderQR) {
        let n = y.count, p = x.count
        let solution = qr.solve(y)
        let dfResidual = Double(n - p - 1)
        let rss = solution.rss
        let yCentered = centeredNorm(y)
        let tss = yCentered * yCentered
        let sigma2 = rss / dfResidual
        let unscaled = qr.unscaledVarianceDiagonal()
        let tDist = StudentT(degreesOfFreedom: dfResidual)

        var coefs = [Double](), ses = [Double](), ts = [Double](), ps = [Double]()
        var betas = [Double](), vifs = [Double]()
        for j in 0..<p {
            let b = solution.coefficients[j + 1]
            let se = (sigma2 * unscaled[j + 1]).squareRoot()
            let t = b / se
            coefs.append(b)
            ses.append(se)
            ts.append(t)
            ps.append(tDist.twoSidedPValue(t))
            let xNorm = centeredNorm(x[j])
            // sd(x)/sd(y): the (n − 1) divisors cancel, so centered norms suffice.
            betas.append(b * xNorm / yCentered)
            // (RᵀR)⁻¹ⱼⱼ = 1/RSSⱼ where RSSⱼ is the residual SS of xⱼ on the other columns
            // (intercept included), so VIFⱼ = TSSⱼ/RSSⱼ = 1/(1 − R²ⱼ) without p extra fits.
            vifs.append(xNorm * xNorm * unscaled[j + 1])
        }
        let r2 = 1 - rss / tss
        let fStat = ((tss - rss) / Double(p)) / sigma2
        self.n = n
        self.p = p
        intercept = solution.coefficients[0]
        coefficients = coefs
        standardErrors = ses
        tStatistics = ts
        pValues = ps
        self.r2 = r2
        adjustedR2 = 1 - (1 - r2) * Double(n - 1) / dfResidual
        fStatistic = fStat
        fPValue = FDistribution(numerator: Double(p), denominator: dfResidual).upperTailPValue(fStat)
        self.rss = rss
        self.tss = tss
        rmse = (rss / Double(n)).squareRoot()
        standardizedCoefficients = betas
        vif = vifs
        residuals = solution.residuals
    }
}

// MARK: - Shared helpers

/// Checks shapes and finiteness shared by every public entry point.
func validate(y: [Double], x: [[Double]], names: [String]?) throws(StatsError) {
    if x.isEmpty { throw .noPredictors }
    for (j, col) in x.enumerated() where col.count != y.count {
        throw .dimensionMismatch("predictor \(j) has \(col.count) values, response has \(y.count)")
    }
    if let names, names.count != x.count {
        throw .dimensionMismatch("\(names.count) names for \(x.count) predictors")
    }
    if let i = y.firstIndex(where: { !$0.isFinite }) {
        throw .nonFiniteValue("response row \(i)")
    }
    for (j, col) in x.enumerated() {
        if let i = col.firstIndex(where: { !$0.isFinite }) {
            throw .nonFiniteValue("predictor \(j) row \(i)")
        }
    }
}

/// ‖v − mean(v)‖, exactly 0 when all values are equal. The exact test matters: for a constant
/// such as 0.1 the floating mean is not exactly 0.1, and a tiny nonzero norm would make a
/// constant look like a legitimate (if tiny) source of variation.
func centeredNorm(_ v: [Double]) -> Double {
    guard let first = v.first, v.contains(where: { $0 != first }) else { return 0 }
    let mean = v.reduce(0, +) / Double(v.count)
    var ss = 0.0
    for e in v { let d = e - mean; ss += d * d }
    return ss.squareRoot()
}

/// QR of [1, x₁, …, x_p] where predictor j is aliased when its residual on the intercept and
/// the accepted predictors before it is ≤ tolerance × its centered norm (SPEC §5's relative
/// residual). The intercept is judged against its own norm, so it is never aliased when n > 0.
func designQR(x: [[Double]], tolerance: Double) -> HouseholderQR {
    let n = x.first?.count ?? 0
    var columns = [[Double](repeating: 1, count: n)]
    columns.append(contentsOf: x)
    var reference = [Double(n).squareRoot()]
    reference.append(contentsOf: x.map(centeredNorm))
    return HouseholderQR(columns: columns, referenceNorms: reference, tolerance: tolerance)
}
