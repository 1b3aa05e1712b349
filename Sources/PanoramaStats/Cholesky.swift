// Cholesky factorisation of a symmetric positive (semi-)definite matrix, as the logistic
// regression's Newton step needs it: the penalised Hessian is small (intercept + a dozen
// predictors) and positive definite on good data, so a plain LLᵀ in the given column order is the
// fastest exact solver. A direction the matrix does not determine (an all-zero weight on the
// intercept, a constant or collinear predictor without ridge) is marked aliased instead of
// producing a division by a zero pivot, the way R's QR marks aliased columns.

/// LLᵀ = A for a symmetric matrix A, with columns whose pivot vanishes marked aliased (their row
/// and column of L are zero and their solution component is 0).
public struct Cholesky: Sendable {
    /// Order of the matrix.
    public let size: Int
    /// `aliased[j]`: column j is (numerically) a combination of the columns before it.
    public let aliased: [Bool]
    /// Lower triangle of L, row-major (l[i * size + j], j ≤ i).
    let l: [Double]

    /// Factors the symmetric matrix `a` (row-major, size × size; only the lower triangle is read).
    /// Column j is aliased when its pivot is ≤ `tolerance` × its own diagonal entry (or the
    /// diagonal is 0). Returns nil when the matrix has a non-finite entry or is indefinite (a
    /// pivot clearly below zero), so that no NaN ever leaves the factorisation.
    public init?(_ a: [Double], size: Int, tolerance: Double = 1e-12) {
        precondition(a.count == size * size, "Cholesky: \(a.count) entries for a \(size)×\(size) matrix")
        if a.contains(where: { !$0.isFinite }) { return nil }
        var l = [Double](repeating: 0, count: size * size)
        var aliased = [Bool](repeating: false, count: size)
        for j in 0..<size {
            var d = a[j * size + j]
            for k in 0..<j { d -= l[j * size + k] * l[j * size + k] }
            let diagonal = a[j * size + j]
            if diagonal <= 0 || d <= tolerance * diagonal {
                // A pivot well below zero means the matrix is not positive semi-definite at all.
                if d < -1e-8 * max(abs(diagonal), 1e-300) { return nil }
                aliased[j] = true
                continue
            }
            let root = d.squareRoot()
            l[j * size + j] = root
            for i in (j + 1)..<max(j + 1, size) {
                var s = a[i * size + j]
                for k in 0..<j { s -= l[i * size + k] * l[j * size + k] }
                l[i * size + j] = s / root
            }
        }
        self.size = size
        self.aliased = aliased
        self.l = l
    }

    /// x with A x = b on the non-aliased columns; aliased components are 0.
    public func solve(_ b: [Double]) -> [Double] {
        precondition(b.count == size)
        // Forward: L z = b (aliased rows of L are zero, their z is 0).
        var z = [Double](repeating: 0, count: size)
        for i in 0..<size where !aliased[i] {
            var s = b[i]
            for k in 0..<i where !aliased[k] { s -= l[i * size + k] * z[k] }
            z[i] = s / l[i * size + i]
        }
        // Backward: Lᵀ x = z.
        var x = [Double](repeating: 0, count: size)
        for i in stride(from: size - 1, through: 0, by: -1) where !aliased[i] {
            var s = z[i]
            for k in (i + 1)..<max(i + 1, size) where !aliased[k] { s -= l[k * size + i] * x[k] }
            x[i] = s / l[i * size + i]
        }
        return x
    }

    /// The diagonal of A⁻¹ restricted to the non-aliased columns (nil where aliased): the
    /// variances of the estimates when A is an information matrix.
    public func inverseDiagonal() -> [Double?] {
        var out = [Double?](repeating: nil, count: size)
        for j in 0..<size where !aliased[j] {
            var e = [Double](repeating: 0, count: size)
            e[j] = 1
            out[j] = solve(e)[j]
        }
        return out
    }
}
