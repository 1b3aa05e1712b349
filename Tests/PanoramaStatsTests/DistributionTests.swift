import Testing
import PanoramaStats

/// Reference values: quantiles from scipy (stats.t.ppf / stats.f.ppf) and tail probabilities
/// from mpmath at 40 digits (betainc), computed once outside the test suite.
@Suite("Student t and F distributions")
struct DistributionTests {
    @Test("two-sided t p-value at the 97.5% quantile is 0.05 for df 10, 1 and 30")
    func tQuantiles() {
        #expect(isClose(StudentT(degreesOfFreedom: 10).twoSidedPValue(2.228138851986274), 0.05, rel: 1e-10))
        #expect(isClose(StudentT(degreesOfFreedom: 1).twoSidedPValue(12.706204736174694), 0.05, rel: 1e-10))
        #expect(isClose(StudentT(degreesOfFreedom: 30).twoSidedPValue(2.0422724563012378), 0.05, rel: 1e-10))
        // The rounded quantiles quoted in textbooks give 0.05 to their own precision.
        #expect(abs(StudentT(degreesOfFreedom: 10).twoSidedPValue(2.228138851986) - 0.05) < 1e-12)
        #expect(abs(StudentT(degreesOfFreedom: 1).twoSidedPValue(12.70620473617) - 0.05) < 1e-12)
    }

    @Test("F upper tail at the 95% / 99% quantile is 0.05 / 0.01")
    func fQuantiles() {
        #expect(isClose(FDistribution(numerator: 3, denominator: 20).upperTailPValue(3.098391212140781), 0.05, rel: 1e-10))
        #expect(isClose(FDistribution(numerator: 1, denominator: 10).upperTailPValue(4.964602743730711), 0.05, rel: 1e-10))
        #expect(isClose(FDistribution(numerator: 5, denominator: 100).upperTailPValue(3.2058717714230007), 0.01, rel: 1e-10))
        #expect(abs(FDistribution(numerator: 3, denominator: 20).upperTailPValue(3.098391212) - 0.05) < 1e-10)
    }

    @Test("t p-values match high-precision references, including small tails and large df")
    func tReferences() {
        let cases: [(t: Double, df: Double, p: Double)] = [
            (10, 3, 0.0021283990584141501),
            (0.5, 7, 0.63240713568928422),
            (4.5, 2000, 7.1857540431964913e-6),
            (8, 50, 1.6632966028321384e-10),
            // Cauchy (df = 1) near 0: p = 1 − (2/π)·atan(1e-8).
            (1e-8, 1, 0.9999999936338023),
        ]
        for c in cases {
            #expect(isClose(StudentT(degreesOfFreedom: c.df).twoSidedPValue(c.t), c.p, rel: 1e-10), "t=\(c.t) df=\(c.df)")
            #expect(isClose(StudentT(degreesOfFreedom: c.df).twoSidedPValue(-c.t), c.p, rel: 1e-10), "symmetric in t")
        }
    }

    @Test("F upper tails match high-precision references and cdf + upper tail = 1")
    func fReferences() {
        let cases: [(f: Double, d1: Double, d2: Double, p: Double)] = [
            (50, 3, 20, 1.7760683360454812e-9),
            (0.3, 6, 12, 0.92513201998465353),
            (1.2, 4, 5000, 0.30858728826187473),
        ]
        for c in cases {
            let dist = FDistribution(numerator: c.d1, denominator: c.d2)
            #expect(isClose(dist.upperTailPValue(c.f), c.p, rel: 1e-10), "F=\(c.f) (\(c.d1), \(c.d2))")
            #expect(abs(dist.cdf(c.f) + dist.upperTailPValue(c.f) - 1) < 1e-14)
        }
    }

    @Test("t cdf is a proper distribution function")
    func tCDF() {
        let t = StudentT(degreesOfFreedom: 10)
        #expect(t.cdf(0) == 0.5)
        #expect(isClose(t.cdf(2.228138851986274), 0.975, rel: 1e-12))
        #expect(isClose(t.cdf(-2.228138851986274), 0.025, rel: 1e-10))
        #expect(t.cdf(.infinity) == 1 && t.cdf(-.infinity) == 0)
    }

    @Test("degenerate arguments give the limiting values or NaN, never a crash")
    func edgeCases() {
        #expect(StudentT(degreesOfFreedom: 5).twoSidedPValue(0) == 1)
        #expect(StudentT(degreesOfFreedom: 5).twoSidedPValue(.infinity) == 0)
        #expect(StudentT(degreesOfFreedom: 0).twoSidedPValue(1).isNaN)
        #expect(StudentT(degreesOfFreedom: 5).twoSidedPValue(.nan).isNaN)
        #expect(FDistribution(numerator: 2, denominator: 5).upperTailPValue(0) == 1)
        #expect(FDistribution(numerator: 2, denominator: 5).upperTailPValue(.infinity) == 0)
        #expect(FDistribution(numerator: 2, denominator: 5).cdf(-1) == 0)
        #expect(FDistribution(numerator: 0, denominator: 5).upperTailPValue(1).isNaN)
    }

    @Test("log-gamma and the incomplete beta function match closed forms")
    func specialFunctions() {
        #expect(isClose(logGamma(0.5), 0.57236494292470008707, rel: 1e-14))  // ln √π
        #expect(isClose(logGamma(100), 359.13420536957539878, rel: 1e-14))
        #expect(isClose(logGamma(3.7), 1.4280723266653879219, rel: 1e-14))
        #expect(abs(logGamma(1)) < 1e-15 && abs(logGamma(2)) < 1e-15)
        // I_0.4(2, 3) = Σ_{j=2}^{4} C(4,j) 0.4^j 0.6^(4−j) = 0.5248.
        #expect(isClose(regularizedIncompleteBeta(a: 2, b: 3, x: 0.4), 0.5248, rel: 1e-13))
        #expect(regularizedIncompleteBeta(a: 2, b: 3, x: 0) == 0)
        #expect(regularizedIncompleteBeta(a: 2, b: 3, x: 1) == 1)
    }
}
