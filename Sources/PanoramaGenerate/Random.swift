import Foundation

/// SplitMix64: a tiny seedable generator, used to seed and to mix stream keys.
struct SplitMix64 {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Mixes several words into one well-distributed key.
    static func mix(_ words: UInt64...) -> UInt64 {
        var sm = SplitMix64(state: 0x1234_5678_9ABC_DEF0)
        var acc: UInt64 = 0
        for w in words {
            sm.state ^= w
            acc = sm.next() ^ (acc &* 0x100_0000_01B3)
        }
        return acc
    }
}

/// xoshiro256** seeded through SplitMix64; all randomness of the generator comes from it.
struct Rng {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64
    private var spareNormal: Double? = nil

    init(seed: UInt64) {
        var sm = SplitMix64(state: seed)
        s0 = sm.next(); s1 = sm.next(); s2 = sm.next(); s3 = sm.next()
    }

    /// A generator for one purpose ("stream") of one month, independent of every other stream.
    init(seed: UInt64, stream: UInt64, month: Int) {
        self.init(seed: SplitMix64.mix(seed, stream, UInt64(bitPattern: Int64(month))))
    }

    @inline(__always) private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 - k))
    }

    @inline(__always) mutating func next() -> UInt64 {
        let result = Rng.rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = Rng.rotl(s3, 45)
        return result
    }

    /// Uniform in [0, 1).
    @inline(__always) mutating func uniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform integer in 0..<n (n > 0), via multiply-high.
    @inline(__always) mutating func int(_ n: Int) -> Int {
        Int(next().multipliedFullWidth(by: UInt64(n)).high)
    }

    /// Uniform integer in the closed range.
    @inline(__always) mutating func int(in r: ClosedRange<Int>) -> Int {
        r.lowerBound + int(r.upperBound - r.lowerBound + 1)
    }

    @inline(__always) mutating func chance(_ p: Double) -> Bool {
        uniform() < p
    }

    /// Standard normal (Box–Muller, both values used).
    mutating func normal() -> Double {
        if let s = spareNormal { spareNormal = nil; return s }
        var u1 = uniform()
        if u1 < 1e-300 { u1 = 1e-300 }
        let u2 = uniform()
        let r = (-2.0 * Foundation.log(u1)).squareRoot()
        let a = 2.0 * Double.pi * u2
        spareNormal = r * Foundation.sin(a)
        return r * Foundation.cos(a)
    }

    /// Picks an index by (not necessarily normalised) weights.
    mutating func weighted(_ w: [Double]) -> Int {
        var total = 0.0
        for x in w { total += x }
        var u = uniform() * total
        for (i, x) in w.enumerated() {
            if u < x { return i }
            u -= x
        }
        return w.count - 1
    }

    /// Picks an element of a non-empty array.
    mutating func pick<T>(_ a: [T]) -> T { a[int(a.count)] }
}

/// Stream tags, one per purpose, so that streams never overlap.
enum Stream: UInt64 {
    case population = 1, newJoins, usage, surveys, complaints, churn
    case customersFile, usageFile, surveysFile, complaintsFile, layout
    /// Which shifts a run plants; the extra draws a shift needs in a month (keyed per step).
    case shiftPlan, shiftDraws
    /// The call centre's contacts, their file, and last month's detractors' follow-up surveys.
    case contacts, contactsFile, followUpSurveys
    /// Who is already considering another operator when the first month starts.
    case intentStart
}
