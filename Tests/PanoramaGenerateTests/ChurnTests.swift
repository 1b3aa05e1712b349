import Foundation
import Testing
@testable import PanoramaGenerate

@Suite("Churn a model can learn")
struct ChurnTests {
    @Test("the true churn model is a logistic regression on SPEC §5.2's features, with the signs the operator expects and flags the rule overweights against call forwarding")
    func truthModel() throws {
        let dir = TestSupport.tempDir("churn-truth")
        defer { TestSupport.cleanup(dir) }
        let truth = try SyntheticDeliveryGenerator(options: GeneratorOptions(start: "2026-01", months: 1, customers: 200, seed: 3)).write(to: dir)
        let model = truth.churnModel
        #expect(model.features == ["flag_bill_drop", "flag_call_forward", "flag_offnet", "flag_complaint", "flag_detractor",
                                   "complaints_3m", "open_complaints", "log_arpu_3m", "tenure_years", "vip", "high_value", "has_survey"])
        #expect(Set(model.coefficients.keys) == Set(model.features))
        let c = model.coefficients
        for rising in ["flag_bill_drop", "flag_call_forward", "complaints_3m", "open_complaints", "flag_detractor"] { #expect(c[rising]! > 0, "\(rising)") }
        for falling in ["tenure_years", "vip", "high_value", "log_arpu_3m"] { #expect(c[falling]! < 0, "\(falling)") }
        // Call forwarding is the truth's strongest flag. The rule weighs a bill drop above it, off-net at
        // 4/5 and the complaint flag at 3/5 of it; the truth weighs each at under a fifth.
        let rule = ["flag_bill_drop": 0.30, "flag_call_forward": 0.25, "flag_offnet": 0.20, "flag_complaint": 0.15]
        for flag in ["flag_bill_drop", "flag_offnet", "flag_complaint"] {
            #expect(rule[flag]! / rule["flag_call_forward"]! >= 0.6 && c[flag]! / c["flag_call_forward"]! < 0.2, "\(flag)")
        }
        #expect(c["open_complaints"]! > c["complaints_3m"]!)
    }

    @Test("a logistic fit on the clean files' customer_360 of M-1 and churn in M recovers the true coefficients and ranks churners better than the rule")
    func learnable() throws {
        let dir = TestSupport.tempDir("churn-fit")
        defer { TestSupport.cleanup(dir) }
        let truth = try SyntheticDeliveryGenerator(options: GeneratorOptions(start: "2026-01", months: 4, customers: 15_000, seed: 19,
                                                                             dirtyRate: 0, shifts: false)).write(to: dir)
        let results = try TestSupport.verify(dir, truth)
        let refs = truth.months.map { RefFollowUp(month: $0, months: truth.months, results: results) }
        var x: [[Double]] = [], y: [Double] = [], rule: [Double] = []
        for t in 0..<(refs.count - 1) {
            let a = refs[t], b = refs[t + 1]
            for id in a.base.sorted() where !a.churned.contains(id) && b.base.contains(id) {
                x.append([1] + a.features[id]!)
                y.append(b.churned.contains(id) ? 1 : 0)
                rule.append(Double(a.riskScore[id]!))
            }
        }
        for (k, key) in truth.months.enumerated() {
            let mt = truth.perMonth[key]!
            let share = Double(mt.churnedInMonth) / Double(mt.baseCustomers)
            #expect(share > 0.008 && share < 0.02, "\(key) churn \(share)")
            if k > 0 { #expect(mt.churnedInMonth == refs[k].churned.count) }
        }
        let (beta, se) = Logistic.fit(x, y)
        let truthBeta = [truth.churnModel.intercept] + truth.churnModel.features.map { truth.churnModel.coefficients[$0]! }
        #expect(y.reduce(0, +) > 300, "churners \(y.reduce(0, +))")
        for k in 0..<truthBeta.count {
            let name = k == 0 ? "intercept" : truth.churnModel.features[k - 1]
            #expect(abs(beta[k] - truthBeta[k]) <= 4 * se[k], "\(name): fit \(beta[k]) ± \(se[k]) vs true \(truthBeta[k])")
        }
        let eta = x.map { row in zip(row, truthBeta).map { $0 * $1 }.reduce(0, +) }
        let aucModel = Logistic.auc(eta, y), aucRule = Logistic.auc(rule, y)
        #expect(aucModel > aucRule + 0.05, "AUC true model \(aucModel) vs rule \(aucRule)")
    }
}

/// Unpenalised logistic regression by Newton–Raphson, and the AUC.
enum Logistic {
    static func fit(_ x: [[Double]], _ y: [Double]) -> (beta: [Double], se: [Double]) {
        let p = x[0].count
        var beta = [Double](repeating: 0, count: p)
        var h = [[Double]]()
        for _ in 0..<30 {
            var g = [Double](repeating: 0, count: p)
            h = Array(repeating: [Double](repeating: 0, count: p), count: p)
            for (row, label) in zip(x, y) {
                var eta = 0.0
                for j in 0..<p { eta += row[j] * beta[j] }
                let mu = 1 / (1 + Foundation.exp(-eta)), w = mu * (1 - mu)
                for j in 0..<p {
                    g[j] += row[j] * (label - mu)
                    for k in 0...j { h[j][k] += w * row[j] * row[k] }
                }
            }
            for j in 0..<p { for k in 0..<j { h[k][j] = h[j][k] } }
            let step = solve(h, g)
            for j in 0..<p { beta[j] += step[j] }
            if step.map(abs).max()! < 1e-9 { break }
        }
        let se = (0..<p).map { j -> Double in
            var e = [Double](repeating: 0, count: p)
            e[j] = 1
            return solve(h, e)[j].squareRoot()
        }
        return (beta, se)
    }

    /// Gaussian elimination with partial pivoting.
    static func solve(_ a0: [[Double]], _ b0: [Double]) -> [Double] {
        var a = a0, b = b0
        let n = b.count
        for c in 0..<n {
            let pivot = (c..<n).max { abs(a[$0][c]) < abs(a[$1][c]) }!
            a.swapAt(c, pivot); b.swapAt(c, pivot)
            for r in (c + 1)..<n {
                let f = a[r][c] / a[c][c]
                if f == 0 { continue }
                for k in c..<n { a[r][k] -= f * a[c][k] }
                b[r] -= f * b[c]
            }
        }
        var out = [Double](repeating: 0, count: n)
        for r in stride(from: n - 1, through: 0, by: -1) {
            var s = b[r]
            for k in (r + 1)..<n { s -= a[r][k] * out[k] }
            out[r] = s / a[r][r]
        }
        return out
    }

    /// The probability that a random positive scores above a random negative (ties count ½).
    static func auc(_ score: [Double], _ y: [Double]) -> Double {
        let order = score.indices.sorted { score[$0] < score[$1] }
        var rankSum = 0.0
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && score[order[j + 1]] == score[order[i]] { j += 1 }
            let rank = Double(i + j + 2) / 2
            for k in i...j where y[order[k]] == 1 { rankSum += rank }
            i = j + 1
        }
        let n1 = y.reduce(0, +), n0 = Double(y.count) - n1
        return (rankSum - n1 * (n1 + 1) / 2) / (n1 * n0)
    }
}
