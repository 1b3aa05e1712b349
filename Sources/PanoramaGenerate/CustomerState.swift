import Foundation

/// A base customer's SPEC §3.2 state at the end of a month, computed from the generator's own state
/// exactly as customer360 will compute it from the delivered files (real rows are always valid, so
/// the generator knows the clean tables): the inputs of the follow-up lists and of next month's churn.
struct CustomerState {
    /// arpu_3m_avg (NaN when the customer has no bill in M, M-1, M-2).
    var arpu3mAvg: Double
    var highValue: Bool
    /// Raised flags in SPEC order: bill_drop 1, call_forward 2, offnet 4, complaint 8, detractor 16.
    var flags: UInt8
    var complaints3m: Int
    var openComplaints: Int
    /// nps of the latest survey of the month (255 = none).
    var nps: UInt8
    var tenureMonths: Int
    var churnedInMonth: Bool

    /// SPEC §3.2 thresholds and weights (the pipeline's defaults).
    static let highValueArpu = 120.0
    static let weights = [0.30, 0.25, 0.20, 0.15, 0.10]

    init(_ pop: borrowing Population, _ i: Int, month m: MonthInfo) {
        arpu3mAvg = pop.arpu3mAvg(i)
        highValue = arpu3mAvg >= CustomerState.highValueArpu
        nps = pop.lastNps[i]
        complaints3m = pop.complaints3m(i)
        openComplaints = Int(pop.complaintCounts[i] >> 6)
        var f: UInt8 = 0
        let a = pop.arpu0[i], p = pop.arpu1[i]
        if a >= 0 && p > 0 {
            let cur = Double(a) / 100, prev = Double(p) / 100
            if 100 * (cur - prev) / prev <= -30 { f |= 1 }
        }
        if pop.flags[i] & Population.Flag.callForward != 0 { f |= 2 }
        if pop.flags[i] & Population.Flag.offnet != 0 { f |= 4 }
        if complaints3m >= 2 { f |= 8 }
        if nps <= 6 { f |= 16 }
        flags = f
        // whole months from the join date to the month's last day: the join month's distance to m
        // (adding months to a date never passes the end of the target month)
        let (jy, jm, _) = Civil.date(Int(pop.joinDay[i]))
        tenureMonths = max(0, m.year * 12 + m.month - (jy * 12 + jm))
        let churn = Int(pop.churnDay[i])
        churnedInMonth = churn >= m.firstDay && churn <= m.lastDay
    }

    /// churn_risk_score: round(100 × Σ weight·flag), the weights summed in flag order as customer360 does.
    var churnRiskScore: Int {
        var sum = 0.0
        for k in 0..<5 where flags & (1 << k) != 0 { sum += CustomerState.weights[k] }
        return Int((100 * sum).rounded())
    }

    /// The features of SPEC §5.2, in its order.
    var features: SIMD16<Double> {
        var x = SIMD16<Double>(repeating: 0)
        for k in 0..<5 where flags & (1 << k) != 0 { x[k] = 1 }
        x[5] = Double(complaints3m)
        x[6] = Double(openComplaints)
        x[7] = arpu3mAvg.isNaN ? 0 : Foundation.log(1 + arpu3mAvg)
        x[8] = Double(min(tenureMonths, 240)) / 12
        x[9] = 0  // vip, set by the caller (the population knows it)
        x[10] = highValue ? 1 : 0
        x[11] = nps == 255 ? 0 : 1
        return x
    }
}
