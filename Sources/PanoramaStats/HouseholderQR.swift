// Householder QR least squares. The spec requires QR rather than the normal equations because
// forming XᵀX squares the condition number; survey drivers are strongly correlated, so that
// matters in practice.

/// Householder QR decomposition of an n×m matrix given as columns, with R-style "limited
/// pivoting": columns are taken in their given order, and a column whose part orthogonal to the
/// columns already accepted is negligible is marked aliased (not used) instead of producing a
/// near-zero pivot. This both detects rank and says *which* columns are redundant.
public struct HouseholderQR: Sendable {
    /// Number of rows (observations).
    public let rowCount: Int
    /// Number of columns supplied.
    public let columnCount: Int
    /// Number of accepted (linearly independent) columns.
    public var rank: Int { accepted.count }
    /// `aliased[j]` is true when column j is (numerically) a linear combination of the accepted
    /// columns before it; its least-squares coefficient is reported as 0.
    public let aliased: [Bool]
    /// For each column j, the norm of its component orthogonal to the accepted columns before it
    /// (the residual norm of regressing column j on those columns).
    public let residualNorms: [Double]

    /// Original indices of accepted columns, in processing order.
    let accepted: [Int]
    /// Householder vectors v (length n − k for the k-th reflector) and their scale β = 2/(vᵀv).
    let reflectors: [(v: [Double], beta: Double)]
    /// Upper-triangular R restricted to accepted columns: r[k] holds rows 0...k of the k-th
    /// accepted column.
    let r: [[Double]]

    /// Decomposes the matrix with the given columns (all the same length). A column is aliased
    /// when its residual norm is ≤ `tolerance` × its own norm (an all-zero column is always aliased).
    public init(columns: [[Double]], tolerance: Double = 1e-10) {
        let norms = columns.map { col in col.reduce(0) { $0 + $1 * $1 }.squareRoot() }
        self.init(columns: columns, referenceNorms: norms, tolerance: tolerance)
    }

    /// Same as the public initializer, but the aliasing test compares each column's residual norm
    /// with a caller-chosen reference norm (key-driver analysis uses the centered norm, so that
    /// "collinear with the intercept" is judged against the variable's own spread).
    /// A reference norm of 0 always means aliased.
    init(columns: [[Double]], referenceNorms: [Double], tolerance: Double) {
        let n = columns.first?.count ?? 0
        precondition(columns.allSatisfy { $0.count == n }, "HouseholderQR: columns differ in length")
        precondition(referenceNorms.count == columns.count)
        rowCount = n
        columnCount = columns.count

        var work = columns
        var aliasedFlags = [Bool](repeating: false, count: columns.count)
        var residuals = [Double](repeating: 0, count: columns.count)
        var acceptedIndices: [Int] = []
        var refl: [(v: [Double], beta: Double)] = []
        var rCols: [[Double]] = []

        for j in 0..<columns.count {
            let k = acceptedIndices.count
            // Column j has already been transformed by every accepted reflector (they are applied
            // to all later columns when created), so rows k..<n hold its orthogonal remainder.
            var ss = 0.0
            if k < n {
                // Scaled sum of squares avoids overflow/underflow for extreme magnitudes.
                var scale = 0.0
                for i in k..<n { scale = max(scale, abs(work[j][i])) }
                if scale > 0 {
                    for i in k..<n { let v = work[j][i] / scale; ss += v * v }
                    ss = scale * ss.squareRoot()
                }
            }
            let residualNorm = ss
            residuals[j] = residualNorm
            if k >= n || referenceNorms[j] == 0 || residualNorm <= tolerance * referenceNorms[j]
                || residualNorm == 0
            {
                aliasedFlags[j] = true
                continue
            }
            // Reflector mapping the remainder onto ±‖·‖e_k; the sign is chosen opposite to the
            // leading entry so that v₀ is formed without cancellation.
            let x0 = work[j][k]
            let alpha = x0 >= 0 ? -residualNorm : residualNorm
            var v = Array(work[j][k..<n])
            v[0] -= alpha
            var vtv = 0.0
            for e in v { vtv += e * e }
            let beta = 2 / vtv
            for jj in (j + 1)..<max(j + 1, columns.count) {
                var s = 0.0
                for i in 0..<v.count { s += v[i] * work[jj][k + i] }
                s *= beta
                for i in 0..<v.count { work[jj][k + i] -= s * v[i] }
            }
            var rCol = Array(work[j][0..<k])
            rCol.append(alpha)
            rCols.append(rCol)
            refl.append((v, beta))
            acceptedIndices.append(j)
        }
        aliased = aliasedFlags
        residualNorms = residuals
        accepted = acceptedIndices
        reflectors = refl
        r = rCols
    }

    /// Applies Qᵀ (all reflectors in order) to a vector of length n.
    func applyQTranspose(_ y: [Double]) -> [Double] {
        var out = y
        for (k, h) in reflectors.enumerated() {
            var s = 0.0
            for i in 0..<h.v.count { s += h.v[i] * out[k + i] }
            s *= h.beta
            for i in 0..<h.v.count { out[k + i] -= s * h.v[i] }
        }
        return out
    }

    /// Applies Q (all reflectors in reverse order) to a vector of length n.
    func applyQ(_ z: [Double]) -> [Double] {
        var out = z
        for k in stride(from: reflectors.count - 1, through: 0, by: -1) {
            let h = reflectors[k]
            var s = 0.0
            for i in 0..<h.v.count { s += h.v[i] * out[k + i] }
            s *= h.beta
            for i in 0..<h.v.count { out[k + i] -= s * h.v[i] }
        }
        return out
    }

    /// Least-squares solution of min ‖y − A·b‖ using the accepted columns; aliased columns get
    /// coefficient 0. `y` must have `rowCount` entries.
    public func solve(_ y: [Double]) -> LeastSquaresSolution {
        precondition(y.count == rowCount, "HouseholderQR.solve: y has the wrong length")
        let qty = applyQTranspose(y)
        let m = rank
        // Back substitution R·b = (Qᵀy)[0..<rank].
        var b = [Double](repeating: 0, count: m)
        for i in stride(from: m - 1, through: 0, by: -1) {
            var s = qty[i]
            for j in (i + 1)..<max(i + 1, m) { s -= r[j][i] * b[j] }
            b[i] = s / r[i][i]
        }
        var coefficients = [Double](repeating: 0, count: columnCount)
        for (k, j) in accepted.enumerated() { coefficients[j] = b[k] }
        // Residuals are Q·(0, …, 0, (Qᵀy)[rank...]): computed from the orthogonal remainder
        // rather than y − A·b, so an exact fit gives residuals at rounding level of that remainder.
        var tail = qty
        for i in 0..<m { tail[i] = 0 }
        var rss = 0.0
        for i in m..<rowCount { rss += qty[i] * qty[i] }
        return LeastSquaresSolution(coefficients: coefficients, residuals: applyQ(tail), rss: rss)
    }

    /// diag((RᵀR)⁻¹) for the accepted columns, indexed by original column (0 for aliased ones).
    /// Multiplied by σ² this is the variance of each coefficient.
    func unscaledVarianceDiagonal() -> [Double] {
        let m = rank
        // Row i of R⁻¹ computed column by column: R⁻¹ is upper triangular, so inv[j][i] (column j,
        // row i) is needed for i ≤ j only.
        var inv = [[Double]](repeating: [], count: m)
        for j in 0..<m {
            var col = [Double](repeating: 0, count: j + 1)
            col[j] = 1 / r[j][j]
            for i in stride(from: j - 1, through: 0, by: -1) {
                var s = 0.0
                for k in (i + 1)...j { s += r[k][i] * col[k] }
                col[i] = -s / r[i][i]
            }
            inv[j] = col
        }
        var diag = [Double](repeating: 0, count: columnCount)
        for i in 0..<m {
            // (R⁻¹R⁻ᵀ)_ii = Σ_j (R⁻¹)_ij², j ≥ i.
            var s = 0.0
            for j in i..<m { s += inv[j][i] * inv[j][i] }
            diag[accepted[i]] = s
        }
        return diag
    }
}

/// Result of a least-squares solve: coefficients (0 for aliased columns), residuals y − A·b and
/// their sum of squares.
public struct LeastSquaresSolution: Sendable, Equatable {
    /// One coefficient per column of the decomposed matrix; aliased columns get 0.
    public let coefficients: [Double]
    /// Residual vector y − A·b.
    public let residuals: [Double]
    /// Residual sum of squares ‖y − A·b‖².
    public let rss: Double
}
