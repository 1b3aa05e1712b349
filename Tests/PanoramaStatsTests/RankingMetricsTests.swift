import Testing
import PanoramaStats

@Suite("AUC, top-decile lift and risk order (SPEC §5.2 backtest)")
struct RankingMetricsTests {
    @Test("AUC counts a tied positive–negative pair as ½")
    func aucWithTies() throws {
        // Positives score 3, 2, 1; negatives 2, 1. Pairs (positive, negative):
        // (3,2) 1, (3,1) 1, (2,2) ½, (2,1) 1, (1,2) 0, (1,1) ½ → 4 of 6 = 0.666…
        let auc = try RankingMetrics.auc(scores: [3, 2, 2, 1, 1], labels: [true, true, false, false, true])
        #expect(auc == 4.0 / 6.0)
        // Perfect and reversed rankings, and all scores equal.
        #expect(try RankingMetrics.auc(scores: [2, 1], labels: [true, false]) == 1)
        #expect(try RankingMetrics.auc(scores: [1, 2], labels: [true, false]) == 0)
        #expect(try RankingMetrics.auc(scores: [5, 5, 5, 5], labels: [true, false, false, true]) == 0.5)
        // Not defined without a positive or without a negative.
        #expect(try RankingMetrics.auc(scores: [1, 2], labels: [false, false]) == nil)
        #expect(try RankingMetrics.auc(scores: [1, 2], labels: [true, true]) == nil)
        #expect(try RankingMetrics.auc(scores: [], labels: []) == nil)
    }

    @Test("top decile: ⌈n/10⌉ rows, equal scores taken by the smaller tie key first")
    func liftWithTies() throws {
        // n = 25 → the top decile is ⌈2.5⌉ = 3 rows. Row 0 scores 0.9 (not positive); rows 1–4 tie at
        // 0.8 with keys 40, 10, 30, 20 and labels T, T, F, F; row 10 (0.1) is the third positive;
        // the other rows score 0.1 and are negative. Positive rate of all rows: 3/25.
        var scores = [Double](repeating: 0.1, count: 25)
        var labels = [Bool](repeating: false, count: 25)
        var keys = Array(100..<125)
        scores[0] = 0.9
        for r in 1...4 { scores[r] = 0.8 }
        labels[1] = true; labels[2] = true; labels[10] = true
        keys[1] = 40; keys[2] = 10; keys[3] = 30; keys[4] = 20
        // By key: row 0, then keys 10 (row 2, T) and 20 (row 4, F): 1 of 3 → (1/3)/(3/25) = 25/9.
        let byKey = try #require(try RankingMetrics.topDecileLift(scores: scores, labels: labels, tieKeys: keys))
        #expect(abs(byKey - 25.0 / 9.0) < 1e-15)
        // By row order: row 0, rows 1 (T) and 2 (T): 2 of 3 → 50/9.
        let byRow = try #require(try RankingMetrics.topDecileLift(scores: scores, labels: labels))
        #expect(abs(byRow - 50.0 / 9.0) < 1e-15)
        // n = 10 → 1 row; the lone positive on top: (1/1)/(1/10) = 10.
        #expect(try RankingMetrics.topDecileLift(scores: Array(stride(from: 10.0, to: 0, by: -1)),
                                                 labels: [true] + [Bool](repeating: false, count: 9)) == 10)
        // Without a positive there is no rate to compare with; all positive gives 1.
        #expect(try RankingMetrics.topDecileLift(scores: [1, 2, 3], labels: [false, false, false]) == nil)
        #expect(try RankingMetrics.topDecileLift(scores: [1, 2, 3], labels: [true, true, true]) == 1)
    }

    @Test("one evaluation gives both figures and counts")
    func evaluation() throws {
        let e = try ScoreEvaluation(scores: [3, 2, 2, 1, 1], labels: [true, true, false, false, true], tieKeys: [5, 4, 3, 2, 1])
        #expect(e.n == 5 && e.positives == 3)
        #expect(e.auc == 4.0 / 6.0)
        // ⌈5/10⌉ = 1 row: the 3 (positive): (1/1)/(3/5) = 5/3.
        #expect(e.topDecileLift == 1 / (3.0 / 5.0))
        #expect(throws: StatsError.self) { try ScoreEvaluation(scores: [1, .infinity], labels: [true, false]) }
        #expect(throws: StatsError.self) { try ScoreEvaluation(scores: [1], labels: [true, false]) }
    }

    @Test("risk order: highest score first, equal scores by the smaller key")
    func order() {
        #expect(RankingMetrics.order(scores: [0.5, 0.9, 0.5, 0.1], tieKeys: [3, 1, 2, 0]) == [1, 2, 0, 3])
        #expect(RankingMetrics.order(scores: [0.5, 0.9, 0.5, 0.1]) == [1, 0, 2, 3])
        #expect(RankingMetrics.order(scores: []) == [])
    }
}

@Suite("Radix order agrees with a comparison sort")
struct RadixOrderTests {
    @Test("random scores with many ties, negative values and ±0: the same order as sorting by (score desc, key asc)")
    func matchesComparisonSort() throws {
        var state: UInt64 = 12345
        func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state >> 33 }
        let n = 5000
        let scores = (0..<n).map { _ -> Double in
            let r = next() % 7
            switch r {
            case 0: return 0.0
            case 1: return -0.0
            case 2: return -Double(next() % 50) / 7
            default: return Double(next() % 300) / 13 + 1e-9 * Double(next() % 3)
            }
        }
        let keys = (0..<n).map { _ in Int(next() % 100_000) - 50_000 }
        let expected = (0..<n).sorted { a, b in scores[a] != scores[b] ? scores[a] > scores[b] : (keys[a], a) < (keys[b], b) }
        #expect(RankingMetrics.order(scores: scores, tieKeys: keys) == expected)
        let byRow = (0..<n).sorted { a, b in scores[a] != scores[b] ? scores[a] > scores[b] : a < b }
        #expect(RankingMetrics.order(scores: scores) == byRow)
        // AUC from the sorted classes equals the pairwise definition.
        let labels = (0..<n).map { _ in next() % 5 == 0 }
        var twice = 0, pairs = 0
        for i in 0..<n where labels[i] {
            for j in 0..<n where !labels[j] {
                pairs += 1
                twice += scores[i] > scores[j] ? 2 : (scores[i] == scores[j] ? 1 : 0)
            }
        }
        #expect(try RankingMetrics.auc(scores: scores, labels: labels) == Double(twice) / Double(2 * pairs))
    }
}
