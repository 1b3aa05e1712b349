/// One-pass sums of a group's answers to the seven survey dimensions: per dimension the count, sum
/// and sum of squares, and per pair of dimensions the count, the sum of the products and the sums of
/// each score over the surveys answering both. They hold the sub-indices (SPEC §4), their standard
/// errors, and the exact expansion of sat_index's linearised variance (SPEC §4.1) without keeping or
/// re-reading a single survey. Scores are integers 1–10, so every sum is an exact integer.
struct ScoreMoments {
    static let count = 7

    /// Three 7×7 tables in one buffer, each indexed `i * 7 + j`: at 0 the surveys answering both i
    /// and j (the diagonal: answering i); at 49 Σ x_i · x_j over them (the diagonal: Σ x_i²); at 98
    /// Σ x_i over them (the diagonal: Σ x_i).
    private var table = [Int](repeating: 0, count: 3 * 49)
    func pairN(_ k: Int) -> Int { table[k] }
    func pairProduct(_ k: Int) -> Int { table[49 + k] }
    func pairSum(_ k: Int) -> Int { table[98 + k] }

    /// Adds one survey: `answered` lists the dimensions it answered and `scores` holds their scores
    /// by dimension (entries of unanswered dimensions are not read). One uniqueness check per survey,
    /// not one per cell: this runs for every survey in six groups.
    @inline(__always)
    mutating func add(answered: [Int], scores: [Int]) {
        table.withUnsafeMutableBufferPointer { t in
            answered.withUnsafeBufferPointer { a in
                scores.withUnsafeBufferPointer { x in
                    for i in a {
                        let xi = x[i]
                        for j in a {
                            let k = i &* 7 &+ j
                            t[k] &+= 1
                            t[49 &+ k] &+= xi &* x[j]
                            t[98 &+ k] &+= xi
                        }
                    }
                }
            }
        }
    }

    /// Answers to dimension i.
    func n(_ i: Int) -> Int { pairN(i * 8) }
    /// Sum of the scores of dimension i.
    func sum(_ i: Int) -> Int { pairSum(i * 8) }
    /// Sum of the squared scores of dimension i.
    func sumOfSquares(_ i: Int) -> Int { pairProduct(i * 8) }

    /// 10 × s/√n of dimension i's scores (s with n − 1), nil when n < 2 (SPEC §4.1).
    func subIndexStdErr(_ i: Int) -> Double? {
        ScoreMoments.scaledStdErr(n: n(i), sum: sum(i), sumOfSquares: sumOfSquares(i))
    }

    /// 10 × s/√n from integer sums: n·Σx² − (Σx)² is exact, so no cancellation is lost.
    static func scaledStdErr(n: Int, sum: Int, sumOfSquares: Int) -> Double? {
        guard n >= 2 else { return nil }
        let numerator = Double(n * sumOfSquares - sum * sum)   // = n(n−1)·s²
        let variance = max(0, numerator) / (Double(n) * Double(n - 1))
        return 10 * (variance / Double(n)).squareRoot()
    }

    /// sat_index's standard error by linearisation over `respondents` surveys (those answering at
    /// least one dimension), SPEC §4.1: with P the dimensions answered in the group, W = Σ_P wᵢ,
    /// cᵢ = 10·wᵢ/(W·nᵢ) and mᵢ the mean of dimension i, uᵣ = Σ_{i answered by r} cᵢ(x_ri − mᵢ), and
    ///   Σᵣ uᵣ² = Σᵢ Σⱼ cᵢ cⱼ Σ_{r answering i and j} (x_ri − mᵢ)(x_rj − mⱼ)
    ///          = Σᵢ Σⱼ cᵢ cⱼ (Σx_i x_j − mⱼ Σx_i − mᵢ Σx_j + mᵢ mⱼ n_ij)   (sums over r answering both).
    /// std_err = √(n/(n−1) · Σᵣ uᵣ²); nil when n < 2.
    func satIndexStdErr(weights: [Double], respondents: Int) -> Double? {
        guard respondents >= 2 else { return nil }
        let present = (0..<ScoreMoments.count).filter { n($0) > 0 }
        let totalWeight = present.reduce(0.0) { $0 + weights[$1] }
        guard totalWeight > 0 else { return nil }
        var c = [Double](repeating: 0, count: ScoreMoments.count), mean = c
        for i in present {
            c[i] = 10 * weights[i] / (totalWeight * Double(n(i)))
            mean[i] = Double(sum(i)) / Double(n(i))
        }
        var sumU2 = 0.0
        for i in present {
            for j in present {
                let k = i * 7 + j, kt = j * 7 + i
                guard pairN(k) > 0 else { continue }
                let products = Double(pairProduct(k)), sumI = Double(pairSum(k)), sumJ = Double(pairSum(kt))
                let centred: Double = products - mean[j] * sumI - mean[i] * sumJ + mean[i] * mean[j] * Double(pairN(k))
                sumU2 += c[i] * c[j] * centred
            }
        }
        let r = Double(respondents)
        return (r / (r - 1) * max(0, sumU2)).squareRoot()
    }
}

/// Mean and sum of squared deviations of decimals (ARPU) by Welford's one-pass update, which stays
/// accurate where Σx² − (Σx)²/n would cancel (a large mean, or one bill far from all the others).
struct RunningMoments {
    private(set) var n = 0
    private var mean = 0.0, squaredDeviations = 0.0

    @inline(__always)
    mutating func add(_ x: Double) {
        n += 1
        let delta = x - mean
        mean += delta / Double(n)
        squaredDeviations += delta * (x - mean)
    }

    /// s/√n with s the sample standard deviation (n − 1); nil when n < 2 (SPEC §4.1).
    var stdErr: Double? {
        guard n >= 2 else { return nil }
        return (squaredDeviations / Double(n - 1) / Double(n)).squareRoot()
    }
}
