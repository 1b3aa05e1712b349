import PanoramaCore

/// One clean survey response as the key-driver analysis sees it: who answered, the NPS answer
/// (0–10) and the seven dimension scores (nil = not answered).
public struct SurveyResponse: Sendable, Equatable {
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
        scores[SurveyDimension.index(of: dimension)]
    }

    /// The responses of a `fact_survey` partition (SPEC §3.1), in table order. A clean table with a
    /// missing or non-numeric nps, or a non-numeric score, is damaged: that is a runtime error.
    public static func read(factSurvey table: CSVTable, name: String) throws -> [SurveyResponse] {
        let idColumn = try table.column("customer_id")
        let npsColumn = try table.column("nps")
        let scoreColumns = try SurveyDimension.allCases.map { try table.column($0.rawValue) }
        var out: [SurveyResponse] = []
        out.reserveCapacity(table.rowCount)
        for r in 0..<table.rowCount {
            guard let nps = table.double(r, npsColumn), nps.isFinite else {
                throw PanoramaError.runtime("\(name) row \(r + 2) has no valid nps (`\(table[r, npsColumn])`); the partition is damaged — re-run the stage that wrote it")
            }
            var scores: [Double?] = []
            scores.reserveCapacity(scoreColumns.count)
            for c in scoreColumns {
                if table[r, c].isEmpty {
                    scores.append(nil)
                } else if let v = table.double(r, c), v.isFinite {
                    scores.append(v)
                } else {
                    throw PanoramaError.runtime("\(name) row \(r + 2) column \(table.header[c]) is not a score (`\(table[r, c])`); the partition is damaged — re-run the stage that wrote it")
                }
            }
            out.append(SurveyResponse(customerId: table[r, idColumn], nps: nps, scores: scores))
        }
        return out
    }
}

extension SurveyDimension {
    /// Position in SPEC §2.3 order (the index into `SurveyResponse.scores`).
    public static func index(of dimension: SurveyDimension) -> Int {
        switch dimension {
        case .network: 0
        case .hall: 1
        case .hotline: 2
        case .billing: 3
        case .new_business: 4
        case .promotion: 5
        case .communication: 6
        }
    }
}

/// A base customer's members of the segment dimensions, from customer_360 of M.
public struct CustomerMembers: Sendable, Equatable {
    /// `gotone`, `mzone` or `easyown`.
    public var brand: String
    /// `A`–`D`.
    public var valueTier: String
    /// City as delivered.
    public var city: String
    /// `diamond`, `gold`, `silver` or `none`.
    public var vipLevel: String

    /// Members as written in customer_360.
    public init(brand: String, valueTier: String, city: String, vipLevel: String) {
        self.brand = brand
        self.valueTier = valueTier
        self.city = city
        self.vipLevel = vipLevel
    }

    /// The member of one dimension (empty when customer_360 left it empty).
    public func member(_ dimension: SegmentDimension) -> String {
        switch dimension {
        case .brand: brand
        case .value_tier: valueTier
        case .city: city
        case .vip_level: vipLevel
        }
    }

    /// customer_id → members for every row of a `customer_360` partition (SPEC §3.2). customer_id is
    /// unique there; should it repeat, the first row wins so the lookup never depends on luck.
    public static func read(customer360 table: CSVTable) throws -> [String: CustomerMembers] {
        let id = try table.column("customer_id")
        let brand = try table.column("brand")
        let tier = try table.column("value_tier")
        let city = try table.column("city")
        let vip = try table.column("vip_level")
        var out: [String: CustomerMembers] = [:]
        out.reserveCapacity(table.rowCount)
        for r in 0..<table.rowCount where out[table[r, id]] == nil {
            out[table[r, id]] = CustomerMembers(brand: table[r, brand], valueTier: table[r, tier],
                                                city: table[r, city], vipLevel: table[r, vip])
        }
        return out
    }
}
