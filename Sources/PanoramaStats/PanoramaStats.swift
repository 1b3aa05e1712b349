// PanoramaStats — the statistics behind Panorama's key-driver analysis (SPEC §5) and churn model
// (SPEC §5.2).
// Pure Swift, no Foundation, no I/O (Dispatch only, for the logistic fit's row sums), no
// hashing-order dependence; every result is a function of its inputs only.
//
// Public API
//   KeyDriver.fit(y:names:x:yName:) throws(StatsError) -> KeyDriverOutcome
//       .fitted(KeyDriverModel)   — driver_model row (n, r2, adjR2, fStat, fPValue, rmse,
//                                   intercept, warnings) + [DriverResult] (drivers rows)
//       .singular(n:warnings:)    — the spec's singular warnings, nothing else
//   KeyDriver.singularity(y:names:x:yName:) throws(StatsError) -> [String]?
//   KeyDriver.performance(_:) / ranks(_:) / quadrants(importancePct:performance:)
//   KeyDriver.netPromoterScore(_:) / npsLift(nps:coefficient:)
//   KeyDriver.modelWarnings(n:names:coefficients:vif:)
//   OLSFit(y:x:collinearityTolerance:) throws(StatsError)   — OLS with intercept + inference, VIF
//   RelativeImportance(y:x:) throws(StatsError)             — exact LMG, conditional dominance
//   HouseholderQR(columns:tolerance:) + solve(_:) -> LeastSquaresSolution
//   StudentT(degreesOfFreedom:).cdf / twoSidedPValue
//   FDistribution(numerator:denominator:).cdf / upperTailPValue
//   logGamma(_:), regularizedIncompleteBeta(a:b:x:)
//   Quadrant, DriverResult, KeyDriverModel, KeyDriverOutcome, StatsError
//   LogisticRegression.fit(y:x:ridge:) / fit(_ parts: [LogisticRows], ridge:) -> LogisticFit
//       ridge-penalised (intercept free) Newton–Raphson from β = 0; warnings, never NaN
//   LogisticRows(y:x:packing:) / (y:bits:numbers:numericCount:predictors:) — 0/1 predictors as bits
//   Cholesky(_:size:) + solve(_:) / inverseDiagonal() — with aliased columns
//   ScoreEvaluation(scores:labels:tieKeys:) — AUC (ties ½) and top-decile lift
//   RankingMetrics.auc / topDecileLift / order(scores:tieKeys:)
//
// Conventions: predictors are passed as columns ([[Double]], p columns of n values) in the
// configured driver order; all per-driver outputs follow that order.
