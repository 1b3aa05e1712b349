/// The outcome of parsing one number field (SPEC §2: BAD_NUMBER vs OUT_OF_RANGE is decided by the caller).
public enum NumberParse: Equatable, Sendable {
    case value(Double)
    case bad
}

/// Parsers for the accepted input forms of SPEC §2. Inputs are already normalised fields.
public enum ValueParser {
    private static let yen: [UInt8] = [0xC2, 0xA5]
    private static let yuan: [UInt8] = [0xE5, 0x85, 0x83]
    private static let nian: [UInt8] = [0xE5, 0xB9, 0xB4]   // 年
    private static let yue: [UInt8] = [0xE6, 0x9C, 0x88]    // 月
    private static let ri: [UInt8] = [0xE6, 0x97, 0xA5]     // 日

    /// A decimal in the forms `123.45`, `¥123.45`, `123.45元`, `1,234.50`; with `ratio`, `35%` = 0.35.
    public static func decimal(_ text: String, ratio: Bool = false) -> NumberParse {
        var s = Array(text.utf8)
        if s.isEmpty { return .bad }
        var divide = false
        if ratio, s.last == UInt8(ascii: "%") { s.removeLast(); divide = true }
        if !divide {
            if s.starts(with: yen) { s.removeFirst(2) }
            if s.count >= 3, Array(s[(s.count - 3)...]) == yuan { s.removeLast(3) }
        }
        guard var v = plainDecimal(s[...]) else { return .bad }
        if divide { v /= 100 }
        return .value(v)
    }

    /// An integer field: a decimal whose value is whole (`12.0` is 12, `12.5` is bad).
    public static func integer(_ text: String) -> NumberParse {
        guard case .value(let v) = decimal(text) else { return .bad }
        return v == v.rounded() ? .value(v) : .bad
    }

    /// `[sign] digits [, groups of three] [. digits]` → Double, exactly as strtod would round it.
    static func plainDecimal(_ s: ArraySlice<UInt8>) -> Double? {
        var i = s.startIndex
        var negative = false
        if i < s.endIndex && (s[i] == UInt8(ascii: "-") || s[i] == UInt8(ascii: "+")) {
            negative = s[i] == UInt8(ascii: "-")
            i += 1
        }
        var digits: [UInt8] = []
        var intDigits = 0
        var sawComma = false
        var groupLen = 0
        while i < s.endIndex && (isDigit(s[i]) || s[i] == UInt8(ascii: ",")) {
            if s[i] == UInt8(ascii: ",") {
                // Thousands separators must sit between groups of three digits.
                if intDigits == 0 || (sawComma && groupLen != 3) || (!sawComma && intDigits > 3) { return nil }
                sawComma = true
                groupLen = 0
            } else {
                digits.append(s[i])
                intDigits += 1
                groupLen += 1
            }
            i += 1
        }
        if sawComma && groupLen != 3 { return nil }
        var fracDigits = 0
        if i < s.endIndex && s[i] == UInt8(ascii: ".") {
            i += 1
            digits.append(UInt8(ascii: "."))
            while i < s.endIndex && isDigit(s[i]) { digits.append(s[i]); fracDigits += 1; i += 1 }
        }
        if i != s.endIndex || intDigits + fracDigits == 0 { return nil }
        if digits.last == UInt8(ascii: ".") { digits.removeLast() }
        // Fast exact path: few significant digits convert exactly via integer arithmetic.
        if intDigits + fracDigits <= 15 {
            var mantissa: Int64 = 0
            for d in digits where d != UInt8(ascii: ".") { mantissa = mantissa * 10 + Int64(d - 48) }
            var v = Double(mantissa)
            if fracDigits > 0 { v /= pow10[fracDigits] }
            return negative ? -v : v
        }
        guard let v = Double(String(decoding: digits, as: UTF8.self)) else { return nil }
        return negative ? -v : v
    }

    private static let pow10: [Double] = (0...22).map { p in
        var v = 1.0
        for _ in 0..<p { v *= 10 }
        return v
    }

    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }

    /// A date in the forms `2026-10-05`, `2026/10/05`, `20261005`, `2026年10月5日` (1–2 digit month
    /// and day except in the compact form).
    public static func date(_ text: String) -> Day? {
        let s = Array(text.utf8)
        guard let (day, end) = datePrefix(s[...]), end == s.endIndex else { return nil }
        return day
    }

    /// A datetime: a date form, optionally followed by ` HH:MM[:SS]` or `THH:MM[:SS]`.
    public static func dateTime(_ text: String) -> DateTime? {
        let s = Array(text.utf8)
        guard let (day, end) = datePrefix(s[...]) else { return nil }
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
        let s = Array(text.utf8)
        if s.count == 6, let y = parseDigits(s[0..<4]), let m = parseDigits(s[4..<6]) {
            return (1...12).contains(m) && y >= 1 ? Month(year: y, month: m) : nil
        }
        guard s.count >= 6, let y = parseDigits(s[0..<4]), y >= 1 else { return nil }
        var i = 4
        if s[i] == UInt8(ascii: "-") || s[i] == UInt8(ascii: "/") {
            i += 1
            guard let (m, e) = digitRun(s[...], from: i, max: 2), e == s.count, (1...12).contains(m) else { return nil }
            return Month(year: y, month: m)
        }
        guard hasToken(s[...], at: i, nian) else { return nil }
        i += 3
        guard let (m, e) = digitRun(s[...], from: i, max: 2), (1...12).contains(m),
              hasToken(s[...], at: e, yue), e + 3 == s.count else { return nil }
        return Month(year: y, month: m)
    }

    /// Parses a date form at the start of `s`; returns the date and the index after it.
    static func datePrefix(_ s: ArraySlice<UInt8>) -> (Day, Int)? {
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
    static func digitRun(_ s: ArraySlice<UInt8>, from: Int, max: Int) -> (Int, Int)? {
        var e = from
        while e < s.endIndex && isDigit(s[e]) { e += 1 }
        let n = e - from
        guard n >= 1 && n <= max, let v = parseDigits(s[from..<e]) else { return nil }
        return (v, e)
    }

    static func hasToken(_ s: ArraySlice<UInt8>, at i: Int, _ token: [UInt8]) -> Bool {
        guard i >= s.startIndex, i + token.count <= s.endIndex else { return false }
        for k in 0..<token.count where s[i + k] != token[k] { return false }
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
}
