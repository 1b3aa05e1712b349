import PanoramaCore

/// A row that passed every field check: its clean CSV text is already rendered; whether it is kept
/// depends on the checks that need other rows (UNKNOWN_CUSTOMER, then DUPLICATE_KEY).
struct PendingRow {
    /// The customer the row refers to (nil for customers.csv itself).
    var customer: String?
    /// The key DUPLICATE_KEY compares.
    var key: String
    /// Bytes of the rendered clean row in the source's staging writer.
    var bytes: Range<Int>
    /// Optional fields emptied (customers' gender, birth_date).
    var nulledGender = false
    var nulledBirthDate = false
    /// Free-text fields that had control characters removed (customers' city, county).
    var cleanedCity = false
    var cleanedCounty = false
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

    /// Checks one row (values in SPEC column order) and renders its clean form at the end of `out`.
    func check(_ v: [String], into out: inout CSVWriter) throws(Rejection) -> PendingRow {
        let start = out.bytes.count
        var pending: PendingRow
        switch source {
        case .customers: pending = try customer(v, &out)
        case .usage: pending = try usage(v, &out)
        case .surveys: pending = try survey(v, &out)
        case .complaints: pending = try complaint(v, &out)
        case .contacts: pending = try contact(v, &out)
        }
        pending.bytes = start..<out.bytes.count
        return pending
    }

    private func customer(_ v: [String], _ out: inout CSVWriter) throws(Rejection) -> PendingRow {
        let id = try Check.key(v[0], "customer_id")
        let rawMsisdn = try Check.required(v[1], "msisdn")
        guard let msisdn = Check.msisdn(rawMsisdn) else {
            throw Rejection(.BAD_MSISDN, "msisdn `\(Check.q(rawMsisdn))` is not an 11-digit mobile number starting with 1")
        }
        let (cityText, cityCleaned) = Check.freeText(v[2])
        let city = try Check.required(cityText, "city")
        let (county, countyCleaned) = Check.freeText(v[3])
        let brand = try Check.requiredEnum(v[4], "brand", Vocabulary.brand)
        let vip = v[5].isEmpty ? "none" : try Check.requiredEnum(v[5], "vip_level", Vocabulary.vipLevel)
        var gender: String? = nil
        var genderNulled = false
        if !v[6].isEmpty {
            // An invalid gender, control characters included, is emptied (SPEC §2.1), not BAD_TEXT.
            gender = Vocabulary.lookup(v[6], in: Vocabulary.gender)
            genderNulled = gender == nil
        }
        var birth: Day? = nil
        var birthNulled = false
        if !v[7].isEmpty {
            birth = ValueParser.date(v[7])
            birthNulled = birth == nil
        }
        let join = try Check.requiredDate(v[8], "join_date")
        if join > month.lastDay { throw Rejection(.BAD_DATE, "join_date \(join) is after the end of \(month)") }
        let status = try Check.requiredEnum(v[9], "status", Vocabulary.status)
        var churn: Day? = nil
        if v[10].isEmpty {
            if status == "churned" { throw Rejection(.MISSING_FIELD, "churn_date is empty for a churned customer") }
        } else {
            guard let d = ValueParser.date(v[10]) else { throw Rejection(.BAD_DATE, "churn_date `\(Check.q(v[10]))` is not a date") }
            if d > month.lastDay { throw Rejection(.BAD_DATE, "churn_date \(d) is after the end of \(month)") }
            if d < join { throw Rejection(.BAD_DATE, "churn_date \(d) is before join_date \(join)") }
            churn = d
        }
        out.field(id); out.field(msisdn); out.field(city); out.field(county); out.field(brand); out.field(vip)
        out.field(gender); out.date(birth); out.date(join); out.field(status)
        out.date(churn)
        out.endRow()
        return PendingRow(customer: nil, key: id, bytes: 0..<0, nulledGender: genderNulled, nulledBirthDate: birthNulled,
                          cleanedCity: cityCleaned, cleanedCounty: countyCleaned)
    }

    private func usage(_ v: [String], _ out: inout CSVWriter) throws(Rejection) -> PendingRow {
        let id = try Check.key(v[0], "customer_id")
        let monthText = try Check.required(v[1], "month")
        guard let m = ValueParser.month(monthText) else { throw Rejection(.BAD_DATE, "month `\(Check.q(monthText))` is not a month") }
        if m != month { throw Rejection(.WRONG_MONTH, "month \(m) is not \(month)") }
        let arpu = try Check.decimal(v[2], "arpu", required: true, lo: 0, hi: 100000)
        let mou = try Check.decimal(v[3], "mou", required: false, lo: 0, hi: nil, integer: true)
        let data = try Check.decimal(v[4], "data_gb", required: false, lo: 0, hi: nil)
        let forward = try Check.decimal(v[5], "call_forward_ratio", required: false, lo: 0, hi: 1, ratio: true)
        let offnet = try Check.decimal(v[6], "offnet_ratio", required: false, lo: 0, hi: 1, ratio: true)
        let points = try Check.decimal(v[7], "points_balance", required: false, lo: 0, hi: nil, integer: true)
        out.field(id); out.field(self.monthText); out.number(arpu); out.number(mou); out.number(data)
        out.number(forward); out.number(offnet); out.number(points)
        out.endRow()
        return PendingRow(customer: id, key: id, bytes: 0..<0)
    }

    private func survey(_ v: [String], _ out: inout CSVWriter) throws(Rejection) -> PendingRow {
        let id = try Check.key(v[0], "survey_id")
        let customer = try Check.key(v[1], "customer_id")
        let date = try Check.requiredDate(v[2], "survey_date")
        try Check.inMonth(date, month, "survey_date")
        let channel = try Check.requiredEnum(v[3], "channel", Vocabulary.channel)
        let touchpoint = try Check.optionalEnum(v[4], "touchpoint", Vocabulary.touchpoint)
        let nps = try Check.score(v[5], "nps", required: true, lo: 0, hi: 10)
        var scores: [Int?] = []
        let names = ["overall_sat"] + SurveyDimension.allCases.map(\.rawValue)
        for (k, name) in names.enumerated() {
            scores.append(try Check.score(v[6 + k], name, required: false, lo: 1, hi: 10))
        }
        out.field(id); out.field(customer); out.date(date); out.field(channel); out.field(touchpoint)
        out.integer(nps)
        for s in scores { out.integer(s) }
        out.endRow()
        return PendingRow(customer: customer, key: id, bytes: 0..<0)
    }

    private func complaint(_ v: [String], _ out: inout CSVWriter) throws(Rejection) -> PendingRow {
        let id = try Check.key(v[0], "complaint_id")
        let customer = try Check.key(v[1], "customer_id")
        let opened = try Check.requiredDateTime(v[2], "opened_at")
        try Check.inMonth(opened.day, month, "opened_at")
        let category = try Check.requiredEnum(v[3], "category", Vocabulary.category)
        var closed: DateTime? = nil
        if !v[4].isEmpty {
            guard let c = ValueParser.dateTime(v[4]) else { throw Rejection(.BAD_DATE, "closed_at `\(Check.q(v[4]))` is not a datetime") }
            if c < opened { throw Rejection(.BAD_DATE, "closed_at \(c) is before opened_at \(opened)") }
            closed = c
        }
        var escalated = false
        if !v[5].isEmpty {
            guard let b = ValueParser.boolean(try Check.plainText(v[5], "escalated")) else {
                throw Rejection(.BAD_ENUM, "escalated `\(Check.q(v[5]))` is not a boolean (1/0, true/false, yes/no, y/n, 是/否)")
            }
            escalated = b
        }
        out.field(id); out.field(customer); out.dateTime(opened); out.field(category)
        out.dateTime(closed); out.boolean(escalated)
        out.endRow()
        return PendingRow(customer: customer, key: id, bytes: 0..<0)
    }

    /// SPEC §2.5: a follow-up contact of the call centre, made in M.
    private func contact(_ v: [String], _ out: inout CSVWriter) throws(Rejection) -> PendingRow {
        let id = try Check.key(v[0], "contact_id")
        let customer = try Check.key(v[1], "customer_id")
        let contacted = try Check.requiredDateTime(v[2], "contacted_at")
        try Check.inMonth(contacted.day, month, "contacted_at")
        let program = try Check.requiredEnum(v[3], "program", Vocabulary.program)
        let channel = try Check.requiredEnum(v[4], "channel", Vocabulary.contactChannel)
        let outcome = try Check.requiredEnum(v[5], "outcome", Vocabulary.contactOutcome)
        out.field(id); out.field(customer); out.dateTime(contacted); out.field(program); out.field(channel); out.field(outcome)
        out.endRow()
        return PendingRow(customer: customer, key: id, bytes: 0..<0)
    }
}
