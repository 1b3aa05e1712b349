import Foundation

/// The effect of the follow-up on the `contacted` row of list_outcome (SPEC §5.1): the difference of
/// two proportions, contacted minus held out, in percentage points, with its unpooled standard error
/// and the pooled two-proportion test of SPEC §4.1. Computed from counts, never from rounded rates.
public struct ListEffect: Sendable, Equatable {
    /// 100 × x₁/n₁ − 100 × x₂/n₂, in pt: the difference of the two rows' rates as they are computed.
    public var effect: Double
    /// 100 × √(p₁(1−p₁)/n₁ + p₂(1−p₂)/n₂).
    public var stdErr: Double
    /// Two-sided p-value of z = (p₁ − p₂)/√(p̄(1−p̄)(1/n₁ + 1/n₂)), p̄ = (x₁ + x₂)/(n₁ + n₂):
    /// erfc(|z|/√2); a zero denominator gives 1 when p₁ = p₂, else 0.
    public var pValue: Double

    /// nil when either group has no denominator (no customers, or nobody resurveyed).
    public init?(contacted x1: Int, of n1: Int, holdout x2: Int, of n2: Int) {
        guard n1 > 0, n2 > 0 else { return nil }
        let p1 = Double(x1) / Double(n1), p2 = Double(x2) / Double(n2)
        effect = 100 * Double(x1) / Double(n1) - 100 * Double(x2) / Double(n2)
        stdErr = 100 * (p1 * (1 - p1) / Double(n1) + p2 * (1 - p2) / Double(n2)).squareRoot()
        let pooled = Double(x1 + x2) / Double(n1 + n2)
        let denominator = (pooled * (1 - pooled) * (1 / Double(n1) + 1 / Double(n2))).squareRoot()
        if denominator == 0 {
            pValue = p1 == p2 ? 1 : 0
        } else {
            pValue = erfc(abs((p1 - p2) / denominator) / 2.0.squareRoot())
        }
    }
}
