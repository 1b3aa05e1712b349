import PanoramaCore

/// Dense codes 0, 1, 2, … in first-seen order for the few distinct values of a text column (city,
/// brand, vip_level, value_tier, channel), so that a million rows are grouped by small integers
/// and a member's text is built once. A value of up to 15 bytes (every usual member) is packed
/// into two words and found by one multiply and a word compare; longer ones go to a byte index.
struct MemberCodes {
    /// The text of each code.
    private(set) var values: [[UInt8]] = []
    /// Open addressing over the packed values: code + 1, 0 = empty.
    private var slots = [Int32](repeating: 0, count: 64)
    private var shift = 58
    private var packedLow: [UInt64] = []
    private var packedHigh: [UInt64] = []
    /// Values over 15 bytes: entry → code.
    private var long = ByteKeyIndex()
    private var longCodes: [Int32] = []

    init() {}

    var count: Int { values.count }

    /// The text of a code.
    func string(_ code: Int) -> String { String(decoding: values[code], as: UTF8.self) }

    /// The code of `bytes`, adding it when new.
    @inline(__always)
    mutating func code(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        guard bytes.count <= 15 else { return longCode(bytes) }
        // The bytes in two words, and the length + 1 in the last byte, so that no value packs like
        // another (the empty one included) and no packed value is zero.
        var packed: (low: UInt64, high: UInt64) = (0, 0)
        if let source = bytes.baseAddress {
            withUnsafeMutableBytes(of: &packed) { $0.baseAddress!.copyMemory(from: source, byteCount: bytes.count) }
        }
        // Byte 15 of the pair is the length + 1 (little or big endian alike, a byte of its own).
        withUnsafeMutableBytes(of: &packed) { $0[15] = UInt8(bytes.count + 1) }
        let low = packed.low, high = packed.high
        var s = slot(low, high)
        let mask = slots.count - 1
        while true {
            let e = Int(slots[s])
            if e == 0 { break }
            if packedLow[e - 1] == low && packedHigh[e - 1] == high { return e - 1 }
            s = (s + 1) & mask
        }
        let code = values.count
        values.append(Array(bytes))
        packedLow.append(low)
        packedHigh.append(high)
        slots[s] = Int32(code + 1)
        if 2 * packedLow.count > slots.count { grow() }
        return code
    }

    /// The home slot of a packed value: the top bits of a multiplicative hash.
    @inline(__always)
    private func slot(_ low: UInt64, _ high: UInt64) -> Int {
        Int(truncatingIfNeeded: ((low ^ (high &* 0x9E37_79B9_7F4A_7C15)) &* 0xBF58_476D_1CE4_E5B9) >> UInt64(shift))
    }

    private mutating func longCode(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        let (e, inserted) = long.insert(bytes)
        if inserted {
            longCodes.append(Int32(values.count))
            values.append(Array(bytes))
            // Placeholders that no packed value equals (a packed high word is never 0).
            packedLow.append(0)
            packedHigh.append(0)
        }
        return Int(longCodes[e])
    }

    private mutating func grow() {
        shift -= 1
        slots = [Int32](repeating: 0, count: slots.count * 2)
        let mask = slots.count - 1
        for code in 0..<values.count where packedHigh[code] != 0 {
            var s = slot(packedLow[code], packedHigh[code])
            while slots[s] != 0 { s = (s + 1) & mask }
            slots[s] = Int32(code + 1)
        }
    }

    /// Adds the values of `other` (in its code order) and returns, for each of its codes, the code
    /// here: how chunks coded in parallel are joined into first-seen order over the whole table.
    mutating func merge(_ other: MemberCodes) -> [UInt32] {
        other.values.map { value in value.withUnsafeBufferPointer { UInt32(code($0)) } }
    }
}
