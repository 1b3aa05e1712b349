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
        let (customers, c0) = try context.requiredTable("dim_customer", m, producedBy: "cleanse")
        let (surveys, s0) = try context.requiredTable("fact_survey", m, producedBy: "cleanse")
        report.inputs = [c0, s0]
        var usage: [CSVTable?] = []
        var complaints: [CSVTable?] = []
        for back in 0..<3 {
            let month = m.adding(-back)
            let u = back == 0 ? try context.requiredTable("fact_usage", month, producedBy: "cleanse") : try context.optionalTable("fact_usage", month)
            let k = back == 0 ? try context.requiredTable("fact_complaint", month, producedBy: "cleanse") : try context.optionalTable("fact_complaint", month)
            usage.append(u?.0)
            complaints.append(k?.0)
            for entry in [u?.1, k?.1].compactMap({ $0 }) { report.inputs.append(entry) }
            if back > 0 && u == nil { report.warnings.append("fact_usage for \(month) is missing: arpu_prev/arpu_3m_avg use the months present") }
        }
        let out = try Customer360(settings: settings).run(
            Customer360Inputs(month: m, customers: customers, usage: usage, surveys: surveys, complaints: complaints))
        report.outputs = try context.publish([
            TableOutput(table: "customer_360", csv: out.customer360),
            TableOutput(table: "churn_watch", csv: out.churnWatch),
            TableOutput(table: "detractor_repair", csv: out.detractorRepair),
            TableOutput(table: "care_calendar", csv: out.careCalendar),
        ])
        let high = out.rows.filter { $0.riskLevel == "high" }.count
        report.quality = .object([
            ("base_customers", .int(out.rows.count)),
            ("high_value", .int(out.rows.filter(\.highValue).count)),
            ("risk_high", .int(high)),
            ("churned_in_month", .int(out.rows.filter(\.churnedInMonth).count)),
        ])
        report.summary = "\(out.rows.count) base customers; lists: churn_watch \(out.churnWatch.rows), detractor_repair \(out.detractorRepair.rows), care_calendar \(out.careCalendar.rows)"
        return report
    }
}
