/// SPEC §2 field normalisation, applied to every input field before any check: trim ASCII spaces,
/// tabs and U+3000; full-width digits, letters and `－．，：／％` become ASCII; `￥` becomes `¥`.
public enum FieldNormalizer {
    /// Normalises the UTF-8 bytes of one field into a String.
    public static func normalize(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        var lo = 0
        var hi = bytes.count
        // Trim leading/trailing ASCII space, tab and U+3000 (E3 80 80).
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
        if lo == hi { return "" }
        var needsMapping = false
        for i in lo..<hi where bytes[i] == 0xEF { needsMapping = true; break }
        let slice = UnsafeBufferPointer(rebasing: bytes[lo..<hi])
        if !needsMapping { return String(decoding: slice, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(slice.count)
        var i = 0
        while i < slice.count {
            let b = slice[i]
            if b == 0xEF && i + 2 < slice.count {
                let b1 = slice[i + 1], b2 = slice[i + 2]
                // U+FF00..U+FF3F = EF BC 80..BF ; U+FF40..U+FF7F = EF BD 80..BF ; U+FFE5 = EF BF A5
                var scalar: UInt32 = 0
                if b1 == 0xBC { scalar = 0xFF00 + UInt32(b2 - 0x80) }
                else if b1 == 0xBD { scalar = 0xFF40 + UInt32(b2 &- 0x80) }
                else if b1 == 0xBF && b2 == 0xA5 { out.append(0xC2); out.append(0xA5); i += 3; continue }
                if scalar != 0, let ascii = asciiForFullWidth(scalar) {
                    out.append(ascii)
                    i += 3
                    continue
                }
            }
            out.append(b)
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
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
