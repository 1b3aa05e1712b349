/// Text from input data (a delivery's field, a header, a config value) as it is quoted in a message
/// a person reads: at most `limit` characters, the rest replaced by `…`, control characters shown as
/// `\xNN` and a byte-order mark as `\u{FEFF}`, so one bad value can neither flood a log line nor
/// garble a terminal, and nothing in it is invisible.
public enum MessageText {
    /// The longest quoted value, in characters, before it is cut.
    public static let limit = 200

    /// `text` cut to `limit` characters (an ellipsis marks the cut) with C0 controls and DEL escaped.
    public static func excerpt<S: StringProtocol>(_ text: S, limit: Int = MessageText.limit) -> String {
        var out = ""
        var count = 0
        for ch in text {
            if count == limit {
                out += "…"
                return out
            }
            if ch.unicodeScalars.count == 1, let v = ch.unicodeScalars.first?.value, v < 0x20 || v == 0x7F {
                out += "\\x" + (v < 0x10 ? "0" : "") + String(v, radix: 16, uppercase: true)
            } else if ch == "\r\n" {
                out += "\\x0D\\x0A"
            } else if ch == "\u{FEFF}" {
                out += "\\u{FEFF}"
            } else {
                out.append(ch)
            }
            count += 1
        }
        return out
    }
}
