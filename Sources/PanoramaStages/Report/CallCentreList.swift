import PanoramaCore

/// A follow-up list as the call centre opens it (SPEC §6): `churn_watch.csv`,
/// `detractor_repair.csv` and `care_calendar.csv` in the report folder are for people at desks, so
/// held-out customers (the control group of SPEC §3.3) are left out together with the `holdout`
/// column, headers and coded values are written in the report's language, money has two decimals,
/// and the file is UTF-8 with a byte order mark and CRLF line ends (RFC 4180), which Excel on a
/// Chinese Windows desktop opens as UTF-8. Every cell that a spreadsheet would evaluate is
/// neutralised. The warehouse lists keep their codes and SPEC §1 numbers; only these copies change.
public enum CallCentreList {
    /// The UTF-8 byte order mark.
    public static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// The call-centre file of a list in a language.
    public static func file(_ list: FollowUpList, labels t: ReportLabels) -> ReportFile {
        let header = list.table.header
        let columns = header.indices.filter { header[$0] != FollowUpList.holdoutColumn }
        var bytes = byteOrderMark
        func row(_ cells: [String]) {
            bytes += Array(cells.map { quoted(ReportText.neutraliseFormula($0)) }.joined(separator: ",").utf8)
            bytes += [0x0D, 0x0A]
        }
        row(columns.map { t.optional("col.\(header[$0])") ?? header[$0] })
        var rows = 0
        for r in 0..<list.count where !list.isHeldOut(r) {
            row(columns.map { display(header[$0], list.table[r, $0], labels: t, joiner: "|") })
            rows += 1
        }
        return ReportFile(name: list.name + ".csv", bytes: bytes, rows: rows)
    }

    /// A list cell as a person reads it: brands, VIP levels, occasions and yes/no translated, the
    /// `|`-joined reasons and weakest dimensions translated one by one and joined with `joiner`,
    /// money with two decimals. Cities, ids and value-tier letters are data and stay as they are.
    public static func display(_ column: String, _ value: String, labels t: ReportLabels, joiner: String) -> String {
        guard !value.isEmpty else { return value }
        switch column {
        case "brand": return t.optional("brand.\(value)") ?? value
        case "vip_level": return t.optional("vip.\(value)") ?? value
        case "occasion": return t.optional("occasion.\(value)") ?? value
        case "high_value": return t.optional("bool.\(value)") ?? value
        case "reasons":
            return value.split(separator: "|").map { t.optional("reason.\($0)") ?? String($0) }.joined(separator: joiner)
        case "weakest":
            return value.split(separator: "|").map { t.optional("driver.\($0)") ?? String($0) }.joined(separator: joiner)
        case "arpu_3m_avg":
            return Double(value).map { ReportText.fixed($0, 2) } ?? value
        default: return value
        }
    }

    /// RFC 4180: a cell holding a comma, a quote, CR or LF is quoted, its quotes doubled.
    static func quoted(_ cell: String) -> String {
        guard cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else { return cell }
        return "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

extension FollowUpList {
    /// The column SPEC §3.3 adds at the end of churn_watch and detractor_repair.
    public static let holdoutColumn = "holdout"

    /// Whether row `r` is held out of contact (`holdout` is `true`); false for a list without the column.
    public func isHeldOut(_ r: Int) -> Bool {
        guard let c = table.header.firstIndex(of: FollowUpList.holdoutColumn) else { return false }
        return table[r, c] == "true"
    }

    /// How many rows are held out; nil when the list has no `holdout` column (care_calendar, or a
    /// partition written before the control group existed).
    public var heldOut: Int? {
        guard table.header.contains(FollowUpList.holdoutColumn) else { return nil }
        return (0..<count).filter(isHeldOut).count
    }

    /// Rows the call centre works: all rows except the held-out ones.
    public var toContact: Int { count - (heldOut ?? 0) }
}
