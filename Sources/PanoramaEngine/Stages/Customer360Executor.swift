import PanoramaConfig
import PanoramaCore
import PanoramaStages

/// Stage `customer360`: customer_360 and the follow-up lists for M from the clean tables of M, M-1, M-2.
struct Customer360Executor: StageExecutor {
    static func settings(_ stage: StageConfig) throws -> Customer360Settings {
        var s = Customer360Settings()
        s.highValueArpu = try stage.double("high_value_arpu", default: s.highValueArpu)
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
        return s
    }

    func execute(_ context: StageContext) throws -> StageReport {
        let settings = try Customer360Executor.settings(context.stage)
        let m = context.month
        var report = StageReport()
        // Eight partitions, read on all cores; only the columns the stage uses are indexed.
        typealias Read = (ColumnarTable, JSONValue)?
        let jobs: [() throws -> Read] = [
            { try context.requiredColumns("dim_customer", m, producedBy: "cleanse", Customer360.customerColumns) },
            { try context.requiredColumns("fact_survey", m, producedBy: "cleanse", Customer360.surveyColumns) },
            { try context.requiredColumns("fact_usage", m, producedBy: "cleanse", Customer360.usageColumns) },
            { try context.optionalColumns("fact_usage", m.adding(-1), Customer360.arpuColumns) },
            { try context.optionalColumns("fact_usage", m.adding(-2), Customer360.arpuColumns) },
            { try context.requiredColumns("fact_complaint", m, producedBy: "cleanse", Customer360.complaintColumns) },
            { try context.optionalColumns("fact_complaint", m.adding(-1), Customer360.complaintColumns) },
            { try context.optionalColumns("fact_complaint", m.adding(-2), Customer360.complaintColumns) },
        ]
        let clock = ContinuousClock.now
        let reads = try parallelMap(jobs.count) { try jobs[$0]() }
        context.log.trace("customer360", "read", since: clock)
        report.inputs = reads.compactMap { $0?.1 }
        for back in 1...2 where reads[2 + back] == nil {
            report.warnings.append("fact_usage for \(m.adding(-back)) is missing: arpu_prev/arpu_3m_avg use the months present")
        }
        let customers = reads[0]!.0, surveys = reads[1]!.0
        let usage = [reads[2]?.0, reads[3]?.0, reads[4]?.0]
        let complaints = [reads[5]?.0, reads[6]?.0, reads[7]?.0]
        let out = try Customer360(settings: settings).run(
            Customer360Inputs(month: m, customers: customers, usage: usage, surveys: surveys, complaints: complaints))
        context.log.trace("customer360", "run", since: clock)
        report.outputs = try context.publish([
            TableOutput(table: "customer_360", csv: out.customer360),
            TableOutput(table: "churn_watch", csv: out.churnWatch),
            TableOutput(table: "detractor_repair", csv: out.detractorRepair),
            TableOutput(table: "care_calendar", csv: out.careCalendar),
        ])
        context.log.trace("customer360", "publish", since: clock)
        report.quality = .object([
            ("base_customers", .int(out.baseCustomers)),
            ("high_value", .int(out.highValue)),
            ("risk_high", .int(out.riskHigh)),
            ("churned_in_month", .int(out.churnedInMonth)),
        ])
        report.summary = "\(out.baseCustomers) base customers; lists: churn_watch \(out.churnWatch.rows), detractor_repair \(out.detractorRepair.rows), care_calendar \(out.careCalendar.rows)"
        return report
    }
}
