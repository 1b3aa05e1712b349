import PanoramaConfig
import PanoramaCore
import PanoramaEngine

/// Stage kind `drivers`: NPS key-driver analysis (SPEC §5) from fact_survey of the window and
/// customer_360 of M; publishes `drivers` and `driver_model`.
public enum DriversStage: StageKind {
    public typealias Settings = DriversSettings

    public static let name = "drivers"
    public static let abstract = "fits the NPS key-driver regression (OLS, LMG importance, quadrants, lift) for the province and its segments"
    public static let parameters = [
        StageParameter("window_months", default: "1", "months of surveys pooled, ending at M (1–12)"),
        StageParameter("min_n", default: "100", "smallest n after listwise deletion for a segment to be fitted"),
        StageParameter("drivers", default: "[network, hall, hotline, billing, new_business, promotion, communication]", "the score dimensions in the model, in order"),
        StageParameter("segment_by", default: "[brand, value_tier]", "customer_360 dimensions whose members get their own model"),
    ]

    public static let drivers = TableSchema("drivers", producer: name, columns: [
        "month", "segment_dim", "segment", "driver", "coef", "std_err", "t", "p_value", "std_beta", "vif",
        "importance", "importance_pct", "rank", "performance", "quadrant", "nps_lift_1pt",
    ])
    public static let driverModel = TableSchema("driver_model", producer: name, columns: [
        "month", "segment_dim", "segment", "n", "dropped", "r2", "adj_r2", "f_stat", "f_p_value", "rmse",
        "intercept", "warnings",
    ])
    public static let tables = [drivers, driverModel]

    public static func run(_ settings: Settings, _ io: StageIO) throws -> StageReport {
        let month = io.month
        var report = StageReport()

        // customer_360 of M gives the segment members; without it the segments would silently
        // shrink to nothing, so its absence is an upstream error, not an empty result.
        // Checked first: customer360 runs after cleanse, so naming it covers both.
        guard io.has(Customer360Stage.customer360, month) else { throw io.missing(Customer360Stage.customer360, month) }

        // Surveys of the window, oldest month first. M's partition is required (cleanse has not run
        // otherwise); earlier months are used when present, as SPEC §5 says.
        var responses: [DriverResponse] = []
        var monthsRead: [Month] = []
        var monthsMissing: [Month] = []
        for m in settings.window(endingAt: month) {
            guard let table = try io.read(CleanseStage.factSurvey, m, columns: DriverResponse.surveyColumns) else {
                if m == month { throw io.missing(CleanseStage.factSurvey, m) }
                monthsMissing.append(m)
                continue
            }
            responses += try DriverResponse.read(factSurvey: table, name: "fact_survey of \(m)")
            monthsRead.append(m)
        }
        let base = try io.require(Customer360Stage.customer360, month, columns: DriverMembers.columns(for: settings.segmentBy))
        let members = try DriverMembers.read(customer360: base, respondents: Set(responses.map(\.customerId)))
        if !monthsMissing.isEmpty {
            report.warnings.append("fact_survey missing for \(monthsMissing.map(\.description).joined(separator: ", ")); "
                + "the \(settings.windowMonths)-month window uses \(monthsRead.map(\.description).joined(separator: ", ")) only")
        }

        let output = try Drivers(month: month, province: io.config.province, settings: settings)
            .run(responses: responses, members: members)
        for s in output.segments where s.outcome == .singular {
            report.warnings.append("\(s.dimension)=\(s.member): no model (\(s.warnings.joined(separator: "|")), n=\(s.n))")
        }
        try io.publish([TableOutput(drivers, output.drivers), TableOutput(driverModel, output.driverModel)])

        let total = output.segments[0]
        let fitted = output.segments.filter { $0.outcome == .fitted }.count
        let singular = output.segments.filter { $0.outcome == .singular }.count
        let omitted = output.segments.filter { $0.outcome == .belowMinN }
        report.quality = DriversQuality(window: settings.window(endingAt: month), monthsRead: monthsRead, responses: output.responses,
                                        n: total.n, dropped: total.dropped, segmentsFitted: fitted, segmentsSingular: singular,
                                        minN: settings.minN, belowMinN: omitted.map { ($0.dimension, $0.member, $0.n) }).json
        let window = monthsRead.count == 1 ? month.description : "\(monthsRead[0])..\(month) (\(monthsRead.count) months)"
        report.summary = "\(window): n=\(total.n) of \(output.responses) responses (\(total.dropped) dropped); "
            + "models: \(fitted) fitted, \(singular) singular; \(omitted.count) segments below min_n \(settings.minN)"
        return report
    }

    public static func invariants(_ io: StageIO) throws -> [(String, Bool)] {
        guard let models = try io.read(driverModel, io.month, columns: ["segment_dim", "segment", "r2"]),
              let rows = try io.read(drivers, io.month, columns: ["segment_dim", "segment", "importance"]) else { return [] }
        var sums: [String: Double] = [:]
        for r in 0..<rows.rowCount { sums[rows.string(r, 0) + "/" + rows.string(r, 1), default: 0] += rows.double(r, 2) ?? 0 }
        var ok = true
        for r in 0..<models.rowCount {
            guard let r2 = models.double(r, 2) else { continue }
            if abs((sums[models.string(r, 0) + "/" + models.string(r, 1)] ?? 0) - r2) > 1e-5 { ok = false }
        }
        return [("driver importance sums to R² in every segment", ok)]
    }

    /// Typed, validated settings; every error points at the offending value in the pipeline file.
    public static func settings(_ stage: StageConfig, in config: PipelineConfig) throws -> DriversSettings {
        var s = DriversSettings()
        s.windowMonths = try stage.int("window_months", default: s.windowMonths)
        if !(1...DriversSettings.maxWindowMonths).contains(s.windowMonths) {
            throw ConfigError(location: stage.param("window_months")?.location,
                              message: "\(stage.id).window_months must be between 1 and \(DriversSettings.maxWindowMonths) (1 = the run month only, 3 = M-2..M), not \(s.windowMonths)")
        }
        s.minN = try stage.int("min_n", default: s.minN)
        if s.minN < 1 {
            throw ConfigError(location: stage.param("min_n")?.location,
                              message: "\(stage.id).min_n must be at least 1, not \(s.minN)")
        }
        s.drivers = try names(stage, "drivers", default: SurveyDimension.allCases, limit: DriversSettings.maxDrivers,
                              allowEmpty: false)
        s.segmentBy = try names(stage, "segment_by", default: [.brand, .value_tier], limit: nil, allowEmpty: true)
        return s
    }

    /// A list parameter of enum names: each known (with a "did you mean"), none twice.
    private static func names<T: RawRepresentable & CaseIterable>(
        _ stage: StageConfig, _ key: String, default defaultValue: [T], limit: Int?, allowEmpty: Bool
    ) throws -> [T] where T.RawValue == String {
        guard let node = stage.param(key) else { return defaultValue }
        let known = T.allCases.map(\.rawValue)
        let items: [YAMLNode]
        switch node {
        case .sequence(let seq): items = seq.items
        case .scalar: items = [node]
        case .mapping: throw ConfigError(location: node.location, message: "\(stage.id).\(key) must be a list like [\(known.prefix(2).joined(separator: ", "))]")
        }
        if items.isEmpty && !allowEmpty {
            throw ConfigError(location: node.location, message: "\(stage.id).\(key) must name at least one of \(known.joined(separator: ", "))")
        }
        if let limit, items.count > limit {
            throw ConfigError(location: node.location, message: "\(stage.id).\(key) lists \(items.count) names; at most \(limit) are allowed")
        }
        var out: [T] = []
        for item in items {
            guard case .scalar(let s) = item else {
                throw ConfigError(location: item.location, message: "\(stage.id).\(key) must list plain names")
            }
            guard let value = T(rawValue: s.text) else {
                let hint = didYouMean(s.text, among: known).map { "; did you mean `\($0)`?" } ?? ""
                throw ConfigError(location: s.location, message: "\(stage.id).\(key): unknown name `\(MessageText.excerpt(s.text, limit: 64))` (known: \(known.joined(separator: ", ")))\(hint)")
            }
            if out.contains(where: { $0.rawValue == value.rawValue }) {
                throw ConfigError(location: s.location, message: "\(stage.id).\(key) lists `\(MessageText.excerpt(s.text, limit: 64))` twice")
            }
            out.append(value)
        }
        return out
    }

}

/// What `drivers` records in its manifest: the window, the responses and the segments that got no
/// model (their rows are absent from the tables, so a reader can tell "too few" from "not configured").
public struct DriversQuality: ManifestQuality {
    public var window: [Month]
    public var monthsRead: [Month]
    public var responses: Int
    public var n: Int
    public var dropped: Int
    public var segmentsFitted: Int
    public var segmentsSingular: Int
    public var minN: Int
    public var belowMinN: [(dimension: String, member: String, n: Int)]

    public init(window: [Month], monthsRead: [Month], responses: Int, n: Int, dropped: Int, segmentsFitted: Int,
                segmentsSingular: Int, minN: Int, belowMinN: [(dimension: String, member: String, n: Int)]) {
        self.window = window
        self.monthsRead = monthsRead
        self.responses = responses
        self.n = n
        self.dropped = dropped
        self.segmentsFitted = segmentsFitted
        self.segmentsSingular = segmentsSingular
        self.minN = minN
        self.belowMinN = belowMinN
    }

    public var json: JSONValue {
        .object([
            ("window", .array(window.map { .string($0.description) })),
            ("months_read", .array(monthsRead.map { .string($0.description) })),
            ("responses", .int(responses)),
            ("n", .int(n)),
            ("dropped", .int(dropped)),
            ("segments_fitted", .int(segmentsFitted)),
            ("segments_singular", .int(segmentsSingular)),
            ("min_n", .int(minN)),
            ("below_min_n", .array(belowMinN.map { s in
                .object([("segment_dim", .string(s.dimension)), ("segment", .string(s.member)), ("n", .int(s.n))])
            })),
        ])
    }

    public init?(json: JSONValue) {
        guard let responses = json["responses"]?.intValue, let n = json["n"]?.intValue else { return nil }
        func months(_ key: String) -> [Month] { json[key]?.arrayValue?.compactMap { $0.stringValue.flatMap(Month.init(key:)) } ?? [] }
        self.init(window: months("window"), monthsRead: months("months_read"), responses: responses, n: n,
                  dropped: json["dropped"]?.intValue ?? 0, segmentsFitted: json["segments_fitted"]?.intValue ?? 0,
                  segmentsSingular: json["segments_singular"]?.intValue ?? 0, minN: json["min_n"]?.intValue ?? 0,
                  belowMinN: json["below_min_n"]?.arrayValue?.compactMap { s in
                      guard let d = s["segment_dim"]?.stringValue, let m = s["segment"]?.stringValue else { return nil }
                      return (d, m, s["n"]?.intValue ?? 0)
                  } ?? [])
    }
}
