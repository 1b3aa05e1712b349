import PanoramaCore

/// Values of warehouse cells read the way partitions are written (SPEC §1: plain decimals, ISO
/// dates) with a short path for those forms and ValueParser for any other, so every cell reads
/// exactly as `ColumnarTable.double` and `.date` read it, for a fraction of the work per row.
enum CellValues {
    /// 10^0 … 10^15, exact.
    private static let powersOfTen: [Double] = (0...15).map { p in (0..<p).reduce(1.0) { v, _ in v * 10 } }

    /// The cell as a number (nil when empty or not a number). `digits[.digits]` with at most 15
    /// digits is the exact integer divided by the exact power of ten, as ValueParser computes it.
    @inline(__always)
    static func number(_ b: UnsafeBufferPointer<UInt8>) -> Double? {
        if b.isEmpty { return nil }
        guard b.count <= 16 else { return ValueParser.number(b) }
        var mantissa: UInt64 = 0
        var digits = 0, point = -1
        for i in 0..<b.count {
            let d = b[i] &- 48
            if d < 10 {
                mantissa = mantissa &* 10 &+ UInt64(d)
                digits &+= 1
            } else if b[i] == 0x2E && point < 0 && i > 0 {
                point = i
            } else {
                return ValueParser.number(b)
            }
        }
        if point == b.count - 1 || digits > 15 { return ValueParser.number(b) }
        let v = Double(mantissa)
        return point < 0 ? v : v / powersOfTen[b.count - 1 - point]
    }

    /// The cell as a date (nil when empty or not a date); `YYYY-MM-DD` is read in place.
    @inline(__always)
    static func date(_ b: UnsafeBufferPointer<UInt8>) -> Day? {
        if b.isEmpty { return nil }
        if b.count == 10 && b[4] == 0x2D && b[7] == 0x2D {
            @inline(__always) func digit(_ i: Int) -> Int { Int(b[i] &- 48) }
            let d0 = b[0] &- 48, d1 = b[1] &- 48, d2 = b[2] &- 48, d3 = b[3] &- 48
            let d5 = b[5] &- 48, d6 = b[6] &- 48, d8 = b[8] &- 48, d9 = b[9] &- 48
            if max(max(max(d0, d1), max(d2, d3)), max(max(d5, d6), max(d8, d9))) < 10 {
                let y = digit(0) * 1000 + digit(1) * 100 + digit(2) * 10 + digit(3)
                let m = digit(5) * 10 + digit(6), d = digit(8) * 10 + digit(9)
                if Day.isValid(year: y, month: m, day: d) { return Day(year: y, month: m, day: d) }
            }
        }
        return ValueParser.date(bytes: b)
    }
}
