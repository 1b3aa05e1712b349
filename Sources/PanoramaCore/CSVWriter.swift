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

    public init(header: [String]) {
        for name in header { field(name) }
        endRow()
        rows = 0
    }

    /// Appends a text cell, quoting it when it holds a comma, quote, CR or LF.
    public mutating func field(_ text: String) {
        separator()
        var needsQuotes = false
        for b in text.utf8 where b == 0x2C || b == 0x22 || b == 0x0A || b == 0x0D { needsQuotes = true; break }
        if !needsQuotes {
            bytes.append(contentsOf: text.utf8)
            return
        }
        bytes.append(0x22)
        for b in text.utf8 {
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
        bytes.append(contentsOf: String(value).utf8)
    }

    /// Appends `true`/`false` (nil is empty).
    public mutating func boolean(_ value: Bool?) {
        separator()
        guard let value else { return }
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    /// Appends an empty cell.
    public mutating func empty() { separator() }

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
        let i = Int(value)
        out.append(contentsOf: String(i).utf8)
        return
    }
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
    out.append(contentsOf: text)
}
