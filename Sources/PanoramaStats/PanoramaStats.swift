// PanoramaStats — the statistics behind Panorama's key-driver analysis (SPEC §5).
// Pure Swift, no Foundation, no I/O, no hashing-order dependence; every result is a function of
// its inputs only.
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
//
// Conventions: predictors are passed as columns ([[Double]], p columns of n values) in the
// configured driver order; all per-driver outputs follow that order.
