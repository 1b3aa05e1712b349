// Exact LMG (Lindeman–Merenda–Gold) relative importance = Shapley decomposition of R².

/// Exact LMG / Shapley decomposition of a linear model's R² over its predictors, with the
/// dominance-analysis by-products (conditional dominance, single-predictor R²).
///
/// R² of every one of the 2^p predictor subsets is computed from the correlation matrix,
/// R²(S) = r_yS' R_SS⁻¹ r_yS, by an incremental Cholesky factorisation of R_SS. Working from
/// correlations makes the result invariant to affine rescaling of any variable.
public struct RelativeImportance: Sendable {
    /// Number of predictors.
    public let p: Int
    /// R² of the full model (all predictors).
    public let r2: Double
    /// LMG share of R² per predictor; the shares sum to `r2`.
    public let lmg: [Double]
    /// `conditionalDominance[j][k]`: predictor j's R² increment averaged over all subsets of
    /// size k of the other predictors, k = 0 ..< p. Its mean over k is `lmg[j]`.
    public let conditionalDominance: [[Double]]
    /// R² of each predictor alone (its squared correlation with y).
    public let singleR2: [Double]

    /// Decomposes the R² of y on the predictor columns `x` (1 ≤ p ≤ 15, n values each).
    /// Predictors that are linear combinations of others within a subset add nothing to it
    /// (their Cholesky pivot is dropped), so collinear input yields finite numbers, not NaN.
    public init(y: [Double], x: [[Double]]) throws(StatsError) {
        try validate(y: y, x: x, names: nil)
        let p = x.count
        guard p <= 15 else { throw .tooManyPredictors(p) }
        self.p = p

        let (corrX, corrY) = correlations(y: y, x: x)
        let subsetCount = 1 << p
        var subsetR2 = [Double](repeating: 0, count: subsetCount)
        var lower = [Double](repeating: 0, count: p * p)  // Cholesky rows, reused per subset
        var z = [Double](repeating: 0, count: p)
        var members = [Int](), kept = [Int]()
        members.reserveCapacity(p)
        kept.reserveCapacity(p)
        for mask in 1..<subsetCount {
            members.removeAll(keepingCapacity: true)
            for j in 0..<p where mask & (1 << j) != 0 { members.append(j) }
            subsetR2[mask] = r2FromCorrelations(
                members: members, corrX: corrX, corrY: corrY, p: p,
                lower: &lower, z: &z, kept: &kept)
        }

        // Conditional dominance: for each predictor j and each size k, the mean increment
        // R²(S ∪ j) − R²(S) over the C(p−1, k) subsets S of the other predictors.
        var sums = [[Double]](repeating: [Double](repeating: 0, count: p), count: p)
        for mask in 0..<subsetCount {
            let k = mask.nonzeroBitCount
            for j in 0..<p where mask & (1 << j) == 0 {
                sums[j][k] += subsetR2[mask | (1 << j)] - subsetR2[mask]
            }
        }
        var conditional = sums
        var shares = [Double](repeating: 0, count: p)
        for j in 0..<p {
            for k in 0..<p {
                conditional[j][k] = sums[j][k] / binomial(p - 1, k)
            }
            // Shapley weight of a size-k subset is 1/(p·C(p−1,k)), so LMG is the plain mean of
            // the p conditional-dominance values.
            shares[j] = conditional[j].reduce(0, +) / Double(p)
        }
        r2 = subsetR2[subsetCount - 1]
        lmg = shares
        conditionalDominance = conditional
        singleR2 = (0..<p).map { subsetR2[1 << $0] }
    }
}

/// Pivots at or below this (on the 0…1 scale of 1 − R² of a predictor on the subset's earlier
/// predictors) are treated as exact collinearity: beyond it the correlation-space arithmetic,
/// which squares the data's condition number, is rounding noise.
private let choleskyPivotTolerance = 1e-13

/// R² of y on the predictors in `members`, by forward Cholesky of their correlation matrix.
/// `lower`, `z`, `kept` are scratch buffers so the 2^p loop does not allocate.
private func r2FromCorrelations(
    members: [Int], corrX: [Double], corrY: [Double], p: Int,
    lower: inout [Double], z: inout [Double], kept: inout [Int]
) -> Double {
    kept.removeAll(keepingCapacity: true)
    var r2 = 0.0
    for (a, ia) in members.enumerated() {
        // Row a of L against the kept earlier rows: L[a][b] = (C[a][b] − Σ L[a][c]L[b][c]) / L[b][b].
        var diag = corrX[ia * p + ia]
        var zRhs = corrY[ia]
        for (bPos, b) in kept.enumerated() {
            var s = corrX[ia * p + members[b]]
            for c in kept[..<bPos] { s -= lower[a * p + c] * lower[b * p + c] }
            let l = s / lower[b * p + b]
            lower[a * p + b] = l
            diag -= l * l
            zRhs -= l * z[b]
        }
        guard diag > choleskyPivotTolerance else { continue }
        let pivot = diag.squareRoot()
        lower[a * p + a] = pivot
        z[a] = zRhs / pivot
        r2 += z[a] * z[a]
        kept.append(a)
    }
    return r2
}

/// Correlation matrix of the predictors (row-major p×p) and their correlations with y.
/// A constant variable is given correlation 0 with everything else (and 1 with itself): it
/// explains nothing, which is the limit one wants instead of 0/0.
private func correlations(y: [Double], x: [[Double]]) -> (corrX: [Double], corrY: [Double]) {
    let p = x.count
    func centered(_ v: [Double]) -> [Double] {
        let norm = centeredNorm(v)
        guard norm > 0 else { return [Double](repeating: 0, count: v.count) }
        let mean = v.reduce(0, +) / Double(v.count)
        // Scale to unit length so that dot products are correlations directly.
        return v.map { ($0 - mean) / norm }
    }
    let yc = centered(y)
    let xc = x.map(centered)
    func dot(_ a: [Double], _ b: [Double]) -> Double {
        var s = 0.0
        for i in 0..<a.count { s += a[i] * b[i] }
        return s
    }
    var corrX = [Double](repeating: 0, count: p * p)
    for i in 0..<p {
        corrX[i * p + i] = 1
        for j in 0..<i {
            let c = dot(xc[i], xc[j])
            corrX[i * p + j] = c
            corrX[j * p + i] = c
        }
    }
    return (corrX, xc.map { dot($0, yc) })
}

/// C(n, k) as a Double (exact for the n ≤ 14 used here).
private func binomial(_ n: Int, _ k: Int) -> Double {
    var result = 1.0
    for i in 0..<k { result = result * Double(n - i) / Double(i + 1) }
    return result
}
