/// 由果推因, turned round: for a driver model and the NPS target of its segment, how much one driver's
/// mean score would have to rise, on its own, to close the gap — gap ÷ nps_lift_1pt (SPEC §5's
/// expected NPS change for +1 point), capped at the points the driver has left before 10.
/// Only drivers that are significant (p ≤ alpha) and lift NPS (nps_lift_1pt > 0) are candidates.
/// The lift is the effect of the first point, so the figure is a first-order estimate.
public struct GapClosingPlan: Sendable, Equatable {
    /// One candidate driver.
    public struct Step: Sendable, Equatable {
        public var driver: String
        /// nps_lift_1pt: NPS points per point of mean score.
        public var lift: Double
        /// The mean score today, performance ÷ 10 (1–10).
        public var meanScore: Double
        /// Points left before 10: 10 − performance ÷ 10.
        public var headroom: Double
        /// gap ÷ lift: the mean-score rise that alone would close the gap.
        public var needed: Double
        /// needed ≤ headroom.
        public var closesGap: Bool { needed <= headroom }
        /// The rise shown: needed, capped at headroom.
        public var rise: Double { min(needed, headroom) }
        /// NPS points gained by `rise`.
        public var npsGain: Double { rise * lift }
    }

    public var segmentDim: String
    public var segment: String
    /// The segment's NPS and target (kpi rows of the run month).
    public var nps: Double
    public var target: Double
    /// target − nps; ≤ 0 means the target is met.
    public var gap: Double { target - nps }
    /// The candidates, ranked: those that close the gap by the smallest rise first, then the others
    /// by the NPS they can add, largest first; ties in driver order.
    public var steps: [Step]
    /// Drivers left out: `not_significant` (p > alpha or no p) or `no_lift` (nps_lift_1pt ≤ 0), in driver order.
    public var excluded: [(driver: String, reason: String)]

    public static func == (a: GapClosingPlan, b: GapClosingPlan) -> Bool {
        a.segmentDim == b.segmentDim && a.segment == b.segment && a.nps == b.nps && a.target == b.target && a.steps == b.steps
            && a.excluded.map(\.driver) == b.excluded.map(\.driver) && a.excluded.map(\.reason) == b.excluded.map(\.reason)
    }

    /// One plan per fitted model (model order) whose segment has an NPS value and target in the
    /// kpi rows: the province model uses the total row, a segment model the row of its dimension
    /// and member. A segment without an NPS target gets no plan.
    public static func plans(drivers: [DriverRow], models: [DriverModelRow], kpis: [KPIRow], alpha: Double) -> [GapClosingPlan] {
        var segments = models.map { ($0.segmentDim, $0.segment) }
        for d in drivers where !segments.contains(where: { $0 == (d.segmentDim, d.segment) }) { segments.append((d.segmentDim, d.segment)) }
        return segments.compactMap { dim, segment -> GapClosingPlan? in
            let rows = drivers.filter { $0.segmentDim == dim && $0.segment == segment }
            guard !rows.isEmpty else { return nil }
            let kpi = kpis.first { $0.kpi == "nps" && $0.dimension == dim && (dim == "total" || $0.member == segment) }
            guard let nps = kpi?.value, let target = kpi?.target else { return nil }
            return plan(segmentDim: dim, segment: segment, nps: nps, target: target, drivers: rows, alpha: alpha)
        }
    }

    /// The plan of one model's driver rows against an NPS and its target.
    public static func plan(segmentDim: String, segment: String, nps: Double, target: Double, drivers: [DriverRow],
                            alpha: Double) -> GapClosingPlan {
        let gap = target - nps
        var steps: [(Step, Int)] = []
        var excluded: [(driver: String, reason: String)] = []
        for (k, d) in drivers.enumerated() {
            guard let p = d.pValue, p <= alpha else { excluded.append((d.driver, "not_significant")); continue }
            guard let lift = d.npsLift, lift > 0, let performance = d.performance else { excluded.append((d.driver, "no_lift")); continue }
            steps.append((Step(driver: d.driver, lift: lift, meanScore: performance / 10, headroom: max(0, 10 - performance / 10),
                               needed: max(0, gap) / lift), k))
        }
        steps.sort { a, b in
            if a.0.closesGap != b.0.closesGap { return a.0.closesGap }
            if a.0.closesGap, a.0.needed != b.0.needed { return a.0.needed < b.0.needed }
            if !a.0.closesGap, a.0.npsGain != b.0.npsGain { return a.0.npsGain > b.0.npsGain }
            return a.1 < b.1
        }
        return GapClosingPlan(segmentDim: segmentDim, segment: segment, nps: nps, target: target, steps: steps.map(\.0),
                              excluded: excluded)
    }
}
