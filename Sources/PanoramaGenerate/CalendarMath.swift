/// Proleptic Gregorian day numbers (days since 1970-01-01), computed without Foundation calendars.
enum Civil {
    static func days(_ y: Int, _ m: Int, _ d: Int) -> Int {
        let yy = m <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let mp = (m + 9) % 12
        let doy = (153 * mp + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func date(_ z0: Int) -> (y: Int, m: Int, d: Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    static func daysInMonth(_ y: Int, _ m: Int) -> Int {
        switch m {
        case 2: return (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

/// One calendar month: index = year·12 + (month − 1).
struct MonthInfo {
    let index: Int
    var year: Int { index / 12 }
    var month: Int { index % 12 + 1 }
    var firstDay: Int { Civil.days(year, month, 1) }
    var dayCount: Int { Civil.daysInMonth(year, month) }
    var lastDay: Int { firstDay + dayCount - 1 }
    var key: String {
        let m = month
        return "\(year)-" + (m < 10 ? "0\(m)" : "\(m)")
    }

    init(index: Int) { self.index = index }

    /// Parses `YYYY-MM`.
    init?(key: String) {
        let parts = key.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), (1...12).contains(m), y >= 1900, y <= 9999
        else { return nil }
        index = y * 12 + m - 1
    }
}

extension Civil {
    /// SPEC §1: the largest n with day a + n months ≤ day b, adding months clipping the day to the
    /// month's end (0 when b precedes a).
    static func wholeMonths(_ a: Int, _ b: Int) -> Int {
        let (ya, ma, da) = date(a), (yb, mb, _) = date(b)
        var n = (yb - ya) * 12 + (mb - ma)
        if n < 0 { return 0 }
        while n > 0 {
            let t = ma - 1 + n
            let y = ya + t / 12, m = t % 12 + 1
            if days(y, m, min(da, daysInMonth(y, m))) <= b { break }
            n -= 1
        }
        return n
    }
}
