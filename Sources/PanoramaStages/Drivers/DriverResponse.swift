import PanoramaCore
import PanoramaEngine

/// One clean survey response as the key-driver analysis sees it: who answered, the NPS answer
/// (0–10) and the seven dimension scores (nil = not answered).
public struct DriverResponse: Sendable, Equatable {
    /// The respondent, used to find their segment members in customer_360 of M.
    public var customerId: String
    /// Likelihood to recommend, 0–10.
    public var nps: Double
    /// Scores in `SurveyDimension.allCases` order; nil where not answered.
    public var scores: [Double?]

    /// A response; `scores` holds the seven dimensions in SPEC §2.3 order.
    public init(customerId: String, nps: Double, scores: [Double?]) {
        precondition(scores.count == SurveyDimension.allCases.count, "one score per survey dimension")
        self.customerId = customerId
        self.nps = nps
        self.scores = scores
    }

    /// The score of one dimension (nil = not answered).
    public subscript(_ dimension: SurveyDimension) -> Double? {
        scores[DriverResponse.scoreIndex(dimension)]
    }

    /// Position of a dimension in `scores` (SPEC §2.3 order).
    public static func scoreIndex(_ dimension: SurveyDimension) -> Int {
        SurveyDimension.allCases.firstIndex(of: dimension)!
    }

    /// The responses of a `fact_survey` partition (SPEC §3.1), in table order. A clean table with a
    /// missing or non-numeric nps, or a non-numeric score, is damaged: that is a runtime error.
    /// The fact_survey columns `read(factSurvey:)` needs.
    public static let surveyColumns = CleanseStage.factSurvey.pick(["customer_id", "nps"] + SurveyDimension.allCases.map(\.rawValue))

    public static func read(factSurvey table: ColumnarTable, name: String) throws -> [DriverResponse] {
        let idColumn = try table.column("customer_id")
        let npsColumn = try table.column("nps")
        let scoreColumns = try SurveyDimension.allCases.map { try table.column($0.rawValue) }
        var out: [DriverResponse] = []
        out.reserveCapacity(table.rowCount)
        for r in 0..<table.rowCount {
            guard let nps = table.double(r, npsColumn), nps.isFinite else {
                throw PanoramaError.runtime("\(name) row \(r + 2) has no valid nps (`\(table.string(r, npsColumn))`); the partition is damaged — re-run the stage that wrote it")
            }
            var scores: [Double?] = []
            scores.reserveCapacity(scoreColumns.count)
            for c in scoreColumns {
                if table.isEmpty(r, c) {
                    scores.append(nil)
                } else if let v = table.double(r, c), v.isFinite {
                    scores.append(v)
                } else {
                    throw PanoramaError.runtime("\(name) row \(r + 2) column \(table.header[c]) is not a score (`\(table.string(r, c))`); the partition is damaged — re-run the stage that wrote it")
                }
            }
            out.append(DriverResponse(customerId: table.string(r, idColumn), nps: nps, scores: scores))
        }
        return out
    }
}
