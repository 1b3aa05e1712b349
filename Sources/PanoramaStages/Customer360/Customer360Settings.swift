/// Thresholds and weights of stage `customer360` (SPEC §3.2), all configurable, with the spec's defaults.
public struct Customer360Settings: Sendable {
    /// `high_value` when arpu_3m_avg ≥ this (中高端).
    public var highValueArpu = 120.0
    /// value_tier lower bounds by arpu_3m_avg: A, B, C (else D).
    public var tierA = 300.0, tierB = 120.0, tierC = 50.0
    /// Warning-flag thresholds.
    public var billDropPct = -30.0, callForwardRatio = 0.5, offnetRatio = 0.4, complaints3m = 2.0
    /// Churn-risk weights in flag order bill_drop, call_forward, offnet, complaint, detractor.
    public var weights: [Double] = [0.30, 0.25, 0.20, 0.15, 0.10]
    /// risk_level lower bounds.
    public var riskHigh = 50.0, riskMedium = 25.0
    /// Percent of churn_watch and detractor_repair held out of contact as the control group (SPEC
    /// §3.3); 0 turns the holdout off.
    public var holdoutPct = 10.0

    public init() {}

    /// Flag names in SPEC order (also the `reasons` order of churn_watch).
    public static let flagNames = ["bill_drop", "call_forward", "offnet", "complaint", "detractor"]
}
