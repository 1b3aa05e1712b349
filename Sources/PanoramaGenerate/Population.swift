import Foundation

/// The simulated customer base: one entry per customer ever created (structure of arrays, so that
/// ten million customers stay compact). Index i is customer `C` + (i + 1) zero-padded to 8 digits.
struct Population {
    static let noChurn = Int32.max
    static let noBirth = Int32.min

    var joinDay: [Int32] = []
    var churnDay: [Int32] = []
    var city: [UInt8] = []
    var county: [UInt8] = []          // 255 = empty
    var brand: [UInt8] = []
    var vip: [UInt8] = []
    var gender: [UInt8] = []          // 2 = empty
    var birthDay: [Int32] = []
    var prefix: [UInt8] = []
    var logLevel: [Float] = []        // log of the customer's usual monthly bill
    var sat: [Float] = []             // latent satisfaction, ~N(0, 1)
    var cfrClass: [UInt8] = []        // 0 none, 1 low, 2 high call forwarding
    var offnetBase: [Float] = []
    var dataLevel: [Float] = []
    var points: [Int32] = []
    /// Bills in cents of M, M-1 and M-2 as usage.csv delivered them (-1 = no usage row that month). A
    /// customer's months in the base are consecutive and every base customer has a usage row, so
    /// rotating the three arrays at the start of a month keeps -1 for the months before the customer joined.
    var arpu0: [Int32] = [], arpu1: [Int32] = [], arpu2: [Int32] = []
    var flags: [UInt8] = []           // this month's risk flags (Flag)
    /// Months left of considering another operator's offer (0 = not considering).
    var intent: [UInt8] = []
    /// The log cut of the usual bill while considering (≤ 0; 0 = none), undone when the customer stays.
    var intentCut: [Float] = []
    /// Logit of the churn probability of the coming month (`Churn`), from the state the last month left.
    var churnLogit: [Float] = []
    /// Complaints delivered (clean rows) in M, M-1, M-2 (two bits each, from bit 0) and those of M
    /// still open (bits 6–7): complaints_3m and open_complaints of SPEC §3.2.
    var complaintCounts: [UInt8] = []
    /// nps of the customer's latest survey of this month (255 = none).
    var lastNps: [UInt8] = []
    /// This month's follow-up marks (`FollowUp`), set from last month's lists.
    var followUp: [UInt8] = []

    var count: Int { joinDay.count }

    /// This month's usage flags (`flags`).
    enum Flag {
        /// The bill fell to 70 % of last month's or less (as the generator sees it; SPEC's flag is `CustomerState`'s).
        static let billDrop: UInt8 = 1
        /// call_forward_ratio ≥ 0.5.
        static let callForward: UInt8 = 2
        /// offnet_ratio ≥ 0.4.
        static let offnet: UInt8 = 4
    }

    mutating func reserve(_ n: Int) {
        joinDay.reserveCapacity(n); churnDay.reserveCapacity(n); city.reserveCapacity(n); county.reserveCapacity(n)
        brand.reserveCapacity(n); vip.reserveCapacity(n); gender.reserveCapacity(n); birthDay.reserveCapacity(n)
        prefix.reserveCapacity(n); logLevel.reserveCapacity(n); sat.reserveCapacity(n); cfrClass.reserveCapacity(n)
        offnetBase.reserveCapacity(n); dataLevel.reserveCapacity(n); points.reserveCapacity(n)
        arpu0.reserveCapacity(n); arpu1.reserveCapacity(n); arpu2.reserveCapacity(n)
        flags.reserveCapacity(n); intent.reserveCapacity(n); intentCut.reserveCapacity(n); churnLogit.reserveCapacity(n)
        complaintCounts.reserveCapacity(n); lastNps.reserveCapacity(n); followUp.reserveCapacity(n)
    }

    static let epoch2005 = Civil.days(2005, 1, 1)
    static let birthMin = Civil.days(1950, 1, 1)
    static let birthMax = Civil.days(2008, 12, 31)

    /// Appends one customer joining on `join` (and churned on `churn`, if given).
    mutating func add(_ r: inout Rng, join: Int, churn: Int?) {
        let c = r.weighted(Vocabulary.cityWeights)
        city.append(UInt8(c))
        county.append(r.chance(0.02) ? 255 : UInt8(r.int(Vocabulary.cities[c].counties.count)))
        let z = r.normal()
        // a small heavy-spending segment (enterprise/family-plan payers) makes the far tail (> 1000 yuan)
        let level = r.chance(0.004) ? Foundation.log(500.0) + 0.6 * z : Foundation.log(55.0) + 0.7 * z
        logLevel.append(Float(level))

        var birth: Int? = nil
        if !r.chance(0.04) {
            let y = min(2008, max(1950, Int((1983.0 + 12.0 * r.normal()).rounded())))
            var b = Civil.days(y, 1, 1) + r.int(Civil.daysInMonth(y, 2) == 29 ? 366 : 365)
            if b > join - 16 * 365 { b = join - (18 + r.int(40)) * 365 - r.int(365) }
            b = min(Population.birthMax, max(Population.birthMin + r.int(365), b))
            birth = b
        }
        birthDay.append(birth.map { Int32($0) } ?? Population.noBirth)
        let g = r.uniform()
        gender.append(g < 0.52 ? 0 : (g < 0.99 ? 1 : 2))

        let u = 0.8 * z + 0.6 * r.normal()
        let young = (birth ?? 0) >= Civil.days(1994, 1, 1)
        let br: UInt8 = u > 1.036 ? 0 : (r.chance(young ? 0.6 : 0.29) ? 1 : 2)
        brand.append(br)
        let v = level + 0.25 * r.normal()
        vip.append(v > Foundation.log(300.0) ? 3 : v > Foundation.log(160.0) ? 2 : v > Foundation.log(95.0) ? 1 : 0)

        sat.append(Float(r.normal()))
        let cu = r.uniform()
        cfrClass.append(cu < 0.80 ? 0 : (cu < 0.995 ? 1 : 2))
        offnetBase.append(r.chance(0.08) ? Float(0.42 + 0.35 * r.uniform()) : Float(max(0.0, min(0.38, 0.15 + 0.08 * r.normal()))))
        dataLevel.append(Float(Foundation.log(br == 1 ? 14.0 : 6.0) + 0.8 * r.normal()))
        points.append(Int32(max(0.0, Foundation.exp(level) * Double(r.int(in: 2...36)))))
        prefix.append(UInt8(r.int(Vocabulary.msisdnPrefixes.count)))
        joinDay.append(Int32(join))
        churnDay.append(churn.map { Int32($0) } ?? Population.noChurn)
        arpu0.append(-1); arpu1.append(-1); arpu2.append(-1)
        flags.append(0)
        intent.append(0)
        intentCut.append(0)
        churnLogit.append(-.infinity)
        complaintCounts.append(0)
        lastNps.append(255)
        followUp.append(0)
    }

    /// complaints_3m: complaints of M, M-1 and M-2.
    @inline(__always) func complaints3m(_ i: Int) -> Int {
        let c = Int(complaintCounts[i])
        return (c & 3) + ((c >> 2) & 3) + ((c >> 4) & 3)
    }

    /// Records this month's complaints of customer i (count and still open, each ≤ 3), moving the older months on.
    @inline(__always) mutating func recordComplaints(_ i: Int, count: Int, open: Int) {
        complaintCounts[i] = UInt8(truncatingIfNeeded: ((Int(complaintCounts[i]) << 2) & 0x3C) | min(count, 3) | (min(open, 3) << 6))
    }

    /// Starts a new month's bills: M becomes M-1, M-1 becomes M-2.
    mutating func rotateBills() {
        swap(&arpu2, &arpu1)
        swap(&arpu1, &arpu0)
    }

    /// Last month's bill in yuan as a Float (0 when there was none).
    @inline(__always) func previousBill(_ i: Int) -> Float {
        let c = arpu1[i]
        return c < 0 ? 0 : Float(Double(c) / 100)
    }

    /// arpu_3m_avg of SPEC §3.2 exactly as a cleanse of these files computes it: the mean of the bills
    /// present for M, M-1 and M-2, summed in that order (NaN when none).
    @inline(__always) func arpu3mAvg(_ i: Int) -> Double {
        var sum = 0.0, n = 0
        if arpu0[i] >= 0 { sum += Double(arpu0[i]) / 100; n += 1 }
        if arpu1[i] >= 0 { sum += Double(arpu1[i]) / 100; n += 1 }
        if arpu2[i] >= 0 { sum += Double(arpu2[i]) / 100; n += 1 }
        return n == 0 ? .nan : sum / Double(n)
    }

    /// value_tier of SPEC §3.2 (0 = A ≥ 300, 1 = B ≥ 120, 2 = C ≥ 50, 3 = D, also when unknown).
    @inline(__always) static func valueTier(_ avg: Double) -> Int {
        avg >= 300 ? 0 : avg >= 120 ? 1 : avg >= 50 ? 2 : 3
    }

    /// 11-digit msisdn of customer i (a bijection of the id, so msisdns are unique).
    func msisdn(_ i: Int) -> Int {
        let suffix = ((i + 1) &* 73_939_133 &+ 12_345_678) % 100_000_000
        return Int(Vocabulary.msisdnPrefixValues[Int(prefix[i])]) * 100_000_000 + suffix
    }
}

/// Customer id text of population index i (`C` + (i + 1) zero-padded to 8 digits).
func customerId(_ i: Int) -> String {
    Fmt.string { $0.append(67); Fmt.padded(&$0, i + 1, width: 8) }
}

extension Vocabulary {
    static let msisdnPrefixValues: [Int] = msisdnPrefixes.map { Int($0)! }
}
