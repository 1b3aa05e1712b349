import PanoramaCore

/// The follow-up lists of SPEC §3.3, built from customer_360 rows (already in customer_id order).
public enum FollowUpLists {
    public static let churnWatchColumns = ["customer_id", "msisdn_masked", "city", "brand", "vip_level", "value_tier",
                                           "arpu_3m_avg", "churn_risk_score", "reasons"]
    public static let detractorRepairColumns = ["customer_id", "msisdn_masked", "city", "brand", "vip_level", "high_value",
                                                "nps", "weakest", "complaints_3m", "priority"]
    public static let careCalendarColumns = ["customer_id", "msisdn_masked", "city", "vip_level", "value_tier", "occasion", "years"]

    /// 离网预警: high risk, high value, not churned in M; by score desc, arpu_3m_avg desc, customer_id.
    public static func churnWatch<S: Sequence>(_ rows: S) -> CSVWriter where S.Element == Customer360Row {
        let picked = rows.filter { $0.riskLevel == "high" && $0.highValue && !$0.churnedInMonth }.sorted { a, b in
            if a.churnRiskScore != b.churnRiskScore { return a.churnRiskScore > b.churnRiskScore }
            let x = a.arpu3mAvg ?? -.infinity, y = b.arpu3mAvg ?? -.infinity
            if x != y { return x > y }
            return codePointLess(a.customerId, b.customerId)
        }
        var w = CSVWriter(header: churnWatchColumns)
        for r in picked {
            w.field(r.customerId); w.field(r.msisdnMasked); w.field(r.city); w.field(r.brand); w.field(r.vipLevel)
            w.field(r.valueTier); w.number(r.arpu3mAvg); w.integer(r.churnRiskScore)
            w.field(zip(Customer360Settings.flagNames, r.flags).filter { $0.1 }.map { $0.0 }.joined(separator: "|"))
            w.endRow()
        }
        return w
    }

    /// 贬损者修复: latest survey of M with nps ≤ 6; by priority, nps, customer_id.
    public static func detractorRepair<S: Sequence>(_ rows: S) -> CSVWriter where S.Element == Customer360Row {
        func priority(_ r: Customer360Row) -> Int { r.highValue ? 1 : r.vipLevel != "none" ? 2 : 3 }
        let picked = rows.filter { ($0.nps ?? 99) <= 6 }.sorted { a, b in
            let pa = priority(a), pb = priority(b)
            if pa != pb { return pa < pb }
            if a.nps! != b.nps! { return a.nps! < b.nps! }
            return codePointLess(a.customerId, b.customerId)
        }
        var w = CSVWriter(header: detractorRepairColumns)
        for r in picked {
            w.field(r.customerId); w.field(r.msisdnMasked); w.field(r.city); w.field(r.brand); w.field(r.vipLevel)
            w.boolean(r.highValue); w.integer(r.nps); w.field(weakest(r.latestScores)); w.integer(r.complaints3m)
            w.integer(priority(r))
            w.endRow()
        }
        return w
    }

    /// The answered dimensions with the lowest score, in SPEC §2.3 order, joined by `|`.
    static func weakest(_ scores: [Int?]) -> String {
        guard let low = scores.compactMap({ $0 }).min() else { return "" }
        return zip(SurveyDimension.allCases, scores).filter { $0.1 == low }.map { $0.0.rawValue }.joined(separator: "|")
    }

    /// 关怀: not churned, a birthday or anniversary next month, and high value or a VIP level;
    /// by occasion, customer_id; both occasions give two rows.
    public static func careCalendar<S: Sequence>(_ rows: S) -> CSVWriter where S.Element == Customer360Row {
        var entries: [(occasion: String, row: Customer360Row, years: Int)] = []
        for r in rows where !r.churnedInMonth && (r.highValue || r.vipLevel != "none") {
            if r.careBirthday, let y = r.birthdayYears { entries.append(("birthday", r, y)) }
            if let y = r.careAnniversaryYears { entries.append(("anniversary", r, y)) }
        }
        entries.sort { a, b in
            if a.occasion != b.occasion { return codePointLess(a.occasion, b.occasion) }
            return codePointLess(a.row.customerId, b.row.customerId)
        }
        var w = CSVWriter(header: careCalendarColumns)
        for e in entries {
            w.field(e.row.customerId); w.field(e.row.msisdnMasked); w.field(e.row.city); w.field(e.row.vipLevel)
            w.field(e.row.valueTier); w.field(e.occasion); w.integer(e.years)
            w.endRow()
        }
        return w
    }
}
