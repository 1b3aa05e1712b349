#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Builds one CSV file in memory as UTF-8 bytes: header row, LF line ends, RFC 4180 quoting, and
/// the number format of SPEC §1.
public struct CSVWriter {
    public private(set) var bytes: [UInt8] = []
    public private(set) var rows = 0
    private var atRowStart = true

    /// Starts a file with its header row; an empty header starts a headerless fragment (for
    /// rendering chunks in parallel and appending them to one file).
    public init(header: [String]) {
        if header.isEmpty { return }
        for name in header { field(name) }
        endRow()
        rows = 0
    }

    /// Appends a text cell, quoting it when it holds a comma, quote, CR or LF.
    public mutating func field(_ text: String) {
        var copy = text
        copy.withUTF8 { field(bytes: $0) }
    }

    /// Appends a text cell given as UTF-8 bytes (a cell of a columnar table), quoted as needed.
    public mutating func field(bytes utf8: UnsafeBufferPointer<UInt8>) {
        separator()
        var needsQuotes = false
        for b in utf8 where b == 0x2C || b == 0x22 || b == 0x0A || b == 0x0D { needsQuotes = true; break }
        if !needsQuotes {
            bytes.append(contentsOf: utf8)
            return
        }
        bytes.append(0x22)
        for b in utf8 {
            if b == 0x22 { bytes.append(0x22) }
            bytes.append(b)
        }
        bytes.append(0x22)
    }

    /// Appends an optional text cell (nil is empty).
    public mutating func field(_ text: String?) {
        if let text { field(text) } else { empty() }
    }

    /// Appends a number formatted per SPEC §1 (nil, NaN and infinities are written empty).
    public mutating func number(_ value: Double?) {
        guard let value, value.isFinite else { separator(); return }
        // The separator and the number's text are built on the stack and appended at once.
        let comma = !atRowStart
        atRowStart = false
        var text = NumberText()
        let written = text.withBytes { p -> Int in
            if comma { p[0] = 0x2C }
            let count = NumberText.write(value, p + (comma ? 1 : 0))
            return count < 0 ? -1 : count + (comma ? 1 : 0)
        }
        if written >= 0 {
            text.withBytes { bytes.append(contentsOf: UnsafeBufferPointer(start: $0, count: written)) }
        } else {
            if comma { bytes.append(0x2C) }
            bytes.append(contentsOf: printfSixDecimals(value))
        }
    }

    /// Appends an integer cell.
    public mutating func integer(_ value: Int?) {
        guard let value else { separator(); return }
        let comma = !atRowStart
        atRowStart = false
        var text = NumberText()
        let written = text.withBytes { p -> Int in
            if comma { p[0] = 0x2C }
            return NumberText.write(value, p + (comma ? 1 : 0)) + (comma ? 1 : 0)
        }
        text.withBytes { bytes.append(contentsOf: UnsafeBufferPointer(start: $0, count: written)) }
    }

    /// Appends `true`/`false` (nil is empty).
    public mutating func boolean(_ value: Bool?) {
        guard let value else { separator(); return }
        // ",true" / ",false", without the comma at a row's start.
        let text: StaticString = value ? ",true" : ",false"
        let skip = atRowStart ? 1 : 0
        atRowStart = false
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start + skip, count: text.utf8CodeUnitCount - skip))
    }

    /// Appends an ISO date `YYYY-MM-DD` (nil is empty), written digit by digit.
    public mutating func date(_ value: Day?) {
        guard let value else { separator(); return }
        appendStamp(value, time: nil)
    }

    /// Appends a datetime `YYYY-MM-DD HH:MM:SS` (nil is empty).
    public mutating func dateTime(_ value: DateTime?) {
        guard let value else { separator(); return }
        appendStamp(value.day, time: value)
    }

    /// A date, and the time of `time` when given, with the separator before it, in one append.
    private mutating func appendStamp(_ day: Day, time: DateTime?) {
        let comma = !atRowStart
        atRowStart = false
        var text = NumberText()
        let count = text.withBytes { p -> Int in
            var k = 0
            if comma { p[0] = 0x2C; k = 1 }
            k += NumberText.write(day.year, width: 4, p + k); p[k] = UInt8(ascii: "-"); k += 1
            k += NumberText.write(day.month, width: 2, p + k); p[k] = UInt8(ascii: "-"); k += 1
            k += NumberText.write(day.day, width: 2, p + k)
            guard let time else { return k }
            p[k] = UInt8(ascii: " "); k += 1
            k += NumberText.write(time.hour, width: 2, p + k); p[k] = UInt8(ascii: ":"); k += 1
            k += NumberText.write(time.minute, width: 2, p + k); p[k] = UInt8(ascii: ":"); k += 1
            return k + NumberText.write(time.second, width: 2, p + k)
        }
        text.withBytes { bytes.append(contentsOf: UnsafeBufferPointer(start: $0, count: count)) }
    }

    /// Appends an empty cell.
    public mutating func empty() { separator() }

    /// Appends one complete row rendered by another writer (its bytes end with LF).
    public mutating func appendRow(_ row: ArraySlice<UInt8>) {
        bytes.append(contentsOf: row)
        rows += 1
        atRowStart = true
    }

    /// Appends every row of another headerless writer.
    public mutating func append(_ other: CSVWriter) {
        bytes.append(contentsOf: other.bytes)
        rows += other.rows
    }

    /// A headerless writer of rows that `body` writes straight into new memory: it gets room for
    /// `capacity` bytes and returns how many it wrote (for hot loops that render millions of rows;
    /// the cells are written with `CSVWriter.write(number:to:)` and friends).
    public static func rendered(rows: Int, capacity: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Int) -> CSVWriter {
        var w = CSVWriter(header: [])
        w.bytes = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
            count = body(buffer.baseAddress!)
            precondition(count <= capacity, "rendered past the room given")
        }
        w.rows = rows
        return w
    }

    /// Writes a number's SPEC §1 text at `p` (at most 24 bytes, for |value| < 1e15) and returns
    /// the count; NaN and infinities write nothing.
    @inline(__always)
    public static func write(number value: Double, to p: UnsafeMutablePointer<UInt8>) -> Int {
        guard value.isFinite else { return 0 }
        precondition(abs(value) < 1e15, "write(number:to:) is for |x| < 1e15")
        let count = NumberText.write(value, p)
        if count >= 0 { return count }
        let text = printfSixDecimals(value)
        text.withUnsafeBufferPointer { p.update(from: $0.baseAddress!, count: text.count) }
        return text.count
    }

    /// Writes an integer's text at `p` (at most 20 bytes) and returns the count.
    @inline(__always)
    public static func write(integer value: Int, to p: UnsafeMutablePointer<UInt8>) -> Int {
        NumberText.write(value, p)
    }

    /// Whether a text cell must be quoted (it holds a comma, quote, CR or LF).
    public static func needsQuotes(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        for b in utf8 where b == 0x2C || b == 0x22 || b == 0x0A || b == 0x0D { return true }
        return false
    }

    /// Reserves room for about `count` more bytes.
    public mutating func reserve(_ count: Int) { bytes.reserveCapacity(bytes.count + count) }

    /// Ends the current row with LF.
    public mutating func endRow() {
        bytes.append(0x0A)
        atRowStart = true
        rows += 1
    }

    @inline(__always)
    private mutating func separator() {
        if atRowStart { atRowStart = false } else { bytes.append(0x2C) }
    }
}

/// SPEC §1 number text: correctly rounded to 6 decimals (as `printf("%.6f")`), then without
/// exponent or trailing zeros, never `-0`; nil for NaN and infinities.
public func formatNumber(_ value: Double) -> String? {
    guard value.isFinite else { return nil }
    var out: [UInt8] = []
    appendNumber(value, to: &out)
    return String(decoding: out, as: UTF8.self)
}

/// Appends the SPEC §1 text of a finite number (non-finite values append nothing).
public func appendNumber(_ value: Double, to out: inout [UInt8]) {
    guard value.isFinite else { return }
    var text = NumberText()
    let count = text.withBytes { NumberText.write(value, $0) }
    if count < 0 {
        out.append(contentsOf: printfSixDecimals(value))
        return
    }
    text.withBytes { out.append(contentsOf: UnsafeBufferPointer(start: $0, count: count)) }
}

/// Integer text without allocating a String.
@inline(__always)
func appendInteger(_ value: Int, to out: inout [UInt8]) {
    var text = NumberText()
    let count = text.withBytes { NumberText.write(value, $0) }
    text.withBytes { out.append(contentsOf: UnsafeBufferPointer(start: $0, count: count)) }
}

/// Room on the stack for a cell's number text (a separator, a sign, 20 digits; or the six-decimal
/// form of |x| < 1e9), so writing a number allocates nothing.
struct NumberText {
    private var storage: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    @inline(__always)
    mutating func withBytes<R>(_ body: (UnsafeMutablePointer<UInt8>) -> R) -> R {
        withUnsafeMutableBytes(of: &storage) { body($0.baseAddress!.assumingMemoryBound(to: UInt8.self)) }
    }

    /// Writes `value` in decimal at `p` (at most 20 bytes) and returns the count.
    @inline(__always)
    static func write(_ value: Int, _ p: UnsafeMutablePointer<UInt8>) -> Int {
        if value < 0 {
            p[0] = UInt8(ascii: "-")
            return 1 + write(unsigned: value.magnitude, p + 1)
        }
        return write(unsigned: UInt(value), p)
    }

    /// Writes a number from 0 zero-padded to `width` digits (2 or 4; wider or negative numbers are
    /// written as they are) and returns the count.
    @inline(__always)
    static func write(_ value: Int, width: Int, _ p: UnsafeMutablePointer<UInt8>) -> Int {
        guard value >= 0 && value < (width == 4 ? 10_000 : 100) else { return write(value, p) }
        var v = value
        var k = width - 1
        while k >= 0 {
            p[k] = UInt8(truncatingIfNeeded: 48 &+ v % 10)
            v /= 10
            k -= 1
        }
        return width
    }

    /// Writes `value` in decimal at `p` and returns the count.
    @inline(__always)
    static func write(unsigned value: UInt, _ p: UnsafeMutablePointer<UInt8>) -> Int {
        var count = 1
        var bound: UInt = 10
        while value >= bound && count < 19 { count += 1; bound &*= 10 }
        if count == 19 && value >= bound { count = 20 }
        var v = value
        var k = count - 1
        while k >= 0 {
            p[k] = UInt8(truncatingIfNeeded: 48 &+ v % 10)
            v /= 10
            k -= 1
        }
        return count
    }

    /// Writes the SPEC §1 text of a finite number at `p` (at most 18 bytes) and returns the count,
    /// or -1 when only printf can round it correctly (|x| ≥ 1e9 with a fraction, or within an ulp of
    /// a half-millionth).
    static func write(_ value: Double, _ p: UnsafeMutablePointer<UInt8>) -> Int {
        if value == value.rounded(), abs(value) < 1e15 {
            return write(Int(value), p)
        }
        // Scale to millionths. The product is off the exact value by at most half an ulp, which can
        // only change the rounding when it lands within an ulp of a half-millionth; those rare
        // values go to printf, which rounds the exact binary value (as SPEC §1 asks).
        guard abs(value) < 1e9 else { return -1 }
        let scaled = value * 1_000_000
        let fraction = abs(scaled - scaled.rounded(.towardZero))
        guard abs(fraction - 0.5) > scaled.ulp else { return -1 }
        let micros = Int(scaled.rounded())
        if micros == 0 {
            p[0] = UInt8(ascii: "0")
            return 1
        }
        var count = 0
        if micros < 0 {
            p[0] = UInt8(ascii: "-")
            count = 1
        }
        let magnitude = micros.magnitude
        count += write(unsigned: magnitude / 1_000_000, p + count)
        var frac = magnitude % 1_000_000
        if frac == 0 { return count }
        var digits = 6
        while frac % 10 == 0 { frac /= 10; digits -= 1 }
        p[count] = UInt8(ascii: ".")
        var k = count + digits
        while k > count {
            p[k] = UInt8(truncatingIfNeeded: 48 &+ frac % 10)
            frac /= 10
            k -= 1
        }
        return count + 1 + digits
    }
}

/// `%.6f` through the C library, trimmed per SPEC §1.
func printfSixDecimals(_ value: Double) -> [UInt8] {
    var buffer = [CChar](repeating: 0, count: 400)
    let count = buffer.withUnsafeMutableBufferPointer { p -> Int in
        withVaList([value]) { args in Int(vsnprintf(p.baseAddress, 400, "%.6f", args)) }
    }
    var text = buffer[0..<min(count, 399)].map { UInt8(bitPattern: $0) }
    if let dot = text.firstIndex(of: UInt8(ascii: ".")) {
        while text.last == UInt8(ascii: "0") { text.removeLast() }
        if text.count - 1 == dot { text.removeLast() }
    }
    if text == Array("-0".utf8) { text = Array("0".utf8) }
    return text
}
