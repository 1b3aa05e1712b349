import PanoramaCore

/// The follow-up lists of SPEC §3.3, built from the customer_360 rows (already in customer_id order).
public enum FollowUpLists {
    /// The list names the holdout hash is salted with (SPEC §3.3).
    static let churnWatchName = Customer360Stage.churnWatch.name
    static let detractorRepairName = Customer360Stage.detractorRepair.name

    /// 离网预警: high risk, high value, not churned in M; by score desc, arpu_3m_avg desc, customer_id;
    /// `holdout` last. Returns the list and how many rows are held out.
    static func churnWatch(_ table: Customer360Table, _ holdout: Holdout) -> (CSVWriter, heldOut: Int) {
        let picked = table.records.filter { $0.riskLevel == 2 && $0.highValue && !$0.churnedInMonth }.sorted { a, b in
            if a.churnRiskScore != b.churnRiskScore { return a.churnRiskScore > b.churnRiskScore }
            let x = a.arpu3mAvg ?? -.infinity, y = b.arpu3mAvg ?? -.infinity
            if x != y { return x > y }
            return table.idLess(a, b)
        }
        var w = CSVWriter(header: Customer360Stage.churnWatch.columns)
        var heldOut = 0
        for r in picked {
            w.field(bytes: table.customerId(r)); table.writeMaskedMSISDN(r, to: &w)
            w.field(bytes: table.text(r, 2)); w.field(bytes: table.text(r, 4)); w.field(bytes: table.text(r, 5))
            w.field(Customer360.tiers[Int(r.valueTier)]); w.number(r.arpu3mAvg); w.integer(r.churnRiskScore)
            w.field(Customer360Settings.flagNames.indices.filter { r.flagBits & (1 << $0) != 0 }
                .map { Customer360Settings.flagNames[$0] }.joined(separator: "|"))
            let held = holdout.isHeldOut(list: churnWatchName, customerId: table.customerId(r))
            if held { heldOut += 1 }
            w.boolean(held)
            w.endRow()
        }
        return (w, heldOut)
    }

    /// 贬损者修复: latest survey of M with nps ≤ 6; by priority, nps, customer_id; `holdout` last.
    /// Returns the list and how many rows are held out.
    static func detractorRepair(_ table: Customer360Table, _ holdout: Holdout) -> (CSVWriter, heldOut: Int) {
        func priority(_ r: Customer360Record) -> Int { r.highValue ? 1 : !table.hasNoVIPLevel(r) ? 2 : 3 }
        let picked = table.records.filter { ($0.nps ?? 99) <= 6 }.sorted { a, b in
            let pa = priority(a), pb = priority(b)
            if pa != pb { return pa < pb }
            if a.nps! != b.nps! { return a.nps! < b.nps! }
            return table.idLess(a, b)
        }
        var w = CSVWriter(header: Customer360Stage.detractorRepair.columns)
        var heldOut = 0
        for r in picked {
            w.field(bytes: table.customerId(r)); table.writeMaskedMSISDN(r, to: &w)
            w.field(bytes: table.text(r, 2)); w.field(bytes: table.text(r, 4)); w.field(bytes: table.text(r, 5))
            w.boolean(r.highValue); w.integer(r.nps); w.field(weakest(table.latestScores(r))); w.integer(r.complaints3m)
            w.integer(priority(r))
            let held = holdout.isHeldOut(list: detractorRepairName, customerId: table.customerId(r))
            if held { heldOut += 1 }
            w.boolean(held)
            w.endRow()
        }
        return (w, heldOut)
    }

    /// The answered dimensions with the lowest score, in SPEC §2.3 order, joined by `|`.
    static func weakest(_ scores: [Int?]) -> String {
        guard let low = scores.compactMap({ $0 }).min() else { return "" }
        return zip(SurveyDimension.allCases, scores).filter { $0.1 == low }.map { $0.0.rawValue }.joined(separator: "|")
    }

    /// 关怀: not churned, a birthday or anniversary next month, and high value or a VIP level;
    /// by occasion, customer_id; both occasions give two rows.
    static func careCalendar(_ table: Customer360Table) -> CSVWriter {
        // Occasion 0 is "anniversary", 1 "birthday": their code-point order.
        var entries: [(occasion: Int, row: Customer360Record, years: Int)] = []
        for r in table.records where !r.churnedInMonth && (r.highValue || !table.hasNoVIPLevel(r)) {
            if r.careBirthday, let y = r.birthdayYears { entries.append((1, r, y)) }
            if let y = r.careAnniversaryYears { entries.append((0, r, y)) }
        }
        entries.sort { a, b in a.occasion != b.occasion ? a.occasion < b.occasion : table.idLess(a.row, b.row) }
        var w = CSVWriter(header: Customer360Stage.careCalendar.columns)
        for e in entries {
            w.field(bytes: table.customerId(e.row)); table.writeMaskedMSISDN(e.row, to: &w)
            w.field(bytes: table.text(e.row, 2)); w.field(bytes: table.text(e.row, 5))
            w.field(Customer360.tiers[Int(e.row.valueTier)]); w.field(e.occasion == 0 ? "anniversary" : "birthday"); w.integer(e.years)
            w.endRow()
        }
        return w
    }
}
