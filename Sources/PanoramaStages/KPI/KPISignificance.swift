import Foundation
import PanoramaCore

/// Which test of SPEC §4.1 judges a KPI's month-over-month change.
enum KPIChangeTest {
    /// Pooled two-proportion test on value/100 (the shares of a base).
    case proportion
    /// Pooled Poisson rates (complaint_rate, per mille).
    case poisson
    /// (v − v′)/√(std_err² + prev_std_err²) (means and nps).
    case standardErrors
    /// No test: hv_retention (a census) and survey_n (a count).
    case none

    init(kpi: String) {
        switch kpi {
        case "promoter_share", "detractor_share", "hv_share", "complaint_closed_48h", "churn_rate": self = .proportion
        case "complaint_rate": self = .poisson
        case "hv_retention", "survey_n": self = .none
        default: self = .standardErrors   // nps, arpu, sat_index, sat_overall and the seven sub-indices
        }
    }
}

/// SPEC §4.1: is a row's change larger than sampling noise? Fills mom_p_value, mom_q_value,
/// significant and alert_level of a month's kpi rows (whose std_err, prev_base and prev_std_err are
/// already set). The tests read the value and std_err of M's rows as they are written (6 decimals), as
/// anyone recomputing them from the two published partitions would.
struct KPISignificance {
    var alpha: Double

    func apply(to rows: inout [KPIRow]) {
        for k in rows.indices { rows[k].momPValue = KPISignificance.pValue(rows[k]) }
        let q = KPISignificance.benjaminiHochberg(rows.map(\.momPValue))
        for k in rows.indices {
            rows[k].momQValue = q[k]
            rows[k].significant = q[k].map { $0 <= alpha }
            rows[k].alertLevel = KPISignificance.alertLevel(rows[k])
        }
    }

    /// The two-sided p-value of a row's change, nil when §4.1 gives none: the KPI has no test, or
    /// value, prev_value, base or prev_base is missing (or a base is not positive), or, for the
    /// std_err test, either std_err is missing.
    static func pValue(_ row: KPIRow) -> Double? {
        let test = KPIChangeTest(kpi: row.kpi)
        guard test != .none, let value = row.value, let prev = row.prevValue, let prevBase = row.prevBase,
              row.base > 0, prevBase > 0 else { return nil }
        let v = asWritten(value), vPrev = prev
        let n = Double(row.base), nPrev = Double(prevBase)
        let difference: Double, denominator: Double
        switch test {
        case .proportion:
            let p = v / 100, q = vPrev / 100
            let pooled = (p * n + q * nPrev) / (n + nPrev)
            difference = p - q
            denominator = (max(0, pooled * (1 - pooled)) * (1 / n + 1 / nPrev)).squareRoot()
        case .poisson:
            difference = v - vPrev
            denominator = (max(0, 1000 * (v * n + vPrev * nPrev) / (n + nPrev)) * (1 / n + 1 / nPrev)).squareRoot()
        case .standardErrors:
            guard let se = row.stdErr, let sePrev = row.prevStdErr else { return nil }
            let s = asWritten(se)
            difference = v - vPrev
            denominator = (s * s + sePrev * sePrev).squareRoot()
        case .none:
            return nil
        }
        return normalPValue(difference, denominator, equal: v == vPrev)
    }

    /// p = erfc(|z|/√2) for z = difference/denominator; a zero denominator gives 1 when the two
    /// values are equal as written, else 0.
    static func normalPValue(_ difference: Double, _ denominator: Double, equal: Bool) -> Double {
        guard denominator > 0, denominator.isFinite else { return equal ? 1 : 0 }
        return erfc(abs(difference / denominator) / 2.0.squareRoot())
    }

    /// Benjamini–Hochberg adjusted p-values over the present ones (m of them, sorted ascending:
    /// q₍ₖ₎ = min over j ≥ k of min(1, m·p₍ⱼ₎/j)); nil stays nil.
    static func benjaminiHochberg(_ p: [Double?]) -> [Double?] {
        let present = p.indices.filter { p[$0] != nil }.sorted { p[$0]! < p[$1]! }
        let m = Double(present.count)
        var q = [Double?](repeating: nil, count: p.count)
        var running = 1.0
        for rank in stride(from: present.count, through: 1, by: -1) {
            let k = present[rank - 1]
            running = min(running, m * p[k]! / Double(rank))
            q[k] = running
        }
        return q
    }

    /// `confirmed` for a rise/fall that is significant (or of hv_retention, a census), `watch` for
    /// one that is not, `target` for an off-target gap alone, else `none`.
    static func alertLevel(_ row: KPIRow) -> String {
        let kinds = row.alertKinds
        if kinds.contains("rise") || kinds.contains("fall") {
            return row.significant == true || row.kpi == "hv_retention" ? "confirmed" : "watch"
        }
        return kinds.contains("off_target") ? "target" : "none"
    }
}

/// The number a reader of the CSV gets back: `x` rounded to 6 decimals exactly as the CSV writer
/// writes it (SPEC §1), then parsed as the partition reader parses it.
func asWritten(_ x: Double) -> Double {
    var text: [UInt8] = []
    appendNumber(x, to: &text)
    return text.withUnsafeBufferPointer { ValueParser.number($0) } ?? x
}
