/// A hash index from byte strings (customer ids, member names) to dense entry numbers 0, 1, 2, …
/// in first-insertion order. It hashes the bytes directly with a fixed, cheap hash, so joining a
/// million rows on a text key builds no Strings; entry order never depends on hashing.
public struct ByteKeyIndex: Sendable {
    /// Open addressing, one word per slot: the upper 32 bits of the key's hash, then entry + 1
    /// (0 = empty). A probe touches one cache line, and a different key rarely gets past the tag.
    private var slots: [UInt64]
    private var mask: Int
    private var keyBytes: [UInt8] = []
    private var keyEnds: [Int] = []

    /// Number of distinct keys.
    public var count: Int { keyEnds.count }

    public init(capacity: Int = 16) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [UInt64](repeating: 0, count: size)
        mask = size - 1
    }

    /// Builds an index over a column: entry e is the e-th distinct key; `firstRow[e]` its first row.
    public static func build(_ table: ColumnarTable, column: Int) -> (index: ByteKeyIndex, firstRow: [Int]) {
        var index = ByteKeyIndex(capacity: table.rowCount)
        var firstRow: [Int] = []
        firstRow.reserveCapacity(table.rowCount)
        for r in 0..<table.rowCount where index.insert(table.bytes(r, column)).inserted {
            firstRow.append(r)
        }
        return (index, firstRow)
    }

    /// The entry of `key`, adding it when new.
    @discardableResult
    public mutating func insert(_ key: UnsafeBufferPointer<UInt8>) -> (entry: Int, inserted: Bool) {
        let h = ByteKeyIndex.hash(key)
        let tag = h & 0xFFFF_FFFF_0000_0000
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let slot = slots[i]
            if slot == 0 { break }
            if slot & 0xFFFF_FFFF_0000_0000 == tag {
                let e = Int(truncatingIfNeeded: slot & 0xFFFF_FFFF) - 1
                if equals(e, key) { return (e, false) }
            }
            i = (i + 1) & mask
        }
        let entry = keyEnds.count
        keyBytes.append(contentsOf: key)
        keyEnds.append(keyBytes.count)
        slots[i] = tag | UInt64(entry + 1)
        if keyEnds.count * 2 > slots.count { grow() }
        return (entry, true)
    }

    /// The entry of `key`, or nil.
    public func find(_ key: UnsafeBufferPointer<UInt8>) -> Int? {
        let h = ByteKeyIndex.hash(key)
        let tag = h & 0xFFFF_FFFF_0000_0000
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let slot = slots[i]
            if slot == 0 { return nil }
            if slot & 0xFFFF_FFFF_0000_0000 == tag {
                let e = Int(truncatingIfNeeded: slot & 0xFFFF_FFFF) - 1
                if equals(e, key) { return e }
            }
            i = (i + 1) & mask
        }
    }

    /// The entry of a String key, or nil.
    public func find(_ key: String) -> Int? {
        var copy = key
        return copy.withUTF8 { find($0) }
    }

    /// The key text of an entry.
    public func key(_ entry: Int) -> String {
        let start = entry == 0 ? 0 : keyEnds[entry - 1]
        return String(decoding: keyBytes[start..<keyEnds[entry]], as: UTF8.self)
    }

    @inline(__always)
    private func equals(_ entry: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = entry == 0 ? 0 : keyEnds[entry - 1]
        let end = keyEnds[entry]
        if end - start != key.count { return false }
        var k = 0
        while k < key.count {
            if keyBytes[start + k] != key[k] { return false }
            k += 1
        }
        return true
    }

    /// Doubles the table; slot positions come from each key's hash, recomputed from its bytes.
    private mutating func grow() {
        let size = slots.count * 2
        var newSlots = [UInt64](repeating: 0, count: size)
        let newMask = size - 1
        keyBytes.withUnsafeBufferPointer { bytes in
            for i in 0..<slots.count where slots[i] != 0 {
                let e = Int(truncatingIfNeeded: slots[i] & 0xFFFF_FFFF) - 1
                let start = e == 0 ? 0 : keyEnds[e - 1]
                let h = ByteKeyIndex.hash(UnsafeBufferPointer(rebasing: bytes[start..<keyEnds[e]]))
                var j = Int(truncatingIfNeeded: h) & newMask
                while newSlots[j] != 0 { j = (j + 1) & newMask }
                newSlots[j] = slots[i]
            }
        }
        slots = newSlots
        mask = newMask
    }

    /// FNV-1a over the bytes, then a multiply–xorshift finish so ids that differ only in their
    /// last digits spread over the whole table.
    @inline(__always)
    static func hash(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf29ce484222325
        for b in key { h = (h ^ UInt64(b)) &* 0x100000001b3 }
        h ^= h >> 32
        h = h &* 0x9E3779B97F4A7C15
        return h ^ (h >> 29)
    }
}
