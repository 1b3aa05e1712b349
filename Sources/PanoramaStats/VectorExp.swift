// e^x for eight x ≤ 0 at once, for the Newton pass of the logistic regression (which needs e^−|η|
// for every row of every pass). Written for the baseline x86-64 and arm64 instruction sets (no
// FMA, no rounding instruction): Cody–Waite reduction x = k·ln 2 + r with |r| ≤ ln 2 / 2, a degree-13
// Taylor polynomial for e^r (truncation below 5e-18 relative), and 2^k put into the exponent bits.
// Accurate to about 2 ulp (tested against the C library); lanes below −708, where the result is
// subnormal, are computed by the C library's exp.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#elseif canImport(ucrt)
import ucrt
#endif

enum VectorExp {
    /// e^x for x ≤ 0 (and x > −∞ or −∞, giving 0); NaN lanes give NaN.
    @inline(__always)
    static func nonPositive(_ x: SIMD8<Double>) -> SIMD8<Double> {
        let log2e = 1.4426950408889634
        let ln2hi = Double(bitPattern: 0x3FE6_2E42_FEE0_0000)   // ln 2 with its last 32 bits zero: k·ln2hi is exact
        let ln2lo = Double(bitPattern: 0x3DEA_39EF_3579_3C76)
        let shifter = 6_755_399_441_055_744.0                    // 1.5 · 2^52: adding it rounds to an integer
        // 1 / k! for k = 2 … 13 (local constants: a static one costs a once-check per call).
        let c2 = 0.5, c3 = 1.0 / 6, c4 = 1.0 / 24, c5 = 1.0 / 120, c6 = 1.0 / 720, c7 = 1.0 / 5040
        let c8 = 1.0 / 40320, c9 = 1.0 / 362_880, c10 = 1.0 / 3_628_800, c11 = 1.0 / 39_916_800
        let c12 = 1.0 / 479_001_600, c13 = 1.0 / 6_227_020_800
        // Lanes the polynomial does not take (subnormal results, −∞, NaN) are set to 0 here and
        // replaced by the C library's value below.
        var special = false
        for l in 0..<8 where !(x[l] >= -708) { special = true }
        let safe = special ? x.replacing(with: 0, where: .!(x .>= -708)) : x
        let shifted = safe * log2e + shifter
        let k = shifted - shifter
        let r = (safe - k * ln2hi) - k * ln2lo
        var p = SIMD8<Double>(repeating: c13)
        p = p * r + c12
        p = p * r + c11
        p = p * r + c10
        p = p * r + c9
        p = p * r + c8
        p = p * r + c7
        p = p * r + c6
        p = p * r + c5
        p = p * r + c4
        p = p * r + c3
        p = p * r + c2
        p = (p * r) * r + r + 1
        // k as an integer from the shifted value's low bits, then 2^k's exponent field.
        // shifted's low bits hold k + 2^51 + 2^52's mantissa: k + 1023 in the exponent field is
        // (bits − shifter's bits + 1023) · 2^52.
        let kBits = unsafeBitCast(shifted, to: SIMD8<UInt64>.self) &- SIMD8<UInt64>(repeating: shifter.bitPattern &- 1023)
        let scale = unsafeBitCast(kBits &<< SIMD8<UInt64>(repeating: 52), to: SIMD8<Double>.self)
        var result = p * scale
        if special {
            for lane in 0..<8 where !(x[lane] >= -708) { result[lane] = exp(x[lane]) }
        }
        return result
    }
}
