// Ridge-penalised logistic regression by Newton–Raphson (SPEC §5.2): maximises
//     Σᵢ [yᵢ·ln pᵢ + (1 − yᵢ)·ln(1 − pᵢ)] − (λ/2)·Σⱼ βⱼ²,   pᵢ = 1/(1 + e^−ηᵢ), ηᵢ = β₀ + Σⱼ βⱼxᵢⱼ,
// the intercept β₀ not penalised, from β = 0 until max|Δβ| ≤ 1e-10 (at most 100 iterations).
//
// Staying finite without changing good fits. Nothing is added to the objective: on data with a
// finite optimum every step is the plain Newton step and the result is the Newton iterate.
//  - p, 1 − p, the weight p(1 − p) and the log-likelihood are computed from e^−|η| (softplus form),
//    so no row gives NaN or ±inf for any finite η; η is never clamped.
//  - A direction the penalised Hessian does not determine (no rows, a constant or collinear
//    predictor with λ = 0, weights underflowed on separated data) gets a zero step and is reported
//    as aliased (R's glm reports such coefficients as NA; here they stay at their last value, 0
//    when aliased from the start).
//  - A step whose objective is not finite or lower than before is halved (at most 30 times); a
//    step that cannot be made good stops the fit at the last finite iterate, with a warning.
//  - Separated or constant y has no finite optimum without ridge on that direction (the intercept
//    is never penalised): the iterates drift, the 100-iteration limit stops them, and the fit says
//    so (not converged; fitted probabilities numerically 0 or 1; constant response).
// Sums over rows run in fixed chunks on all cores and are added in chunk order, so the result is
// the same bit for bit on any machine and any number of cores.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#elseif canImport(ucrt)
import ucrt
#endif
import Dispatch

/// Something a logistic fit reports instead of failing.
public enum LogisticWarning: Sendable, Equatable, CustomStringConvertible {
    /// There are no rows: the coefficients stay at the starting point 0.
    case noRows
    /// Every y is the same: the intercept has no finite optimum and drifts for the iterations allowed.
    case constantResponse
    /// max|Δβ| was still above the tolerance after the iterations allowed; the last iterate is kept.
    case notConverged(iterations: Int)
    /// Fitted probabilities numerically 0 or 1 (below 10·ε from either end) for this many rows:
    /// the data are (quasi-)separated and, without ridge, some coefficients drift.
    case separation(rows: Int)
    /// Coefficients (0 = intercept, j = predictor j − 1) the penalised Hessian did not determine;
    /// they kept their last value.
    case aliased([Int])
    /// No step improved the objective even after halving; the last finite iterate is kept.
    case stepFailed(iteration: Int)
    /// The information matrix lost rank during the fit (the weights p(1 − p) of separated rows
    /// vanish numerically): the Newton step is no longer defined; the last iterate is kept.
    case rankLost(iteration: Int)

    public var description: String {
        switch self {
        case .noRows: return "no rows: the coefficients stay at 0"
        case .constantResponse: return "the response is constant: the intercept has no finite optimum"
        case .notConverged(let k): return "not converged after \(k) iterations: the last iterate is kept"
        case .separation(let rows): return "fitted probabilities numerically 0 or 1 for \(rows) rows (separation)"
        case .aliased(let js): return "coefficients \(js.map(String.init).joined(separator: ", ")) not determined (aliased)"
        case .stepFailed(let k): return "no improving step at iteration \(k): the last finite iterate is kept"
        case .rankLost(let k): return "the information matrix lost rank at iteration \(k) (weights numerically 0): the last iterate is kept"
        }
    }
}

/// A fitted logistic regression.
public struct LogisticFit: Sendable, Equatable {
    /// β₀ (intercept) then one coefficient per predictor, in the rows' predictor order.
    public let coefficients: [Double]
    /// Standard errors √diag((XᵀWX + λĨ)⁻¹) at the final β (nil where aliased or without rows). For
    /// λ = 0 these are R's glm standard errors.
    public let standardErrors: [Double?]
    /// Newton steps taken.
    public let iterations: Int
    /// Whether max|Δβ| ≤ tolerance was reached.
    public let converged: Bool
    /// Σ[y ln p + (1 − y) ln(1 − p)] at the final β (unpenalised).
    public let logLikelihood: Double
    /// The objective maximised: logLikelihood − (λ/2)Σⱼ βⱼ².
    public let penalisedLogLikelihood: Double
    /// Rows and rows with y = 1.
    public let n: Int
    public let events: Int
    /// λ.
    public let ridge: Double
    /// What went wrong without stopping the fit, in the order found.
    public let warnings: [LogisticWarning]

    /// Residual deviance −2·logLikelihood (R's `deviance`).
    public var deviance: Double { -2 * logLikelihood }

    /// η = β₀ + β₁x₁ + … accumulated predictor by predictor in order.
    @inline(__always)
    public func linearPredictor(_ x: UnsafeBufferPointer<Double>) -> Double {
        var eta = coefficients[0]
        for j in 0..<x.count { eta += coefficients[j + 1] * x[j] }
        return eta
    }

    /// p = 1/(1 + e^−η) for one row of predictors (in order).
    public func probability(_ x: [Double]) -> Double {
        precondition(x.count + 1 == coefficients.count, "\(x.count) predictors for \(coefficients.count - 1) coefficients")
        return x.withUnsafeBufferPointer { LogisticRegression.probability(linearPredictor($0)) }
    }
}

/// Newton–Raphson for the ridge-penalised logistic regression (see the top of this file).
public enum LogisticRegression {
    /// SPEC §5.2: stop when max|Δβ| ≤ 1e-10.
    public static let defaultTolerance = 1e-10
    /// SPEC §5.2: at most 100 iterations.
    public static let defaultMaxIterations = 100
    /// Rows per unit of parallel work; fixed so that sums never depend on the number of cores.
    static let chunkRows = 32_768

    /// p = 1/(1 + e^−η), as SPEC §5.2 writes it (0 when e^−η overflows, never NaN for finite η).
    @inline(__always)
    public static func probability(_ eta: Double) -> Double { 1 / (1 + exp(-eta)) }

    /// Fits dense columns (`x[j][i]` = predictor j of row i).
    public static func fit(y: [Bool], x: [[Double]], ridge: Double = 0, tolerance: Double = defaultTolerance,
                           maxIterations: Int = defaultMaxIterations) throws(StatsError) -> LogisticFit {
        try fit([LogisticRows(y: y, x: x)], ridge: ridge, tolerance: tolerance, maxIterations: maxIterations)
    }

    /// Fits the union of several row sets of the same layout (for instance one per month pair),
    /// without copying them into one.
    public static func fit(_ parts: [LogisticRows], ridge: Double, tolerance: Double = defaultTolerance,
                           maxIterations: Int = defaultMaxIterations) throws(StatsError) -> LogisticFit {
        guard let first = parts.first else { throw .dimensionMismatch("no row sets to fit") }
        if let j = parts.firstIndex(where: { !$0.sameLayout(as: first) }) {
            throw .dimensionMismatch("row set \(j) has another predictor layout than row set 0")
        }
        if !(ridge >= 0 && ridge.isFinite) { throw .nonFiniteValue("ridge must be finite and ≥ 0, not \(ridge)") }
        let size = first.predictors.count + 1
        let n = parts.reduce(0) { $0 + $1.count }
        let events = parts.reduce(0) { $0 + $1.events }
        let work = NewtonPasses(parts: parts)

        var warnings: [LogisticWarning] = []
        if n == 0 { warnings.append(.noRows) } else if events == 0 || events == n { warnings.append(.constantResponse) }

        func penalty(_ beta: [Double]) -> Double {
            var s = 0.0
            for j in 1..<size { s += beta[j] * beta[j] }
            return ridge / 2 * s
        }

        var beta = [Double](repeating: 0, count: size)
        var current = work.evaluate(beta)
        var objective = current.logLikelihood - penalty(beta)
        var iterations = 0
        var converged = false
        var stopped = false
        var aliased: [Int] = []
        while iterations < maxIterations {
            var h = current.hessian
            var g = current.gradient
            for j in 1..<size {
                h[j * size + j] += ridge
                g[j] -= ridge * beta[j]
            }
            guard let factor = Cholesky(h, size: size) else {
                warnings.append(.stepFailed(iteration: iterations + 1))
                stopped = true
                break
            }
            let nowAliased = (0..<size).filter { factor.aliased[$0] }
            // Aliasing is a property of the design, seen at β = 0 where every weight is ¼; a
            // direction that becomes undetermined later does so because its weights vanished.
            if iterations > 0 && nowAliased != aliased {
                warnings.append(.rankLost(iteration: iterations + 1))
                stopped = true
                break
            }
            aliased = nowAliased
            let delta = factor.solve(g)
            if delta.contains(where: { !$0.isFinite }) {
                warnings.append(.stepFailed(iteration: iterations + 1))
                stopped = true
                break
            }
            // Full Newton step unless it makes the objective non-finite or clearly worse; the
            // slack only absorbs rounding in a sum over millions of rows near the optimum.
            var step = 1.0
            var accepted: (beta: [Double], pass: NewtonPasses.Pass, objective: Double)?
            for _ in 0...30 {
                let candidate = (0..<size).map { beta[$0] + step * delta[$0] }
                if candidate.allSatisfy(\.isFinite) {
                    let pass = work.evaluate(candidate)
                    let value = pass.logLikelihood - penalty(candidate)
                    if value.isFinite && value >= objective - 1e-9 * (1 + abs(objective)) {
                        accepted = (candidate, pass, value)
                        break
                    }
                }
                step /= 2
            }
            iterations += 1
            guard let next = accepted else {
                warnings.append(.stepFailed(iteration: iterations))
                stopped = true
                break
            }
            var change = 0.0
            for j in 0..<size { change = max(change, abs(next.beta[j] - beta[j])) }
            beta = next.beta
            current = next.pass
            objective = next.objective
            if change <= tolerance {
                converged = true
                break
            }
        }
        if !converged && !stopped { warnings.append(.notConverged(iterations: iterations)) }
        if current.extremeRows > 0 { warnings.append(.separation(rows: current.extremeRows)) }
        if !aliased.isEmpty && n > 0 { warnings.append(.aliased(aliased)) }

        // Standard errors from the penalised Hessian at the final β.
        var h = current.hessian
        for j in 1..<size { h[j * size + j] += ridge }
        var errors = [Double?](repeating: nil, count: size)
        if n > 0, let factor = Cholesky(h, size: size) {
            errors = factor.inverseDiagonal().map { v in v.flatMap { $0 >= 0 && $0.isFinite ? $0.squareRoot() : nil } }
        }
        return LogisticFit(coefficients: beta, standardErrors: errors, iterations: iterations, converged: converged,
                           logLikelihood: current.logLikelihood, penalisedLogLikelihood: objective, n: n, events: events,
                           ridge: ridge, warnings: warnings)
    }
}

/// One evaluation of the log-likelihood, its gradient and the information matrix XᵀWX at β over
/// all rows, in fixed chunks on all cores.
struct NewtonPasses {
    /// The sums of one pass (unpenalised).
    struct Pass {
        var logLikelihood: Double
        /// Xᵀ(y − p), intercept first.
        var gradient: [Double]
        /// XᵀWX, row-major (size × size), W = diag(p(1 − p)).
        var hessian: [Double]
        /// Rows whose fitted p is within 10·ε of 0 or 1.
        var extremeRows: Int
    }

    /// One chunk's sums: per indicator pattern m the sums of w, y − p and w·x for each numeric
    /// column, plus the numeric columns' own sums.
    struct ChunkSums {
        var logLikelihood = 0.0
        var extreme = 0
        var w: [Double]          // [pattern]
        var r: [Double]          // [pattern]
        var wx: [Double]         // [pattern * numeric + c]
        var rx: [Double]         // [c]
        var wxx: [Double]        // [c * numeric + d], d ≥ c

        init(patterns: Int, numeric: Int) {
            w = [Double](repeating: 0, count: patterns)
            r = [Double](repeating: 0, count: patterns)
            wx = [Double](repeating: 0, count: patterns * numeric)
            rx = [Double](repeating: 0, count: numeric)
            wxx = [Double](repeating: 0, count: numeric * numeric)
        }

        mutating func add(_ o: ChunkSums) {
            logLikelihood += o.logLikelihood
            extreme += o.extreme
            for k in 0..<w.count { w[k] += o.w[k]; r[k] += o.r[k] }
            for k in 0..<wx.count { wx[k] += o.wx[k] }
            for k in 0..<rx.count { rx[k] += o.rx[k] }
            for k in 0..<wxx.count { wxx[k] += o.wxx[k] }
        }
    }

    let parts: [LogisticRows]
    /// (part, first row, end row) of every chunk, in row order.
    let chunks: [(part: Int, start: Int, end: Int)]
    let predictors: [LogisticRows.Predictor]
    let bitCount: Int
    let numericCount: Int

    init(parts: [LogisticRows]) {
        self.parts = parts
        var chunks: [(part: Int, start: Int, end: Int)] = []
        for (k, p) in parts.enumerated() {
            var start = 0
            while start < p.count {
                let end = min(p.count, start + LogisticRegression.chunkRows)
                chunks.append((k, start, end))
                start = end
            }
        }
        self.chunks = chunks
        predictors = parts[0].predictors
        bitCount = parts[0].bitCount
        numericCount = parts[0].numericCount
    }

    func evaluate(_ beta: [Double]) -> Pass {
        let patterns = 1 << bitCount
        let numeric = numericCount
        // η of each indicator pattern (intercept plus the set bits' coefficients, in model order)
        // and the numeric columns' coefficients.
        var patternEta = [Double](repeating: beta[0], count: patterns)
        var numericBeta = [Double](repeating: 0, count: numeric)
        for m in 0..<patterns {
            for (j, p) in predictors.enumerated() {
                if case .indicator(let b) = p, (m >> b) & 1 == 1 { patternEta[m] += beta[j + 1] }
            }
        }
        for (j, p) in predictors.enumerated() {
            if case .numeric(let c) = p { numericBeta[c] = beta[j + 1] }
        }
        let sums = inParallel(chunks.count) { k -> ChunkSums in
            let chunk = chunks[k]
            let rows = parts[chunk.part], range = chunk.start..<chunk.end
            // The numeric loops run with a constant trip count for the usual widths (the compiler
            // unrolls them); other widths take the same code with a run-time count.
            switch numeric {
            case 0: return accumulate(Width0.self, rows, range, patternEta, numericBeta, patterns)
            case 1: return accumulate(Width1.self, rows, range, patternEta, numericBeta, patterns)
            case 2: return accumulate(Width2.self, rows, range, patternEta, numericBeta, patterns)
            case 3: return accumulate(Width3.self, rows, range, patternEta, numericBeta, patterns)
            case 4: return accumulateFour(rows, range, patternEta, numericBeta, patterns)
            case 5: return accumulate(Width5.self, rows, range, patternEta, numericBeta, patterns)
            default: return accumulate(AnyWidth.self, rows, range, patternEta, numericBeta, patterns)
            }
        }
        var total = ChunkSums(patterns: patterns, numeric: numeric)
        for s in sums { total.add(s) }
        return assemble(total, patterns: patterns)
    }

    /// The hot loop: one chunk of rows.
    private func accumulate<W: NumericWidth>(_ width: W.Type, _ rows: LogisticRows, _ range: Range<Int>, _ patternEta: [Double],
                                             _ numericBeta: [Double], _ patterns: Int) -> ChunkSums {
        let numeric = W.count ?? numericCount
        var sw = [Double](repeating: 0, count: patterns)
        var sr = [Double](repeating: 0, count: patterns)
        var swx = [Double](repeating: 0, count: patterns * numeric)
        var srx = [Double](repeating: 0, count: numeric)
        var swxx = [Double](repeating: 0, count: numeric * numeric)
        let extremeBound = 10 * Double.ulpOfOne
        // ln p = y·η − max(η, 0) − ln(1 + e^−|η|) for y = 1 and likewise for y = 0: the linear part is
        // summed per row, the logarithms per block of 32 rows as the log of a product of factors in
        // (1, 2] (no overflow; one log instead of 32 — the largest cost of a pass otherwise).
        var linear = 0.0
        var logs = 0.0
        var extreme = 0
        let y = rows.storage.y, bits = rows.storage.bits, numbers = rows.storage.numbers
        patternEta.withUnsafeBufferPointer { patternEta in
        numericBeta.withUnsafeBufferPointer { nb in
        sw.withUnsafeMutableBufferPointer { sw in
        sr.withUnsafeMutableBufferPointer { sr in
        swx.withUnsafeMutableBufferPointer { swx in
        srx.withUnsafeMutableBufferPointer { srx in
        swxx.withUnsafeMutableBufferPointer { swxx in
            let hasBits = !bits.isEmpty
            var product = 1.0
            var inProduct = 0
            for i in range {
                let m = hasBits ? Int(bits[i]) : 0
                let row = i * numeric
                var eta = patternEta[m]
                for c in 0..<numeric { eta += nb[c] * numbers[row + c] }
                // e = e^−|η| ∈ (0, 1]: p and 1 − p without cancellation.
                let e = exp(-abs(eta))
                let q = 1 / (1 + e)
                let p = eta >= 0 ? q : e * q
                let w = e * q * q
                let isEvent = y[i] == 1
                let r = (isEvent ? 1 : 0) - p
                linear += (isEvent ? eta : 0) - max(eta, 0)
                product *= 1 + e
                inProduct += 1
                if inProduct == 32 {
                    logs += log(product)
                    product = 1
                    inProduct = 0
                }
                if p < extremeBound || p > 1 - extremeBound { extreme += 1 }
                sw[m] += w
                sr[m] += r
                let base = m * numeric
                for c in 0..<numeric {
                    let xc = numbers[row + c]
                    let wxc = w * xc
                    swx[base + c] += wxc
                    srx[c] += r * xc
                    for d in c..<numeric { swxx[c * numeric + d] += wxc * numbers[row + d] }
                }
            }
            if inProduct > 0 { logs += log(product) }
        }}}}}}}
        let ll = linear - logs
        var s = ChunkSums(patterns: 0, numeric: 0)
        s.logLikelihood = ll
        s.extreme = extreme
        s.w = sw; s.r = sr; s.wx = swx; s.rx = srx; s.wxx = swxx
        return s
    }

    /// The hot loop for four numeric columns (the churn model's width). Rows come in runs of one
    /// indicator pattern (and one set of numeric columns that are 0), so each run is added in
    /// registers and its sums stored once. Within a run, rows go eight at a time: e^−|η|, p and
    /// the weights as SIMD8 (one vector exp and divide instead of eight), then each row's numbers
    /// as a SIMD4 into Σw·x, Σr·x and the rows of XᵀWX's numeric block — only the last two rows
    /// when the first two columns are 0 throughout the run (a churn model's complaint counts for
    /// most customers). A run's last rows (fewer than eight) take the same steps one at a time.
    private func accumulateFour(_ rows: LogisticRows, _ range: Range<Int>, _ patternEta: [Double], _ numericBeta: [Double],
                                _ patterns: Int) -> ChunkSums {
        var s = ChunkSums(patterns: patterns, numeric: 4)
        let extremeBound = 10 * Double.ulpOfOne
        let nb = SIMD4<Double>(numericBeta[0], numericBeta[1], numericBeta[2], numericBeta[3])
        // At β = 0 (the first pass of every fit) every η is 0: e = 1, p = ½, w = ¼, exactly what the
        // exp and divide would give, so they are skipped.
        let atZero = nb == SIMD4() && patternEta.allSatisfy { $0 == 0 }
        var rx = SIMD4<Double>(), h0 = SIMD4<Double>(), h1 = SIMD4<Double>(), h2 = SIMD4<Double>(), h3 = SIMD4<Double>()
        // ln p = y·η − max(η, 0) − ln(1 + e^−|η|): the linear part summed per row, the logarithms
        // as the log of a product of 32 factors in (1, 2] (one log instead of 32).
        var linear = 0.0, logs = 0.0
        var product = 1.0, inProduct = 0
        var extreme = 0
        // The first run that ends inside the range.
        var first = 0, last = rows.runs.count
        while first < last {
            let mid = (first + last) / 2
            if rows.runs[mid].end <= range.lowerBound { first = mid + 1 } else { last = mid }
        }
        let y = rows.storage.y, numbers = UnsafeRawBufferPointer(rows.storage.numbers)
        do {
            @inline(__always) func row(_ k: Int) -> SIMD4<Double> { numbers.loadUnaligned(fromByteOffset: k * 32, as: SIMD4<Double>.self) }
            // Adds one block's log-likelihood terms (see NewtonPasses.block).
            @inline(__always) func add(_ b: BlockTerms) {
                linear += b.linear
                product *= b.product
                inProduct += 8
                if inProduct == 32 {
                    logs += log(product)
                    product = 1
                    inProduct = 0
                }
                extreme += b.extreme
            }
            /// The same for one row.
            @inline(__always) func single(_ eta: Double, _ isEvent: Bool) -> (w: Double, r: Double) {
                let e = exp(-abs(eta))
                let q = 1 / (1 + e)
                let p = eta >= 0 ? q : e * q
                linear += (isEvent ? eta : 0) - max(eta, 0)
                logs += log(1 + e)
                if p < extremeBound || p > 1 - extremeBound { extreme += 1 }
                return (e * q * q, (isEvent ? 1 : 0) - p)
            }
            var runIndex = first
            while runIndex < rows.runs.count && rows.runs[runIndex].start < range.upperBound {
                let run = rows.runs[runIndex]
                runIndex += 1
                let start = max(run.start, range.lowerBound), end = min(run.end, range.upperBound)
                let m = run.pattern
                let a = patternEta[m]
                var sw = 0.0, sr = 0.0
                var wx = SIMD4<Double>()
                var k = start
                // The two branches below are written out: sharing their eight-row step through a
                // closure made the fit 2.5 times slower.
                if run.zeroColumns & 3 == 3 {
                    // Columns 0 and 1 are 0: only (x2, x3) enter η and the sums.
                    let nb23 = SIMD2<Double>(nb[2], nb[3])
                    var wx23 = SIMD2<Double>(), rx23 = SIMD2<Double>(), h23 = SIMD2<Double>()
                    var h33 = 0.0
                    @inline(__always) func row23(_ k: Int) -> SIMD2<Double> { numbers.loadUnaligned(fromByteOffset: k * 32 + 16, as: SIMD2<Double>.self) }
                    while k + 8 <= end {
                        var eta = SIMD8<Double>(), event = SIMD8<Double>()
                        for l in 0..<8 {
                            eta[l] = a + (nb23 * row23(k + l)).sum()
                            event[l] = y[k + l] == 1 ? 1 : 0
                        }
                        let b = atZero ? Self.blockAtZero(event) : Self.block(eta, event, extremeBound)
                        add(b)
                        let w = b.w, r = b.r
                        sw += w.sum()
                        sr += r.sum()
                        for l in 0..<8 {
                            let x = row23(k + l)
                            let wxl = w[l] * x
                            wx23 += wxl
                            rx23 += r[l] * x
                            h23 += wxl[0] * x
                            h33 += wxl[1] * x[1]
                        }
                        k += 8
                    }
                    while k < end {
                        let x = row23(k)
                        let (w, r) = single(a + (nb23 * x).sum(), y[k] == 1)
                        sw += w
                        sr += r
                        let wxk = w * x
                        wx23 += wxk
                        rx23 += r * x
                        h23 += wxk[0] * x
                        h33 += wxk[1] * x[1]
                        k += 1
                    }
                    wx = SIMD4(0, 0, wx23[0], wx23[1])
                    rx += SIMD4(0, 0, rx23[0], rx23[1])
                    h2 += SIMD4(0, 0, h23[0], h23[1])
                    h3 += SIMD4(0, 0, 0, h33)
                } else {
                    while k + 8 <= end {
                        var eta = SIMD8<Double>(), event = SIMD8<Double>()
                        for l in 0..<8 {
                            eta[l] = a + (nb * row(k + l)).sum()
                            event[l] = y[k + l] == 1 ? 1 : 0
                        }
                        let b = atZero ? Self.blockAtZero(event) : Self.block(eta, event, extremeBound)
                        add(b)
                        let w = b.w, r = b.r
                        sw += w.sum()
                        sr += r.sum()
                        for l in 0..<8 {
                            let x = row(k + l)
                            let wxl = w[l] * x
                            wx += wxl
                            rx += r[l] * x
                            h0 += wxl[0] * x
                            h1 += wxl[1] * x
                            h2 += wxl[2] * x
                            h3 += wxl[3] * x
                        }
                        k += 8
                    }
                    while k < end {
                        let x = row(k)
                        let (w, r) = single(a + (nb * x).sum(), y[k] == 1)
                        sw += w
                        sr += r
                        let wxk = w * x
                        wx += wxk
                        rx += r * x
                        h0 += wxk[0] * x
                        h1 += wxk[1] * x
                        h2 += wxk[2] * x
                        h3 += wxk[3] * x
                        k += 1
                    }
                }
                s.w[m] += sw
                s.r[m] += sr
                for c in 0..<4 { s.wx[m * 4 + c] += wx[c] }
            }
        }
        if inProduct > 0 { logs += log(product) }
        s.logLikelihood = linear - logs
        s.extreme = extreme
        s.rx = [rx[0], rx[1], rx[2], rx[3]]
        // Only the upper triangle (d ≥ c) is read.
        let hRows = [h0, h1, h2, h3]
        for c in 0..<4 { for d in c..<4 { s.wxx[c * 4 + d] = hRows[c][d] } }
        return s
    }

    /// What eight rows add besides their weights: w = p(1 − p) and r = y − p of each, the linear
    /// part of their log-likelihood, the product of their factors 1 + e^−|η| (whose log is the
    /// rest) and how many have p numerically 0 or 1.
    struct BlockTerms {
        var w: SIMD8<Double>
        var r: SIMD8<Double>
        var linear: Double
        var product: Double
        var extreme: Int
    }

    /// `block` for η = 0, bit for bit: e = 1, 1 + e = 2, p = ½, w = ¼, r = y − ½, no linear part.
    @inline(__always)
    static func blockAtZero(_ event: SIMD8<Double>) -> BlockTerms {
        BlockTerms(w: SIMD8(repeating: 0.25), r: event - 0.5, linear: 0, product: 256, extreme: 0)
    }

    /// e^−|η|, p, w, r and the log-likelihood terms of eight rows (one vector exp and divide).
    @inline(__always)
    static func block(_ eta: SIMD8<Double>, _ event: SIMD8<Double>, _ extremeBound: Double) -> BlockTerms {
        let e = VectorExp.nonPositive(-(eta.replacing(with: -eta, where: eta .< 0)))
        let onePlus = 1 + e
        let q = 1 / onePlus
        let p = (e * q).replacing(with: q, where: eta .>= 0)
        let linear = (event * eta - eta.replacing(with: 0, where: eta .< 0)).sum()
        // Eight factors in (1, 2] multiply to at most 256; four such blocks per log.
        let product = (onePlus[0] * onePlus[1]) * (onePlus[2] * onePlus[3]) * ((onePlus[4] * onePlus[5]) * (onePlus[6] * onePlus[7]))
        // Counted as a vector sum (`any` on a mask is a generic call per block).
        let outside = SIMD8<Double>().replacing(with: 1, where: (p .< extremeBound) .| (p .> 1 - extremeBound)).sum()
        return BlockTerms(w: e * q * q, r: event - p, linear: linear, product: product, extreme: Int(outside))
    }

    /// XᵀWX and Xᵀ(y − p) from the per-pattern sums.
    private func assemble(_ t: ChunkSums, patterns: Int) -> Pass {
        let size = predictors.count + 1
        let numeric = numericCount
        var h = [Double](repeating: 0, count: size * size)
        var g = [Double](repeating: 0, count: size)
        // Sum of a per-pattern quantity over the patterns that have every bit of `need` set.
        func over(_ need: Int, _ value: (Int) -> Double) -> Double {
            var s = 0.0
            for m in 0..<patterns where m & need == need { s += value(m) }
            return s
        }
        // Column k of the design: 0 = intercept, else predictor k − 1.
        enum Column { case one, bit(Int), number(Int) }
        let columns: [Column] = [.one] + predictors.map {
            switch $0 {
            case .indicator(let b): return .bit(b)
            case .numeric(let c): return .number(c)
            }
        }
        func mask(_ c: Column) -> Int {
            if case .bit(let b) = c { return 1 << b }
            return 0
        }
        for a in 0..<size {
            switch columns[a] {
            case .number(let c): g[a] = t.rx[c]
            default: g[a] = over(mask(columns[a])) { t.r[$0] }
            }
            for b in 0...a {
                let value: Double
                switch (columns[a], columns[b]) {
                case (.number(let c), .number(let d)):
                    value = t.wxx[min(c, d) * numeric + max(c, d)]
                case (.number(let c), let other), (let other, .number(let c)):
                    value = over(mask(other)) { t.wx[$0 * numeric + c] }
                default:
                    value = over(mask(columns[a]) | mask(columns[b])) { t.w[$0] }
                }
                h[a * size + b] = value
                h[b * size + a] = value
            }
        }
        return Pass(logLikelihood: t.logLikelihood, gradient: g, hessian: h, extremeRows: t.extreme)
    }
}

/// The number of numeric columns as a type, so that the pass is compiled once per usual width.
protocol NumericWidth { static var count: Int? { get } }
enum Width0: NumericWidth { static var count: Int? { 0 } }
enum Width1: NumericWidth { static var count: Int? { 1 } }
enum Width2: NumericWidth { static var count: Int? { 2 } }
enum Width3: NumericWidth { static var count: Int? { 3 } }
enum Width4: NumericWidth { static var count: Int? { 4 } }
enum Width5: NumericWidth { static var count: Int? { 5 } }
/// Any other width, known at run time.
enum AnyWidth: NumericWidth { static var count: Int? { nil } }

/// Runs `body` for 0..<count on all cores; results in index order (so sums over them are
/// deterministic). `body` must only read shared state.
func inParallel<T>(_ count: Int, _ body: (Int) -> T) -> [T] {
    if count <= 1 { return (0..<count).map(body) }
    var results = [T?](repeating: nil, count: count)
    results.withUnsafeMutableBufferPointer { slots in
        withoutActuallyEscaping(body) { body in
            let box = ParallelSlots(slots: slots, body: body)
            DispatchQueue.concurrentPerform(iterations: count) { i in box.slots[i] = box.body(i) }
        }
    }
    return results.map { $0! }
}

/// Disjoint result slots and the read-only work closure handed to worker threads.
private struct ParallelSlots<T>: @unchecked Sendable {
    let slots: UnsafeMutableBufferPointer<T?>
    let body: (Int) -> T
}
