/// A calendar month `YYYY-MM`, the unit every partition and run is keyed by.
public struct Month: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    public var year: Int
    public var month: Int

    public init(year: Int, month: Int) {
        self.year = year
        self.month = month
    }

    /// Parses exactly `YYYY-MM` (the canonical key form used on the command line and in paths).
    public init?(key: String) {
        let b = Array(key.utf8)
        guard b.count == 7, b[4] == UInt8(ascii: "-"),
              let y = parseDigits(b[0..<4]), let m = parseDigits(b[5..<7]), (1...12).contains(m), y >= 1
        else { return nil }
        self.init(year: y, month: m)
    }

    public var description: String {
        let y = String(year)
        let m = month < 10 ? "0\(month)" : String(month)
        return String(repeating: "0", count: max(0, 4 - y.count)) + y + "-" + m
    }

    /// The month `n` months later (negative goes back).
    public func adding(_ n: Int) -> Month {
        let index = year * 12 + (month - 1) + n
        return Month(year: index / 12, month: index % 12 + 1)
    }

    public var previous: Month { adding(-1) }
    public var next: Month { adding(1) }
    public var firstDay: Day { Day(year: year, month: month, day: 1) }
    public var lastDay: Day { Day(year: year, month: month, day: Day.daysIn(year: year, month: month)) }

    /// Months from `self` to `other` inclusive, in order (empty when other < self).
    public func through(_ other: Month) -> [Month] {
        var out: [Month] = []
        var m = self
        while m <= other { out.append(m); m = m.next }
        return out
    }

    public static func < (a: Month, b: Month) -> Bool { (a.year, a.month) < (b.year, b.month) }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let m = Month(key: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "bad month \(text)"))
        }
        self = m
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// A calendar date without time zone.
public struct Day: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    public static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    public static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Whether year/month/day name a real calendar date.
    public static func isValid(year: Int, month: Int, day: Int) -> Bool {
        year >= 1 && year <= 9999 && (1...12).contains(month) && day >= 1 && day <= daysIn(year: year, month: month)
    }

    public var monthKey: Month { Month(year: year, month: month) }

    /// Days since 1970-01-01 (proleptic Gregorian), for differences and datetime arithmetic.
    public var ordinal: Int {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// Adds calendar months, clipping the day to the target month's end (Jan 31 + 1 = Feb 28/29).
    public func addingMonths(_ n: Int) -> Day {
        let m = Month(year: year, month: month).adding(n)
        return Day(year: m.year, month: m.month, day: min(day, Day.daysIn(year: m.year, month: m.month)))
    }

    /// SPEC §1: the largest n with self + n months ≤ other (0 when other precedes self).
    public func wholeMonths(to other: Day) -> Int {
        var n = (other.year - year) * 12 + (other.month - month)
        if n < 0 { return 0 }
        while n > 0 && addingMonths(n) > other { n -= 1 }
        return n
    }

    /// Whole years from self to other (12-month steps, clipped like wholeMonths).
    public func wholeYears(to other: Day) -> Int { wholeMonths(to: other) / 12 }

    public var description: String {
        pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
    }

    public static func < (a: Day, b: Day) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }
}

/// A local date and time (no zone), second precision.
public struct DateTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var day: Day
    public var hour: Int
    public var minute: Int
    public var second: Int

    public init(day: Day, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
    }

    /// Seconds since 1970-01-01 00:00:00 local.
    public var seconds: Int { day.ordinal * 86400 + hour * 3600 + minute * 60 + second }

    public var description: String {
        day.description + " " + pad(hour, 2) + ":" + pad(minute, 2) + ":" + pad(second, 2)
    }

    public static func < (a: DateTime, b: DateTime) -> Bool { a.seconds < b.seconds }
}

@inline(__always)
func pad(_ v: Int, _ width: Int) -> String {
    let s = String(v)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
}

@inline(__always)
func parseDigits<C: Collection>(_ bytes: C) -> Int? where C.Element == UInt8 {
    if bytes.isEmpty { return nil }
    var v = 0
    for b in bytes {
        guard b >= 48 && b <= 57 else { return nil }
        v = v * 10 + Int(b - 48)
    }
    return v
}
