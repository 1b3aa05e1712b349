import PanoramaCore

/// Escaping and number display shared by the HTML and XML renderers.
public enum ReportText {
    /// HTML text and attribute escaping: `& < > " '` become entities; control characters other
    /// than tab, LF and CR (never meaningful in our data) become U+FFFD.
    public static func html(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                if isForbiddenControl(u) { out += "\u{FFFD}" } else { out.unicodeScalars.append(u) }
            }
        }
        return out
    }

    /// XML 1.0 attribute-value escaping: `& < > " '` become entities, tab/LF/CR become character
    /// references (so attribute normalisation keeps them), and characters XML 1.0 forbids become U+FFFD.
    public static func xml(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t": out += "&#9;"
            case "\n": out += "&#10;"
            case "\r": out += "&#13;"
            default:
                if isForbiddenControl(u) || u.value == 0xFFFE || u.value == 0xFFFF {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out
    }

    /// SPEC §6: a cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed
    /// with `'` so a spreadsheet shows it as text instead of evaluating it.
    public static func neutraliseFormula(_ cell: String) -> String {
        guard let first = cell.unicodeScalars.first else { return cell }
        switch first {
        case "=", "+", "-", "@", "\t", "\r": return "'" + cell
        default: return cell
        }
    }

    /// A number with exactly `decimals` decimals for display (half away from zero; never `-0`).
    public static func fixed(_ value: Double, _ decimals: Int) -> String {
        guard value.isFinite else { return "—" }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(value) * scale).rounded(.toNearestOrAwayFromZero)
        guard scaled < 9e15 else { return formatNumber(value) ?? "—" }
        let whole = Int(scaled)
        var digits = String(whole)
        if decimals > 0 {
            if digits.count <= decimals { digits = String(repeating: "0", count: decimals - digits.count + 1) + digits }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -decimals))
        }
        return (value < 0 && whole != 0 ? "-" : "") + digits
    }

    /// `fixed` with a leading `+` for positive values and a true minus sign (U+2212) for negative ones; zero unsigned.
    public static func signed(_ value: Double, _ decimals: Int) -> String {
        let text = fixed(value, decimals)
        if text.hasPrefix("-") { return "−" + text.dropFirst() }
        if text.allSatisfy({ $0 == "0" || $0 == "." }) { return text }
        return "+" + text
    }

    /// A p-value for display: three decimals, or `<0.001`.
    public static func pValue(_ p: Double) -> String {
        p < 0.0005 ? "<0.001" : fixed(p, 3)
    }

    /// The SPEC §1 text of a number, as the warehouse tables write it (nil for nil).
    public static func exact(_ value: Double?) -> String? {
        value.flatMap { formatNumber($0) }
    }

    private static func isForbiddenControl(_ u: Unicode.Scalar) -> Bool {
        (u.value < 0x20 && u != "\t" && u != "\n" && u != "\r") || u.value == 0x7F
    }
}
