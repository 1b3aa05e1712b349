import Foundation

/// Writes realistic synthetic monthly deliveries (SPEC §2: customers, usage, surveys, complaints and
/// contacts) plus `_truth.json` and `_planted.csv`, with planted real changes (`shifts`), follow-up
/// contacts with a known effect and a churn model a logistic regression can learn (docs/generator.md).
///
/// Conventions a cleanse implementation can rely on:
/// - Output is a pure function of the options (seeded xoshiro256**; no hashing order reaches output).
/// - Real rows are always valid (possibly in awkward-but-valid forms on ~5 % of rows, ~10 % for
///   surveys/complaints/contacts). Bad rows are EXTRA planted rows; each fails first, in SPEC column order, with the
///   code recorded in `_planted.csv` (month, source, physical start line, code, detail) and counted in the truth.
/// - Planted customers use fresh ids `X00000001…` (except DUPLICATE_KEY, which repeats an earlier clean
///   row's id and values); UNKNOWN_CUSTOMER uses 10-character ids `C9########`; planted survey,
///   complaint and contact ids are `SVyyyymmX#######` / `CPyyyymmX#######` / `CTyyyymmX#######`.
/// - Malformed records are single physical lines: one field too few, one too many (`,extra`),
///   `ab"c"d` in an unquoted field, or `"abc"def`.
/// - Blank lines are empty or ASCII-spaces-only, never before the header and never the file's last line.
/// - customers.csv "nulled": gender `X`/`未知`/`U`/`unknown`/`9`, birth_date `1990-13-01`/`1985-02-30`/
///   `19881340`/`0000-00-00`/`1979/2/29`, on otherwise valid real rows (both may hit the same row).
public struct SyntheticDeliveryGenerator: Sendable {
    /// The options this generator runs with.
    public let options: GeneratorOptions

    /// Intercept b0 of the true NPS model.
    public static let npsIntercept = 0.5
    /// Coefficients of the seven dimensions, in SPEC §2.3 order.
    public static let npsCoefficients: [Double] = [0.35, 0.10, 0.15, 0.20, 0.05, 0.05, 0.10]
    /// Standard deviation of the NPS noise.
    public static let npsNoiseSD = 0.9

    /// Creates a generator.
    public init(options: GeneratorOptions) {
        self.options = options
    }

    /// Writes `DIR/YYYY-MM/{customers,usage,surveys,complaints,contacts}.csv` for every month, `DIR/_truth.json`
    /// and `DIR/_planted.csv` (month, source, line, code, detail of every planted bad row), and returns the truth.
    public func write(to dir: URL) throws -> GenerationTruth {
        var run = try GeneratorRun(options: options)
        return try run.execute(dir: dir)
    }
}
