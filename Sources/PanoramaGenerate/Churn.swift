import Foundation

/// Ends some customers in M: each customer active before M churns with a probability proportional
/// to 1 + Σ weight·flag of this month's flags (the relative risks of `weights`), scaled so that the
/// mean over the eligible customers is `rate`. The churn date is a day of M. A churn shift multiplies
/// the probability of its brand's or value tier's customers.
enum Churn: MonthStep {
    /// Relative risk added by each flag (`new_tenure`: joined less than 180 days before M).
    static let weights: [(String, Double)] = [("bill_drop", 3.0), ("call_forward", 2.0), ("offnet", 1.0),
                                              ("complaint", 1.5), ("detractor", 1.5), ("new_tenure", 0.5)]
    /// Mean monthly churn probability of the customers active before M.
    static let rate = 0.012

    static func run(_ g: inout GeneratorRun, _ month: inout MonthState) throws {
        let m = month.info
        let base = month.base
        var r = Rng(seed: g.seed, stream: Stream.churn.rawValue, month: m.index)
        let wts = Churn.weights.map(\.1)
        func risk(_ i: Int) -> Double {
            let f = g.pop.flags[i]
            var x = 1.0
            if f & Population.Flag.billDrop != 0 { x += wts[0] }
            if f & Population.Flag.callForward != 0 { x += wts[1] }
            if f & Population.Flag.offnet != 0 { x += wts[2] }
            if g.pop.complaintMask[i] != 0 { x += wts[3] }
            if f & Population.Flag.detractor != 0 { x += wts[4] }
            if Int(g.pop.joinDay[i]) > m.firstDay - 180 { x += wts[5] }
            return x
        }
        var sum = 0.0
        var eligible = 0
        for ci in base where Int(g.pop.joinDay[Int(ci)]) < m.firstDay {
            sum += risk(Int(ci)); eligible += 1
        }
        guard eligible > 0 else { return }
        let scale = Churn.rate * Double(eligible) / sum
        var churned = 0
        let fx = month.shifts
        var sr = g.shiftRng(9, m)
        let reduction = ContactsSource.model.retentionChurnReductionPt / 100
        for ci in base {
            let i = Int(ci)
            guard Int(g.pop.joinDay[i]) < m.firstDay else { continue }
            let p = scale * risk(i)
            let marks = g.pop.followUp[i]
            // A retention contact that reached the customer takes points off the month's probability.
            let cut = marks & FollowUp.retentionReached != 0 ? reduction : 0
            let pBase = max(0, min(0.6, p) - cut)
            var pUsed = pBase
            let u = r.uniform()
            if u < pBase {
                g.pop.churnDay[i] = Int32(m.firstDay + r.int(m.dayCount))
                churned += 1
            } else if fx.churn {
                // Coupled draws: a shift only adds churners (the same uniform against a higher
                // probability), and their churn day comes from the shift stream.
                let factor = fx.churnFactorBrand[Int(g.pop.brand[i])] * fx.churnFactorTier[Population.valueTier(g.pop.arpu3mAvg(i))]
                if factor > 1 {
                    pUsed = max(0, min(0.6, p * factor) - cut)
                    if u < pUsed {
                        g.pop.churnDay[i] = Int32(m.firstDay + sr.int(m.dayCount))
                        churned += 1
                        month.shiftChurned.append(ci)
                    }
                }
            }
            if marks & FollowUp.churnWatch != 0 { month.followUp.churnProb[ci] = pUsed }
        }
        month.churned = churned
    }
}
