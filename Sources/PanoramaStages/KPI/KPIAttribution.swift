import PanoramaCore

/// SPEC §4.2: each total KPI's month-over-month change split exactly among the members of each
/// dimension (shift-share, midpoint form), and sat_index's among its seven sub-indices. Reads M's
/// rows as written (6 decimals) and M-1's as published, so the split can be recomputed from the two
/// partitions and the contributions of a dimension add up to the total's change to rounding.
enum KPIAttribution {
    /// kpi_change's dimensions in row order.
    static let dimensions = ["component"] + KPICatalogue.dimensions + ["channel"]

    /// A member's row in one month: its base and its value as written.
    struct Cell {
        var base: Int
        var value: Double?
    }

    /// The kpi_change rows of month M from its kpi rows and the published kpi rows of M-1.
    static func rows(current: [KPIRow], previous: [KPIRow]) -> [KPIChangeRow] {
        guard let month = current.first?.month else { return [] }
        // kpi → dimension → member → cell, for each month.
        func index(_ rows: [KPIRow], written: Bool) -> [String: [String: [String: Cell]]] {
            var out: [String: [String: [String: Cell]]] = [:]
            for r in rows {
                out[r.kpi, default: [:]][r.dimension, default: [:]][r.member] = Cell(base: r.base, value: written ? r.value.map(asWritten) : r.value)
            }
            return out
        }
        let now = index(current, written: true), before = index(previous, written: false)
        var totals: [String: KPIRow] = [:]
        for r in current where r.dimension == "total" { totals[r.kpi] = r }

        var out: [KPIChangeRow] = []
        for def in KPICatalogue.all where def.id != "survey_n" {
            guard let total = totals[def.id], let value = total.value.map(asWritten), let prevValue = total.prevValue else { continue }
            if def.id == "sat_index" {
                out += components(month, totals)
                continue
            }
            let dims = def.isSurvey ? KPICatalogue.dimensions + ["channel"] : KPICatalogue.dimensions
            for dim in dims {
                out += split(month, def.id, dim, now[def.id]?[dim] ?? [:], before[def.id]?[dim] ?? [:],
                             meanTotal: (value + prevValue) / 2)
            }
        }
        return out
    }

    /// One dimension's members (those with a row in M or M-1, in code-point order): share of the
    /// dimension's base in each month, the rate effect s̄·(v − v′) and the mix effect
    /// (v̄ − V̄)·(share − prev_share). A member missing in one month takes its other month's value
    /// (its change is all mix). A dimension without rows in one of the months has no split.
    static func split(_ month: Month, _ kpi: String, _ dimension: String, _ now: [String: Cell], _ before: [String: Cell],
                      meanTotal: Double) -> [KPIChangeRow] {
        let baseNow = now.values.reduce(0) { $0 + $1.base }, baseBefore = before.values.reduce(0) { $0 + $1.base }
        guard baseNow > 0, baseBefore > 0 else { return [] }
        let members = Set(now.keys).union(before.keys).sorted(by: codePointLess)
        var rows: [KPIChangeRow] = []
        for member in members {
            let cell = now[member], prevCell = before[member]
            guard let v = cell?.value ?? prevCell?.value, let vPrev = prevCell?.value ?? cell?.value else { continue }
            let share = Double(cell?.base ?? 0) / Double(baseNow), prevShare = Double(prevCell?.base ?? 0) / Double(baseBefore)
            let rate = (share + prevShare) / 2 * (v - vPrev)
            let mix = ((v + vPrev) / 2 - meanTotal) * (share - prevShare)
            rows.append(KPIChangeRow(month: month, kpi: kpi, dimension: dimension, member: member, share: share, prevShare: prevShare,
                                     value: cell?.value, prevValue: prevCell?.value, rateEffect: rate, mixEffect: mix,
                                     contribution: rate + mix, rank: 0))
        }
        return ranked(rows)
    }

    /// sat_index by component: the seven sub-index totals weighted by the §4 weights, when all seven
    /// have value and prev_value (then sat_index is exactly Σ wᵢ·sat_dᵢ in both months).
    static func components(_ month: Month, _ totals: [String: KPIRow]) -> [KPIChangeRow] {
        let ids = SurveyDimension.allCases.map { "sat_" + $0.rawValue }
        let pairs = ids.compactMap { id -> (Double, Double)? in
            guard let r = totals[id], let v = r.value, let vPrev = r.prevValue else { return nil }
            return (asWritten(v), vPrev)
        }
        guard pairs.count == ids.count else { return [] }
        let weightSum = KPICatalogue.satWeights.reduce(0, +)
        let rows = zip(ids, pairs).enumerated().map { i, item in
            let (id, (v, vPrev)) = item
            let share = KPICatalogue.satWeights[i] / weightSum
            let rate = share * (v - vPrev)
            return KPIChangeRow(month: month, kpi: "sat_index", dimension: "component", member: id, share: share, prevShare: share,
                                value: v, prevValue: vPrev, rateEffect: rate, mixEffect: 0, contribution: rate, rank: 0)
        }
        return ranked(rows)
    }

    /// The (kpi, dimension) pairs of a published kpi_change whose contributions do not add up to the
    /// total's value − prev_value as published. Every number is a 6-decimal text, so each member's
    /// contribution and each month's share-weighted values carry up to 5e-7 of rounding: the
    /// tolerance is 1e-6 per row plus 2e-6.
    static func unbalanced(_ kpi: [KPIRow], _ changes: [KPIChangeRow]) -> [String] {
        var change: [String: Double] = [:]
        for r in kpi where r.dimension == "total" {
            if let v = r.value, let p = r.prevValue { change[r.kpi] = v - p }
        }
        var sums: [String: (sum: Double, rows: Int)] = [:], keys: [String] = []
        for r in changes {
            let key = r.kpi + "/" + r.dimension
            if sums[key] == nil { keys.append(key) }
            sums[key, default: (0, 0)].sum += r.contribution
            sums[key]!.rows += 1
        }
        return keys.filter { key in
            let (sum, rows) = sums[key]!
            guard let expected = change[String(key.split(separator: "/")[0])] else { return true }
            return abs(sum - expected) > 2e-6 + 1e-6 * Double(rows)
        }
    }

    /// Rank 1 = the largest |contribution| as written; ties keep the rows' (member) order.
    static func ranked(_ rows: [KPIChangeRow]) -> [KPIChangeRow] {
        let size = rows.map { abs(asWritten($0.contribution)) }
        let order = rows.indices.sorted { size[$0] != size[$1] ? size[$0] > size[$1] : $0 < $1 }
        var out = rows
        for (position, k) in order.enumerated() { out[k].rank = position + 1 }
        return out
    }
}
