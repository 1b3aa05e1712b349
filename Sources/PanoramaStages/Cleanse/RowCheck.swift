import PanoramaCore

/// Why a row was quarantined: its SPEC code and a human explanation.
public struct Rejection: Error, Sendable {
    public var code: QuarantineCode
    public var detail: String

    public init(_ code: QuarantineCode, _ detail: String) {
        self.code = code
        self.detail = detail
    }
}

/// Field checks shared by the four sources, each throwing the SPEC §2 code of its first failure.
enum Check {
    /// A value as quoted in a detail: at most 200 characters, control characters shown as `\xNN`.
    static func q(_ value: String) -> String { MessageText.excerpt(value) }

    static func required(_ value: String, _ column: String) throws(Rejection) -> String {
        if value.isEmpty { throw Rejection(.MISSING_FIELD, "\(column) is empty") }
        return value
    }

    /// A required key (customer_id, survey_id, …): not empty, and no control character in it.
    static func key(_ value: String, _ column: String) throws(Rejection) -> String {
        try plainText(try required(value, column), column)
    }

    /// A key or enum value must hold no C0 control character (NUL, tab, line breaks, …): BAD_TEXT.
    static func plainText(_ value: String, _ column: String) throws(Rejection) -> String {
        if value.utf8.contains(where: { $0 < 0x20 }) {
            throw Rejection(.BAD_TEXT, "\(column) `\(q(value))` holds a control character")
        }
        return value
    }

    /// Free text (city, county) without its C0 control characters, trimmed again; `cleaned` says
    /// whether any was removed. Tab, LF and CR stay: they are layout, and a quoted field may hold a
    /// line break as delivered (SPEC §2, RFC 4180).
    static func freeText(_ value: String) -> (text: String, cleaned: Bool) {
        func isControl(_ b: UInt8) -> Bool { b < 0x20 && b != 0x09 && b != 0x0A && b != 0x0D }
        guard value.utf8.contains(where: isControl) else { return (value, false) }
        let kept = value.utf8.filter { !isControl($0) }
        return (kept.withUnsafeBufferPointer { FieldNormalizer.normalize($0) }, true)
    }

    static func requiredEnum(_ value: String, _ column: String, _ table: [String: String]) throws(Rejection) -> String {
        let v = try plainText(try required(value, column), column)
        guard let code = Vocabulary.lookup(v, in: table) else {
            throw Rejection(.BAD_ENUM, "\(column) `\(q(v))` is not one of \(allowed(table))")
        }
        return code
    }

    static func optionalEnum(_ value: String, _ column: String, _ table: [String: String]) throws(Rejection) -> String? {
        if value.isEmpty { return nil }
        guard let code = Vocabulary.lookup(try plainText(value, column), in: table) else {
            throw Rejection(.BAD_ENUM, "\(column) `\(q(value))` is not one of \(allowed(table))")
        }
        return code
    }

    static func allowed(_ table: [String: String]) -> String {
        Array(Set(table.values)).sorted().joined(separator: ", ")
    }

    static func requiredDate(_ value: String, _ column: String) throws(Rejection) -> Day {
        let v = try required(value, column)
        guard let d = ValueParser.date(v) else { throw Rejection(.BAD_DATE, "\(column) `\(q(v))` is not a date") }
        return d
    }

    static func requiredDateTime(_ value: String, _ column: String) throws(Rejection) -> DateTime {
        let v = try required(value, column)
        guard let d = ValueParser.dateTime(v) else { throw Rejection(.BAD_DATE, "\(column) `\(q(v))` is not a datetime") }
        return d
    }

    static func inMonth(_ day: Day, _ month: Month, _ column: String) throws(Rejection) {
        if day.monthKey != month {
            throw Rejection(.WRONG_MONTH, "\(column) \(day) is not in \(month)")
        }
    }

    /// A decimal in [lo, hi] (hi nil = unbounded); empty returns nil unless required.
    static func decimal(_ value: String, _ column: String, required isRequired: Bool, lo: Double, hi: Double?,
                        ratio: Bool = false, integer: Bool = false) throws(Rejection) -> Double? {
        if value.isEmpty {
            if isRequired { throw Rejection(.MISSING_FIELD, "\(column) is empty") }
            return nil
        }
        let parsed = integer ? ValueParser.integer(value) : ValueParser.decimal(value, ratio: ratio)
        guard case .value(let v) = parsed else {
            throw Rejection(.BAD_NUMBER, "\(column) `\(q(value))` is not \(integer ? "an integer" : ratio ? "a ratio" : "a number")")
        }
        if v < lo || (hi.map { v > $0 } ?? false) {
            let range = hi.map { "\(formatNumber(lo) ?? "")–\(formatNumber($0) ?? "")" } ?? "≥ \(formatNumber(lo) ?? "")"
            throw Rejection(.OUT_OF_RANGE, "\(column) `\(q(value))` is outside \(range)")
        }
        return v
    }

    /// Survey scores: "not answered" tokens read as missing (nil); `required` turns them into MISSING_FIELD.
    static func score(_ value: String, _ column: String, required isRequired: Bool, lo: Int, hi: Int) throws(Rejection) -> Int? {
        if isNotAnswered(value) {
            if isRequired { throw Rejection(.MISSING_FIELD, "\(column) is not answered (`\(q(value))`)") }
            return nil
        }
        guard case .value(let v) = ValueParser.integer(value) else {
            throw Rejection(.BAD_NUMBER, "\(column) `\(q(value))` is not an integer")
        }
        guard v >= Double(lo) && v <= Double(hi) else {
            throw Rejection(.OUT_OF_RANGE, "\(column) `\(q(value))` is outside \(lo)–\(hi)")
        }
        return Int(v)
    }

    /// SPEC §2.3: empty, `99`, `N/A`, `NA`, `不知道` mean "not answered".
    static func isNotAnswered(_ value: String) -> Bool {
        switch value.lowercased() {
        case "", "99", "n/a", "na", "不知道": return true
        default: return false
        }
    }

    /// SPEC §2.1 msisdn normalisation; nil when the result is not 11 digits starting with 1.
    static func msisdn(_ value: String) -> String? {
        // Spaces (ASCII, tab, ideographic U+3000) and hyphens are separators, wherever they stand.
        var digits: [UInt8] = []
        let raw = Array(value.utf8)
        var k = 0
        while k < raw.count {
            if raw[k] == 0xE3 && k + 2 < raw.count && raw[k + 1] == 0x80 && raw[k + 2] == 0x80 { k += 3; continue }
            if raw[k] != 0x20 && raw[k] != 0x09 && raw[k] != UInt8(ascii: "-") { digits.append(raw[k]) }
            k += 1
        }
        if digits.starts(with: Array("+86".utf8)) {
            digits.removeFirst(3)
        } else if digits.count == 15 && digits.starts(with: Array("0086".utf8)) {
            digits.removeFirst(4)
        } else if digits.count == 13 && digits.starts(with: Array("86".utf8)) {
            digits.removeFirst(2)
        }
        guard digits.count == 11, digits[0] == UInt8(ascii: "1"), digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            return nil
        }
        return String(decoding: digits, as: UTF8.self)
    }
}
