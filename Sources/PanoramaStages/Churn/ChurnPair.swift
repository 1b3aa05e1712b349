import PanoramaCore
import PanoramaStats

/// The training rows of one month pair (t, t+1) (SPEC §5.2): the customers of t's base with
/// churned_in_month `false` that are in t+1's base, features from t, y = churned_in_month of t+1.
struct ChurnPair {
    /// t, the month the features come from.
    let month: Month
    /// The rows of t used, in t's row order (empty for a pair kept by an earlier night).
    let selected: [Int32]
    /// y of each training row (empty for a pair kept by an earlier night).
    let labels: [Bool]
    /// The rows packed for the fit.
    let rows: LogisticRows
    /// The training rows counted by their segment attributes in month t; nil when t was read
    /// without them.
    let rates: SegmentRates?

    init(_ t: ChurnMonth, _ next: ChurnMonth) throws {
        precondition(next.month == t.month.next, "a pair is two consecutive months")
        // customer360 writes its rows in customer_id order, so this is a merge walk of both id
        // columns in parallel chunks; a hash index over t+1 stands in when its ids are not sorted.
        let match = KeyedRows(next.table!, column: 0, ascending: next.idsStrictlyAscending).matches(t.table!, 0)
        var selected: [Int32] = []
        var labels: [Bool] = []
        selected.reserveCapacity(t.count)
        labels.reserveCapacity(t.count)
        for i in 0..<t.count where !t.churned[i] && match[i] >= 0 {
            selected.append(Int32(i))
            labels.append(next.churned[Int(match[i])])
        }
        month = t.month
        self.selected = selected
        self.labels = labels
        // The segment counts and the packed rows are independent: one core each.
        enum Part { case rates(SegmentRates?), rows(Result<LogisticRows, Error>) }
        let parts = try parallelMap(2) { k -> Part in
            if k == 0 { return .rates(t.segmentCodes.isEmpty ? nil : SegmentRates(t, selected, labels)) }
            return .rows(Result {
                try LogisticRows(y: labels, bits: t.bits, numbers: t.numbers, numericCount: ChurnFeatures.numericCount,
                                 predictors: ChurnFeatures.predictors, selecting: selected)
            })
        }
        guard case .rates(let rates) = parts[0], case .rows(let rows) = parts[1] else { preconditionFailure("two parts in order") }
        self.rates = rates
        do {
            self.rows = try rows.get()
        } catch {
            throw PanoramaError.runtime("customer_360 of \(t.month) gives features the churn model cannot use (\(error)); re-run customer360 for \(t.month)")
        }
    }

    /// A pair kept by an earlier night: its packed rows and segment counts.
    init(kept month: Month, rows: LogisticRows, rates: SegmentRates?) {
        self.month = month
        selected = []
        labels = []
        self.rows = rows
        self.rates = rates
    }

    var churners: Int { rows.events }
}

/// The operator's segment-rate score (离网风险综合评价得分, SPEC §5.2): churn rates per value of each
/// segment attribute over the backtest fit's training rows, as written in customer_360 of t.
struct SegmentRates {
    /// Per attribute, each value seen with its training rows and churners, in first-seen order.
    private(set) var counts: [[(value: String, rows: Int, churners: Int)]] = Array(repeating: [], count: ChurnSegments.count)

    init() {}

    /// The rows `selected` of month t (with their labels) counted by their attribute values.
    init(_ t: ChurnMonth, _ selected: [Int32], _ labels: [Bool]) {
        let width = ChurnSegments.count
        for a in 0..<width {
            var rows = [Int](repeating: 0, count: t.segmentValues[a].count)
            var churners = rows
            for (k, i) in selected.enumerated() {
                let code = Int(t.segmentCodes[Int(i) * width + a])
                rows[code] += 1
                if labels[k] { churners[code] += 1 }
            }
            for (code, value) in t.segmentValues[a].enumerated() where rows[code] > 0 {
                counts[a].append((value, rows[code], churners[code]))
            }
        }
    }

    /// Adds a pair's counts (the pair's month must have been read with its segment attributes).
    mutating func add(_ pair: ChurnPair) {
        precondition(pair.rates != nil, "the pair's month was read with its segment attributes")
        merge(pair.rates!)
    }

    /// Adds another set of counts; values new here are appended in the other's order.
    mutating func merge(_ other: SegmentRates) {
        for a in 0..<ChurnSegments.count {
            for (value, rows, churners) in other.counts[a] {
                if let e = counts[a].firstIndex(where: { $0.value == value }) {
                    counts[a][e].rows += rows
                    counts[a][e].churners += churners
                } else {
                    counts[a].append((value, rows, churners))
                }
            }
        }
    }

    /// The counts as kept with a fit (per attribute, `[value, rows, churners]` in first-seen order).
    var json: JSONValue {
        .array(counts.map { .array($0.map { .array([.string($0.value), .int($0.rows), .int($0.churners)]) }) })
    }

    init?(json: JSONValue?) {
        guard let attributes = json?.arrayValue, attributes.count == ChurnSegments.count else { return nil }
        for (a, entries) in attributes.enumerated() {
            for e in entries.arrayValue ?? [] {
                guard let cells = e.arrayValue, cells.count == 3, let value = cells[0].stringValue, let rows = cells[1].intValue,
                      let churners = cells[2].intValue, rows > 0, churners >= 0, churners <= rows else { return nil }
                counts[a].append((value, rows, churners))
            }
        }
    }

    /// rate_a(v) = churners ÷ rows for a value seen in training, nil for an unseen one.
    func rate(_ attribute: Int, _ value: String) -> Double? {
        guard let e = counts[attribute].first(where: { $0.value == value }) else { return nil }
        return Double(e.churners) / Double(e.rows)
    }

    /// The score 100 × Σₐ rate_a(value), summed in attribute order (an unseen value adds 0), of
    /// each of `rows` of month `m`.
    func scores(_ m: ChurnMonth, _ rows: [Int32]) -> [Double] {
        let width = ChurnSegments.count
        // The rate of every code of m, per attribute.
        let table: [[Double]] = (0..<width).map { a in m.segmentValues[a].map { rate(a, $0) ?? 0 } }
        return rows.map { i in
            var sum = 0.0
            for a in 0..<width { sum += table[a][Int(m.segmentCodes[Int(i) * width + a])] }
            return 100 * sum
        }
    }
}
