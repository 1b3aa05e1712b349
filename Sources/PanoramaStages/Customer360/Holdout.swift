import PanoramaCore

/// The control group (对照组) of SPEC §3.3: a fixed share of churn_watch and detractor_repair held out
/// of contact so that the effect of the follow-up can be measured (§5.1). Whether a customer is held
/// out depends only on the list, the customer and the month, so anyone can recompute it.
public struct Holdout: Sendable {
    /// `<YYYY-MM of M>` as written after the customer id.
    let monthSuffix: [UInt8]
    /// `holdout_pct` / 100.
    let share: Double

    /// The rule for the lists of `month` with `holdoutPct` percent held out (0 turns it off).
    public init(month: Month, holdoutPct: Double) {
        monthSuffix = Array(("|" + month.description).utf8)
        share = holdoutPct / 100
    }

    /// h: the first 8 bytes of SHA-256 of `<list>|<customer_id>|<YYYY-MM>`, read as a big-endian
    /// unsigned integer, divided by 2^64 (0 ≤ h < 1).
    public static func hash(list: String, customerId: String, month: Month) -> Double {
        Array(customerId.utf8).withUnsafeBufferPointer {
            Holdout(month: month, holdoutPct: 0).hash(list: list, customerId: $0)
        }
    }

    func hash(list: String, customerId: UnsafeBufferPointer<UInt8>) -> Double {
        var digest = SHA256Digest()
        digest.update(Array((list + "|").utf8))
        digest.update(customerId)
        digest.update(monthSuffix)
        // The hex digest's first 16 digits are its first 8 bytes, most significant first.
        let leading = UInt64(digest.finalizeHex().prefix(16), radix: 16)!
        return Double(leading) / 18_446_744_073_709_551_616.0
    }

    /// `true` when h < holdout_pct / 100.
    func isHeldOut(list: String, customerId: UnsafeBufferPointer<UInt8>) -> Bool {
        share > 0 && hash(list: list, customerId: customerId) < share
    }
}
