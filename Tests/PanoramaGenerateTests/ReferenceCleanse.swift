import Foundation

/// A small, independent reading of SPEC §2 used only to check the generator's planted rows:
/// RFC 4180 records, field normalisation, parsers and per-row checks in the spec's column order.
struct ParsedRecord {
    let line: Int
    let fields: [String]?   // nil = MALFORMED_RECORD
    let raw: String
}

struct ParsedFile {
    var header: [String] = []
    var records: [ParsedRecord] = []
    var blankLines = 0
    var physicalLines = 0
}

enum RefCSV {
    /// Decodes a delivered file to UTF-8 scalars (BOM stripped for utf-8).
    static func decode(_ data: Data, encoding: String) -> String? {
        if encoding == "gb18030" { return String(data: data, encoding: String.Encoding(rawValue: 0x8000_0632)) }
        var d = data
        if d.starts(with: [0xEF, 0xBB, 0xBF]) { d = d.dropFirst(3) }
        return String(data: d, encoding: .utf8)
    }

    static func parse(_ text: String) -> ParsedFile {
        let s = Array(text.unicodeScalars)
        var pf = ParsedFile()
        var p = 0
        var line = 1
        let n = s.count
        func lineEnd(_ q: Int) -> (end: Int, next: Int)? {
            // returns index of line break start and index after it, if at a break
            if q < n && s[q] == "\n" { return (q, q + 1) }
            if q + 1 < n && s[q] == "\r" && s[q + 1] == "\n" { return (q, q + 2) }
            return nil
        }
        func endOfPhysicalLine(_ q0: Int) -> (content: Int, next: Int) {
            var q = q0
            while q < n { if let le = lineEnd(q) { return (le.end, le.next) }; q += 1 }
            return (n, n)
        }
        var first = true
        while p < n {
            let startLine = line
            let pl = endOfPhysicalLine(p)
            let content = String(String.UnicodeScalarView(s[p..<pl.content]))
            if !first && content.allSatisfy({ $0 == " " }) {
                pf.blankLines += 1; line += 1; p = pl.next; continue
            }
            // parse one record
            var fields: [String] = []
            var field = String.UnicodeScalarView()
            var q = p
            var bad = false
            var linesSpanned = 0
            var done = false
            while !done {
                if q < n && s[q] == "\"" {
                    q += 1
                    var closed = false
                    while q < n {
                        if s[q] == "\"" {
                            if q + 1 < n && s[q + 1] == "\"" { field.append("\""); q += 2; continue }
                            q += 1; closed = true; break
                        }
                        if s[q] == "\n" { linesSpanned += 1 }
                        field.append(s[q]); q += 1
                    }
                    if !closed { bad = true; done = true; break }
                    // after closing quote: , or line end or EOF
                    if q < n && s[q] == "," { fields.append(String(field)); field = .init(); q += 1; continue }
                    if q >= n || lineEnd(q) != nil { fields.append(String(field)); field = .init(); done = true; break }
                    bad = true
                    while q < n && lineEnd(q) == nil && s[q] != "," { q += 1 }
                    if q < n && s[q] == "," { fields.append(""); q += 1; continue }
                    done = true
                } else {
                    while q < n && s[q] != "," && lineEnd(q) == nil {
                        if s[q] == "\"" { bad = true }
                        field.append(s[q]); q += 1
                    }
                    fields.append(String(field)); field = .init()
                    if q < n && s[q] == "," { q += 1; continue }
                    done = true
                }
            }
            var next: Int
            if let le = (q < n ? lineEnd(q) : nil) { next = le.next } else { next = n }
            if first {
                pf.header = fields
                first = false
                line += 1 + linesSpanned; p = next
                continue
            }
            if fields.count != pf.header.count { bad = true }
            if bad {
                pf.records.append(ParsedRecord(line: startLine, fields: nil, raw: content))
                line += 1; p = pl.next
            } else {
                let raw = String(String.UnicodeScalarView(s[p..<(q < n ? (lineEnd(q)?.end ?? q) : n)]))
                pf.records.append(ParsedRecord(line: startLine, fields: fields, raw: raw))
                line += 1 + linesSpanned; p = next
            }
        }
        pf.physicalLines = line - 1
        return pf
    }
}

enum Norm {
    static func field(_ f: String) -> String {
        var out = String.UnicodeScalarView()
        for u in f.unicodeScalars {
            let v = u.value
            if (0xFF10...0xFF19).contains(v) || (0xFF21...0xFF3A).contains(v) || (0xFF41...0xFF5A).contains(v)
                || [0xFF0D, 0xFF0E, 0xFF0C, 0xFF1A, 0xFF0F, 0xFF05].contains(v) {
                out.append(Unicode.Scalar(v - 0xFEE0)!)
            } else if v == 0xFFE5 { out.append("¥") } else { out.append(u) }
        }
        var s = Array(out)
        let ws: Set<Unicode.Scalar> = [" ", "\t", "\u{3000}"]
        while let f = s.first, ws.contains(f) { s.removeFirst() }
        while let l = s.last, ws.contains(l) { s.removeLast() }
        return String(String.UnicodeScalarView(s))
    }

    static func digits(_ s: Substring) -> Int? {
        guard !s.isEmpty, s.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(s)
    }

    static func validDate(_ y: Int, _ m: Int, _ d: Int) -> Int? {
        guard (1...12).contains(m), d >= 1, y >= 1000, y <= 9999 else { return nil }
        let dim = [31, (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
        guard d <= dim else { return nil }
        return RefCal.days(y, m, d)
    }

    static func date(_ s: String) -> Int? {
        if s.count == 8, let _ = digits(Substring(s)) {
            let a = Array(s)
            return validDate(Int(String(a[0..<4]))!, Int(String(a[4..<6]))!, Int(String(a[6..<8]))!)
        }
        var parts: [Substring]
        if s.contains("年") {
            guard s.hasSuffix("日") else { return nil }
            parts = s.dropLast().split(separator: "年", omittingEmptySubsequences: false)
            guard parts.count == 2 else { return nil }
            let md = parts[1].split(separator: "月", omittingEmptySubsequences: false)
            guard md.count == 2 else { return nil }
            parts = [parts[0], md[0], md[1]]
        } else if s.contains("-") {
            parts = s.split(separator: "-", omittingEmptySubsequences: false)
        } else {
            parts = s.split(separator: "/", omittingEmptySubsequences: false)
        }
        guard parts.count == 3, parts[0].count == 4, (1...2).contains(parts[1].count), (1...2).contains(parts[2].count),
              let y = digits(parts[0]), let m = digits(parts[1]), let d = digits(parts[2]) else { return nil }
        return validDate(y, m, d)
    }

    static func dateTime(_ s: String) -> Int? {
        if let d = date(s) { return d * 86400 }
        var sep: String.Index? = nil
        if let i = s.firstIndex(of: "T") { sep = i } else if let i = s.firstIndex(of: " ") { sep = i }
        guard let i = sep, let d = date(String(s[..<i])) else { return nil }
        let t = s[s.index(after: i)...].split(separator: ":", omittingEmptySubsequences: false)
        guard t.count == 2 || t.count == 3, t.allSatisfy({ $0.count == 2 }),
              let h = digits(t[0]), let mi = digits(t[1]), h < 24, mi < 60 else { return nil }
        var sec = 0
        if t.count == 3 { guard let x = digits(t[2]), x < 60 else { return nil }; sec = x }
        return d * 86400 + h * 3600 + mi * 60 + sec
    }

    static func month(_ s: String) -> Int? {
        var y: Int?, m: Int?
        if s.count == 6, digits(Substring(s)) != nil {
            y = Int(s.prefix(4)); m = Int(s.suffix(2))
        } else if s.contains("年") {
            guard s.hasSuffix("月") else { return nil }
            let p = s.dropLast().split(separator: "年", omittingEmptySubsequences: false)
            guard p.count == 2, p[0].count == 4, (1...2).contains(p[1].count) else { return nil }
            y = digits(p[0]); m = digits(p[1])
        } else {
            let p = s.split(separator: s.contains("-") ? "-" : "/", omittingEmptySubsequences: false)
            guard p.count == 2, p[0].count == 4, (1...2).contains(p[1].count) else { return nil }
            y = digits(p[0]); m = digits(p[1])
        }
        guard let yy = y, let mm = m, (1...12).contains(mm) else { return nil }
        return yy * 12 + mm - 1
    }

    static func decimal(_ s0: String, money: Bool = true) -> Double? {
        var s = s0
        if money {
            if s.hasPrefix("¥") { s.removeFirst() } else if s.hasSuffix("元") { s.removeLast() }
        }
        var neg = false
        if s.hasPrefix("-") { neg = true; s.removeFirst() }
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { return nil }
        var intPart = String(parts[0])
        if intPart.contains(",") {
            let g = intPart.split(separator: ",", omittingEmptySubsequences: false)
            guard (1...3).contains(g[0].count), g.dropFirst().allSatisfy({ $0.count == 3 }) else { return nil }
            intPart = g.joined()
        }
        guard digits(Substring(intPart)) != nil else { return nil }
        if parts.count == 2 { guard digits(parts[1]) != nil else { return nil } }
        guard let v = Double(intPart + (parts.count == 2 ? "." + parts[1] : "")) else { return nil }
        return neg ? -v : v
    }

    /// nil = BAD_NUMBER
    static func integer(_ s: String) -> Int? {
        guard let d = decimal(s, money: false), d == d.rounded() else { return nil }
        return Int(d)
    }

    static func ratio(_ s: String) -> Double? {
        if s.hasSuffix("%") { return decimal(String(s.dropLast()), money: false).map { $0 / 100 } }
        return decimal(s, money: false)
    }

    static func bool(_ s: String) -> Bool? {
        switch s.lowercased() {
        case "1", "true", "yes", "y", "是": return true
        case "0", "false", "no", "n", "否": return false
        default: return nil
        }
    }

    static func msisdn(_ s: String) -> Bool {
        var t = s.filter { $0 != " " && $0 != "-" }
        if t.hasPrefix("+86") { t.removeFirst(3) } else if t.count == 15 && t.hasPrefix("0086") { t.removeFirst(4) } else if t.count == 13 && t.hasPrefix("86") { t.removeFirst(2) }
        return t.count == 11 && t.hasPrefix("1") && t.allSatisfy { $0.isASCII && $0.isNumber }
    }

    static func en(_ s: String, _ table: [String: String]) -> String? { table[s.lowercased()] }

    static let brand = ["gotone": "gotone", "全球通": "gotone", "mzone": "mzone", "动感地带": "mzone", "easyown": "easyown", "神州行": "easyown"]
    static let vip = ["diamond": "diamond", "钻石卡": "diamond", "gold": "gold", "金卡": "gold", "silver": "silver", "银卡": "silver", "none": "none", "无": "none", "普通": "none", "": "none"]
    static let gender = ["m": "M", "男": "M", "f": "F", "女": "F"]
    static let status = ["active": "active", "在网": "active", "churned": "churned", "离网": "churned"]
    static let channel = ["sms": "sms", "短信": "sms", "phone": "phone", "电话": "phone", "hall": "hall", "营业厅": "hall", "app": "app", "手机营业厅": "app"]
    static let touchpoint = Dictionary(uniqueKeysWithValues: ["hall_visit", "hotline_call", "plan_change", "new_sim", "device_purchase", "network", "other"].map { ($0, $0) })
    static let category = ["network": "network", "网络": "network", "billing": "billing", "资费": "billing", "service": "service", "服务": "service", "marketing": "marketing", "营销": "marketing", "other": "other", "其他": "other"]
    static let notAnswered: Set<String> = ["", "99", "N/A", "NA", "不知道"]
    // SPEC §2.5: a label written `a/b` is two labels.
    static let program = ["repair": "repair", "贬损者修复": "repair", "retention": "retention", "离网挽留": "retention",
                          "birthday": "birthday", "生日关怀": "birthday", "anniversary": "anniversary", "在网周年": "anniversary",
                          "other": "other", "其他": "other"]
    static let contactChannel = ["sms": "sms", "短信": "sms", "phone": "phone", "电话": "phone", "外呼": "phone",
                                 "visit": "visit", "上门": "visit", "到厅": "visit", "app": "app", "mail": "mail", "邮寄": "mail"]
    static let outcome = ["reached": "reached", "已触达": "reached", "unreached": "unreached", "未触达": "unreached",
                          "refused": "refused", "拒绝": "refused", "resolved": "resolved", "已解决": "resolved"]
}

enum RefCal {
    static func days(_ y: Int, _ m: Int, _ d: Int) -> Int {
        let yy = m <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1
        return era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
    }
}

/// Outcome of checking one source of one month.
struct RefResult {
    var codes: [(line: Int, code: String)] = []
    var clean = 0
    var read = 0
    var blank = 0
    var physicalLines = 0
    var nulled: [String: Int] = ["gender": 0, "birth_date": 0]
    var cleanRows: [[String: String]] = []
}

struct RefCleanse {
    let monthIndex: Int
    var firstDay: Int { RefCal.days(monthIndex / 12, monthIndex % 12 + 1, 1) }
    var lastDay: Int {
        let y = monthIndex / 12, m = monthIndex % 12 + 1
        return (m == 12 ? RefCal.days(y + 1, 1, 1) : RefCal.days(y, m + 1, 1)) - 1
    }

    func run(_ pf: ParsedFile, source: String, cleanCustomers: Set<String>) -> RefResult {
        var res = RefResult()
        res.blank = pf.blankLines
        res.physicalLines = pf.physicalLines
        let names = pf.header.map { Norm.field($0).lowercased() }
        var seen = Set<String>()
        for rec in pf.records {
            res.read += 1
            guard let raw = rec.fields else { res.codes.append((rec.line, "MALFORMED_RECORD")); continue }
            var f: [String: String] = [:]
            for (k, name) in names.enumerated() { f[name] = Norm.field(raw[k]) }
            var nulled: [String] = []
            let (code, key) = check(source, &f, &nulled)
            var final = code
            if final == nil {
                if source != "customers", !cleanCustomers.contains(f["customer_id"]!) { final = "UNKNOWN_CUSTOMER" }
                else if seen.contains(key) { final = "DUPLICATE_KEY" }
            }
            if let c = final { res.codes.append((rec.line, c)); continue }
            seen.insert(key)
            res.clean += 1
            for n in nulled { res.nulled[n, default: 0] += 1 }
            res.cleanRows.append(f)
        }
        return res
    }

    func check(_ source: String, _ f: inout [String: String], _ nulled: inout [String]) -> (String?, String) {
        func v(_ k: String) -> String { f[k] ?? "" }
        switch source {
        case "customers":
            if v("customer_id").isEmpty { return ("MISSING_FIELD", "") }
            if v("msisdn").isEmpty { return ("MISSING_FIELD", "") }
            if !Norm.msisdn(v("msisdn")) { return ("BAD_MSISDN", "") }
            if v("city").isEmpty { return ("MISSING_FIELD", "") }
            if v("brand").isEmpty { return ("MISSING_FIELD", "") }
            guard let br = Norm.en(v("brand"), Norm.brand) else { return ("BAD_ENUM", "") }
            guard let vp = Norm.en(v("vip_level"), Norm.vip) else { return ("BAD_ENUM", "") }
            f["brand"] = br; f["vip_level"] = vp
            if !v("gender").isEmpty {
                if let g = Norm.en(v("gender"), Norm.gender) { f["gender"] = g } else { f["gender"] = ""; nulled.append("gender") }
            }
            if !v("birth_date").isEmpty {
                if let b = Norm.date(v("birth_date")) { f["birth_date"] = String(b) } else { f["birth_date"] = ""; nulled.append("birth_date") }
            }
            if v("join_date").isEmpty { return ("MISSING_FIELD", "") }
            guard let j = Norm.date(v("join_date")), j <= lastDay else { return ("BAD_DATE", "") }
            f["join_date"] = String(j)
            if v("status").isEmpty { return ("MISSING_FIELD", "") }
            guard let st = Norm.en(v("status"), Norm.status) else { return ("BAD_ENUM", "") }
            f["status"] = st
            if st == "churned" && v("churn_date").isEmpty { return ("MISSING_FIELD", "") }
            if !v("churn_date").isEmpty {
                guard let c = Norm.date(v("churn_date")), c <= lastDay, c >= j else { return ("BAD_DATE", "") }
                f["churn_date"] = String(c)
            }
            return (nil, v("customer_id"))
        case "usage":
            if v("customer_id").isEmpty { return ("MISSING_FIELD", "") }
            if v("month").isEmpty { return ("MISSING_FIELD", "") }
            guard let m = Norm.month(v("month")) else { return ("BAD_DATE", "") }
            if m != monthIndex { return ("WRONG_MONTH", "") }
            if v("arpu").isEmpty { return ("MISSING_FIELD", "") }
            guard let a = Norm.decimal(v("arpu")) else { return ("BAD_NUMBER", "") }
            if a < 0 || a > 100_000 { return ("OUT_OF_RANGE", "") }
            f["arpu"] = String(a)
            if !v("mou").isEmpty { guard let x = Norm.integer(v("mou")) else { return ("BAD_NUMBER", "") }; if x < 0 { return ("OUT_OF_RANGE", "") } }
            if !v("data_gb").isEmpty { guard let x = Norm.decimal(v("data_gb")) else { return ("BAD_NUMBER", "") }; if x < 0 { return ("OUT_OF_RANGE", "") } }
            for k in ["call_forward_ratio", "offnet_ratio"] where !v(k).isEmpty {
                guard let x = Norm.ratio(v(k)) else { return ("BAD_NUMBER", "") }
                if x < 0 || x > 1 { return ("OUT_OF_RANGE", "") }
                f[k] = String(x)
            }
            if !v("points_balance").isEmpty { guard let x = Norm.integer(v("points_balance")) else { return ("BAD_NUMBER", "") }; if x < 0 { return ("OUT_OF_RANGE", "") } }
            return (nil, v("customer_id") + "|" + String(m))
        case "surveys":
            if v("survey_id").isEmpty || v("customer_id").isEmpty || v("survey_date").isEmpty { return ("MISSING_FIELD", "") }
            guard let d = Norm.date(v("survey_date")) else { return ("BAD_DATE", "") }
            if d < firstDay || d > lastDay { return ("WRONG_MONTH", "") }
            if v("channel").isEmpty { return ("MISSING_FIELD", "") }
            guard Norm.en(v("channel"), Norm.channel) != nil else { return ("BAD_ENUM", "") }
            if !v("touchpoint").isEmpty, Norm.en(v("touchpoint"), Norm.touchpoint) == nil { return ("BAD_ENUM", "") }
            if Norm.notAnswered.contains(v("nps").uppercased()) || Norm.notAnswered.contains(v("nps")) { return ("MISSING_FIELD", "") }
            guard let nps = Norm.integer(v("nps")) else { return ("BAD_NUMBER", "") }
            if nps < 0 || nps > 10 { return ("OUT_OF_RANGE", "") }
            f["nps"] = String(nps)
            for k in ["overall_sat", "network", "hall", "hotline", "billing", "new_business", "promotion", "communication"] {
                if Norm.notAnswered.contains(v(k)) || Norm.notAnswered.contains(v(k).uppercased()) { f[k] = ""; continue }
                guard let x = Norm.integer(v(k)) else { return ("BAD_NUMBER", "") }
                if x < 1 || x > 10 { return ("OUT_OF_RANGE", "") }
                f[k] = String(x)
            }
            return (nil, v("survey_id"))
        case "contacts":
            if v("contact_id").isEmpty || v("customer_id").isEmpty || v("contacted_at").isEmpty { return ("MISSING_FIELD", "") }
            guard let t = Norm.dateTime(v("contacted_at")) else { return ("BAD_DATE", "") }
            if t / 86400 < firstDay || t / 86400 > lastDay { return ("WRONG_MONTH", "") }
            f["contacted_at"] = String(t)
            for (k, table) in [("program", Norm.program), ("channel", Norm.contactChannel), ("outcome", Norm.outcome)] {
                if v(k).isEmpty { return ("MISSING_FIELD", "") }
                guard let e = Norm.en(v(k), table) else { return ("BAD_ENUM", "") }
                f[k] = e
            }
            return (nil, v("contact_id"))
        default:
            if v("complaint_id").isEmpty || v("customer_id").isEmpty || v("opened_at").isEmpty { return ("MISSING_FIELD", "") }
            guard let o = Norm.dateTime(v("opened_at")) else { return ("BAD_DATE", "") }
            if o / 86400 < firstDay || o / 86400 > lastDay { return ("WRONG_MONTH", "") }
            if v("category").isEmpty { return ("MISSING_FIELD", "") }
            guard Norm.en(v("category"), Norm.category) != nil else { return ("BAD_ENUM", "") }
            if !v("closed_at").isEmpty { guard let c = Norm.dateTime(v("closed_at")), c >= o else { return ("BAD_DATE", "") } }
            if !v("escalated").isEmpty, Norm.bool(v("escalated")) == nil { return ("BAD_ENUM", "") }
            return (nil, v("complaint_id"))
        }
    }
}
