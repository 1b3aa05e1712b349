import PanoramaSHAExtensions

/// SHA-256 (FIPS 180-4), for input checksums in manifests; the toolchain alone has no CryptoKit on Linux.
/// Whole blocks run on the CPU's SHA extensions where present (about six times faster), otherwise on
/// the portable code below; both give the same digest.
public struct SHA256Digest {
    // The state as eight scalars: array element updates cost a uniqueness check each.
    private var h0: UInt32 = 0x6a09e667, h1: UInt32 = 0xbb67ae85, h2: UInt32 = 0x3c6ef372, h3: UInt32 = 0xa54ff53a
    private var h4: UInt32 = 0x510e527f, h5: UInt32 = 0x9b05688c, h6: UInt32 = 0x1f83d9ab, h7: UInt32 = 0x5be0cd19
    private var pending: [UInt8] = []
    private var length: UInt64 = 0

    private static let k = sha256RoundConstants

    /// Whether whole blocks go through the CPU's SHA extensions (decided once per digest).
    public let accelerated: Bool

    /// A digest on the CPU's SHA extensions when it has them; `accelerated: false` forces the
    /// portable code (tests compare the two).
    public init(accelerated: Bool = true) {
        self.accelerated = accelerated && SHA256Extensions.isAvailable
    }

    /// True when this CPU hashes on its SHA extensions.
    public static var hardwareAccelerated: Bool { SHA256Extensions.isAvailable }

    /// Feeds bytes.
    public mutating func update(_ data: [UInt8]) {
        data.withUnsafeBufferPointer { update($0) }
    }

    /// Feeds bytes from a buffer.
    public mutating func update(_ data: UnsafeBufferPointer<UInt8>) {
        length &+= UInt64(data.count)
        var i = 0
        if !pending.isEmpty {
            while i < data.count && pending.count < 64 { pending.append(data[i]); i += 1 }
            if pending.count == 64 {
                let block = pending
                block.withUnsafeBufferPointer { compress($0.baseAddress!, blocks: 1) }
                pending.removeAll(keepingCapacity: true)
            }
        }
        if let base = data.baseAddress, data.count - i >= 64 {
            let blocks = (data.count - i) / 64
            compress(base + i, blocks: blocks)
            i += blocks * 64
        }
        while i < data.count { pending.append(data[i]); i += 1 }
    }

    /// Compresses whole 64-byte blocks into the state.
    private mutating func compress(_ p: UnsafePointer<UInt8>, blocks: Int) {
        if accelerated {
            withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 8) { state in
                let s = state.baseAddress!
                s[0] = h0; s[1] = h1; s[2] = h2; s[3] = h3; s[4] = h4; s[5] = h5; s[6] = h6; s[7] = h7
                SHA256Extensions.compress(s, p, blocks: blocks)
                h0 = s[0]; h1 = s[1]; h2 = s[2]; h3 = s[3]; h4 = s[4]; h5 = s[5]; h6 = s[6]; h7 = s[7]
            }
            return
        }
        // One scratch area per call (message schedule + round constants): per-block allocations and
        // static-array retains would otherwise dominate hashing a large partition.
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 128) { scratch in
            let w = scratch.baseAddress!, k = w + 64
            SHA256Digest.k.withUnsafeBufferPointer { for t in 0..<64 { k[t] = $0[t] } }
            for b in 0..<blocks { compress(p + 64 * b, w, k) }
        }
    }

    /// The lowercase hex digest.
    public mutating func finalizeHex() -> String {
        let bitLength = length &* 8
        var tail: [UInt8] = [0x80]
        while (pending.count + tail.count) % 64 != 56 { tail.append(0) }
        for s in stride(from: 56, through: 0, by: -8) { tail.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(s))) }
        let savedLength = length
        update(tail)
        length = savedLength
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for word in [h0, h1, h2, h3, h4, h5, h6, h7] {
            for s in stride(from: 28, through: 0, by: -4) { out.append(hex[Int((word >> UInt32(s)) & 0xF)]) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    @inline(__always)
    private mutating func compress(_ p: UnsafePointer<UInt8>, _ w: UnsafeMutablePointer<UInt32>, _ k: UnsafePointer<UInt32>) {
        for t in 0..<16 {
            w[t] = UInt32(p[4 * t]) << 24 | UInt32(p[4 * t + 1]) << 16 | UInt32(p[4 * t + 2]) << 8 | UInt32(p[4 * t + 3])
        }
        for t in 16..<64 {
            let s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3)
            let s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10)
            w[t] = w[t - 16] &+ s0 &+ w[t - 7] &+ s1
        }
        var a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, hh = h7
        for t in 0..<64 {
            let s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
            let ch = (e & f) ^ (~e & g)
            let t1 = hh &+ s1 &+ ch &+ k[t] &+ w[t]
            let s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
            let maj = (a & b) ^ (a & c) ^ (b & c)
            let t2 = s0 &+ maj
            hh = g; g = f; f = e; e = d &+ t1; d = c; c = b; b = a; a = t1 &+ t2
        }
        h0 &+= a; h1 &+= b; h2 &+= c; h3 &+= d; h4 &+= e; h5 &+= f; h6 &+= g; h7 &+= hh
    }

    @inline(__always) private func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x &>> n) | (x &<< (32 &- n)) }

    /// The hex SHA-256 of a byte array.
    public static func hex(_ data: [UInt8], accelerated: Bool = true) -> String {
        var d = SHA256Digest(accelerated: accelerated)
        d.update(data)
        return d.finalizeHex()
    }
}
