import PanoramaConfig
import PanoramaCore
import PanoramaEngine

/// Stage kind `customer360`: customer_360 and the follow-up lists for M from the clean tables of
/// M, M-1 and M-2 (SPEC §3.2, §3.3).
public enum Customer360Stage: StageKind {
    public typealias Settings = Customer360Settings

    public static let name = "customer360"
    public static let abstract = "builds customer_360 (value tier, churn flags and risk score, care triggers) and the three follow-up lists"
    public static let parameters = [
        StageParameter("high_value_arpu", default: "120", "high_value (中高端) when arpu_3m_avg is at least this"),
        StageParameter("tiers", default: "{A: 300, B: 120, C: 50}", "value_tier lower bounds by arpu_3m_avg (A ≥ B ≥ C; else D)"),
        StageParameter("thresholds", default: "{bill_drop: -30, call_forward: 0.5, offnet: 0.4, complaint: 2}", "warning-flag thresholds"),
        StageParameter("weights", default: "{bill_drop: 0.30, call_forward: 0.25, offnet: 0.20, complaint: 0.15, detractor: 0.10}", "churn_risk_score weights of the flags"),
        StageParameter("risk_levels", default: "{high: 50, medium: 25}", "risk_level lower bounds of churn_risk_score"),
        StageParameter("holdout_pct", default: "10", "percent of churn_watch and detractor_repair held out of contact as the control group (0–100; 0 = off)"),
    ]

    public static let customer360 = TableSchema("customer_360", producer: name, columns: [
        "month", "customer_id", "msisdn_masked", "city", "county", "brand", "vip_level", "gender", "age", "tenure_months",
        "arpu", "mou", "data_gb", "call_forward_ratio", "offnet_ratio", "points_balance", "arpu_prev", "arpu_3m_avg",
        "arpu_change_pct", "value_tier", "high_value", "churned_in_month", "nps", "overall_sat", "nps_category",
        "complaints_3m", "open_complaints", "flag_bill_drop", "flag_call_forward", "flag_offnet", "flag_complaint",
        "flag_detractor", "churn_risk_score", "risk_level", "care_birthday", "care_anniversary_years",
    ])
    public static let churnWatch = TableSchema("churn_watch", producer: name, columns: [
        "customer_id", "msisdn_masked", "city", "brand", "vip_level", "value_tier", "arpu_3m_avg", "churn_risk_score", "reasons",
        "holdout",
    ])
    public static let detractorRepair = TableSchema("detractor_repair", producer: name, columns: [
        "customer_id", "msisdn_masked", "city", "brand", "vip_level", "high_value", "nps", "weakest", "complaints_3m", "priority",
        "holdout",
    ])
    public static let careCalendar = TableSchema("care_calendar", producer: name, columns: [
        "customer_id", "msisdn_masked", "city", "vip_level", "value_tier", "occasion", "years",
    ])
    /// The follow-up lists in the order reports show them.
    public static let lists = [churnWatch, detractorRepair, careCalendar]
    public static let tables = [customer360] + lists

    public static func settings(_ stage: StageConfig, in config: PipelineConfig) throws -> Settings {
        var s = Customer360Settings()
        s.highValueArpu = try stage.double("high_value_arpu", default: s.highValueArpu)
        s.holdoutPct = try stage.double("holdout_pct", default: s.holdoutPct)
        guard (0...100).contains(s.holdoutPct) else {
            throw ConfigError(location: stage.param("holdout_pct")?.location ?? stage.location,
                              message: "\(stage.id).holdout_pct must be a percentage between 0 and 100 (10 = one customer in ten held out; 0 = no holdout), not \(formatNumber(s.holdoutPct) ?? "\(s.holdoutPct)")")
        }
        for (k, v) in try stage.numberMap("tiers", allowed: ["A", "B", "C"]) {
            switch k { case "A": s.tierA = v; case "B": s.tierB = v; default: s.tierC = v }
        }
        for (k, v) in try stage.numberMap("thresholds", allowed: ["bill_drop", "call_forward", "offnet", "complaint"]) {
            switch k {
            case "bill_drop": s.billDropPct = v
            case "call_forward": s.callForwardRatio = v
            case "offnet": s.offnetRatio = v
            default: s.complaints3m = v
            }
        }
        for (k, v) in try stage.numberMap("weights", allowed: Customer360Settings.flagNames) {
            s.weights[Customer360Settings.flagNames.firstIndex(of: k)!] = v
        }
        for (k, v) in try stage.numberMap("risk_levels", allowed: ["high", "medium"]) {
            if k == "high" { s.riskHigh = v } else { s.riskMedium = v }
        }
        guard s.tierA >= s.tierB && s.tierB >= s.tierC else {
            throw ConfigError(location: stage.param("tiers")?.location ?? stage.location, message: "\(stage.id).tiers must satisfy A ≥ B ≥ C")
        }
        guard s.riskHigh >= s.riskMedium else {
            throw ConfigError(location: stage.param("risk_levels")?.location ?? stage.location, message: "\(stage.id).risk_levels must satisfy high ≥ medium")
        }
        return s
    }

    public static func run(_ settings: Settings, _ io: StageIO) throws -> StageReport {
        let m = io.month
        var report = StageReport()
        let clock = ContinuousClock.now
        // Eight partitions, read on all cores; only the columns the stage uses are indexed. Of the
        // earlier months' usage only customer_id and arpu are kept (read compact).
        let reads = try io.read([
            PartitionRequest(CleanseStage.dimCustomer, m, columns: Customer360.customerColumns, required: true),
            PartitionRequest(CleanseStage.factSurvey, m, columns: Customer360.surveyColumns, required: true),
            PartitionRequest(CleanseStage.factUsage, m, columns: Customer360.usageColumns, required: true),
            PartitionRequest(CleanseStage.factUsage, m.adding(-1), columns: Customer360.arpuColumns, required: false, compact: true),
            PartitionRequest(CleanseStage.factUsage, m.adding(-2), columns: Customer360.arpuColumns, required: false, compact: true),
            PartitionRequest(CleanseStage.factComplaint, m, columns: Customer360.complaintColumns, required: true),
            PartitionRequest(CleanseStage.factComplaint, m.adding(-1), columns: Customer360.complaintColumns, required: false),
            PartitionRequest(CleanseStage.factComplaint, m.adding(-2), columns: Customer360.complaintColumns, required: false),
        ])
        io.log.trace("customer360", "read", since: clock)
        for back in 1...2 where reads[2 + back] == nil {
            report.warnings.append("fact_usage for \(m.adding(-back)) is missing: arpu_prev/arpu_3m_avg use the months present")
        }
        let out = try Customer360(settings: settings).run(
            Customer360Inputs(month: m, customers: reads[0]!, usage: [reads[2], reads[3], reads[4]], surveys: reads[1]!,
                              complaints: [reads[5], reads[6], reads[7]]))
        io.log.trace("customer360", "run", since: clock)
        // customer_360 is streamed to its staged file as it is rendered.
        let writer = try io.partitionWriter(customer360)
        try out.write360 { try writer.append(rowsFrom: $0) }
        try io.publish([
            TableOutput(writer),
            TableOutput(churnWatch, out.churnWatch),
            TableOutput(detractorRepair, out.detractorRepair),
            TableOutput(careCalendar, out.careCalendar),
        ])
        io.log.trace("customer360", "publish", since: clock)
        report.quality = Customer360Quality(baseCustomers: out.baseCustomers, highValue: out.highValue, riskHigh: out.riskHigh,
                                            churnedInMonth: out.churnedInMonth, holdoutPct: settings.holdoutPct,
                                            heldOutChurnWatch: out.heldOutChurnWatch, heldOutDetractorRepair: out.heldOutDetractorRepair).json
        report.summary = "\(out.baseCustomers) base customers; lists: churn_watch \(out.churnWatch.rows) (\(out.heldOutChurnWatch) held out), detractor_repair \(out.detractorRepair.rows) (\(out.heldOutDetractorRepair) held out), care_calendar \(out.careCalendar.rows)"
        return report
    }
}

/// What `customer360` records in its manifest.
public struct Customer360Quality: ManifestQuality, Equatable {
    public var baseCustomers: Int
    public var highValue: Int
    public var riskHigh: Int
    public var churnedInMonth: Int
    /// The holdout share in force and the rows it held out of each list (SPEC §3.3).
    public var holdoutPct: Double
    public var heldOutChurnWatch: Int
    public var heldOutDetractorRepair: Int

    public init(baseCustomers: Int, highValue: Int, riskHigh: Int, churnedInMonth: Int, holdoutPct: Double = 0,
                heldOutChurnWatch: Int = 0, heldOutDetractorRepair: Int = 0) {
        self.baseCustomers = baseCustomers
        self.highValue = highValue
        self.riskHigh = riskHigh
        self.churnedInMonth = churnedInMonth
        self.holdoutPct = holdoutPct
        self.heldOutChurnWatch = heldOutChurnWatch
        self.heldOutDetractorRepair = heldOutDetractorRepair
    }

    public var json: JSONValue {
        .object([("base_customers", .int(baseCustomers)), ("high_value", .int(highValue)), ("risk_high", .int(riskHigh)),
                 ("churned_in_month", .int(churnedInMonth)), ("holdout_pct", .double(holdoutPct)),
                 ("held_out", .object([("churn_watch", .int(heldOutChurnWatch)), ("detractor_repair", .int(heldOutDetractorRepair))]))])
    }

    /// Reads the manifest form; a manifest written before the holdout existed reads as holdout 0.
    public init?(json: JSONValue) {
        guard let base = json["base_customers"]?.intValue else { return nil }
        self.init(baseCustomers: base, highValue: json["high_value"]?.intValue ?? 0, riskHigh: json["risk_high"]?.intValue ?? 0,
                  churnedInMonth: json["churned_in_month"]?.intValue ?? 0, holdoutPct: json["holdout_pct"]?.doubleValue ?? 0,
                  heldOutChurnWatch: json["held_out"]?["churn_watch"]?.intValue ?? 0,
                  heldOutDetractorRepair: json["held_out"]?["detractor_repair"]?.intValue ?? 0)
    }
}
