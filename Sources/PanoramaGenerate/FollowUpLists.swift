import Foundation
import PanoramaCore

/// The follow-up lists of a month (SPEC §3.3) as the pipeline will build them from these files: the
/// generator knows the clean tables exactly (real rows are always valid; planted rows are always
/// quarantined), so it mirrors SPEC §3.2's rules on its own state — arpu_3m_avg summed in the same
/// order, the same flag thresholds and weights, the latest survey, the birth dates a cleanse empties.
/// The call centre works these lists during the next month (`ContactsSource`).
struct FollowUpLists {
    /// The month the lists are of (M-1 for the contacts of M).
    let month: MonthInfo
    /// churn_watch customers (population indices, index order) and whether each is held out.
    var churnWatch: [Int32] = []
    var churnWatchHoldout: [Bool] = []
    /// detractor_repair customers and whether each is held out.
    var detractorRepair: [Int32] = []
    var detractorRepairHoldout: [Bool] = []
    /// care_calendar rows: customer and occasion (`birthday` true, else `anniversary`).
    var care: [(customer: Int32, birthday: Bool)] = []

    /// holdout_pct of SPEC §3.3 (customer360 default), unless the options say otherwise.
    static let defaultHoldoutPct = 10.0

    /// Builds the lists of month `m` from the population at the end of m. `base` is m's base,
    /// `birthNulled` the customers (index order) whose birth_date customers.csv of m spelt invalidly,
    /// `holdoutPct` the pipeline's customer360 `holdout_pct`.
    init(month m: MonthInfo, base: [Int32], pop: borrowing Population, birthNulled: [Int32], holdoutPct: Double) {
        month = m
        let next = MonthInfo(index: m.index + 1)
        var nulled = 0
        for ci in base {
            let i = Int(ci)
            while nulled < birthNulled.count && Int(birthNulled[nulled]) < i { nulled += 1 }
            let birthKnown = pop.birthDay[i] != Population.noBirth && !(nulled < birthNulled.count && Int(birthNulled[nulled]) == i)
            let state = CustomerState(pop, i, month: m)
            let churned = state.churnedInMonth, highValue = state.highValue, nps = state.nps
            let score = state.churnRiskScore

            if score >= 50 && highValue && !churned {
                churnWatch.append(ci)
                churnWatchHoldout.append(FollowUpLists.heldOut("churn_watch", i, m, holdoutPct))
            }
            if nps <= 6 {
                detractorRepair.append(ci)
                detractorRepairHoldout.append(FollowUpLists.heldOut("detractor_repair", i, m, holdoutPct))
            }
            if !churned && (highValue || pop.vip[i] != 0) {
                var birthday = false
                if birthKnown {
                    let b = Int(pop.birthDay[i])
                    let age = Civil.wholeMonths(b, m.lastDay) / 12
                    birthday = b <= m.lastDay && age >= 10 && age <= 110 && Civil.date(b).m == next.month
                }
                let join = Int(pop.joinDay[i])
                let anniversary = Civil.date(join).m == next.month && Civil.wholeMonths(join, next.lastDay) >= 12
                // code-point order of occasions: anniversary before birthday
                if anniversary { care.append((ci, false)) }
                if birthday { care.append((ci, true)) }
            }
        }
    }

    /// SPEC §3.3 holdout: the first 8 bytes of SHA-256 of `<list>|<customer_id>|<YYYY-MM>` as a
    /// big-endian integer, divided by 2^64, below holdout_pct/100.
    static func heldOut(_ list: String, _ i: Int, _ m: MonthInfo, _ holdoutPct: Double) -> Bool {
        let hex = SHA256Digest.hex(Array("\(list)|\(customerId(i))|\(m.key)".utf8))
        var v: UInt64 = 0
        for c in hex.utf8.prefix(16) { v = v << 4 | UInt64(c <= 57 ? c - 48 : c - 87) }
        return Double(v) / 18_446_744_073_709_551_616.0 < holdoutPct / 100
    }
}
