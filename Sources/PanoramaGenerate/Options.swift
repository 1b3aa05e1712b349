import Foundation

/// Options of `panorama generate`.
public struct GeneratorOptions: Sendable, Equatable {
    /// First month, `YYYY-MM`.
    public var start: String
    /// Number of consecutive months to write (≥ 1).
    public var months: Int
    /// Active customers at the start of the first month (≥ 1).
    public var customers: Int
    /// Seed of every random choice; the same options give byte-identical output.
    public var seed: UInt64
    /// `utf-8` or `gb18030`.
    public var encoding: String
    /// Probability per row of an extra planted bad row (0 disables planted rows and nulled fields).
    public var dirtyRate: Double

    /// Creates options; values are validated by `SyntheticDeliveryGenerator.write(to:)`.
    public init(start: String = "2026-01", months: Int = 3, customers: Int = 10_000, seed: UInt64 = 42,
                encoding: String = "utf-8", dirtyRate: Double = 0.01) {
        self.start = start
        self.months = months
        self.customers = customers
        self.seed = seed
        self.encoding = encoding
        self.dirtyRate = dirtyRate
    }
}

/// What the generator knows about the data it wrote (also written to `DIR/_truth.json`).
public struct GenerationTruth: Codable, Sendable, Equatable {
    /// Seed used.
    public var seed: UInt64
    /// First month, `YYYY-MM`.
    public var start: String
    /// Every month written, in order.
    public var months: [String]
    /// Active customers at the start of the first month.
    public var customers: Int
    /// `utf-8` or `gb18030`.
    public var encoding: String
    /// Planted-row probability per row.
    public var dirtyRate: Double
    /// The true NPS model behind the survey answers.
    public var npsModel: NPSModel
    /// The churn model (relative risk weights) behind `churned_in_month`.
    public var churnModel: ChurnModel
    /// Per month key, the counts a correct cleanse must reproduce.
    public var perMonth: [String: MonthTruth]

    enum CodingKeys: String, CodingKey {
        case seed, start, months, customers, encoding
        case dirtyRate = "dirty_rate"
        case npsModel = "nps_model"
        case churnModel = "churn_model"
        case perMonth = "per_month"
    }

    /// Reads `_truth.json`.
    public static func load(from url: URL) throws -> GenerationTruth {
        try JSONDecoder().decode(GenerationTruth.self, from: Data(contentsOf: url))
    }

    /// The canonical JSON (sorted keys, pretty-printed) as written to `_truth.json`.
    public func jsonData() throws -> Data {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .prettyPrinted]
        return try enc.encode(self)
    }
}

/// nps = clamp(round(intercept + Σ coefficients[d]·score_d + ε), 0, 10), ε ~ N(0, noise_sd).
public struct NPSModel: Codable, Sendable, Equatable {
    /// b0.
    public var intercept: Double
    /// Per dimension name (`network`, `hall`, …) its coefficient.
    public var coefficients: [String: Double]
    /// Standard deviation of ε.
    public var noiseSD: Double

    enum CodingKeys: String, CodingKey {
        case intercept, coefficients
        case noiseSD = "noise_sd"
    }
}

/// Monthly churn hazard: base_rate × (1 + Σ weight·flag) / mean over eligible customers of (1 + Σ weight·flag).
public struct ChurnModel: Codable, Sendable, Equatable {
    /// Mean monthly churn probability among customers active before the month.
    public var baseRate: Double
    /// Mean monthly share of new joiners relative to the active base.
    public var joinRate: Double
    /// Additive relative-risk weights per flag (`bill_drop`, `call_forward`, `offnet`, `complaint`, `detractor`, `new_tenure`).
    public var weights: [String: Double]

    enum CodingKeys: String, CodingKey {
        case weights
        case baseRate = "base_rate"
        case joinRate = "join_rate"
    }
}

/// Counts of one month.
public struct MonthTruth: Codable, Sendable, Equatable {
    /// customers.csv counts.
    public var customers: SourceTruth
    /// usage.csv counts.
    public var usage: SourceTruth
    /// surveys.csv counts.
    public var surveys: SourceTruth
    /// complaints.csv counts.
    public var complaints: SourceTruth
    /// Customers in the base of M (joined by the end of M, not churned before M).
    public var baseCustomers: Int
    /// Base customers whose churn_date is in M.
    public var churnedInMonth: Int
    /// Customers whose join_date is in M.
    public var newCustomers: Int
    /// 100 × (promoters − detractors) / respondents over the clean surveys of M.
    public var surveyNPS: Double
    /// Clean surveys with all seven dimensions answered.
    public var surveysComplete: Int

    enum CodingKeys: String, CodingKey {
        case customers, usage, surveys, complaints
        case baseCustomers = "base_customers"
        case churnedInMonth = "churned_in_month"
        case newCustomers = "new_customers"
        case surveyNPS = "survey_nps"
        case surveysComplete = "surveys_complete"
    }
}

/// Counts of one delivered file.
public struct SourceTruth: Codable, Sendable, Equatable {
    /// Non-blank records after the header.
    public var read: Int
    /// Records a correct cleanse accepts.
    public var clean: Int
    /// Per quarantine code (only codes with a count > 0).
    public var quarantined: [String: Int]
    /// customers.csv only: optional fields emptied (`gender`, `birth_date`).
    public var nulled: [String: Int]?
    /// Blank physical lines (empty or spaces only) between records.
    public var blankLines: Int
    /// The header as written (file column order, extra columns included, before trimming/case folding).
    public var columns: [String]
    /// Whether lines end in CRLF.
    public var crlf: Bool
    /// Whether the file starts with a UTF-8 BOM.
    public var bom: Bool

    enum CodingKeys: String, CodingKey {
        case read, clean, quarantined, nulled, columns, crlf, bom
        case blankLines = "blank_lines"
    }
}
