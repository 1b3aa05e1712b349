/// SPEC §2 field normalisation, applied to every input field before any check: trim ASCII spaces,
/// tabs and U+3000; full-width digits, letters and `－．，：／％` become ASCII; `￥` becomes `¥`.
public enum FieldNormalizer {
    /// The normalised bytes of one field without building a String: a sub-range of `bytes` when
    /// trimming is all it needs (the usual case), else the mapped text written to `scratch`, which
    /// must have room for `bytes.count` bytes and may be `bytes` itself (the text only shrinks).
    public static func normalize(_ bytes: UnsafeBufferPointer<UInt8>, scratch: UnsafeMutablePointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        let kept = trimmed(bytes)
        guard let first = firstMapped(bytes, kept) else { return UnsafeBufferPointer(rebasing: bytes[kept]) }
        // Bytes before the first full-width character are copied as they are, then the rest mapped.
        var w = 0
        var i = kept.lowerBound
        while i < first { scratch[w] = bytes[i]; w += 1; i += 1 }
        while i < kept.upperBound {
            let b = bytes[i]
            if b == 0xEF && i + 2 < kept.upperBound {
                let b1 = bytes[i + 1], b2 = bytes[i + 2]
                // U+FF00..U+FF3F = EF BC 80..BF ; U+FF40..U+FF7F = EF BD 80..BF ; U+FFE5 = EF BF A5
                var scalar: UInt32 = 0
                if b1 == 0xBC { scalar = 0xFF00 + UInt32(b2 &- 0x80) }
                else if b1 == 0xBD { scalar = 0xFF40 + UInt32(b2 &- 0x80) }
                else if b1 == 0xBF && b2 == 0xA5 { scratch[w] = 0xC2; scratch[w + 1] = 0xA5; w += 2; i += 3; continue }
                if scalar != 0, let ascii = asciiForFullWidth(scalar) {
                    scratch[w] = ascii
                    w += 1
                    i += 3
                    continue
                }
            }
            scratch[w] = b
            w += 1
            i += 1
        }
        return UnsafeBufferPointer(start: scratch, count: w)
    }

    /// The range left after trimming leading and trailing ASCII space, tab and U+3000 (E3 80 80).
    @inline(__always)
    static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>) -> Range<Int> {
        var lo = 0
        var hi = bytes.count
        while lo < hi {
            let b = bytes[lo]
            if b == 0x20 || b == 0x09 { lo += 1; continue }
            if b == 0xE3 && lo + 2 < hi && bytes[lo + 1] == 0x80 && bytes[lo + 2] == 0x80 { lo += 3; continue }
            break
        }
        while hi > lo {
            let b = bytes[hi - 1]
            if b == 0x20 || b == 0x09 { hi -= 1; continue }
            if b == 0x80 && hi - 3 >= lo && bytes[hi - 2] == 0x80 && bytes[hi - 3] == 0xE3 { hi -= 3; continue }
            break
        }
        return lo..<hi
    }

    /// The first byte that may start a full-width form (every one is EF xx xx in UTF-8), or nil.
    @inline(__always)
    static func firstMapped(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int? {
        var i = range.lowerBound
        while i < range.upperBound {
            if bytes[i] == 0xEF { return i }
            i += 1
        }
        return nil
    }

    /// Whether `bytes` holds a byte that may start a full-width form (EF), eight bytes at a time: a
    /// record without one needs trimming only, in every field.
    public static func mayHoldFullWidth(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return false }
        let raw = UnsafeRawPointer(base)
        let n = bytes.count
        var i = 0
        while i + 8 <= n {
            let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) ^ 0xEFEF_EFEF_EFEF_EFEF
            if CSVReader.zeroBytes(w) != 0 { return true }
            i += 8
        }
        while i < n {
            if bytes[i] == 0xEF { return true }
            i += 1
        }
        return false
    }

    /// Normalises the UTF-8 bytes of one field into a String.
    public static func normalize(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        String(decoding: normalized(bytes), as: UTF8.self)
    }

    /// Normalises the UTF-8 bytes of one field into a new array.
    public static func normalized(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        if bytes.isEmpty { return [] }
        return [UInt8](unsafeUninitializedCapacity: bytes.count) { out, count in
            let result = normalize(bytes, scratch: out.baseAddress!)
            if result.count > 0, UnsafeRawPointer(result.baseAddress!) != UnsafeRawPointer(out.baseAddress!) {
                out.baseAddress!.update(from: result.baseAddress!, count: result.count)
            }
            count = result.count
        }
    }

    /// Convenience for tests and non-hot paths.
    public static func normalize(_ text: String) -> String {
        var copy = text
        return copy.withUTF8 { normalize($0) }
    }

    @inline(__always)
    static func asciiForFullWidth(_ scalar: UInt32) -> UInt8? {
        switch scalar {
        case 0xFF10...0xFF19, 0xFF21...0xFF3A, 0xFF41...0xFF5A:
            return UInt8(scalar - 0xFF00 + 0x20)
        case 0xFF0D, 0xFF0E, 0xFF0C, 0xFF1A, 0xFF0F, 0xFF05:
            return UInt8(scalar - 0xFF00 + 0x20)
        default:
            return nil
        }
    }
}
