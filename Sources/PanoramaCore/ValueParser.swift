/// The outcome of parsing one number field (SPEC §2: BAD_NUMBER vs OUT_OF_RANGE is decided by the caller).
public enum NumberParse: Equatable, Sendable {
    case value(Double)
    case bad
}

/// Parsers for the accepted input forms of SPEC §2. Inputs are already normalised fields; the
/// parsers read the String's UTF-8 in place (no per-field arrays).
public enum ValueParser {
    typealias Bytes = Slice<UnsafeBufferPointer<UInt8>>

    private static let yen: [UInt8] = [0xC2, 0xA5]
    private static let yuan: [UInt8] = [0xE5, 0x85, 0x83]
    private static let nian: [UInt8] = [0xE5, 0xB9, 0xB4]   // 年
    private static let yue: [UInt8] = [0xE6, 0x9C, 0x88]    // 月
    private static let ri: [UInt8] = [0xE6, 0x97, 0xA5]     // 日

    /// A decimal in the forms `123.45`, `¥123.45`, `123.45元`, `1,234.50` (a leading minus is read so
    /// that `-5` is OUT_OF_RANGE rather than BAD_NUMBER); with `ratio`, `35%` = 0.35 and no currency.
    public static func decimal(_ text: String, ratio: Bool = false) -> NumberParse {
        var copy = text
        return copy.withUTF8 { decimal(bytes: $0, ratio: ratio) }
    }

    /// `decimal(_:ratio:)` on a field's normalised bytes.
    public static func decimal(bytes buf: UnsafeBufferPointer<UInt8>, ratio: Bool = false) -> NumberParse {
        var s = buf[...]
        if s.isEmpty { return .bad }
        var divide = false
        if ratio {
            if s.last == UInt8(ascii: "%") { s = s.dropLast(); divide = true }
        } else if s.starts(with: yen) {
            s = s.dropFirst(2)
        } else if s.count >= 3, s.suffix(3).elementsEqual(yuan) {
            s = s.dropLast(3)
        }
        guard var v = plainDecimal(s) else { return .bad }
        if divide { v /= 100 }
        return .value(v)
    }

    /// An integer field: a number without currency whose value is whole (`12.0` is 12, `12.5` is bad).
    public static func integer(_ text: String) -> NumberParse {
        var copy = text
        return copy.withUTF8 { integer(bytes: $0) }
    }

    /// `integer(_:)` on a field's normalised bytes.
    public static func integer(bytes buf: UnsafeBufferPointer<UInt8>) -> NumberParse {
        guard let v = plainDecimal(buf[...]), v == v.rounded() else { return .bad }
        return .value(v)
    }

    /// `[sign] digits [, groups of three] [. digits]` → Double, exactly as strtod would round it.
    static func plainDecimal(_ s: Bytes) -> Double? {
        var i = s.startIndex
        var negative = false
        if i < s.endIndex && s[i] == UInt8(ascii: "-") {
            negative = true
            i += 1
        }
        var mantissa: UInt64 = 0
        var intDigits = 0
        var sawComma = false
        var groupLen = 0
        let firstDigit = i
        while i < s.endIndex && (isDigit(s[i]) || s[i] == UInt8(ascii: ",")) {
            if s[i] == UInt8(ascii: ",") {
                // Thousands separators sit between groups of three digits, after a first group of
                // one to three digits that does not start with 0.
                if intDigits == 0 || (sawComma && groupLen != 3) || (!sawComma && (intDigits > 3 || s[firstDigit] == 48)) {
                    return nil
                }
                sawComma = true
                groupLen = 0
            } else {
                if intDigits < 19 { mantissa = mantissa &* 10 &+ UInt64(s[i] - 48) }
                intDigits += 1
                groupLen += 1
            }
            i += 1
        }
        if sawComma && groupLen != 3 { return nil }
        // Digits are required before the point, and after it when there is one.
        if intDigits == 0 { return nil }
        var fracDigits = 0
        if i < s.endIndex && s[i] == UInt8(ascii: ".") {
            i += 1
            while i < s.endIndex && isDigit(s[i]) {
                if intDigits + fracDigits < 19 { mantissa = mantissa &* 10 &+ UInt64(s[i] - 48) }
                fracDigits += 1
                i += 1
            }
            if fracDigits == 0 { return nil }
        }
        if i != s.endIndex { return nil }
        // Up to 15 significant digits convert exactly: an exact integer divided by an exact power of ten.
        if intDigits + fracDigits <= 15 {
            var v = Double(mantissa)
            if fracDigits > 0 { v /= pow10[fracDigits] }
            return negative ? -v : v
        }
        var text = ""
        for b in s where b != UInt8(ascii: ",") { text.unicodeScalars.append(Unicode.Scalar(b)) }
        // Some 309 digits and more overflow a double: that is no number the warehouse can hold
        // (BAD_NUMBER), never an infinity written as an empty cell.
        guard let v = Double(text), v.isFinite else { return nil }
        return v
    }

    private static let pow10: [Double] = (0...22).map { p in
        var v = 1.0
        for _ in 0..<p { v *= 10 }
        return v
    }

    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }

    /// A plain number from bytes (warehouse cells): `[sign] digits [. digits]`, no other forms.
    public static func number(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        plainDecimal(bytes[...])
    }

    /// A date from bytes, in any accepted date form.
    public static func date(bytes: UnsafeBufferPointer<UInt8>) -> Day? {
        let s = bytes[...]
        guard let (day, end) = datePrefix(s), end == s.endIndex else { return nil }
        return day
    }

    /// A datetime from bytes, in any accepted form.
    public static func dateTime(bytes: UnsafeBufferPointer<UInt8>) -> DateTime? {
        dateTime(bytes[...])
    }

    /// A date in the forms `2026-10-05`, `2026/10/05`, `20261005`, `2026年10月5日` (1–2 digit month
    /// and day except in the compact form).
    public static func date(_ text: String) -> Day? {
        var copy = text
        return copy.withUTF8 { buf in
            let s = buf[...]
            guard let (day, end) = datePrefix(s), end == s.endIndex else { return nil }
            return day
        }
    }

    /// A datetime: a date form, optionally followed by ` HH:MM[:SS]` or `THH:MM[:SS]`.
    public static func dateTime(_ text: String) -> DateTime? {
        var copy = text
        return copy.withUTF8 { buf in dateTime(buf[...]) }
    }

    static func dateTime(_ s: Bytes) -> DateTime? {
        guard let (day, end) = datePrefix(s) else { return nil }
        if end == s.endIndex { return DateTime(day: day) }
        guard s[end] == UInt8(ascii: " ") || s[end] == UInt8(ascii: "T") else { return nil }
        let t = s[(end + 1)...]
        guard t.count == 5 || t.count == 8 else { return nil }
        let b = t.startIndex
        guard t[b + 2] == UInt8(ascii: ":"),
              let h = parseDigits(t[b..<(b + 2)]), let m = parseDigits(t[(b + 3)..<(b + 5)]),
              h <= 23, m <= 59 else { return nil }
        var sec = 0
        if t.count == 8 {
            guard t[b + 5] == UInt8(ascii: ":"), let ss = parseDigits(t[(b + 6)..<(b + 8)]), ss <= 59 else { return nil }
            sec = ss
        }
        return DateTime(day: day, hour: h, minute: m, second: sec)
    }

    /// A month in the forms `2026-10`, `202610`, `2026/10`, `2026年10月`.
    public static func month(_ text: String) -> Month? {
        var copy = text
        return copy.withUTF8 { buf in month(buf[...]) }
    }

    /// `month(_:)` on a field's normalised bytes.
    public static func month(bytes: UnsafeBufferPointer<UInt8>) -> Month? {
        month(bytes[...])
    }

    static func month(_ s: Bytes) -> Month? {
        let b = s.startIndex
        if s.count == 6, let y = parseDigits(s[b..<(b + 4)]), let m = parseDigits(s[(b + 4)..<(b + 6)]) {
            return (1...12).contains(m) && y >= 1 ? Month(year: y, month: m) : nil
        }
        guard s.count >= 6, let y = parseDigits(s[b..<(b + 4)]), y >= 1 else { return nil }
        var i = b + 4
        if s[i] == UInt8(ascii: "-") || s[i] == UInt8(ascii: "/") {
            i += 1
            guard let (m, e) = digitRun(s, from: i, max: 2), e == s.endIndex, (1...12).contains(m) else { return nil }
            return Month(year: y, month: m)
        }
        guard hasToken(s, at: i, nian) else { return nil }
        i += 3
        guard let (m, e) = digitRun(s, from: i, max: 2), (1...12).contains(m),
              hasToken(s, at: e, yue), e + 3 == s.endIndex else { return nil }
        return Month(year: y, month: m)
    }

    /// Parses a date form at the start of `s`; returns the date and the index after it.
    static func datePrefix(_ s: Bytes) -> (Day, Int)? {
        let b = s.startIndex
        guard s.count >= 8, let y = parseDigits(s[b..<(b + 4)]) else { return nil }
        var i = b + 4
        var m = 0, d = 0
        if s[i] == UInt8(ascii: "-") || s[i] == UInt8(ascii: "/") {
            let sep = s[i]
            guard let (mm, e1) = digitRun(s, from: i + 1, max: 2), e1 < s.endIndex, s[e1] == sep,
                  let (dd, e2) = digitRun(s, from: e1 + 1, max: 2) else { return nil }
            m = mm; d = dd; i = e2
        } else if hasToken(s, at: i, nian) {
            guard let (mm, e1) = digitRun(s, from: i + 3, max: 2), hasToken(s, at: e1, yue),
                  let (dd, e2) = digitRun(s, from: e1 + 3, max: 2), hasToken(s, at: e2, ri) else { return nil }
            m = mm; d = dd; i = e2 + 3
        } else {
            guard let mm = parseDigits(s[i..<(i + 2)]), let dd = parseDigits(s[(i + 2)..<(i + 4)]) else { return nil }
            i += 4
            // The compact form is exactly eight digits: a ninth digit makes it something else.
            if i < s.endIndex && isDigit(s[i]) { return nil }
            m = mm; d = dd
        }
        guard Day.isValid(year: y, month: m, day: d) else { return nil }
        return (Day(year: y, month: m, day: d), i)
    }

    /// 1...max digits starting at `from`; nil when none or too many.
    static func digitRun(_ s: Bytes, from: Int, max: Int) -> (Int, Int)? {
        var e = from
        while e < s.endIndex && isDigit(s[e]) { e += 1 }
        let n = e - from
        guard n >= 1 && n <= max, let v = parseDigits(s[from..<e]) else { return nil }
        return (v, e)
    }

    static func hasToken(_ s: Bytes, at i: Int, _ token: [UInt8]) -> Bool {
        guard i >= s.startIndex, i + token.count <= s.endIndex else { return false }
        for k in 0..<token.count where s[i + k] != token[k] { return false }
        return true
    }

    // MARK: Text already in its warehouse form

    /// Whether `bytes`, accepted by `decimal` (or `integer` when `integer`), are already exactly the
    /// SPEC §1 text of the value they parse to, so a writer may copy them instead of formatting the
    /// number: `0` or digits without a leading zero, and for a decimal an optional point with one to
    /// six digits not ending in `0`. Decimals are held to nine integer digits, integers to fifteen:
    /// there the parsed double is within 2⁻²⁴ of the text, so rounding it to six decimals gives the
    /// text back (`CSVWriterTests` check this against the writer).
    public static func isWarehouseNumber(_ bytes: UnsafeBufferPointer<UInt8>, integer: Bool) -> Bool {
        let n = bytes.count
        var i = 0
        while i < n && isDigit(bytes[i]) { i += 1 }
        let intDigits = i
        guard intDigits >= 1, intDigits <= (integer ? 15 : 9), bytes[0] != 48 || intDigits == 1 else { return false }
        if i == n { return true }
        guard !integer, bytes[i] == UInt8(ascii: "."), n - i - 1 >= 1, n - i - 1 <= 6, bytes[n - 1] != 48 else { return false }
        i += 1
        while i < n { guard isDigit(bytes[i]) else { return false }; i += 1 }
        return true
    }

    /// Whether `bytes`, accepted by `date`, are already its ISO text `YYYY-MM-DD`.
    public static func isWarehouseDate(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.count == 10 && matches(bytes, "0000-00-00")
    }

    /// Whether `bytes`, accepted by `dateTime`, are already its text `YYYY-MM-DD HH:MM:SS`.
    public static func isWarehouseDateTime(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.count == 19 && matches(bytes, "0000-00-00 00:00:00")
    }

    /// Whether `bytes` have the shape of `pattern`, a `0` standing for any digit.
    @inline(__always)
    private static func matches(_ bytes: UnsafeBufferPointer<UInt8>, _ pattern: StaticString) -> Bool {
        let p = pattern.utf8Start
        for k in 0..<bytes.count {
            if p[k] == 48 { if !isDigit(bytes[k]) { return false } } else if bytes[k] != p[k] { return false }
        }
        return true
    }

    /// Booleans `1/0`, `true/false`, `yes/no`, `y/n`, `是/否`, any case.
    public static func boolean(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "1", "true", "yes", "y", "是": return true
        case "0", "false", "no", "n", "否": return false
        default: return nil
        }
    }

    private static let trueSpellings: [[UInt8]] = ["1", "true", "yes", "y", "是"].map { Array($0.utf8) }
    private static let falseSpellings: [[UInt8]] = ["0", "false", "no", "n", "否"].map { Array($0.utf8) }

    /// `boolean(_:)` on a field's normalised bytes: the spellings are matched byte by byte with ASCII
    /// case folded; text with other characters that matches none of them is read as a String, so
    /// Unicode case folding and canonical equivalence decide exactly as `boolean(_:)` does.
    public static func boolean(bytes: UnsafeBufferPointer<UInt8>) -> Bool? {
        if trueSpellings.contains(where: { equalsFoldingASCII(bytes, $0) }) { return true }
        if falseSpellings.contains(where: { equalsFoldingASCII(bytes, $0) }) { return false }
        return isASCII(bytes) ? nil : boolean(String(decoding: bytes, as: UTF8.self))
    }

    /// Whether `bytes` equals `lowercase` (which holds no ASCII capital) with ASCII letters folded.
    @inline(__always)
    public static func equalsFoldingASCII(_ bytes: UnsafeBufferPointer<UInt8>, _ lowercase: [UInt8]) -> Bool {
        guard bytes.count == lowercase.count else { return false }
        var k = 0
        while k < bytes.count {
            var b = bytes[k]
            if b >= 0x41 && b <= 0x5A { b |= 0x20 }
            if b != lowercase[k] { return false }
            k += 1
        }
        return true
    }

    /// Whether every byte is ASCII.
    @inline(__always)
    public static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for b in bytes where b >= 0x80 { return false }
        return true
    }
}
