import PanoramaCore
import PanoramaStats

/// What happened to one segment of the key-driver analysis (for the stage report; the tables hold
/// the numbers).
public struct DriverSegment: Sendable, Equatable {
    /// How the segment ended.
    public enum Outcome: String, Sendable, Equatable {
        /// A model was fitted: one driver_model row and one drivers row per driver.
        case fitted
        /// The data cannot support a model: one driver_model row with n, dropped and warnings.
        case singular
        /// n after dropping is below min_n: no rows at all (never for `total`).
        case belowMinN = "below_min_n"
    }

    /// `total` or a `segment_by` dimension.
    public var dimension: String
    /// The province for `total`, else the member.
    public var member: String
    /// Complete rows used.
    public var n: Int
    /// Rows of the segment missing any driver score (listwise deletion).
    public var dropped: Int
    /// Fitted, singular or omitted.
    public var outcome: Outcome
    /// The driver_model warnings (empty when omitted).
    public var warnings: [String]
}

/// What the `drivers` stage produced for a month.
public struct DriversOutput {
    /// The `drivers` table (SPEC §5).
    public var drivers: CSVWriter
    /// The `driver_model` table (SPEC §5).
    public var driverModel: CSVWriter
    /// Responses in the window (before listwise deletion).
    public var responses: Int
    /// Every segment considered, in table order, omitted ones included.
    public var segments: [DriverSegment]
}

/// Stage `drivers`: NPS key-driver analysis per segment (SPEC §5) — which service dimensions move
/// likelihood to recommend, how much of the explained variance each carries, and where it
/// performs.
public struct Drivers {
    /// The run month M (written in every row; the window ends at it).
    public var month: Month
    /// The pipeline's province: the `segment` of the `total` rows.
    public var province: String
    /// window_months, min_n, drivers, segment_by.
    public var settings: DriversSettings

    /// A key-driver analysis for month M of a province.
    public init(month: Month, province: String, settings: DriversSettings) {
        self.month = month
        self.province = province
        self.settings = settings
    }

    /// Fits `total` on every response, then each `segment_by` member (from `members`, customer_360
    /// of M) whose n after listwise deletion reaches min_n. `responses` are the clean surveys of
    /// the whole window (the caller reads the partitions; their order only affects rounding).
    public func run(responses: [DriverResponse], members: [String: DriverMembers]) throws -> DriversOutput {
        let problems = settings.problems()
        guard problems.isEmpty else {
            throw PanoramaError.usage("drivers settings: " + problems.joined(separator: "; "))
        }
        let columns = settings.drivers.map(DriverResponse.scoreIndex)
        let names = settings.drivers.map(\.rawValue)
        let complete = responses.map { r in columns.allSatisfy { r.scores[$0] != nil } }

        var driverTable = CSVWriter(header: DriversStage.drivers.columns)
        var modelTable = CSVWriter(header: DriversStage.driverModel.columns)
        var segments: [DriverSegment] = []
        for group in groups(responses, members) {
            let used = group.rows.filter { complete[$0] }
            let dropped = group.rows.count - used.count
            // min_n guards the segments only: the total is always reported, however thin, so the
            // report never silently loses its headline model.
            if group.dimension != "total" && used.count < settings.minN {
                segments.append(DriverSegment(dimension: group.dimension, member: group.member, n: used.count,
                                              dropped: dropped, outcome: .belowMinN, warnings: []))
                continue
            }
            let y = used.map { responses[$0].nps }
            let x = columns.map { c in used.map { responses[$0].scores[c]! } }
            let outcome: KeyDriverOutcome
            do {
                outcome = try KeyDriver.fit(y: y, names: names, x: x, yName: "nps")
            } catch {
                // Inputs are finite and shaped by construction, so this is a bug, not bad data.
                throw PanoramaError.runtime("drivers \(group.dimension)=\(group.member) for \(month): \(error)")
            }
            switch outcome {
            case .fitted(let model):
                writeModel(&modelTable, group, n: model.n, dropped: dropped, model: model, warnings: model.warnings)
                for d in model.drivers { writeDriver(&driverTable, group, d) }
                segments.append(DriverSegment(dimension: group.dimension, member: group.member, n: model.n,
                                              dropped: dropped, outcome: .fitted, warnings: model.warnings))
            case .singular(let n, let warnings):
                writeModel(&modelTable, group, n: n, dropped: dropped, model: nil, warnings: warnings)
                segments.append(DriverSegment(dimension: group.dimension, member: group.member, n: n,
                                              dropped: dropped, outcome: .singular, warnings: warnings))
            }
        }
        return DriversOutput(drivers: driverTable, driverModel: modelTable, responses: responses.count,
                             segments: segments)
    }

    // MARK: - Internals

    /// Response rows of one segment, before listwise deletion.
    struct Group {
        var dimension: String
        var member: String
        var rows: [Int]
    }

    /// `total` first, then each segment_by dimension in configured order with its members sorted by
    /// UTF-8 bytes (SPEC §1). Members are only those of respondents found in customer_360 of M;
    /// an empty member (not expected in customer_360) puts the respondent in no segment of that
    /// dimension rather than in a segment named "".
    func groups(_ responses: [DriverResponse], _ members: [String: DriverMembers]) -> [Group] {
        var out = [Group(dimension: "total", member: province, rows: Array(responses.indices))]
        for dimension in settings.segmentBy {
            var byMember: [String: [Int]] = [:]
            for (i, r) in responses.enumerated() {
                guard let m = members[r.customerId]?.member(dimension), !m.isEmpty else { continue }
                byMember[m, default: []].append(i)
            }
            // Sorting the keys is what keeps the dictionary's random order out of the table.
            let sorted = byMember.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            for m in sorted { out.append(Group(dimension: dimension.rawValue, member: m, rows: byMember[m]!)) }
        }
        return out
    }

    private func writeModel(_ t: inout CSVWriter, _ g: Group, n: Int, dropped: Int, model: KeyDriverModel?,
                            warnings: [String]) {
        t.field(month.description)
        t.field(g.dimension)
        t.field(g.member)
        t.integer(n)
        t.integer(dropped)
        // A singular row leaves every statistic empty (SPEC §5); CSVWriter.number also writes any
        // non-finite value as empty, so NaN and inf can never reach the file.
        t.number(model?.r2)
        t.number(model?.adjR2)
        t.number(model?.fStat)
        t.number(model?.fPValue)
        t.number(model?.rmse)
        t.number(model?.intercept)
        t.field(warnings.joined(separator: "|"))
        t.endRow()
    }

    private func writeDriver(_ t: inout CSVWriter, _ g: Group, _ d: DriverResult) {
        t.field(month.description)
        t.field(g.dimension)
        t.field(g.member)
        t.field(d.name)
        t.number(d.coef)
        t.number(d.stdErr)
        t.number(d.t)
        t.number(d.pValue)
        t.number(d.stdBeta)
        t.number(d.vif)
        t.number(d.importance)
        t.number(d.importancePct)
        t.integer(d.rank)
        t.number(d.performance)
        t.field(d.quadrant.rawValue)
        t.number(d.npsLift1pt)
        t.endRow()
    }
}
