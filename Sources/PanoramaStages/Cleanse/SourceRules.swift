import PanoramaCore

/// What the field checks note about a row that passed them (the quality counts of SPEC §2.1 and
/// docs/decisions.md): optional fields emptied, free text with control characters removed.
struct RowNotes: OptionSet, Sendable {
    let rawValue: UInt8
    static let nulledGender = RowNotes(rawValue: 1)
    static let nulledBirthDate = RowNotes(rawValue: 2)
    static let cleanedCity = RowNotes(rawValue: 4)
    static let cleanedCounty = RowNotes(rawValue: 8)
}

/// The per-row field rules of SPEC §2.1–2.5. Checks run in the column order of the SPEC tables; the
/// first failure wins. UNKNOWN_CUSTOMER and DUPLICATE_KEY, which need the other rows, are applied
/// afterwards in file order by `Cleanse` (they come last in the check order anyway).
struct SourceRules {
    let source: Source
    let month: Month
    /// `YYYY-MM`, formatted once for every usage row.
    let monthText: String

    init(source: Source, month: Month) {
        self.source = source
        self.month = month
        self.monthText = month.description
    }

    /// What DUPLICATE_KEY's detail calls the key (built once per file, not per row).
    static func keyName(_ source: Source, _ month: Month) -> String {
        switch source {
        case .customers: return "customer_id"
        case .usage: return "customer_id for \(month)"
        case .surveys: return "survey_id"
        case .complaints: return "complaint_id"
        case .contacts: return "contact_id"
        }
    }

    /// The score columns of surveys.csv after nps, in SPEC order.
    static let scoreColumns = ["overall_sat"] + SurveyDimension.allCases.map(\.rawValue)

    /// Checks one row (normalised fields in SPEC column order) and, when it passes, renders its
    /// clean form at the end of `out` (nothing is written for a rejected row).
    func check(_ v: NormalizedFields, into out: inout CSVWriter) throws(Rejection) -> RowNotes {
        switch source {
        case .customers: return try customer(v, &out)
        case .usage: return try usage(v, &out)
        case .surveys: return try survey(v, &out)
        case .complaints: return try complaint(v, &out)
        case .contacts: return try contact(v, &out)
        }
    }

    private static let churned = Vocabulary.status.index(of: "churned")
    private static let noVIP = Vocabulary.vipLevel.index(of: "none")

    private func customer(_ v: NormalizedFields, _ out: inout CSVWriter) throws(Rejection) -> RowNotes {
        var notes: RowNotes = []
        let id = try Check.key(v[0], "customer_id")
        let rawMsisdn = try Check.required(v[1], "msisdn")
        guard let msisdn = Check.msisdn(rawMsisdn) else {
            throw Rejection(.BAD_MSISDN, "msisdn `\(Check.q(rawMsisdn))` is not an 11-digit mobile number starting with 1")
        }
        let cleanedCity = Check.freeText(v[2])
        if cleanedCity != nil { notes.insert(.cleanedCity) }
        if cleanedCity?.isEmpty ?? v[2].isEmpty { throw Rejection(.MISSING_FIELD, "city is empty") }
        let cleanedCounty = Check.freeText(v[3])
        if cleanedCounty != nil { notes.insert(.cleanedCounty) }
        let brand = try Check.requiredEnum(v[4], "brand", Vocabulary.brand)
        let vip = v[5].isEmpty ? Self.noVIP : try Check.requiredEnum(v[5], "vip_level", Vocabulary.vipLevel)
        var gender: Int? = nil
        if !v[6].isEmpty {
            // An invalid gender, control characters included, is emptied (SPEC §2.1), not BAD_TEXT.
            gender = Vocabulary.gender.code(v[6])
            if gender == nil { notes.insert(.nulledGender) }
        }
        var birth: Day? = nil
        if !v[7].isEmpty {
            birth = ValueParser.date(bytes: v[7])
            if birth == nil { notes.insert(.nulledBirthDate) }
        }
        let join = try Check.requiredDate(v[8], "join_date")
        if join > month.lastDay { throw Rejection(.BAD_DATE, "join_date \(join) is after the end of \(month)") }
        let status = try Check.requiredEnum(v[9], "status", Vocabulary.status)
        var churn: Day? = nil
        if v[10].isEmpty {
            if status == Self.churned { throw Rejection(.MISSING_FIELD, "churn_date is empty for a churned customer") }
        } else {
            guard let d = ValueParser.date(bytes: v[10]) else { throw Rejection(.BAD_DATE, "churn_date `\(Check.q(v[10]))` is not a date") }
            if d > month.lastDay { throw Rejection(.BAD_DATE, "churn_date \(d) is after the end of \(month)") }
            if d < join { throw Rejection(.BAD_DATE, "churn_date \(d) is before join_date \(join)") }
            churn = d
        }
        out.field(bytes: id); out.integer(msisdn)
        Self.text(cleanedCity, else: v[2], &out); Self.text(cleanedCounty, else: v[3], &out)
        Self.code(brand, Vocabulary.brand, &out); Self.code(vip, Vocabulary.vipLevel, &out)
        Self.code(gender, Vocabulary.gender, &out); Self.date(birth, v[7], &out); Self.date(join, v[8], &out)
        Self.code(status, Vocabulary.status, &out); Self.date(churn, v[10], &out)
        out.endRow()
        return notes
    }

    /// Writes a number cell: the field itself when it is already in its warehouse form (SPEC §1),
    /// else the parsed value formatted (nil is empty).
    private static func number(_ value: Double?, _ field: Field, integer: Bool = false, _ out: inout CSVWriter) {
        if value != nil && ValueParser.isWarehouseNumber(field, integer: integer) { out.field(bytes: field) } else { out.number(value) }
    }

    /// Writes a date cell: the field itself when it is already `YYYY-MM-DD`, else the date formatted.
    private static func date(_ value: Day?, _ field: Field, _ out: inout CSVWriter) {
        if value != nil && ValueParser.isWarehouseDate(field) { out.field(bytes: field) } else { out.date(value) }
    }

    /// Writes a datetime cell: the field itself when it is already `YYYY-MM-DD HH:MM:SS`, else the
    /// datetime formatted.
    private static func dateTime(_ value: DateTime?, _ field: Field, _ out: inout CSVWriter) {
        if value != nil && ValueParser.isWarehouseDateTime(field) { out.field(bytes: field) } else { out.dateTime(value) }
    }

    /// Writes a free-text cell: its cleaned form when control characters were removed, else the field.
    private static func text(_ cleaned: [UInt8]?, else field: Field, _ out: inout CSVWriter) {
        if let cleaned { cleaned.withUnsafeBufferPointer { out.field(bytes: $0) } } else { out.field(bytes: field) }
    }

    /// Writes the canonical code of an enum cell (nil is empty).
    private static func code(_ code: Int?, _ table: EnumTable, _ out: inout CSVWriter) {
        guard let code else { out.empty(); return }
        table.codeBytes[code].withUnsafeBufferPointer { out.field(bytes: $0) }
    }

    private func usage(_ v: NormalizedFields, _ out: inout CSVWriter) throws(Rejection) -> RowNotes {
        let id = try Check.key(v[0], "customer_id")
        let monthText = try Check.required(v[1], "month")
        guard let m = ValueParser.month(bytes: monthText) else { throw Rejection(.BAD_DATE, "month `\(Check.q(monthText))` is not a month") }
        if m != month { throw Rejection(.WRONG_MONTH, "month \(m) is not \(month)") }
        let arpu = try Check.decimal(v[2], "arpu", required: true, lo: 0, hi: 100000)
        let mou = try Check.decimal(v[3], "mou", required: false, lo: 0, hi: nil, integer: true)
        let data = try Check.decimal(v[4], "data_gb", required: false, lo: 0, hi: nil)
        let forward = try Check.decimal(v[5], "call_forward_ratio", required: false, lo: 0, hi: 1, ratio: true)
        let offnet = try Check.decimal(v[6], "offnet_ratio", required: false, lo: 0, hi: 1, ratio: true)
        let points = try Check.decimal(v[7], "points_balance", required: false, lo: 0, hi: nil, integer: true)
        out.field(bytes: id); out.field(self.monthText); Self.number(arpu, v[2], &out); Self.number(mou, v[3], integer: true, &out)
        Self.number(data, v[4], &out); Self.number(forward, v[5], &out); Self.number(offnet, v[6], &out)
        Self.number(points, v[7], integer: true, &out)
        out.endRow()
        return []
    }

    private func survey(_ v: NormalizedFields, _ out: inout CSVWriter) throws(Rejection) -> RowNotes {
        let id = try Check.key(v[0], "survey_id")
        let customer = try Check.key(v[1], "customer_id")
        let date = try Check.requiredDate(v[2], "survey_date")
        try Check.inMonth(date, month, "survey_date")
        let channel = try Check.requiredEnum(v[3], "channel", Vocabulary.channel)
        let touchpoint = try Check.optionalEnum(v[4], "touchpoint", Vocabulary.touchpoint)
        let nps = try Check.score(v[5], "nps", required: true, lo: 0, hi: 10)
        // The eight optional scores (1–10), checked in column order before anything is written,
        // packed one byte each (0 = not answered).
        var scores: UInt64 = 0
        for (k, name) in Self.scoreColumns.enumerated() {
            if let s = try Check.score(v[6 + k], name, required: false, lo: 1, hi: 10) { scores |= UInt64(s) << (8 * k) }
        }
        out.field(bytes: id); out.field(bytes: customer); Self.date(date, v[2], &out); Self.code(channel, Vocabulary.channel, &out)
        Self.code(touchpoint, Vocabulary.touchpoint, &out)
        out.integer(nps)
        for k in 0..<Self.scoreColumns.count {
            let s = Int(truncatingIfNeeded: (scores >> (8 * k)) & 0xFF)
            out.integer(s == 0 ? nil : s)
        }
        out.endRow()
        return []
    }

    private func complaint(_ v: NormalizedFields, _ out: inout CSVWriter) throws(Rejection) -> RowNotes {
        let id = try Check.key(v[0], "complaint_id")
        let customer = try Check.key(v[1], "customer_id")
        let opened = try Check.requiredDateTime(v[2], "opened_at")
        try Check.inMonth(opened.day, month, "opened_at")
        let category = try Check.requiredEnum(v[3], "category", Vocabulary.category)
        var closed: DateTime? = nil
        if !v[4].isEmpty {
            guard let c = ValueParser.dateTime(bytes: v[4]) else { throw Rejection(.BAD_DATE, "closed_at `\(Check.q(v[4]))` is not a datetime") }
            if c < opened { throw Rejection(.BAD_DATE, "closed_at \(c) is before opened_at \(opened)") }
            closed = c
        }
        var escalated = false
        if !v[5].isEmpty {
            guard let b = ValueParser.boolean(bytes: try Check.plainText(v[5], "escalated")) else {
                throw Rejection(.BAD_ENUM, "escalated `\(Check.q(v[5]))` is not a boolean (1/0, true/false, yes/no, y/n, 是/否)")
            }
            escalated = b
        }
        out.field(bytes: id); out.field(bytes: customer); Self.dateTime(opened, v[2], &out); Self.code(category, Vocabulary.category, &out)
        Self.dateTime(closed, v[4], &out); out.boolean(escalated)
        out.endRow()
        return []
    }

    /// SPEC §2.5: a follow-up contact of the call centre, made in M.
    private func contact(_ v: NormalizedFields, _ out: inout CSVWriter) throws(Rejection) -> RowNotes {
        let id = try Check.key(v[0], "contact_id")
        let customer = try Check.key(v[1], "customer_id")
        let contacted = try Check.requiredDateTime(v[2], "contacted_at")
        try Check.inMonth(contacted.day, month, "contacted_at")
        let program = try Check.requiredEnum(v[3], "program", Vocabulary.program)
        let channel = try Check.requiredEnum(v[4], "channel", Vocabulary.contactChannel)
        let outcome = try Check.requiredEnum(v[5], "outcome", Vocabulary.contactOutcome)
        out.field(bytes: id); out.field(bytes: customer); Self.dateTime(contacted, v[2], &out); Self.code(program, Vocabulary.program, &out)
        Self.code(channel, Vocabulary.contactChannel, &out); Self.code(outcome, Vocabulary.contactOutcome, &out)
        out.endRow()
        return []
    }
}
