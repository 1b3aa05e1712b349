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
        separator()
        guard let value else { return }
        appendNumber(value, to: &bytes)
    }

    /// Appends an integer cell.
    public mutating func integer(_ value: Int?) {
        separator()
        guard let value else { return }
        appendInteger(value, to: &bytes)
    }

    /// Appends `true`/`false` (nil is empty).
    public mutating func boolean(_ value: Bool?) {
        separator()
        guard let value else { return }
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    /// Appends an ISO date `YYYY-MM-DD` (nil is empty), written digit by digit.
    public mutating func date(_ value: Day?) {
        separator()
        guard let value else { return }
        appendDigits(value.year, 4); bytes.append(UInt8(ascii: "-"))
        appendDigits(value.month, 2); bytes.append(UInt8(ascii: "-"))
        appendDigits(value.day, 2)
    }

    /// Appends a datetime `YYYY-MM-DD HH:MM:SS` (nil is empty).
    public mutating func dateTime(_ value: DateTime?) {
        guard let value else { separator(); return }
        date(value.day)
        bytes.append(UInt8(ascii: " "))
        appendDigits(value.hour, 2); bytes.append(UInt8(ascii: ":"))
        appendDigits(value.minute, 2); bytes.append(UInt8(ascii: ":"))
        appendDigits(value.second, 2)
    }

    /// A non-negative number zero-padded to `width` digits.
    private mutating func appendDigits(_ value: Int, _ width: Int) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        var v = value
        if v >= divisor * 10 { appendInteger(v, to: &bytes); return }
        while divisor > 0 {
            bytes.append(UInt8(48 + v / divisor))
            v %= divisor
            divisor /= 10
        }
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
    if value == value.rounded(), abs(value) < 1e15 {
        appendInteger(Int(value), to: &out)
        return
    }
    // Fast path: scale to millionths. The product is off the exact value by at most half an ulp,
    // which can only change the rounding when it lands within an ulp of a half-millionth; those
    // rare values go to printf, which rounds the exact binary value (as SPEC §1 asks).
    if abs(value) < 1e9 {
        let scaled = value * 1_000_000
        let fraction = abs(scaled - scaled.rounded(.towardZero))
        if abs(fraction - 0.5) > scaled.ulp {
            let micros = Int(scaled.rounded())
            if micros == 0 { out.append(UInt8(ascii: "0")); return }
            if micros < 0 { out.append(UInt8(ascii: "-")) }
            let magnitude = micros.magnitude
            appendInteger(Int(magnitude / 1_000_000), to: &out)
            var frac = Int(magnitude % 1_000_000)
            if frac == 0 { return }
            var digits = 6
            while frac % 10 == 0 { frac /= 10; digits -= 1 }
            out.append(UInt8(ascii: "."))
            var buffer: [UInt8] = [48, 48, 48, 48, 48, 48]
            var k = digits - 1
            while frac > 0 { buffer[k] = UInt8(48 + frac % 10); frac /= 10; k -= 1 }
            out.append(contentsOf: buffer[0..<digits])
            return
        }
    }
    out.append(contentsOf: printfSixDecimals(value))
}

/// Integer text without allocating a String.
@inline(__always)
func appendInteger(_ value: Int, to out: inout [UInt8]) {
    if value == 0 { out.append(48); return }
    var v = value.magnitude
    if value < 0 { out.append(UInt8(ascii: "-")) }
    var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                 UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
        (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    var n = 0
    withUnsafeMutableBytes(of: &digits) { d in
        while v > 0 { d[n] = UInt8(48 + v % 10); v /= 10; n += 1 }
        var i = n - 1
        while i >= 0 { out.append(d[i]); i -= 1 }
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
