import Foundation

/// Ends some customers in M. The true model is a logistic regression on SPEC §5.2's features of the
/// customer's customer_360 row of M-1, so that the churn stage can learn it from the warehouse: churn
/// rises with call forwarding (most), a bill drop, complaints (more so when still open) and a detractor
/// answer, falls with tenure, spend, a VIP level and high value; off-net calls and the complaint flag
/// matter far less than the operator's fixed-weight rule thinks, call forwarding more than a bill drop.
/// Customers weighing another operator's offer (`UsageSource.intentModel`) raise those flags, so that
/// churn_watch churns at ≈ 13 % a month. On top of the model, a churn shift multiplies the probability
/// and a retention contact that reached the customer halves it (`ContactsSource.model`).
/// Customers who joined in M do not churn in M; the churn date is a day of M.
enum Churn: MonthStep {
    /// SPEC §5.2 feature names, in its order.
    static let features = ["flag_bill_drop", "flag_call_forward", "flag_offnet", "flag_complaint", "flag_detractor",
                           "complaints_3m", "open_complaints", "log_arpu_3m", "tenure_years", "vip", "high_value", "has_survey"]
    /// The true coefficients, in the order of `features`.
    static let coefficients: [Double] = [0.5, 3.5, 0.15, 0.1, 0.5, 0.3, 0.6, -0.25, -0.12, -0.3, -0.2, -0.15]
    static let intercept = -3.35
    static let beta: SIMD16<Double> = {
        var b = SIMD16<Double>(repeating: 0)
        for (k, c) in coefficients.enumerated() { b[k] = c }
        return b
    }()

    /// The model's logit for customer i from their state at the end of month m.
    @inline(__always)
    static func logit(_ pop: borrowing Population, _ i: Int, _ m: MonthInfo) -> Double {
        var x = CustomerState(pop, i, month: m).features
        x[9] = pop.vip[i] != 0 ? 1 : 0
        return intercept + (x * beta).sum()
    }

    /// Added to the first month's logits for the flags, complaints and answers of the unseen month
    /// before it, on average (so that churn does not jump from the first month to the second).
    static let prehistoryOffset = 0.5

    /// First month only: no files precede it, so churn follows the customer's pre-history — their usual
    /// bill as arpu_3m_avg, their tenure and VIP level, and `prehistoryOffset` for the rest.
    static func prepare(_ g: inout GeneratorRun, _ month: inout MonthState) throws {
        guard month.ordinal == 0 else { return }
        let before = MonthInfo(index: month.info.index - 1)
        for ci in month.base {
            let i = Int(ci)
            guard Int(g.pop.joinDay[i]) <= before.lastDay else { continue }
            let usual = Foundation.exp(Double(g.pop.logLevel[i]))
            var x = SIMD16<Double>(repeating: 0)
            x[7] = Foundation.log(1 + usual)
            x[8] = Double(min(Civil.wholeMonths(Int(g.pop.joinDay[i]), before.lastDay), 240)) / 12
            x[9] = g.pop.vip[i] != 0 ? 1 : 0
            x[10] = usual >= CustomerState.highValueArpu ? 1 : 0
            g.pop.churnLogit[i] = Float(intercept + prehistoryOffset + (x * beta).sum())
        }
    }

    static func run(_ g: inout GeneratorRun, _ month: inout MonthState) throws {
        let m = month.info
        var r = Rng(seed: g.seed, stream: Stream.churn.rawValue, month: m.index)
        var churned = 0
        let fx = month.shifts
        var sr = g.shiftRng(9, m)
        let factor = ContactsSource.model.retentionChurnFactor
        for ci in month.base {
            let i = Int(ci)
            guard Int(g.pop.joinDay[i]) < m.firstDay else { continue }
            let p = 1 / (1 + Foundation.exp(-Double(g.pop.churnLogit[i])))
            let marks = g.pop.followUp[i]
            // A retention contact that reached the customer cuts the month's probability by a share.
            let kept = marks & FollowUp.retentionReached != 0 ? factor : 1
            let pBase = min(0.6, p) * kept
            // A churn shift raises the probability of its cell's customers (`pUsed`, the probability
            // the truth records); coupled draws: the same uniform against the higher probability, so
            // a shift only adds churners, whose churn day comes from the shift stream.
            var pUsed = pBase
            if fx.churn {
                let shift = fx.churnFactorBrand[Int(g.pop.brand[i])] * fx.churnFactorTier[Population.valueTier(g.pop.arpu3mAvg(i))]
                if shift > 1 { pUsed = min(0.6, p * shift) * kept }
            }
            let u = r.uniform()
            if u < pBase {
                g.pop.churnDay[i] = Int32(m.firstDay + r.int(m.dayCount))
                churned += 1
            } else if u < pUsed {
                g.pop.churnDay[i] = Int32(m.firstDay + sr.int(m.dayCount))
                churned += 1
                month.shiftChurned.append(ci)
            }
            if marks & FollowUp.churnWatch != 0 { month.followUp.churnProb[ci] = pUsed }
        }
        month.churned = churned
    }

    /// Next month's logits, from the state this month leaves (customers still active at its end).
    static func endOfMonth(_ g: inout GeneratorRun, _ month: inout MonthState) throws {
        let m = month.info
        let last = Int32(m.lastDay)
        for ci in month.base where g.pop.churnDay[Int(ci)] > last {
            g.pop.churnLogit[Int(ci)] = Float(logit(g.pop, Int(ci), m))
        }
    }
}
