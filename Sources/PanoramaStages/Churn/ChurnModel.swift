import PanoramaCore
import PanoramaEngine
import PanoramaStats

/// The churn model of SPEC §5.2 for one run month M: fed customer_360 month by month, oldest first
/// (`ChurnSettings.window`), it forms the month pairs as they arrive, keeping only what later steps
/// need (the training rows, M-1 for the backtest and M for the scores), then fits, backtests and
/// renders the three tables. What an earlier night kept (ChurnCache) stands in for months: a pair's
/// training rows, and the backtest fit with its segment counts.
struct ChurnModel {
    /// One month of the window as the stage hands it over.
    enum Input {
        /// customer_360 of the month is not published.
        case missing
        /// The month, extracted.
        case month(ChurnMonth)
        /// Published, but not read: everything needed from it was kept by an earlier night.
        case notRead
    }

    /// The backtest fit kept by the night of M-1 (its production fit, over the same pairs), with the
    /// pairs' months t and the segment counts over their rows.
    struct KeptBacktest {
        var fit: ChurnFit
        var pairMonths: [Month]
        var rates: SegmentRates
    }

    let month: Month
    let settings: ChurnSettings
    /// Months of the window whose customer_360 is absent.
    private(set) var missing: [Month] = []
    private var expected: [Month]
    private var previous: ChurnMonth?
    private var production: [ChurnPair] = []
    private var backtest: [ChurnPair] = []
    private var segmentRates = SegmentRates()
    /// M-1 (without its table), its pair with M and the pair rows' tie keys: the backtest's
    /// evaluation rows.
    private var evaluation: (month: ChurnMonth, pair: ChurnPair, tieKeys: [Int]?)?
    /// M: the customers scored.
    private var current: ChurnMonth?
    /// When set, the backtest pairs are neither formed nor fitted.
    private let keptBacktest: KeptBacktest?
    /// Whether to count the production pairs' segment attributes (to keep them with the production fit).
    private let countProductionSegments: Bool
    private var productionRates = SegmentRates()
    /// Called with each pair formed from two months and the month t it came from (to keep it).
    var formed: (ChurnPair, ChurnMonth) -> Void = { _, _ in }

    init(month: Month, settings: ChurnSettings, keptBacktest: KeptBacktest? = nil, countProductionSegments: Bool = false) {
        self.month = month
        self.settings = settings
        self.keptBacktest = keptBacktest
        self.countProductionSegments = countProductionSegments
        expected = settings.window(endingAt: month)
    }

    /// The months to add, oldest first.
    var window: [Month] { settings.window(endingAt: month) }

    /// Whether the pair ending at `next` is used: a production pair, or a backtest pair when the
    /// backtest fit is not kept.
    func usesPair(endingAt next: Month) -> Bool {
        settings.usesPair(endingAt: next, runMonth: month, backtestKept: keptBacktest != nil)
    }

    /// Whether month m's segment attributes (every t of a backtest pair, and M-1 for the
    /// evaluation) and churn_risk_score (M-1 only) are needed.
    func needs(_ m: Month) -> (segments: Bool, riskScores: Bool) { (m < month, m == month.previous) }

    /// The customer_360 columns month m is read with.
    func columns(_ m: Month) -> [String] {
        let needs = needs(m)
        return ChurnMonth.columns(segments: needs.segments, riskScores: needs.riskScores)
    }

    /// Adds the next month of the window (nil when its customer_360 is not published).
    mutating func add(_ m: Month, _ table: ColumnarTable?) throws {
        let needs = needs(m)
        try add(m, table.map { .month(try ChurnMonth(month: m, table: $0, segments: needs.segments, riskScores: needs.riskScores)) } ?? .missing)
    }

    /// Adds the next month of the window; `kept` is the pair ending at m as an earlier night kept
    /// it (then it is used instead of one formed from the months). A month given must hold what
    /// `needs(m)` asks for.
    mutating func add(_ m: Month, _ input: Input, kept: ChurnPair? = nil) throws {
        precondition(expected.first == m, "months are added in window order")
        expected.removeFirst()
        var data: ChurnMonth?
        switch input {
        case .missing:
            missing.append(m)
        case .notRead:
            break
        case .month(let d):
            data = d
        }
        var pair = kept
        var t = previous
        if pair == nil, let first = t, let data, usesPair(endingAt: m) || m == month {
            pair = try ChurnPair(first, data)
            formed(pair!, first)
        }
        if let pair, input.isPublished {
            if settings.isProductionPair(endingAt: m, runMonth: month) {
                production.append(pair)
                if countProductionSegments { productionRates.add(pair) }
            }
            if keptBacktest == nil && settings.isBacktestPair(endingAt: m, runMonth: month) {
                backtest.append(pair)
                segmentRates.add(pair)
            }
            if m == month, var first = t {
                let keys = first.tieKeys(pair.selected)
                first.releaseTable()
                evaluation = (first, pair, keys)
            }
        }
        t = nil
        previous = data
        if m == month { current = data }
    }

    /// Fits both models, backtests them against the rule and the segment rates, and renders the tables.
    func finish(trace: (String) -> Void = { _ in }) throws -> ChurnOutput {
        precondition(expected.isEmpty, "every month of the window is added before finishing")
        var warnings: [String] = []
        let productionFit = try fit(production)
        trace("production fit")
        let backtestFit = try keptBacktest?.fit ?? fit(backtest)
        let backtestMonths = keptBacktest?.pairMonths ?? backtest.map(\.month)
        trace(keptBacktest != nil ? "backtest fit (kept)" : "backtest fit")
        if !missing.isEmpty {
            warnings.append("customer_360 missing for \(missing.map(\.description).joined(separator: ", ")): "
                + "\(production.count) of \(settings.trainMonths) production pairs and \(backtestMonths.count) of \(settings.trainMonths) backtest pairs")
        }
        if productionFit == nil {
            warnings.append("no production pair (customer_360 of two consecutive months ending by \(month)): churn_score has no rows and churn_coef.coef is empty")
        }
        if backtestFit == nil {
            warnings.append("no backtest pair (customer_360 of two consecutive months ending by \(month.previous)): churn_model has no rows and churn_coef.backtest_coef is empty")
        }
        for (name, fit) in [("production", productionFit), ("backtest", backtestFit)] {
            for w in fit?.warnings ?? [] { warnings.append("\(name) fit: \(w)") }
        }

        var out = ChurnOutput()
        out.churnCoef = coefficients(productionFit, backtestFit)
        // The backtest and churn_score do not depend on each other, and each has steps that use one
        // core (its sorts), so they run side by side.
        var scorePieces: [CSVWriter] = []
        let (evaluations, scored) = try concurrently({ () throws -> [ChurnModelRow] in
            guard let backtestFit else { return [] }
            return try backtestRows(backtestFit, pairs: backtestMonths.count)
        }, { () -> Int in
            guard let productionFit, let current else { return 0 }
            return scores(productionFit, current, into: &scorePieces)
        })
        for r in evaluations { r.write(to: &out.churnModel) }
        out.churnScore = scorePieces
        trace("backtest and scores")
        out.warnings = warnings
        out.productionFit = productionFit.map { KeptBacktest(fit: $0, pairMonths: production.map(\.month), rates: productionRates) }
        out.quality = ChurnQuality(
            trainMonths: settings.trainMonths, ridge: settings.ridge, monthsMissing: missing,
            production: productionFit.map { ChurnFitRecord(production.map(\.month), $0) },
            backtest: backtestFit.map { ChurnFitRecord(backtestMonths, $0) },
            evaluationRows: evaluation?.pair.selected.count ?? 0, evaluationChurners: evaluation?.pair.churners ?? 0, scored: scored,
            auc: evaluations.map { ($0.model, $0.auc) })
        return out
    }

    /// The fit over the pairs' rows; nil without a pair.
    private func fit(_ pairs: [ChurnPair]) throws -> ChurnFit? {
        guard !pairs.isEmpty else { return nil }
        do {
            return ChurnFit(try LogisticRegression.fit(pairs.map(\.rows), ridge: settings.ridge))
        } catch {
            throw PanoramaError.runtime("the churn model could not be fitted: \(error)")
        }
    }

    /// churn_coef: intercept then the features; coef from the production fit, backtest_coef from the
    /// backtest fit; no rows without either.
    private func coefficients(_ production: ChurnFit?, _ backtest: ChurnFit?) -> CSVWriter {
        var w = CSVWriter(header: ChurnStage.churnCoef.columns)
        guard production != nil || backtest != nil else { return w }
        for (j, feature) in (["intercept"] + ChurnStage.features).enumerated() {
            ChurnCoefRow(month: month, feature: feature, coef: production?.coefficients[j], backtestCoef: backtest?.coefficients[j])
                .write(to: &w)
        }
        return w
    }

    /// churn_model's three rows: the backtest fit, the rule (churn_risk_score) and the segment rates,
    /// each scoring M-1's customers that are in M's base with churned_in_month false at M-1.
    private func backtestRows(_ fit: ChurnFit, pairs: Int) throws -> [ChurnModelRow] {
        let trainRows = fit.n
        guard let (m1, pair, keys) = evaluation else {
            return ["learnt", "rule", "segment_rates"].map { model in
                ChurnModelRow(month: month, model: model, trainPairs: model == "rule" ? nil : pairs,
                              nTrain: model == "rule" ? nil : trainRows, nEval: 0, churnersEval: 0, auc: nil, topDecileLift: nil)
            }
        }
        let learnt = probabilities(fit, m1, pair.selected)
        let rule = pair.selected.map { m1.riskScores[Int($0)] }
        let segment = (keptBacktest?.rates ?? segmentRates).scores(m1, pair.selected)
        let results = try parallelMap(3) { k in
            try ScoreEvaluation(scores: [learnt, rule, segment][k], labels: pair.labels, tieKeys: keys)
        }
        let n = pair.selected.count, churners = pair.churners
        // SPEC §5.2: both figures are empty unless the evaluation has churners and non-churners.
        let defined = churners > 0 && churners < n
        return zip(["learnt", "rule", "segment_rates"], results).map { model, e in
            ChurnModelRow(month: month, model: model, trainPairs: model == "rule" ? nil : pairs,
                          nTrain: model == "rule" ? nil : trainRows, nEval: n, churnersEval: churners,
                          auc: defined ? e.auc : nil, topDecileLift: defined ? e.topDecileLift : nil)
        }
    }

    /// p = 1/(1 + e^−η) with η accumulated feature by feature in SPEC order, for `rows` of month m.
    private func probabilities(_ fit: ChurnFit, _ m: ChurnMonth, _ rows: [Int32]) -> [Double] {
        let chunks = (rows.count + ChurnMonth.chunkRows - 1) / ChurnMonth.chunkRows
        let pieces = (try? parallelMap(chunks) { k -> [Double] in
            let range = (k * ChurnMonth.chunkRows)..<min(rows.count, (k + 1) * ChurnMonth.chunkRows)
            return fit.coefficients.withUnsafeBufferPointer { beta in
                m.numbers.withUnsafeBufferPointer { numbers in
                    range.map { r in
                        let i = Int(rows[r])
                        let eta = ChurnFeatures.eta(beta, bits: m.bits[i], numbers: numbers.baseAddress! + i * ChurnFeatures.numericCount)
                        return LogisticRegression.probability(eta)
                    }
                }
            }
        }) ?? []
        return pieces.flatMap { $0 }
    }

    /// churn_score: every customer of M's base not churned in M, by probability (ties by the
    /// smaller customer_id); returns the number of rows.
    private func scores(_ fit: ChurnFit, _ m: ChurnMonth, into pieces: inout [CSVWriter]) -> Int {
        var rows: [Int32] = []
        rows.reserveCapacity(m.count)
        for i in 0..<m.count where !m.churned[i] { rows.append(Int32(i)) }
        let p = probabilities(fit, m, rows)
        let order = RankingMetrics.order(scores: p, tieKeys: m.tieKeys(rows))
        let table = m.table!
        let month = Array(self.month.description.utf8)
        var longestId = 0
        var plain = true
        for i in rows {
            let id = table.bytes(Int(i), 0)
            longestId = max(longestId, id.count)
            if plain && CSVWriter.needsQuotes(id) { plain = false }
        }
        let chunks = (order.count + ChurnMonth.chunkRows - 1) / ChurnMonth.chunkRows
        let rowRoom = month.count + longestId + 24 + 20 + 4
        // Rows are written in rank order, so each reads its id and probability at random. The ids are
        // copied out in row order first, each into a slot of 16 or 32 bytes with its length in the
        // last byte, and a tight loop gathers a chunk's slots and probabilities before it is rendered:
        // the gather's loads are independent and overlap, where a rendering loop waits on each.
        // Ids that need quoting or are longer than 31 bytes (never as customer360 writes them) are
        // written cell by cell.
        guard plain && longestId < 32 else {
            pieces = (try? parallelMap(chunks) { k -> CSVWriter in
                var piece = CSVWriter(header: [])
                let ranks = (k * ChurnMonth.chunkRows)..<min(order.count, (k + 1) * ChurnMonth.chunkRows)
                piece.reserve(ranks.count * rowRoom)
                for rank in ranks {
                    let r = order[rank]
                    month.withUnsafeBufferPointer { piece.field(bytes: $0) }
                    piece.field(bytes: table.bytes(Int(rows[r]), 0))
                    piece.number(p[r])
                    piece.integer(rank + 1)
                    piece.endRow()
                }
                return piece
            }) ?? []
            return order.count
        }
        let width = longestId < 16 ? 16 : 32
        let slots = IdSlots(count: rows.count, width: width)
        defer { slots.deallocate() }
        for (k, i) in rows.enumerated() { slots.set(k, table.bytes(Int(i), 0)) }
        pieces = (try? parallelMap(chunks) { k -> CSVWriter in
            let ranks = (k * ChurnMonth.chunkRows)..<min(order.count, (k + 1) * ChurnMonth.chunkRows)
            let gathered = IdSlots(count: ranks.count, width: width)
            defer { gathered.deallocate() }
            var probability = [Double](repeating: 0, count: ranks.count)
            for (g, rank) in ranks.enumerated() {
                let r = order[rank]
                probability[g] = p[r]
                gathered.copy(g, from: slots, r)
            }
            return month.withUnsafeBufferPointer { monthText in
                CSVWriter.rendered(rows: ranks.count, capacity: ranks.count * rowRoom) { out in
                    var at = 0
                    for g in 0..<ranks.count {
                        // Short copies byte by byte (a memcpy call per cell costs more).
                        for j in 0..<monthText.count { out[at + j] = monthText[j] }
                        at += monthText.count
                        out[at] = 0x2C
                        at += 1
                        at += gathered.write(g, to: out + at)
                        out[at] = 0x2C
                        at += 1
                        at += CSVWriter.write(number: probability[g], to: out + at)
                        out[at] = 0x2C
                        at += 1
                        at += CSVWriter.write(integer: ranks.lowerBound + g + 1, to: out + at)
                        out[at] = 0x0A
                        at += 1
                    }
                    return at
                }
            }
        }) ?? []
        return order.count
    }
}

/// Short texts (ids) in fixed slots of 16 or 32 bytes, the length in each slot's last byte: one is
/// copied with one or two vector moves. A slot is written whole, so the room after a text holds
/// the slot's zero bytes there; a writer covers them with what follows.
private struct IdSlots {
    let width: Int
    let base: UnsafeMutableRawPointer

    init(count: Int, width: Int) {
        precondition(width == 16 || width == 32, "slots are 16 or 32 bytes")
        self.width = width
        base = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * width, alignment: 16)
        base.initializeMemory(as: UInt8.self, repeating: 0, count: max(count, 1) * width)
    }

    func deallocate() { base.deallocate() }

    /// Stores `text` (shorter than the slot) in slot `k`.
    func set(_ k: Int, _ text: UnsafeBufferPointer<UInt8>) {
        precondition(text.count < width, "a text longer than its slot")
        let slot = base + k * width
        if let from = text.baseAddress { slot.copyMemory(from: from, byteCount: text.count) }
        slot.storeBytes(of: UInt8(text.count), toByteOffset: width - 1, as: UInt8.self)
    }

    @inline(__always)
    func copy(_ k: Int, from other: IdSlots, _ j: Int) { move(other.base + j * width, to: base + k * width) }

    /// Writes slot `k` whole at `p` (which must have `width` bytes of room) and returns its text's length.
    @inline(__always)
    func write(_ k: Int, to p: UnsafeMutablePointer<UInt8>) -> Int {
        let from = base + k * width
        move(from, to: UnsafeMutableRawPointer(p))
        return Int(from.load(fromByteOffset: width - 1, as: UInt8.self))
    }

    /// One slot's bytes, in one or two vector moves.
    @inline(__always)
    private func move(_ from: UnsafeMutableRawPointer, to: UnsafeMutableRawPointer) {
        to.storeBytes(of: from.loadUnaligned(as: SIMD16<UInt8>.self), as: SIMD16<UInt8>.self)
        if width == 32 {
            to.storeBytes(of: from.loadUnaligned(fromByteOffset: 16, as: SIMD16<UInt8>.self), toByteOffset: 16, as: SIMD16<UInt8>.self)
        }
    }
}

/// The three tables of one run, with what the manifest and stderr say about it.
struct ChurnOutput {
    var churnModel = CSVWriter(header: ChurnStage.churnModel.columns)
    var churnCoef = CSVWriter(header: ChurnStage.churnCoef.columns)
    /// churn_score's rows in order, in pieces (streamed to the partition, never joined in memory).
    var churnScore: [CSVWriter] = []
    var warnings: [String] = []
    /// The production fit with its pairs and their segment counts, for the next night (whose
    /// backtest fit it is); nil without a production pair.
    var productionFit: ChurnModel.KeptBacktest?
    var quality = ChurnQuality(trainMonths: 0, ridge: 0, monthsMissing: [], production: nil, backtest: nil, evaluationRows: 0,
                               evaluationChurners: 0, scored: 0, auc: [])
}

extension ChurnModel.Input {
    var isPublished: Bool {
        if case .missing = self { return false }
        return true
    }
}
