// Key-driver analysis of NPS as specified in SPEC §5: singularity screening, the OLS/LMG model
// per segment, and the pure rules (rank, quadrant, NPS lift, warnings) built on it.

/// Importance/performance quadrant of a driver (SPEC §5); raw values are the table strings.
public enum Quadrant: String, Sendable, CaseIterable {
    /// High importance, low performance (短板): fix these first.
    case improveFirst = "improve_first"
    /// High importance, high performance: protect.
    case keepStrength = "keep_strength"
    /// Low importance, low performance: monitor.
    case watch = "watch"
    /// Low importance, high performance.
    case lowPriority = "low_priority"
}

/// One `drivers` row's statistics for a driver of a fitted key-driver model.
public struct DriverResult: Sendable, Equatable {
    /// Driver name as configured.
    public let name: String
    /// OLS slope.
    public let coef: Double
    /// Standard error of the slope.
    public let stdErr: Double
    /// t statistic.
    public let t: Double
    /// Two-sided p-value, Student t with n − p − 1 df.
    public let pValue: Double
    /// coef × sd(x)/sd(y) (sample SDs).
    public let stdBeta: Double
    /// Variance inflation factor.
    public let vif: Double
    /// LMG share of R².
    public let importance: Double
    /// 100 × importance / R².
    public let importancePct: Double
    /// 1 = largest importance; ties keep driver order.
    public let rank: Int
    /// 10 × mean score of the driver over the model's rows.
    public let performance: Double
    /// Importance/performance quadrant.
    public let quadrant: Quadrant
    /// Expected NPS change if every respondent's score on this driver rose by one point.
    public let npsLift1pt: Double
}

/// A fitted (non-singular) key-driver model: one `driver_model` row plus its `drivers` rows.
public struct KeyDriverModel: Sendable, Equatable {
    /// Rows used.
    public let n: Int
    /// R² of the OLS fit.
    public let r2: Double
    /// Adjusted R².
    public let adjR2: Double
    /// Overall F statistic.
    public let fStat: Double
    /// Upper-tail p-value of the F statistic.
    public let fPValue: Double
    /// √(RSS/n).
    public let rmse: Double
    /// OLS intercept.
    public let intercept: Double
    /// `driver_model.warnings` entries in spec order (join with `|`).
    public let warnings: [String]
    /// Per-driver results in configured driver order.
    public let drivers: [DriverResult]
}

/// Outcome of a key-driver fit: a model, or the singular condition that prevents one.
public enum KeyDriverOutcome: Sendable, Equatable {
    /// The model could be fitted.
    case fitted(KeyDriverModel)
    /// The model is singular; `warnings` is the complete warnings list for the `driver_model` row.
    case singular(n: Int, warnings: [String])
}

/// Namespace for SPEC §5's key-driver rules.
public enum KeyDriver {
    /// Relative residual at or below which a driver counts as a linear combination of the
    /// intercept and the drivers before it (SPEC §5).
    public static let collinearityTolerance = 1e-9
    /// RSS ≤ this × TSS is a perfect fit (SPEC §5).
    public static let perfectFitTolerance = 1e-12

    /// Fits the key-driver model of `y` (NPS, 0–10) on the named drivers (configured order,
    /// listwise-complete rows). Singular data gives `.singular` with the spec's warnings;
    /// malformed input (length mismatch, NaN/∞, no drivers, more than 15) throws.
    public static func fit(y: [Double], names: [String], x: [[Double]], yName: String = "nps")
        throws(StatsError) -> KeyDriverOutcome
    {
        try validate(y: y, x: x, names: names)
        guard x.count <= 15 else { throw .tooManyPredictors(x.count) }
        let screen = screenSingularity(y: y, names: names, x: x, yName: yName)
        if let warnings = screen.warnings {
            return .singular(n: y.count, warnings: warnings)
        }
        guard let qr = screen.qr else { return .singular(n: y.count, warnings: ["singular"]) }

        let ols = OLSFit(y: y, x: x, qr: qr)
        let importance = try RelativeImportance(y: y, x: x)
        let p = x.count
        // R² > 0 here because the fit is not perfect and y is not constant, except when y is
        // exactly uncorrelated with every driver; then every share is 0 and so is every pct.
        let pct = importance.lmg.map { ols.r2 > 0 ? 100 * $0 / ols.r2 : 0 }
        let ranking = ranks(importance.lmg)
        let perf = x.map(performance)
        let quads = quadrants(importancePct: pct, performance: perf)
        let drivers = (0..<p).map { j in
            DriverResult(
                name: names[j], coef: ols.coefficients[j], stdErr: ols.standardErrors[j],
                t: ols.tStatistics[j], pValue: ols.pValues[j],
                stdBeta: ols.standardizedCoefficients[j], vif: ols.vif[j],
                importance: importance.lmg[j], importancePct: pct[j], rank: ranking[j],
                performance: perf[j], quadrant: quads[j],
                npsLift1pt: npsLift(nps: y, coefficient: ols.coefficients[j]))
        }
        return .fitted(KeyDriverModel(
            n: ols.n, r2: ols.r2, adjR2: ols.adjustedR2, fStat: ols.fStatistic,
            fPValue: ols.fPValue, rmse: ols.rmse, intercept: ols.intercept,
            warnings: modelWarnings(n: ols.n, names: names, coefficients: ols.coefficients, vif: ols.vif),
            drivers: drivers))
    }

    /// The singular condition of y on the drivers (configured order) in SPEC §5 precedence:
    /// `["singular"]` when n ≤ p + 1; else `["singular:<yName>"]` when y is constant; else
    /// `singular:<driver>` for each driver that is a linear combination of the intercept and the
    /// drivers before it; else `["singular:perfect_fit"]` when RSS ≤ 1e-12·TSS; nil when fine.
    public static func singularity(y: [Double], names: [String], x: [[Double]], yName: String = "nps")
        throws(StatsError) -> [String]?
    {
        try validate(y: y, x: x, names: names)
        return screenSingularity(y: y, names: names, x: x, yName: yName).warnings
    }

    /// 10 × mean score (SPEC §5 `performance`); 0 for no scores.
    public static func performance(_ scores: [Double]) -> Double {
        scores.isEmpty ? 0 : 10 * scores.reduce(0, +) / Double(scores.count)
    }

    /// Rank of each importance: 1 = largest; equal values keep driver order.
    public static func ranks(_ importance: [Double]) -> [Int] {
        let order = importance.indices.sorted { a, b in
            importance[a] != importance[b] ? importance[a] > importance[b] : a < b
        }
        var result = [Int](repeating: 0, count: importance.count)
        for (position, index) in order.enumerated() { result[index] = position + 1 }
        return result
    }

    /// Quadrant of each driver: importance_pct and performance each compared with their mean
    /// over the drivers, a value equal to the mean counting as high.
    public static func quadrants(importancePct: [Double], performance: [Double]) -> [Quadrant] {
        let highImportance = atOrAboveMean(importancePct)
        let highPerformance = atOrAboveMean(performance)
        return zip(highImportance, highPerformance).map { imp, perf in
            switch (imp, perf) {
            case (true, false): .improveFirst
            case (true, true): .keepStrength
            case (false, false): .watch
            case (false, true): .lowPriority
            }
        }
    }

    /// NPS = 100 × (#scores ≥ 9 − #scores ≤ 6) / n; 0 for no scores.
    public static func netPromoterScore(_ nps: [Double]) -> Double {
        guard !nps.isEmpty else { return 0 }
        var net = 0
        for s in nps {
            if s >= 9 { net += 1 } else if s <= 6 { net -= 1 }
        }
        return 100 * Double(net) / Double(nps.count)
    }

    /// SPEC §5 nps_lift_1pt: with sᵢ = clamp(npsᵢ + coefficient, 0, 10),
    /// 100 × mean(P(sᵢ) − D(sᵢ)) − NPS, where P(s) = clamp(s − 8, 0, 1), D(s) = clamp(7 − s, 0, 1).
    public static func npsLift(nps: [Double], coefficient: Double) -> Double {
        guard !nps.isEmpty else { return 0 }
        func clamp(_ v: Double, _ lo: Double, _ hi: Double) -> Double { min(max(v, lo), hi) }
        var total = 0.0
        for score in nps {
            let s = clamp(score + coefficient, 0, 10)
            total += clamp(s - 8, 0, 1) - clamp(7 - s, 0, 1)
        }
        return 100 * total / Double(nps.count) - netPromoterScore(nps)
    }

    /// `driver_model.warnings` of a fitted model in spec order: `max_vif>5` (strictly),
    /// `n<10p` (strictly), then `negative_coef:<driver>` per negative coefficient in driver order.
    public static func modelWarnings(n: Int, names: [String], coefficients: [Double], vif: [Double])
        -> [String]
    {
        var warnings: [String] = []
        if vif.contains(where: { $0 > 5 }) { warnings.append("max_vif>5") }
        if n < 10 * names.count { warnings.append("n<10p") }
        for (name, coef) in zip(names, coefficients) where coef < 0 {
            warnings.append("negative_coef:\(name)")
        }
        return warnings
    }

    // MARK: - Internals

    /// Singularity screen; also returns the design QR for reuse when the model is fine.
    static func screenSingularity(y: [Double], names: [String], x: [[Double]], yName: String)
        -> (warnings: [String]?, qr: HouseholderQR?)
    {
        let n = y.count, p = x.count
        if n <= p + 1 { return (["singular"], nil) }
        if centeredNorm(y) == 0 { return (["singular:\(yName)"], nil) }
        let qr = designQR(x: x, tolerance: collinearityTolerance)
        let collinear = (0..<p).filter { qr.aliased[$0 + 1] }.map { "singular:\(names[$0])" }
        if !collinear.isEmpty { return (collinear, nil) }
        let tss = centeredNorm(y) * centeredNorm(y)
        if qr.solve(y).rss <= perfectFitTolerance * tss { return (["singular:perfect_fit"], nil) }
        return (nil, qr)
    }

    /// Whether each value is at or above the mean of all values. "Equal counts as high" must
    /// survive rounding — the mean of three copies of 0.1 is not exactly 0.1 — so values within
    /// 1e-9 (relative to the mean's magnitude, at least 1) of the mean count as equal.
    static func atOrAboveMean(_ values: [Double]) -> [Bool] {
        guard !values.isEmpty else { return [] }
        let mean = values.reduce(0, +) / Double(values.count)
        let slack = 1e-9 * max(1, abs(mean))
        return values.map { $0 >= mean - slack }
    }
}
