import PanoramaConfig
import PanoramaCore
import PanoramaEngine
import PanoramaStats

/// Stage kind `churn` (SPEC §5.2): reads customer_360 of M − train_months − 1 … M, fits the
/// production and backtest logistic models, and publishes churn_model, churn_coef and churn_score.
extension ChurnStage: StageKind {
    public typealias Settings = ChurnSettings

    public static let abstract = "learns a logistic churn model from customer_360 history, scores M's customers and backtests it against the rule"
    public static let parameters = [
        StageParameter("train_months", default: "6", "month pairs per fit (1–\(ChurnSettings.maxTrainMonths)); the production fit's end at M, the backtest fit's at M-1"),
        StageParameter("ridge", default: "1", "λ of the ridge penalty on every coefficient but the intercept (≥ 0; 0 = maximum likelihood)"),
    ]
    public static let tables = [churnModel, churnCoef, churnScore]

    /// Typed, validated settings; every error points at the offending value in the pipeline file.
    public static func settings(_ stage: StageConfig, in config: PipelineConfig) throws -> ChurnSettings {
        var s = ChurnSettings()
        s.trainMonths = try stage.int("train_months", default: s.trainMonths)
        if !(1...ChurnSettings.maxTrainMonths).contains(s.trainMonths) {
            throw ConfigError(location: stage.param("train_months")?.location,
                              message: "\(stage.id).train_months must be between 1 and \(ChurnSettings.maxTrainMonths) (month pairs per fit), not \(s.trainMonths)")
        }
        s.ridge = try stage.double("ridge", default: s.ridge)
        if !(s.ridge >= 0 && s.ridge.isFinite) {
            throw ConfigError(location: stage.param("ridge")?.location,
                              message: "\(stage.id).ridge must be a number ≥ 0 (0 = no penalty), not \(s.ridge)")
        }
        return s
    }

    public static func run(_ settings: Settings, _ io: StageIO) throws -> StageReport {
        let month = io.month
        var report = StageReport()
        let clock = ContinuousClock.now
        // customer_360 of M is the population scored; without it nothing here means anything.
        guard io.has(Customer360Stage.customer360, month) else { throw io.missing(Customer360Stage.customer360, month) }

        // What earlier nights kept (ChurnCache): the training rows of earlier pairs, M-1's features,
        // and M-1's production fit, which is this run's backtest fit. Not in bucket runs (a bucket's
        // customer_360 is not the month's).
        let cache = io.bucket == nil ? ChurnCache(warehouse: io.warehouseRoot, program: StageFingerprint.currentProgram) : nil
        let history = try ChurnHistory(month: month, settings: settings, io: io, cache: cache)
        io.log.trace("churn", "kept pairs \(history.keptPairs.count)", since: clock)
        let keys = history.keys
        var model = ChurnModel(month: month, settings: settings, keptBacktest: history.keptBacktest, countProductionSegments: cache != nil)
        // Kept files are written on a background thread once the stage's own work is done, while the
        // stages after it run (see the end of the stage).
        let writer = ChurnCacheWriter()
        var handedOver = false
        defer { if !handedOver { writer.abandon() } }
        model.formed = { pair, t in
            guard let cache, let a = keys[t.month], let b = keys[t.month.next], t.month.next > month.adding(-settings.trainMonths) else { return }
            writer.submit { cache.keep(pair, a, b) }
        }

        // Oldest first, one month at a time: each is read piece by piece on all cores (one core
        // hashing the file while the others parse it) and its cells are freed once its features
        // are extracted, so a month in memory is its features and ids only.
        func read(_ m: Month) throws {
            // Months that are kept (M-1 and M) are read with every column the cache holds.
            let request = PartitionRequest(Customer360Stage.customer360, m, columns: keys[m] != nil ? ChurnMonth.columns : model.columns(m),
                                           required: m == month)
            guard let pieces = try io.readPieces(request, keeping: [0]) else {
                try model.add(m, .missing)
                return
            }
            let data: ChurnMonth
            if let key = keys[m], let cache {
                let extracted = try ChurnMonth(month: m, pieces: pieces, segments: true, riskScores: true)
                if m >= month.previous { writer.submit { cache.keep(extracted, key) } }
                data = extracted
            } else {
                let needs = model.needs(m)
                data = try ChurnMonth(month: m, pieces: pieces, segments: needs.segments, riskScores: needs.riskScores)
            }
            try model.add(m, .month(data), kept: history.keptPairs[m])
            io.log.trace("churn", "read \(m)", since: clock)
        }
        for m in history.window {
            guard history.published.contains(m) else {
                try model.add(m, .missing)
                continue
            }
            if let entry = history.entries[m], m != month {
                if !history.needsMonth(m) {
                    io.noteRead(entry)
                    try model.add(m, .notRead, kept: history.keptPairs[m])
                    continue
                }
                if let kept = cache?.features(keys[m]!) {
                    io.noteRead(entry)
                    try model.add(m, .month(kept), kept: history.keptPairs[m])
                    io.log.trace("churn", "kept features of \(m)", since: clock)
                    continue
                }
            }
            try read(m)
        }
        let out = try model.finish(trace: { io.log.trace("churn", $0, since: clock) })
        io.log.trace("churn", "scores", since: clock)
        let scores = try io.partitionWriter(churnScore)
        for piece in out.churnScore { try scores.append(rowsFrom: piece) }
        try io.publish([
            TableOutput(churnModel, out.churnModel),
            TableOutput(churnCoef, out.churnCoef),
            TableOutput(scores),
        ])
        io.log.trace("churn", "publish", since: clock)
        if let cache, let kept = out.productionFit, let productionKeys = history.pairKeys(history.productionPairs) {
            writer.submit { cache.keep(kept, productionKeys, ridge: settings.ridge) }
        }
        // The stages after this one need not wait for the cache: the run waits for it before the
        // next month. It only saves time, so a failure to keep is said on stderr, not recorded as a
        // warning.
        writer.start()
        handedOver = true
        let trainMonths = settings.trainMonths
        io.finishLater {
            let notes = writer.finish()
            cache?.prune(after: month, trainMonths: trainMonths)
            return notes
        }
        io.log.trace("churn", "cache handed over", since: clock)
        report.warnings = out.warnings
        report.quality = out.quality.json
        report.summary = out.quality.summary
        return report
    }

    public static func invariants(_ io: StageIO) throws -> [(String, Bool)] {
        guard let scores = try io.read(churnScore, io.month, columns: ["churn_probability", "risk_rank"]) else { return [] }
        var ok = true
        var last = Double.infinity
        for r in 0..<scores.rowCount {
            guard let p = scores.double(r, 0), let rank = scores.int(r, 1), rank == r + 1, p <= last, p >= 0, p <= 1 else {
                ok = false
                break
            }
            last = p
        }
        let models = try io.read(churnModel, io.month, columns: ["model"])?.rowCount ?? 0
        return [
            ("churn_score ranks run 1…n with probabilities never increasing", ok),
            ("churn_model has no row or the three models", models == 0 || models == 3),
        ]
    }
}

/// What one fit used and how it ended, for the manifest.
public struct ChurnFitRecord: Sendable, Equatable {
    /// The pairs used, as `t/t+1`.
    public var pairs: [String]
    public var rows: Int
    public var churners: Int
    public var iterations: Int
    public var converged: Bool
    public var warnings: [String]

    public init(pairs: [String], rows: Int, churners: Int, iterations: Int, converged: Bool, warnings: [String]) {
        self.pairs = pairs
        self.rows = rows
        self.churners = churners
        self.iterations = iterations
        self.converged = converged
        self.warnings = warnings
    }

    init(_ months: [Month], _ fit: ChurnFit) {
        self.init(pairs: months.map { "\($0)/\($0.next)" }, rows: fit.n, churners: fit.events,
                  iterations: fit.iterations, converged: fit.converged, warnings: fit.warnings)
    }

    var json: JSONValue {
        .object([
            ("pairs", .array(pairs.map { .string($0) })), ("rows", .int(rows)), ("churners", .int(churners)),
            ("iterations", .int(iterations)), ("converged", .bool(converged)), ("warnings", .array(warnings.map { .string($0) })),
        ])
    }

    init?(json: JSONValue?) {
        guard let json, let rows = json["rows"]?.intValue else { return nil }
        var converged = false
        if case .bool(let b)? = json["converged"] { converged = b }
        self.init(pairs: json["pairs"]?.arrayValue?.compactMap(\.stringValue) ?? [], rows: rows,
                  churners: json["churners"]?.intValue ?? 0, iterations: json["iterations"]?.intValue ?? 0, converged: converged,
                  warnings: json["warnings"]?.arrayValue?.compactMap(\.stringValue) ?? [])
    }
}

/// What `churn` records in its manifest: the history used by each fit, how each fit ended, the
/// backtest's evaluation rows and the customers scored.
public struct ChurnQuality: ManifestQuality, Equatable {
    public var trainMonths: Int
    public var ridge: Double
    /// Months of the window without customer_360.
    public var monthsMissing: [Month]
    /// nil without a production pair.
    public var production: ChurnFitRecord?
    /// nil without a backtest pair.
    public var backtest: ChurnFitRecord?
    public var evaluationRows: Int
    public var evaluationChurners: Int
    /// churn_score rows.
    public var scored: Int
    /// The AUC of each churn_model row (`learnt`, `rule`, `segment_rates`), nil where empty.
    public var auc: [(model: String, auc: Double?)]

    public init(trainMonths: Int, ridge: Double, monthsMissing: [Month], production: ChurnFitRecord?, backtest: ChurnFitRecord?,
                evaluationRows: Int, evaluationChurners: Int, scored: Int, auc: [(model: String, auc: Double?)]) {
        self.trainMonths = trainMonths
        self.ridge = ridge
        self.monthsMissing = monthsMissing
        self.production = production
        self.backtest = backtest
        self.evaluationRows = evaluationRows
        self.evaluationChurners = evaluationChurners
        self.scored = scored
        self.auc = auc
    }

    public static func == (a: ChurnQuality, b: ChurnQuality) -> Bool { a.json == b.json }

    public var json: JSONValue {
        .object([
            ("train_months", .int(trainMonths)),
            ("ridge", .double(ridge)),
            ("months_missing", .array(monthsMissing.map { .string($0.description) })),
            ("production", production?.json ?? .null),
            ("backtest", backtest?.json ?? .null),
            ("evaluation_rows", .int(evaluationRows)),
            ("evaluation_churners", .int(evaluationChurners)),
            ("scored", .int(scored)),
            ("auc", .object(auc.map { ($0.model, $0.auc.map { .double($0) } ?? .null) })),
        ])
    }

    public init?(json: JSONValue) {
        guard let trainMonths = json["train_months"]?.intValue, let scored = json["scored"]?.intValue else { return nil }
        var auc: [(model: String, auc: Double?)] = []
        if case .object(let pairs)? = json["auc"] { auc = pairs.map { ($0.0, $0.1.doubleValue) } }
        self.init(trainMonths: trainMonths, ridge: json["ridge"]?.doubleValue ?? 0,
                  monthsMissing: json["months_missing"]?.arrayValue?.compactMap { $0.stringValue.flatMap(Month.init(key:)) } ?? [],
                  production: ChurnFitRecord(json: json["production"]), backtest: ChurnFitRecord(json: json["backtest"]),
                  evaluationRows: json["evaluation_rows"]?.intValue ?? 0, evaluationChurners: json["evaluation_churners"]?.intValue ?? 0,
                  scored: scored, auc: auc)
    }

    /// The stderr line.
    var summary: String {
        func fit(_ name: String, _ r: ChurnFitRecord?) -> String {
            guard let r else { return "\(name): no pair" }
            return "\(name): \(r.pairs.count) of \(trainMonths) pairs, \(r.rows) rows, \(r.churners) churners, \(r.iterations) iterations"
                + (r.converged ? "" : " (not converged)")
        }
        var parts = [fit("production", production), fit("backtest", backtest)]
        if !auc.isEmpty {
            parts.append("AUC " + auc.map { "\($0.model) \($0.auc.flatMap { formatNumber(($0 * 1000).rounded() / 1000) } ?? "–")" }.joined(separator: ", ")
                + " on \(evaluationRows) customers")
        }
        parts.append("\(scored) customers scored")
        return parts.joined(separator: "; ")
    }
}
