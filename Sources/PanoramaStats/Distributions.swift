// Probability distributions needed for OLS inference: Student t (coefficient p-values) and
// F (overall model test), both expressed through the regularized incomplete beta function.
//
// Only the C math library is imported (exp/log/log1p), never Foundation, so the module stays
// free of I/O and locale concerns.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#elseif canImport(ucrt)
import ucrt
#endif

/// Student t distribution with `degreesOfFreedom` > 0 (used for coefficient p-values).
public struct StudentT: Sendable, Equatable {
    /// Degrees of freedom; must be positive and finite for meaningful results (NaN otherwise).
    public let degreesOfFreedom: Double

    /// Creates the distribution with the given degrees of freedom.
    public init(degreesOfFreedom: Double) {
        self.degreesOfFreedom = degreesOfFreedom
    }

    /// P(T ≤ t).
    public func cdf(_ t: Double) -> Double {
        let tail = twoSidedPValue(t) / 2
        if tail.isNaN { return .nan }
        return t < 0 ? tail : 1 - tail
    }

    /// P(|T| ≥ |t|), the two-sided p-value of an observed t statistic.
    public func twoSidedPValue(_ t: Double) -> Double {
        let df = degreesOfFreedom
        guard df > 0, !df.isNaN, !t.isNaN else { return .nan }
        if t.isInfinite { return 0 }
        if t == 0 { return 1 }
        let t2 = t * t
        if df.isInfinite {
            // Normal limit: P(|Z| ≥ |t|) = I_{1}(...) degenerates; use erfc directly.
            return erfc(abs(t) / 2.0.squareRoot())
        }
        // P(|T| ≥ |t|) = I_x(df/2, 1/2) with x = df/(df+t²). Both x and 1−x are formed
        // directly (not by subtraction) so neither tail loses precision.
        let x = df / (df + t2)
        let y = t2 / (df + t2)
        return regularizedIncompleteBeta(a: df / 2, b: 0.5, x: x, complement: y).lower
    }
}

/// Fisher–Snedecor F distribution with `numerator` and `denominator` degrees of freedom
/// (used for the overall regression F test).
public struct FDistribution: Sendable, Equatable {
    /// Numerator degrees of freedom (number of predictors in regression use).
    public let numerator: Double
    /// Denominator degrees of freedom (residual df in regression use).
    public let denominator: Double

    /// Creates the distribution with the given degrees of freedom.
    public init(numerator: Double, denominator: Double) {
        self.numerator = numerator
        self.denominator = denominator
    }

    /// P(F ≤ f).
    public func cdf(_ f: Double) -> Double {
        guard let args = betaArguments(f) else { return f.isNaN || !valid ? .nan : (f <= 0 ? 0 : 1) }
        return regularizedIncompleteBeta(a: denominator / 2, b: numerator / 2, x: args.x, complement: args.y).upper
    }

    /// P(F ≥ f), the upper-tail p-value of an observed F statistic.
    public func upperTailPValue(_ f: Double) -> Double {
        guard let args = betaArguments(f) else { return f.isNaN || !valid ? .nan : (f <= 0 ? 1 : 0) }
        return regularizedIncompleteBeta(a: denominator / 2, b: numerator / 2, x: args.x, complement: args.y).lower
    }

    private var valid: Bool {
        numerator > 0 && denominator > 0 && numerator.isFinite && denominator.isFinite
    }

    /// P(F ≥ f) = I_x(d2/2, d1/2) with x = d2/(d2 + d1·f); nil for the trivial/invalid cases.
    private func betaArguments(_ f: Double) -> (x: Double, y: Double)? {
        guard valid, !f.isNaN, f > 0, f.isFinite else { return nil }
        let d1f = numerator * f
        let denom = denominator + d1f
        return (denominator / denom, d1f / denom)
    }
}

/// Natural log of the gamma function for x > 0 (Lanczos approximation, g = 7, 9 terms;
/// relative error about 1e-15). Returns NaN for x ≤ 0 or NaN, +∞ for +∞.
public func logGamma(_ x: Double) -> Double {
    guard x > 0, !x.isNaN else { return .nan }
    if x.isInfinite { return .infinity }
    if x < 0.5 {
        // Reflection keeps the series in its accurate range: Γ(x)Γ(1−x) = π / sin(πx).
        return log(Double.pi / sin(Double.pi * x)) - logGamma(1 - x)
    }
    let coefficients: [Double] = [
        0.99999999999980993, 676.5203681218851, -1259.1392167224028,
        771.32342877765313, -176.61502916214059, 12.507343278686905,
        -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
    ]
    let z = x - 1
    var sum = coefficients[0]
    for i in 1..<coefficients.count {
        sum += coefficients[i] / (z + Double(i))
    }
    let t = z + 7.5
    return 0.5 * log(2 * Double.pi) + (z + 0.5) * log(t) - t + log(sum)
}

/// Regularized incomplete beta function I_x(a, b) for a, b > 0 and 0 ≤ x ≤ 1.
public func regularizedIncompleteBeta(a: Double, b: Double, x: Double) -> Double {
    regularizedIncompleteBeta(a: a, b: b, x: x, complement: 1 - x).lower
}

// MARK: - Internals

/// Stirling-series remainder lgamma(x) − [(x−½)ln x − x + ½ln 2π], accurate for x ≥ 10.
private func stirlingCorrection(_ x: Double) -> Double {
    let x2 = x * x
    return (1.0 / 12 - (1.0 / 360 - (1.0 / 1260 - (1.0 / 1680 - 1.0 / (1188 * x2)) / x2) / x2) / x2) / x
}

/// lgamma(big) − lgamma(big + small) for big ≥ 100, computed without subtracting two large
/// lgamma values (which would lose ~log10(big·ln big) digits).
private func logGammaRatio(big: Double, small: Double) -> Double {
    let sum = big + small
    return (big - 0.5) * -log1p(small / big) - small * log(sum) + small
        + stirlingCorrection(big) - stirlingCorrection(sum)
}

/// ln B(a, b) = lgamma(a) + lgamma(b) − lgamma(a+b), with the large-argument cancellation avoided.
func logBeta(_ a: Double, _ b: Double) -> Double {
    let big = max(a, b), small = min(a, b)
    if big < 100 {
        return logGamma(a) + logGamma(b) - logGamma(a + b)
    }
    return logGamma(small) + logGammaRatio(big: big, small: small)
}

/// Returns (I_x(a,b), 1 − I_x(a,b)) where `complement` is 1 − x supplied exactly by the caller.
/// Whichever tail converges fast is computed by the continued fraction; the other is 1 minus it,
/// which is harmless because that tail is then the larger of the two.
func regularizedIncompleteBeta(a: Double, b: Double, x: Double, complement y: Double)
    -> (lower: Double, upper: Double)
{
    guard a > 0, b > 0, x >= 0, y >= 0, !x.isNaN, !y.isNaN else { return (.nan, .nan) }
    if x == 0 { return (0, 1) }
    if y == 0 { return (1, 0) }
    if x < (a + 1) / (a + b + 2) {
        let v = incompleteBetaSeries(a: a, b: b, x: x, y: y)
        return (v, 1 - v)
    } else {
        let v = incompleteBetaSeries(a: b, b: a, x: y, y: x)
        return (1 - v, v)
    }
}

/// x^a (1−x)^b / (a B(a,b)) × continued fraction; valid (fast) for x < (a+1)/(a+b+2).
private func incompleteBetaSeries(a: Double, b: Double, x: Double, y: Double) -> Double {
    let logFront = a * log(x) + b * log(y) - logBeta(a, b)
    let front = exp(logFront) / a
    return front * betaContinuedFraction(a: a, b: b, x: x)
}

/// Continued fraction for the incomplete beta function, evaluated with the modified Lentz method.
private func betaContinuedFraction(a: Double, b: Double, x: Double) -> Double {
    let tiny = 1e-300
    let epsilon = 1e-16
    // The number of terms grows like sqrt(max(a, b)); this bound is generous for any df a
    // survey can produce, and the loop exits as soon as the fraction has converged.
    let maxIterations = 20_000 + Int(min(max(a, b), 1e12).squareRoot() * 20)
    let qab = a + b, qap = a + 1, qam = a - 1
    var c = 1.0
    var d = 1 - qab * x / qap
    if abs(d) < tiny { d = tiny }
    d = 1 / d
    var h = d
    var m = 1
    while m <= maxIterations {
        let md = Double(m), m2 = 2 * md
        var aa = md * (b - md) * x / ((qam + m2) * (a + m2))
        d = 1 + aa * d
        if abs(d) < tiny { d = tiny }
        c = 1 + aa / c
        if abs(c) < tiny { c = tiny }
        d = 1 / d
        h *= d * c
        aa = -(a + md) * (qab + md) * x / ((a + m2) * (qap + m2))
        d = 1 + aa * d
        if abs(d) < tiny { d = tiny }
        c = 1 + aa / c
        if abs(c) < tiny { c = tiny }
        d = 1 / d
        let delta = d * c
        h *= delta
        if abs(delta - 1) < epsilon { break }
        m += 1
    }
    return h
}
