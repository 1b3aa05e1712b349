import PanoramaCore

/// The per-row rules of SPEC §2.1–2.4. Checks run in the column order of the SPEC tables; the first
/// failure wins; UNKNOWN_CUSTOMER and then DUPLICATE_KEY come last, against rows already accepted.
struct SourceRules {
    let source: Source
    let month: Month
    /// Clean customer ids of the month (for UNKNOWN_CUSTOMER); unused for customers themselves.
    let customers: Set<String>
    /// Keys of rows accepted so far (DUPLICATE_KEY).
    private(set) var acceptedKeys = Set<String>()

    init(source: Source, month: Month, customers: Set<String>) {
        self.source = source
        self.month = month
        self.customers = customers
    }

    static func outputColumns(_ source: Source) -> [String] {
        switch source {
        case .customers:
            return ["customer_id", "msisdn", "city", "county", "brand", "vip_level", "gender", "birth_date",
                    "join_date", "status", "churn_date"]
        default:
            return source.columns.map(\.name)
        }
    }

    /// Validates one row (values in SPEC column order) and appends its clean form to `out`.
    mutating func accept(_ v: [String], into out: inout CSVWriter, nulled: inout [String: Int]) throws(Rejection) {
        switch source {
        case .customers: try customer(v, &out, &nulled)
        case .usage: try usage(v, &out)
        case .surveys: try survey(v, &out)
        case .complaints: try complaint(v, &out)
        }
    }

    private func known(_ id: String) throws(Rejection) {
        if !customers.contains(id) {
            throw Rejection(.UNKNOWN_CUSTOMER, "customer_id `\(id)` is not a clean customer of \(month)")
        }
    }

    private mutating func unique(_ key: String, _ what: String) throws(Rejection) {
        if acceptedKeys.contains(key) { throw Rejection(.DUPLICATE_KEY, "\(what) `\(key)` was already accepted earlier in the file") }
        acceptedKeys.insert(key)
    }

    private mutating func customer(_ v: [String], _ out: inout CSVWriter, _ nulled: inout [String: Int]) throws(Rejection) {
        let id = try Check.required(v[0], "customer_id")
        let rawMsisdn = try Check.required(v[1], "msisdn")
        guard let msisdn = Check.msisdn(rawMsisdn) else {
            throw Rejection(.BAD_MSISDN, "msisdn `\(rawMsisdn)` is not an 11-digit mobile number starting with 1")
        }
        let city = try Check.required(v[2], "city")
        let county = v[3]
        let brand = try Check.requiredEnum(v[4], "brand", Vocabulary.brand)
        let vip = v[5].isEmpty ? "none" : try Check.requiredEnum(v[5], "vip_level", Vocabulary.vipLevel)
        var gender: String? = nil
        var genderNulled = false
        if !v[6].isEmpty {
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
            guard let d = ValueParser.date(v[10]) else { throw Rejection(.BAD_DATE, "churn_date `\(v[10])` is not a date") }
            if d > month.lastDay { throw Rejection(.BAD_DATE, "churn_date \(d) is after the end of \(month)") }
            if d < join { throw Rejection(.BAD_DATE, "churn_date \(d) is before join_date \(join)") }
            churn = d
        }
        try unique(id, "customer_id")
        if genderNulled { nulled["gender", default: 0] += 1 }
        if birthNulled { nulled["birth_date", default: 0] += 1 }
        out.field(id); out.field(msisdn); out.field(city); out.field(county); out.field(brand); out.field(vip)
        out.field(gender); out.field(birth?.description); out.field(join.description); out.field(status)
        out.field(churn?.description)
        out.endRow()
    }

    private mutating func usage(_ v: [String], _ out: inout CSVWriter) throws(Rejection) {
        let id = try Check.required(v[0], "customer_id")
        let monthText = try Check.required(v[1], "month")
        guard let m = ValueParser.month(monthText) else { throw Rejection(.BAD_DATE, "month `\(monthText)` is not a month") }
        if m != month { throw Rejection(.WRONG_MONTH, "month \(m) is not \(month)") }
        let arpu = try Check.decimal(v[2], "arpu", required: true, lo: 0, hi: 100000)
        let mou = try Check.decimal(v[3], "mou", required: false, lo: 0, hi: nil, integer: true)
        let data = try Check.decimal(v[4], "data_gb", required: false, lo: 0, hi: nil)
        let forward = try Check.decimal(v[5], "call_forward_ratio", required: false, lo: 0, hi: 1, ratio: true)
        let offnet = try Check.decimal(v[6], "offnet_ratio", required: false, lo: 0, hi: 1, ratio: true)
        let points = try Check.decimal(v[7], "points_balance", required: false, lo: 0, hi: nil, integer: true)
        try known(id)
        try unique(id, "customer_id for \(month)")
        out.field(id); out.field(month.description); out.number(arpu); out.number(mou); out.number(data)
        out.number(forward); out.number(offnet); out.number(points)
        out.endRow()
    }

    private mutating func survey(_ v: [String], _ out: inout CSVWriter) throws(Rejection) {
        let id = try Check.required(v[0], "survey_id")
        let customer = try Check.required(v[1], "customer_id")
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
        try known(customer)
        try unique(id, "survey_id")
        out.field(id); out.field(customer); out.field(date.description); out.field(channel); out.field(touchpoint)
        out.integer(nps)
        for s in scores { out.integer(s) }
        out.endRow()
    }

    private mutating func complaint(_ v: [String], _ out: inout CSVWriter) throws(Rejection) {
        let id = try Check.required(v[0], "complaint_id")
        let customer = try Check.required(v[1], "customer_id")
        let opened = try Check.requiredDateTime(v[2], "opened_at")
        try Check.inMonth(opened.day, month, "opened_at")
        let category = try Check.requiredEnum(v[3], "category", Vocabulary.category)
        var closed: DateTime? = nil
        if !v[4].isEmpty {
            guard let c = ValueParser.dateTime(v[4]) else { throw Rejection(.BAD_DATE, "closed_at `\(v[4])` is not a datetime") }
            if c < opened { throw Rejection(.BAD_DATE, "closed_at \(c) is before opened_at \(opened)") }
            closed = c
        }
        var escalated = false
        if !v[5].isEmpty {
            guard let b = ValueParser.boolean(v[5]) else { throw Rejection(.BAD_ENUM, "escalated `\(v[5])` is not a boolean (1/0, true/false, yes/no, y/n, 是/否)") }
            escalated = b
        }
        try known(customer)
        try unique(id, "complaint_id")
        out.field(id); out.field(customer); out.field(opened.description); out.field(category)
        out.field(closed?.description); out.boolean(escalated)
        out.endRow()
    }
}
