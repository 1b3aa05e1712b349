// The SHA-256 compression function on the x86 SHA extensions (SHA-NI), found at run time.
//
// This is the only module compiled with `-msha -mssse3 -msse4.1` (see Package.swift): nothing here
// runs before `isAvailable` has checked CPUID, so the binary still starts on any x86-64, and every
// other module stays generic. On other architectures `isAvailable` is false and PanoramaCore's
// portable implementation does the work.

/// The SHA-256 round constants (FIPS 180-4 §4.2.2), shared with PanoramaCore's portable code.
public let sha256RoundConstants: [UInt32] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]

#if arch(x86_64) && canImport(_Builtin_intrinsics)
import _Builtin_intrinsics.intel
import _Builtin_intrinsics.intel.cpuid

public enum SHA256Extensions {
    /// True when the CPU has SHA, SSSE3 and SSE4.1 (CPUID leaf 1 ECX bits 9 and 19, leaf 7 EBX bit 29).
    public static let isAvailable: Bool = {
        var a: UInt32 = 0, b: UInt32 = 0, c: UInt32 = 0, d: UInt32 = 0
        guard __get_cpuid_count(1, 0, &a, &b, &c, &d) != 0 else { return false }
        let ssse3 = c & (1 << 9) != 0, sse41 = c & (1 << 19) != 0
        guard __get_cpuid_count(7, 0, &a, &b, &c, &d) != 0 else { return false }
        return ssse3 && sse41 && b & (1 << 29) != 0
    }()

    /// The round constants, four to a vector (FIPS 180-4 §4.2.2).
    private static let roundConstants: [Vector] = {
        let k = sha256RoundConstants
        return (0..<16).map { g in vector(SIMD4(k[4 * g], k[4 * g + 1], k[4 * g + 2], k[4 * g + 3])) }
    }()

    /// `__m128i` as Swift imports it.
    private typealias Vector = SIMD2<Int64>

    @inline(__always) private static func vector(_ x: SIMD4<UInt32>) -> Vector { unsafeBitCast(x, to: Vector.self) }
    @inline(__always) private static func words(_ x: Vector) -> SIMD4<UInt32> { unsafeBitCast(x, to: SIMD4<UInt32>.self) }

    /// Four rounds: two SHA256RNDS2, each on two message words plus constants.
    @inline(__always)
    private static func rounds(_ abef: inout Vector, _ cdgh: inout Vector, _ w: Vector, _ k: Vector) {
        let m = _mm_add_epi32(w, k)
        cdgh = _mm_sha256rnds2_epu32(cdgh, abef, m)
        abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_unpackhi_epi64(m, m))
    }

    /// Finishes four schedule words: `next` (already through SHA256MSG1) gains W[t-7] and SHA256MSG2.
    @inline(__always)
    private static func finish(_ next: inout Vector, _ current: Vector, _ previous: Vector) {
        let c = words(current), p = words(previous)
        next = _mm_add_epi32(next, vector(SIMD4(p[1], p[2], p[3], c[0])))
        next = _mm_sha256msg2_epu32(next, current)
    }

    /// Compresses `blocks` 64-byte blocks at `data` into `state` (h0…h7). Call only when `isAvailable`.
    public static func compress(_ state: UnsafeMutablePointer<UInt32>, _ data: UnsafePointer<UInt8>, blocks: Int) {
        // The instructions keep the state as (A, B, E, F) and (C, D, G, H), highest lane first.
        var abef = vector(SIMD4(state[5], state[4], state[1], state[0]))
        var cdgh = vector(SIMD4(state[7], state[6], state[3], state[2]))
        let byteSwap = _mm_set_epi64x(0x0c0d_0e0f_0809_0a0b, 0x0405_0607_0001_0203)
        roundConstants.withUnsafeBufferPointer { k in
            var p = UnsafeRawPointer(data)
            for _ in 0..<blocks {
                let savedABEF = abef, savedCDGH = cdgh
                var m0 = _mm_shuffle_epi8(p.loadUnaligned(as: Vector.self), byteSwap)
                var m1 = _mm_shuffle_epi8(p.loadUnaligned(fromByteOffset: 16, as: Vector.self), byteSwap)
                var m2 = _mm_shuffle_epi8(p.loadUnaligned(fromByteOffset: 32, as: Vector.self), byteSwap)
                var m3 = _mm_shuffle_epi8(p.loadUnaligned(fromByteOffset: 48, as: Vector.self), byteSwap)
                // Rounds 4g…4g+3; the schedule runs three groups ahead in the four rotating registers.
                rounds(&abef, &cdgh, m0, k[0])
                rounds(&abef, &cdgh, m1, k[1]); m0 = _mm_sha256msg1_epu32(m0, m1)
                rounds(&abef, &cdgh, m2, k[2]); m1 = _mm_sha256msg1_epu32(m1, m2)
                rounds(&abef, &cdgh, m3, k[3]); finish(&m0, m3, m2); m2 = _mm_sha256msg1_epu32(m2, m3)
                rounds(&abef, &cdgh, m0, k[4]); finish(&m1, m0, m3); m3 = _mm_sha256msg1_epu32(m3, m0)
                rounds(&abef, &cdgh, m1, k[5]); finish(&m2, m1, m0); m0 = _mm_sha256msg1_epu32(m0, m1)
                rounds(&abef, &cdgh, m2, k[6]); finish(&m3, m2, m1); m1 = _mm_sha256msg1_epu32(m1, m2)
                rounds(&abef, &cdgh, m3, k[7]); finish(&m0, m3, m2); m2 = _mm_sha256msg1_epu32(m2, m3)
                rounds(&abef, &cdgh, m0, k[8]); finish(&m1, m0, m3); m3 = _mm_sha256msg1_epu32(m3, m0)
                rounds(&abef, &cdgh, m1, k[9]); finish(&m2, m1, m0); m0 = _mm_sha256msg1_epu32(m0, m1)
                rounds(&abef, &cdgh, m2, k[10]); finish(&m3, m2, m1); m1 = _mm_sha256msg1_epu32(m1, m2)
                rounds(&abef, &cdgh, m3, k[11]); finish(&m0, m3, m2); m2 = _mm_sha256msg1_epu32(m2, m3)
                rounds(&abef, &cdgh, m0, k[12]); finish(&m1, m0, m3); m3 = _mm_sha256msg1_epu32(m3, m0)
                rounds(&abef, &cdgh, m1, k[13]); finish(&m2, m1, m0)
                rounds(&abef, &cdgh, m2, k[14]); finish(&m3, m2, m1)
                rounds(&abef, &cdgh, m3, k[15])
                abef = _mm_add_epi32(abef, savedABEF)
                cdgh = _mm_add_epi32(cdgh, savedCDGH)
                p += 64
            }
        }
        let x = words(abef), y = words(cdgh)
        state[0] = x[3]; state[1] = x[2]; state[4] = x[1]; state[5] = x[0]
        state[2] = y[3]; state[3] = y[2]; state[6] = y[1]; state[7] = y[0]
    }
}
#else
public enum SHA256Extensions {
    public static let isAvailable = false

    public static func compress(_ state: UnsafeMutablePointer<UInt32>, _ data: UnsafePointer<UInt8>, blocks: Int) {
        preconditionFailure("SHA256Extensions.compress called where isAvailable is false")
    }
}
#endif
