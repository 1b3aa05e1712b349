import PanoramaCore
import PanoramaEngine

/// One row of the `drivers` table (SPEC §5).
public struct DriverRow: Sendable, Equatable {
    public var segmentDim: String
    public var segment: String
    public var driver: String
    public var coef: Double?
    public var stdErr: Double?
    public var t: Double?
    public var pValue: Double?
    public var stdBeta: Double?
    public var vif: Double?
    public var importance: Double?
    public var importancePct: Double?
    public var rank: Int?
    public var performance: Double?
    /// `improve_first`, `keep_strength`, `watch` or `low_priority`.
    public var quadrant: String
    public var npsLift: Double?

    /// A row from its values.
    public init(segmentDim: String, segment: String, driver: String, coef: Double?, stdErr: Double? = nil, t: Double? = nil,
                pValue: Double?, stdBeta: Double?, vif: Double?, importance: Double? = nil, importancePct: Double?, rank: Int?,
                performance: Double?, quadrant: String, npsLift: Double?) {
        self.segmentDim = segmentDim
        self.segment = segment
        self.driver = driver
        self.coef = coef
        self.stdErr = stdErr
        self.t = t
        self.pValue = pValue
        self.stdBeta = stdBeta
        self.vif = vif
        self.importance = importance
        self.importancePct = importancePct
        self.rank = rank
        self.performance = performance
        self.quadrant = quadrant
        self.npsLift = npsLift
    }

    /// Reads a `drivers` partition (columns by name).
    public static func read(_ table: ColumnarTable) throws -> [DriverRow] {
        let c = try DriversStage.drivers.pick(["segment_dim", "segment", "driver", "coef", "std_err", "t", "p_value", "std_beta", "vif",
                                                "importance", "importance_pct", "rank", "performance", "quadrant", "nps_lift_1pt"])
            .map { try table.column($0) }
        return (0..<table.rowCount).map { r in
            DriverRow(segmentDim: table.string(r, c[0]), segment: table.string(r, c[1]), driver: table.string(r, c[2]), coef: table.double(r, c[3]),
                      stdErr: table.double(r, c[4]), t: table.double(r, c[5]), pValue: table.double(r, c[6]),
                      stdBeta: table.double(r, c[7]), vif: table.double(r, c[8]), importance: table.double(r, c[9]),
                      importancePct: table.double(r, c[10]), rank: table.int(r, c[11]), performance: table.double(r, c[12]),
                      quadrant: table.string(r, c[13]), npsLift: table.double(r, c[14]))
        }
    }
}

/// One row of the `driver_model` table (SPEC §5); a singular segment has only n, dropped and warnings.
public struct DriverModelRow: Sendable, Equatable {
    public var segmentDim: String
    public var segment: String
    public var n: Int?
    public var dropped: Int?
    public var r2: Double?
    public var adjR2: Double?
    public var fStat: Double?
    public var fPValue: Double?
    public var rmse: Double?
    public var intercept: Double?
    /// The `|`-separated warnings, in table order.
    public var warnings: [String]

    /// A row from its values.
    public init(segmentDim: String, segment: String, n: Int?, dropped: Int?, r2: Double?, adjR2: Double?, fStat: Double?,
                fPValue: Double?, rmse: Double?, intercept: Double?, warnings: [String]) {
        self.segmentDim = segmentDim
        self.segment = segment
        self.n = n
        self.dropped = dropped
        self.r2 = r2
        self.adjR2 = adjR2
        self.fStat = fStat
        self.fPValue = fPValue
        self.rmse = rmse
        self.intercept = intercept
        self.warnings = warnings
    }

    /// Reads a `driver_model` partition (columns by name).
    public static func read(_ table: ColumnarTable) throws -> [DriverModelRow] {
        let c = try DriversStage.driverModel.pick(["segment_dim", "segment", "n", "dropped", "r2", "adj_r2", "f_stat", "f_p_value",
                                                    "rmse", "intercept", "warnings"])
            .map { try table.column($0) }
        return (0..<table.rowCount).map { r in
            DriverModelRow(segmentDim: table.string(r, c[0]), segment: table.string(r, c[1]), n: table.int(r, c[2]), dropped: table.int(r, c[3]),
                           r2: table.double(r, c[4]), adjR2: table.double(r, c[5]), fStat: table.double(r, c[6]),
                           fPValue: table.double(r, c[7]), rmse: table.double(r, c[8]), intercept: table.double(r, c[9]),
                           warnings: table.string(r, c[10]).split(separator: "|").map(String.init))
        }
    }
}

