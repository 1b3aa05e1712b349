import Foundation

/// Options of `panorama generate`.
public struct GeneratorOptions: Sendable, Equatable {
    /// First month, `YYYY-MM`.
    public var start: String
    /// Number of consecutive months to write (≥ 1).
    public var months: Int
    /// Active customers at the start of the first month (≥ 1).
    public var customers: Int
    /// Seed of every random choice; the same options give byte-identical output.
    public var seed: UInt64
    /// `utf-8` or `gb18030`.
    public var encoding: String
    /// Probability per row of an extra planted bad row (0 disables planted rows and nulled fields).
    public var dirtyRate: Double
    /// Whether to plant real month-over-month changes (`shifts` in the truth). Off, every other file is
    /// byte-identical to a run with them on up to the first shifted month.
    public var shifts: Bool
    /// Whether contacts.csv is delivered. Off, the call centre still works the lists (the same
    /// contacts and effects happen); only the file is missing, as when the call centre does not deliver.
    public var contacts: Bool
    /// The share (percent, 0–100) of churn_watch and detractor_repair held out of contact, as the
    /// pipeline's customer360 `holdout_pct` will hold them out (SPEC §3.3; default 10, like the
    /// pipeline). The two must agree for the call centre to work the lists customer360 publishes; a
    /// larger control group (50) gives the measured effect of SPEC §5.1 more statistical power.
    public var holdoutPct: Double

    /// Creates options; values are validated by `SyntheticDeliveryGenerator.write(to:)`.
    public init(start: String = "2026-01", months: Int = 3, customers: Int = 10_000, seed: UInt64 = 42,
                encoding: String = "utf-8", dirtyRate: Double = 0.01, shifts: Bool = true, contacts: Bool = true,
                holdoutPct: Double = 10) {
        self.start = start
        self.months = months
        self.customers = customers
        self.seed = seed
        self.encoding = encoding
        self.dirtyRate = dirtyRate
        self.shifts = shifts
        self.contacts = contacts
        self.holdoutPct = holdoutPct
    }
}

/// What the generator knows about the data it wrote (also written to `DIR/_truth.json`).
public struct GenerationTruth: Codable, Sendable, Equatable {
    /// Seed used.
    public var seed: UInt64
    /// First month, `YYYY-MM`.
    public var start: String
    /// Every month written, in order.
    public var months: [String]
    /// Active customers at the start of the first month.
    public var customers: Int
    /// `utf-8` or `gb18030`.
    public var encoding: String
    /// Planted-row probability per row.
    public var dirtyRate: Double
    /// The true NPS model behind the survey answers.
    public var npsModel: NPSModel
    /// The churn model (relative risk weights) behind `churned_in_month`.
    public var churnModel: ChurnModel
    /// Per month key, the counts a correct cleanse must reproduce.
    public var perMonth: [String: MonthTruth]
    /// The real changes planted (empty when shifts are off), in month order.
    public var shifts: [PlantedShift]
    /// How the call centre works the follow-up lists and what its contacts do.
    public var contactModel: ContactModel?
    /// How customers come to weigh another operator's offer: the churn signals behind churn_watch.
    public var intentModel: IntentModel?

    enum CodingKeys: String, CodingKey {
        case seed, start, months, customers, encoding, shifts
        case contactModel = "contact_model"
        case intentModel = "intent_model"
        case dirtyRate = "dirty_rate"
        case npsModel = "nps_model"
        case churnModel = "churn_model"
        case perMonth = "per_month"
    }

    /// Creates a truth.
    public init(seed: UInt64, start: String, months: [String], customers: Int, encoding: String, dirtyRate: Double,
                npsModel: NPSModel, churnModel: ChurnModel, perMonth: [String: MonthTruth], shifts: [PlantedShift],
                contactModel: ContactModel?, intentModel: IntentModel? = nil) {
        self.seed = seed
        self.start = start
        self.months = months
        self.customers = customers
        self.encoding = encoding
        self.dirtyRate = dirtyRate
        self.npsModel = npsModel
        self.churnModel = churnModel
        self.perMonth = perMonth
        self.shifts = shifts
        self.contactModel = contactModel
        self.intentModel = intentModel
    }

    /// Reads a truth; files written before shifts existed read with no shifts.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        seed = try c.decode(UInt64.self, forKey: .seed)
        start = try c.decode(String.self, forKey: .start)
        months = try c.decode([String].self, forKey: .months)
        customers = try c.decode(Int.self, forKey: .customers)
        encoding = try c.decode(String.self, forKey: .encoding)
        dirtyRate = try c.decode(Double.self, forKey: .dirtyRate)
        npsModel = try c.decode(NPSModel.self, forKey: .npsModel)
        churnModel = try c.decode(ChurnModel.self, forKey: .churnModel)
        perMonth = try c.decode([String: MonthTruth].self, forKey: .perMonth)
        shifts = try c.decodeIfPresent([PlantedShift].self, forKey: .shifts) ?? []
        contactModel = try c.decodeIfPresent(ContactModel.self, forKey: .contactModel)
        intentModel = try c.decodeIfPresent(IntentModel.self, forKey: .intentModel)
    }

    /// Writes a truth; `shifts` only when there are some (a run without them reads as before they existed).
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(seed, forKey: .seed)
        try c.encode(start, forKey: .start)
        try c.encode(months, forKey: .months)
        try c.encode(customers, forKey: .customers)
        try c.encode(encoding, forKey: .encoding)
        try c.encode(dirtyRate, forKey: .dirtyRate)
        try c.encode(npsModel, forKey: .npsModel)
        try c.encode(churnModel, forKey: .churnModel)
        try c.encode(perMonth, forKey: .perMonth)
        if !shifts.isEmpty { try c.encode(shifts, forKey: .shifts) }
        try c.encodeIfPresent(contactModel, forKey: .contactModel)
        try c.encodeIfPresent(intentModel, forKey: .intentModel)
    }

    /// Reads `_truth.json`.
    public static func load(from url: URL) throws -> GenerationTruth {
        try JSONDecoder().decode(GenerationTruth.self, from: Data(contentsOf: url))
    }

    /// The canonical JSON (sorted keys, pretty-printed) as written to `_truth.json`.
    public func jsonData() throws -> Data {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .prettyPrinted]
        return try enc.encode(self)
    }
}

/// A real change planted from `month` on in one (dimension, member) cell (SPEC §4 dimensions).
public struct PlantedShift: Codable, Sendable, Equatable {
    /// `network_drop`, `channel_fall`, `complaint_jump` or `churn_up`.
    public var kind: String
    /// First month the change is in force (it lasts to the end of the run, so the month-over-month
    /// change shows in this month only).
    public var month: String
    /// `city`, `channel`, `brand` or `value_tier`.
    public var dimension: String
    /// The member as the kpi table writes it (city name, channel, brand, tier letter).
    public var member: String
    /// The KPI the shift is sized to move detectably (at 6 months × 20,000 customers).
    public var kpi: String
    /// Direction of that KPI's value: `up` or `down`.
    public var direction: String
    /// Every KPI expected to move in the cell (the primary first), with its direction. The same KPIs
    /// of cells of other dimensions that hold the shifted customers (the total, say) move by the
    /// shifted cell's share.
    public var moves: [ShiftMove]
    /// Size of the change: score points (`unit` = `score_points`) or a factor on a probability (`factor`).
    public var size: Double
    /// `score_points` or `factor`.
    public var unit: String
    /// Approximate design change of the primary KPI in its SPEC §4 mom_unit (pct or pt).
    public var expectedMoMChange: Double
    /// What the generator changed, in words.
    public var change: String

    enum CodingKeys: String, CodingKey {
        case kind, month, dimension, member, kpi, direction, moves, size, unit, change
        case expectedMoMChange = "expected_mom_change"
    }
}

/// A KPI a shift moves and which way.
public struct ShiftMove: Codable, Sendable, Equatable {
    /// KPI name (SPEC §4).
    public var kpi: String
    /// `up` or `down`.
    public var direction: String
}

/// nps = clamp(round(intercept + Σ coefficients[d]·score_d + ε), 0, 10), ε ~ N(0, noise_sd).
public struct NPSModel: Codable, Sendable, Equatable {
    /// b0.
    public var intercept: Double
    /// Per dimension name (`network`, `hall`, …) its coefficient.
    public var coefficients: [String: Double]
    /// Standard deviation of ε.
    public var noiseSD: Double

    enum CodingKeys: String, CodingKey {
        case intercept, coefficients
        case noiseSD = "noise_sd"
    }
}

/// The true churn model: P(churn in M) = 1 / (1 + e^−η), η = intercept + Σ coefficients[f]·x_f, x the
/// SPEC §5.2 features of the customer's customer_360 row of M-1 (customers who joined before M; in the
/// first month, pre-history: usual bill, tenure, VIP level). It is capped at 0.6, a churn shift
/// multiplies it (`shifts`) and a reached retention contact multiplies it by
/// `contact_model.retention_churn_factor`.
public struct ChurnModel: Codable, Sendable, Equatable {
    /// Mean monthly share of new joiners relative to the active base.
    public var joinRate: Double
    /// β₀.
    public var intercept: Double
    /// Per SPEC §5.2 feature name (`flag_bill_drop` … `has_survey`, as churn_coef names them) its coefficient.
    public var coefficients: [String: Double]
    /// The feature names in SPEC §5.2 order.
    public var features: [String]

    enum CodingKeys: String, CodingKey {
        case intercept, coefficients, features
        case joinRate = "join_rate"
    }
}

/// Counts of one month.
public struct MonthTruth: Codable, Sendable, Equatable {
    /// customers.csv counts.
    public var customers: SourceTruth
    /// usage.csv counts.
    public var usage: SourceTruth
    /// surveys.csv counts.
    public var surveys: SourceTruth
    /// complaints.csv counts.
    public var complaints: SourceTruth
    /// contacts.csv counts (absent when contacts are not delivered).
    public var contacts: SourceTruth?
    /// Customers in the base of M (joined by the end of M, not churned before M).
    public var baseCustomers: Int
    /// Base customers whose churn_date is in M.
    public var churnedInMonth: Int
    /// Customers whose join_date is in M.
    public var newCustomers: Int
    /// 100 × (promoters − detractors) / respondents over the clean surveys of M.
    public var surveyNPS: Double
    /// Clean surveys with all seven dimensions answered.
    public var surveysComplete: Int
    /// The month's follow-up lists, its contacts, and the expected outcome of last month's lists.
    public var followUp: FollowUpTruth?
    /// Base customers weighing another operator's offer during M (`intent_model`), and those of them
    /// whose usual bill makes competitors court them.
    public var considering: Int?
    public var consideringCourted: Int?

    enum CodingKeys: String, CodingKey {
        case customers, usage, surveys, complaints, contacts, considering
        case consideringCourted = "considering_courted"
        case followUp = "follow_up"
        case baseCustomers = "base_customers"
        case churnedInMonth = "churned_in_month"
        case newCustomers = "new_customers"
        case surveyNPS = "survey_nps"
        case surveysComplete = "surveys_complete"
    }
}

/// Counts of one delivered file.
public struct SourceTruth: Codable, Sendable, Equatable {
    /// Non-blank records after the header.
    public var read: Int
    /// Records a correct cleanse accepts.
    public var clean: Int
    /// Per quarantine code (only codes with a count > 0).
    public var quarantined: [String: Int]
    /// customers.csv only: optional fields emptied (`gender`, `birth_date`).
    public var nulled: [String: Int]?
    /// Blank physical lines (empty or spaces only) between records.
    public var blankLines: Int
    /// The header as written (file column order, extra columns included, before trimming/case folding).
    public var columns: [String]
    /// Whether lines end in CRLF.
    public var crlf: Bool
    /// Whether the file starts with a UTF-8 BOM.
    public var bom: Bool

    enum CodingKeys: String, CodingKey {
        case read, clean, quarantined, nulled, columns, crlf, bom
        case blankLines = "blank_lines"
    }
}

/// How the call centre works last month's lists (SPEC §3.3) and what its contacts do.
public struct ContactModel: Codable, Sendable, Equatable {
    /// Whether contacts.csv is delivered (the contacts happen either way).
    public var delivered: Bool
    /// holdout_pct of the lists (SPEC §3.3).
    public var holdoutPct: Double
    /// Share of the listed (not held out) customers the call centre tries to reach, per list.
    public var contactRate: Double
    /// Share of held-out customers contacted anyway (they stay in the `holdout` group).
    public var holdoutContactedRate: Double
    /// Share of list contacts recorded with a program that matches none of the customer's lists.
    public var wrongProgramRate: Double
    /// Share of the base given an `other` contact each month, list or not.
    public var backgroundRate: Double
    /// Share of unreached first attempts tried a second time.
    public var secondAttemptRate: Double
    /// A `retention` contact that reaches the customer (reached or resolved) multiplies their churn
    /// probability of the month by this factor (0.5: halves it).
    public var retentionChurnFactor: Double
    /// A `repair` contact that reaches the customer raises every dimension score of their surveys of
    /// the month by this many points before rounding (nps follows through the NPS model).
    public var repairScoreBoost: Double
    /// What that does to the NPS model's prediction of their nps: repair_score_boost × Σ coefficients.
    public var repairNpsLift: Double
    /// Share of last month's detractor_repair customers (held out or not) surveyed again this month
    /// (a follow-up survey, besides the usual random ones).
    public var followUpSurveyRate: Double

    enum CodingKeys: String, CodingKey {
        case delivered
        case holdoutPct = "holdout_pct"
        case contactRate = "contact_rate"
        case holdoutContactedRate = "holdout_contacted_rate"
        case wrongProgramRate = "wrong_program_rate"
        case backgroundRate = "background_rate"
        case secondAttemptRate = "second_attempt_rate"
        case retentionChurnFactor = "retention_churn_factor"
        case repairScoreBoost = "repair_score_boost"
        case repairNpsLift = "repair_nps_lift"
        case followUpSurveyRate = "follow_up_survey_rate"
    }
}

/// How customers come to weigh another operator's offer ("considering"), the state behind the
/// churn signals of SPEC §3.2 and so behind churn_watch. Churn itself follows `churn_model` on the
/// features only: considering customers churn more because their flags are raised.
public struct IntentModel: Codable, Sendable, Equatable {
    /// Monthly probability that a customer of average latent satisfaction starts considering.
    public var rate: Double
    /// The same for customers whose usual bill is at least `courted_usual_bill` yuan (competitors court them).
    public var courtedRate: Double
    public var courtedUsualBill: Double
    /// The probability is multiplied by e^(satisfaction_slope × latent satisfaction) (satisfaction ~ N(0, 1)).
    public var satisfactionSlope: Double
    /// Months a customer considers; one still here at the end stays, and the usage comes back.
    public var months: Int
    /// In each month of considering: the probability that the bill falls to between
    /// `plan_cut_ratio_min` and `plan_cut_ratio_max` of the month before (usage moved to the new SIM).
    public var planCutRate: Double
    public var planCutRatioMin: Double
    public var planCutRatioMax: Double
    /// In each month of considering: the probability of forwarding calls (call_forward_ratio ≥ 0.5).
    public var forwardingRate: Double
    /// Added to the customer's off-net share while considering.
    public var offnetAdded: Double

    enum CodingKeys: String, CodingKey {
        case rate, months
        case courtedRate = "courted_rate"
        case courtedUsualBill = "courted_usual_bill"
        case satisfactionSlope = "satisfaction_slope"
        case planCutRate = "plan_cut_rate"
        case planCutRatioMin = "plan_cut_ratio_min"
        case planCutRatioMax = "plan_cut_ratio_max"
        case forwardingRate = "forwarding_rate"
        case offnetAdded = "offnet_added"
    }
}

/// Follow-up truth of one month M.
public struct FollowUpTruth: Codable, Sendable, Equatable {
    /// Sizes of M's lists as customer360 must build them (worked next month).
    public var lists: ListSizes
    /// M's real contacts (the rows of contacts.csv, delivered or not) by why they were made.
    public var contacts: ContactCounts
    /// SPEC §5.1 groups of M-1's lists at M and their expected outcome (absent in the first month).
    public var churnWatch: ListOutcome?
    public var detractorRepair: ListOutcome?
    public var careCalendar: ListOutcome?

    enum CodingKeys: String, CodingKey {
        case lists, contacts
        case churnWatch = "churn_watch"
        case detractorRepair = "detractor_repair"
        case careCalendar = "care_calendar"
    }
}

/// Rows of a month's follow-up lists.
public struct ListSizes: Codable, Sendable, Equatable {
    public var churnWatch: Int
    public var churnWatchHoldout: Int
    public var detractorRepair: Int
    public var detractorRepairHoldout: Int
    /// Rows (a customer with both occasions has two).
    public var careCalendar: Int

    enum CodingKeys: String, CodingKey {
        case churnWatch = "churn_watch"
        case churnWatchHoldout = "churn_watch_holdout"
        case detractorRepair = "detractor_repair"
        case detractorRepairHoldout = "detractor_repair_holdout"
        case careCalendar = "care_calendar"
    }
}

/// A month's real contact rows by why they were made.
public struct ContactCounts: Codable, Sendable, Equatable {
    /// All real rows.
    public var rows: Int
    /// Rows whose program matches a list of M-1 the customer is on and not held out of.
    public var matching: Int
    /// Rows whose program matches a list the customer is held out of ("contacted anyway").
    public var holdout: Int
    /// List contacts recorded with a program that matches none of the customer's lists.
    public var wrongProgram: Int
    /// `other` contacts of base customers, list or not.
    public var background: Int

    enum CodingKeys: String, CodingKey {
        case rows, matching, holdout, background
        case wrongProgram = "wrong_program"
    }
}

/// The SPEC §5.1 groups of one list of M-1 at M, and what the generator's design makes of them.
public struct ListOutcome: Codable, Sendable, Equatable {
    /// M-1.
    public var cohortMonth: String
    /// List customers (distinct) present in the base of M, and the three groups they fall in.
    public var customers: Int
    public var holdout: Int
    public var contacted: Int
    public var notContacted: Int
    /// detractor_repair: customers of the contacted / holdout group with a survey in M.
    public var resurveyedContacted: Int?
    public var resurveyedHoldout: Int?
    /// Expected churn_rate (churn_watch) or repair_rate (detractor_repair) of the contacted and the
    /// holdout group, in %: the mean of the probabilities the generator used for the group's
    /// customers (churn probability of M; probability that the latest survey of M has nps ≥ 7).
    public var expectedRateContacted: Double?
    public var expectedRateHoldout: Double?
    /// expected contacted − expected holdout, in pt (SPEC §5.1 `effect` without sampling noise).
    public var expectedEffectPt: Double?

    enum CodingKeys: String, CodingKey {
        case customers, holdout, contacted
        case cohortMonth = "cohort_month"
        case notContacted = "not_contacted"
        case resurveyedContacted = "resurveyed_contacted"
        case resurveyedHoldout = "resurveyed_holdout"
        case expectedRateContacted = "expected_rate_contacted"
        case expectedRateHoldout = "expected_rate_holdout"
        case expectedEffectPt = "expected_effect_pt"
    }
}
