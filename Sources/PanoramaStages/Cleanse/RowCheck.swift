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

/// One normalised field's UTF-8 bytes (a view into the file or a scratch buffer, valid for one row).
typealias Field = UnsafeBufferPointer<UInt8>

/// Field checks shared by the sources, each throwing the SPEC §2 code of its first failure. They
/// read the field's bytes; a String is built only for the detail of a rejection.
enum Check {
    /// A value as quoted in a detail: at most 200 characters, control characters shown as `\xNN`.
    static func q(_ value: String) -> String { MessageText.excerpt(value) }

    /// A field as quoted in a detail.
    static func q(_ value: Field) -> String { MessageText.excerpt(String(decoding: value, as: UTF8.self)) }

    static func required(_ value: Field, _ column: String) throws(Rejection) -> Field {
        if value.isEmpty { throw Rejection(.MISSING_FIELD, "\(column) is empty") }
        return value
    }

    /// A required key (customer_id, survey_id, …): not empty, and no control character in it.
    static func key(_ value: Field, _ column: String) throws(Rejection) -> Field {
        try plainText(try required(value, column), column)
    }

    /// A key or enum value must hold no C0 control character (NUL, tab, line breaks, …): BAD_TEXT.
    static func plainText(_ value: Field, _ column: String) throws(Rejection) -> Field {
        for b in value where b < 0x20 {
            throw Rejection(.BAD_TEXT, "\(column) `\(q(value))` holds a control character")
        }
        return value
    }

    /// Free text (city, county) without its C0 control characters, trimmed again; nil when it has
    /// none (the usual case: the field is kept as it is). Tab, LF and CR stay: they are layout, and a
    /// quoted field may hold a line break as delivered (SPEC §2, RFC 4180).
    static func freeText(_ value: Field) -> [UInt8]? {
        func isControl(_ b: UInt8) -> Bool { b < 0x20 && b != 0x09 && b != 0x0A && b != 0x0D }
        guard value.contains(where: isControl) else { return nil }
        let kept = value.filter { !isControl($0) }
        return kept.withUnsafeBufferPointer { FieldNormalizer.normalized($0) }
    }

    /// The index of the code in `table` (see `EnumTable.codes`).
    static func requiredEnum(_ value: Field, _ column: String, _ table: EnumTable) throws(Rejection) -> Int {
        let v = try plainText(try required(value, column), column)
        guard let code = table.code(v) else {
            throw Rejection(.BAD_ENUM, "\(column) `\(q(v))` is not one of \(table.allowed)")
        }
        return code
    }

    static func optionalEnum(_ value: Field, _ column: String, _ table: EnumTable) throws(Rejection) -> Int? {
        if value.isEmpty { return nil }
        guard let code = table.code(try plainText(value, column)) else {
            throw Rejection(.BAD_ENUM, "\(column) `\(q(value))` is not one of \(table.allowed)")
        }
        return code
    }

    static func requiredDate(_ value: Field, _ column: String) throws(Rejection) -> Day {
        let v = try required(value, column)
        guard let d = ValueParser.date(bytes: v) else { throw Rejection(.BAD_DATE, "\(column) `\(q(v))` is not a date") }
        return d
    }

    static func requiredDateTime(_ value: Field, _ column: String) throws(Rejection) -> DateTime {
        let v = try required(value, column)
        guard let d = ValueParser.dateTime(bytes: v) else { throw Rejection(.BAD_DATE, "\(column) `\(q(v))` is not a datetime") }
        return d
    }

    static func inMonth(_ day: Day, _ month: Month, _ column: String) throws(Rejection) {
        if day.monthKey != month {
            throw Rejection(.WRONG_MONTH, "\(column) \(day) is not in \(month)")
        }
    }

    /// A decimal in [lo, hi] (hi nil = unbounded); empty returns nil unless required.
    static func decimal(_ value: Field, _ column: String, required isRequired: Bool, lo: Double, hi: Double?,
                        ratio: Bool = false, integer: Bool = false) throws(Rejection) -> Double? {
        if value.isEmpty {
            if isRequired { throw Rejection(.MISSING_FIELD, "\(column) is empty") }
            return nil
        }
        let parsed = integer ? ValueParser.integer(bytes: value) : ValueParser.decimal(bytes: value, ratio: ratio)
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
    static func score(_ value: Field, _ column: String, required isRequired: Bool, lo: Int, hi: Int) throws(Rejection) -> Int? {
        if isNotAnswered(value) {
            if isRequired { throw Rejection(.MISSING_FIELD, "\(column) is not answered (`\(q(value))`)") }
            return nil
        }
        guard case .value(let v) = ValueParser.integer(bytes: value) else {
            throw Rejection(.BAD_NUMBER, "\(column) `\(q(value))` is not an integer")
        }
        guard v >= Double(lo) && v <= Double(hi) else {
            throw Rejection(.OUT_OF_RANGE, "\(column) `\(q(value))` is outside \(lo)–\(hi)")
        }
        return Int(v)
    }

    private static let notAnswered: [[UInt8]] = ["", "99", "n/a", "na", "不知道"].map { Array($0.utf8) }

    /// SPEC §2.3: empty, `99`, `N/A`, `NA`, `不知道` mean "not answered".
    static func isNotAnswered(_ value: Field) -> Bool {
        if notAnswered.contains(where: { ValueParser.equalsFoldingASCII(value, $0) }) { return true }
        // Other text with characters beyond ASCII is compared as a String (Unicode case folding and
        // canonical equivalence), as the tokens were always compared.
        return !ValueParser.isASCII(value) && isNotAnswered(String(decoding: value, as: UTF8.self))
    }

    static func isNotAnswered(_ value: String) -> Bool {
        switch value.lowercased() {
        case "", "99", "n/a", "na", "不知道": return true
        default: return false
        }
    }

    /// SPEC §2.1 msisdn normalisation: the 11-digit number starting with 1, or nil.
    static func msisdn(_ value: Field) -> Int? {
        // Spaces (ASCII, tab, ideographic U+3000) and hyphens are separators, wherever they stand.
        // What is left may be at most 15 bytes (`0086` and 11 digits) to be valid.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16) { kept -> Int? in
            var n = 0
            var k = 0
            while k < value.count {
                let b = value[k]
                if b == 0xE3 && k + 2 < value.count && value[k + 1] == 0x80 && value[k + 2] == 0x80 { k += 3; continue }
                if b != 0x20 && b != 0x09 && b != UInt8(ascii: "-") {
                    if n == 15 { return nil }
                    kept[n] = b
                    n += 1
                }
                k += 1
            }
            var from = 0
            if n >= 3 && kept[0] == UInt8(ascii: "+") && kept[1] == UInt8(ascii: "8") && kept[2] == UInt8(ascii: "6") {
                from = 3
            } else if n == 15 && kept[0] == UInt8(ascii: "0") && kept[1] == UInt8(ascii: "0") && kept[2] == UInt8(ascii: "8")
                        && kept[3] == UInt8(ascii: "6") {
                from = 4
            } else if n == 13 && kept[0] == UInt8(ascii: "8") && kept[1] == UInt8(ascii: "6") {
                from = 2
            }
            guard n - from == 11, kept[from] == UInt8(ascii: "1") else { return nil }
            var number = 0
            for i in from..<n {
                guard kept[i] >= 48 && kept[i] <= 57 else { return nil }
                number = number * 10 + Int(kept[i] - 48)
            }
            return number
        }
    }
}
