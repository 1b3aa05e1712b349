import PanoramaCore
import PanoramaEngine

/// `panorama merge` for customer360 (docs/scale-out.md): every row is one customer's, computed from
/// that customer's records only, so the month's tables are the buckets' rows in each table's order —
/// customer_360 by customer_id, each list by its own order (SPEC §3.2, §3.3). The one exception is
/// a customer whose survey or complaint of M the cleanse merge quarantined as a DUPLICATE_KEY found
/// across buckets: the bucket counted a record the month does not keep, so that customer's rows
/// are computed again from the merged clean tables and replace the bucket's.
extension Customer360Stage {
    public static let mergesBuckets = true

    public static func merge(_ settings: Settings, _ io: StageIO) throws -> StageReport {
        let parts = io.bucketParts
        let qualities = try parts.map { part -> Customer360Quality in
            guard let q = io.bucketManifest(part, of: Customer360Stage.self)?.quality(Customer360Quality.self) else {
                throw PanoramaError.usage("bucket \(part.bucket) has no customer360 output for \(io.month) in \(part.root); run it first "
                    + "(`panorama run \(io.config.file) --month \(io.month) --bucket \(part.bucket) --sandbox … --until customer360`)")
            }
            return q
        }
        func rows(_ table: TableSchema, _ keys: [String]) throws -> [BucketRows] {
            try parts.map { part in
                guard let bytes = try io.bucketBytes(part, table, io.month) else {
                    throw PanoramaError.usage("bucket \(part.bucket) in \(part.root) has no \(table.name) for \(io.month); re-run it")
                }
                return try BucketRows(bytes, name: part.partitionPath(table, io.month), keyColumns: keys)
            }
        }
        typealias Row = (Int, Int)
        // Customers whose bucket saw a record the merged month does not keep are computed again;
        // their rows join the merge as one more part, in place of the bucket's.
        let changed = try customersChangedByMerge(io)
        let again = changed.isEmpty ? nil : try recompute(changed, settings, io)
        func rows(_ table: TableSchema, _ keys: [String], _ recomputed: CSVWriter?) throws -> [BucketRows] {
            var all = try rows(table, keys)
            if let w = recomputed { all.append(try BucketRows(w.bytes, name: "\(table.name) recomputed", keyColumns: keys)) }
            return all
        }
        /// The merge order without the buckets' rows of the recomputed customers.
        func kept(_ parts: [BucketRows], _ order: [Row], idKey: Int) -> [Row] {
            guard again != nil else { return order }
            return order.filter { $0.0 == parts.count - 1 || !changed.contains(parts[$0.0].key($0.1, idKey)) }
        }
        let c360 = try rows(customer360, ["customer_id", "risk_level", "high_value", "churned_in_month"], again?.customer360)
        let byId = kept(c360, BucketMerge.order(c360) { a, b in BucketMerge.less(c360[a.0].key(a.1, 0), c360[b.0].key(b.1, 0)) }, idKey: 0)

        // churn_watch: churn_risk_score desc, arpu_3m_avg desc, customer_id.
        let watch = try rows(churnWatch, ["churn_risk_score", "arpu_3m_avg", "customer_id", "holdout"], again?.churnWatch)
        let watchOrder = kept(watch, BucketMerge.order(watch) { (a: Row, b: Row) -> Bool in
            let sa = BucketMerge.number(watch[a.0].key(a.1, 0)), sb = BucketMerge.number(watch[b.0].key(b.1, 0))
            if sa != sb { return sa > sb }
            let xa = BucketMerge.number(watch[a.0].key(a.1, 1)), xb = BucketMerge.number(watch[b.0].key(b.1, 1))
            if xa != xb { return xa > xb }
            return BucketMerge.less(watch[a.0].key(a.1, 2), watch[b.0].key(b.1, 2))
        }, idKey: 2)
        // detractor_repair: priority, nps, customer_id.
        let repair = try rows(detractorRepair, ["priority", "nps", "customer_id", "holdout"], again?.detractorRepair)
        let repairOrder = kept(repair, BucketMerge.order(repair) { (a: Row, b: Row) -> Bool in
            let pa = BucketMerge.number(repair[a.0].key(a.1, 0)), pb = BucketMerge.number(repair[b.0].key(b.1, 0))
            if pa != pb { return pa < pb }
            let na = BucketMerge.number(repair[a.0].key(a.1, 1)), nb = BucketMerge.number(repair[b.0].key(b.1, 1))
            if na != nb { return na < nb }
            return BucketMerge.less(repair[a.0].key(a.1, 2), repair[b.0].key(b.1, 2))
        }, idKey: 2)
        // care_calendar: occasion, customer_id.
        let care = try rows(careCalendar, ["occasion", "customer_id"], again?.careCalendar)
        let careOrder = kept(care, BucketMerge.order(care) { (a: Row, b: Row) -> Bool in
            let oa = care[a.0].key(a.1, 0), ob = care[b.0].key(b.1, 0)
            if oa != ob { return BucketMerge.less(oa, ob) }
            return BucketMerge.less(care[a.0].key(a.1, 1), care[b.0].key(b.1, 1))
        }, idKey: 1)
        let listWriters = [BucketMerge.write(header: churnWatch.columns, watch, watchOrder),
                           BucketMerge.write(header: detractorRepair.columns, repair, repairOrder),
                           BucketMerge.write(header: careCalendar.columns, care, careOrder)]
        try io.publish([TableOutput(customer360, BucketMerge.write(header: customer360.columns, c360, byId)),
                        TableOutput(churnWatch, listWriters[0]), TableOutput(detractorRepair, listWriters[1]),
                        TableOutput(careCalendar, listWriters[2])])

        var q = Customer360Quality(baseCustomers: 0, highValue: 0, riskHigh: 0, churnedInMonth: 0, holdoutPct: settings.holdoutPct)
        for b in qualities {
            q.baseCustomers += b.baseCustomers
            q.highValue += b.highValue
            q.riskHigh += b.riskHigh
            q.churnedInMonth += b.churnedInMonth
            q.heldOutChurnWatch += b.heldOutChurnWatch
            q.heldOutDetractorRepair += b.heldOutDetractorRepair
        }
        if let again {
            // The recomputed customers count as computed again, not as their buckets counted them.
            let recomputedPart = c360.count - 1
            for b in 0..<recomputedPart {
                for r in 0..<c360[b].count where changed.contains(c360[b].key(r, 0)) {
                    q.baseCustomers -= 1
                    if c360[b].key(r, 1) == "high" { q.riskHigh -= 1 }
                    if c360[b].key(r, 2) == "true" { q.highValue -= 1 }
                    if c360[b].key(r, 3) == "true" { q.churnedInMonth -= 1 }
                }
                for r in 0..<watch[b].count where changed.contains(watch[b].key(r, 2)) && watch[b].key(r, 3) == "true" { q.heldOutChurnWatch -= 1 }
                for r in 0..<repair[b].count where changed.contains(repair[b].key(r, 2)) && repair[b].key(r, 3) == "true" { q.heldOutDetractorRepair -= 1 }
            }
            q.baseCustomers += again.baseCustomers
            q.riskHigh += again.riskHigh
            q.highValue += again.highValue
            q.churnedInMonth += again.churnedInMonth
            q.heldOutChurnWatch += again.heldOutChurnWatch
            q.heldOutDetractorRepair += again.heldOutDetractorRepair
        }
        var report = StageReport()
        report.quality = q.json
        report.summary = "merged \(parts.count) buckets\(changed.isEmpty ? "" : " (\(changed.count) customers computed again: a survey or complaint of theirs was a duplicate across buckets)"): \(q.baseCustomers) base customers; lists: churn_watch \(listWriters[0].rows) (\(q.heldOutChurnWatch) held out), "
            + "detractor_repair \(listWriters[1].rows) (\(q.heldOutDetractorRepair) held out), care_calendar \(listWriters[2].rows)"
        return report
    }

    /// The customers with a survey or complaint of M that their bucket kept and the merged month
    /// does not: the later of two records sharing an id across buckets (found by the cleanse merge).
    static func customersChangedByMerge(_ io: StageIO) throws -> Set<String> {
        var changed = Set<String>()
        for table in [CleanseStage.factSurvey, CleanseStage.factComplaint] {
            let columns = [table.columns[0], "customer_id"]
            let merged = try io.require(table, io.month, columns: columns)
            var kept = Set<String>(minimumCapacity: merged.rowCount)
            for r in 0..<merged.rowCount { kept.insert(merged.string(r, 0) + "\u{0}" + merged.string(r, 1)) }
            for part in io.bucketParts {
                guard let t = try io.bucketRead(part, table, io.month, columns: columns) else { continue }
                for r in 0..<t.rowCount where !kept.contains(t.string(r, 0) + "\u{0}" + t.string(r, 1)) {
                    changed.insert(t.string(r, 1))
                }
            }
        }
        return changed
    }

    /// customer_360 and the lists of the given customers only, from the merged clean tables of M
    /// (and the warehouse's M-1, M-2), each partition cut to those customers' rows before parsing.
    static func recompute(_ ids: Set<String>, _ settings: Settings, _ io: StageIO) throws -> Customer360Output {
        let m = io.month
        func only(_ table: TableSchema, _ month: Month, _ columns: [String], required: Bool) throws -> ColumnarTable? {
            var cut: [UInt8] = []
            let read = try io.readBytes(table, month) { bytes in
                let (rows, kept) = try rowsOf(ids, in: bytes, name: table.name)
                cut = kept
                return rows
            }
            guard read != nil else {
                if required { throw io.missing(table, month) }
                return nil
            }
            return try ColumnarTable.parse(cut, name: "\(table.name) of \(month) (recomputed customers)", columns: columns)
        }
        return try Customer360(settings: settings).run(Customer360Inputs(
            month: m,
            customers: only(CleanseStage.dimCustomer, m, Customer360.customerColumns, required: true)!,
            usage: [only(CleanseStage.factUsage, m, Customer360.usageColumns, required: true),
                    only(CleanseStage.factUsage, m.adding(-1), Customer360.arpuColumns, required: false),
                    only(CleanseStage.factUsage, m.adding(-2), Customer360.arpuColumns, required: false)],
            surveys: only(CleanseStage.factSurvey, m, Customer360.surveyColumns, required: true)!,
            complaints: [only(CleanseStage.factComplaint, m, Customer360.complaintColumns, required: true),
                         only(CleanseStage.factComplaint, m.adding(-1), Customer360.complaintColumns, required: false),
                         only(CleanseStage.factComplaint, m.adding(-2), Customer360.complaintColumns, required: false)]))
    }

    /// A partition's data-row count, and its header with only the rows of the given customers.
    private static func rowsOf(_ ids: Set<String>, in bytes: [UInt8], name: String) throws -> (Int, [UInt8]) {
        var reader = CSVReader(bytes: bytes)
        guard reader.next() == .record else { return (0, bytes) }
        let header = (0..<reader.fields.count).map { reader.rawField($0) }
        guard let id = header.firstIndex(of: "customer_id") else {
            throw PanoramaError.runtime("\(name) has no customer_id column")
        }
        var out = Array(bytes[0..<reader.position])
        var rows = 0, start = reader.position
        reader.expectedFieldCount = header.count
        while let kind = reader.next() {
            guard kind == .record else { throw PanoramaError.runtime("\(name) has a record that is not valid CSV near byte \(start)") }
            rows += 1
            if ids.contains(reader.rawField(id)) { out += bytes[start..<reader.position] }
            start = reader.position
        }
        return (rows, out)
    }
}
