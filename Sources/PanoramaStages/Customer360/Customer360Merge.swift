import PanoramaCore
import PanoramaEngine

/// `panorama merge` for customer360 (docs/scale-out.md): every row is one customer's, computed from
/// that customer's records only, so the month's tables are the buckets' rows in each table's order —
/// customer_360 by customer_id, each list by its own order (SPEC §3.2, §3.3).
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
        let c360 = try rows(customer360, ["customer_id"])
        let byId = BucketMerge.order(c360) { a, b in BucketMerge.less(c360[a.0].key(a.1, 0), c360[b.0].key(b.1, 0)) }

        // churn_watch: churn_risk_score desc, arpu_3m_avg desc, customer_id.
        let watch = try rows(churnWatch, ["churn_risk_score", "arpu_3m_avg", "customer_id"])
        let watchOrder = BucketMerge.order(watch) { (a: Row, b: Row) -> Bool in
            let sa = BucketMerge.number(watch[a.0].key(a.1, 0)), sb = BucketMerge.number(watch[b.0].key(b.1, 0))
            if sa != sb { return sa > sb }
            let xa = BucketMerge.number(watch[a.0].key(a.1, 1)), xb = BucketMerge.number(watch[b.0].key(b.1, 1))
            if xa != xb { return xa > xb }
            return BucketMerge.less(watch[a.0].key(a.1, 2), watch[b.0].key(b.1, 2))
        }
        // detractor_repair: priority, nps, customer_id.
        let repair = try rows(detractorRepair, ["priority", "nps", "customer_id"])
        let repairOrder = BucketMerge.order(repair) { (a: Row, b: Row) -> Bool in
            let pa = BucketMerge.number(repair[a.0].key(a.1, 0)), pb = BucketMerge.number(repair[b.0].key(b.1, 0))
            if pa != pb { return pa < pb }
            let na = BucketMerge.number(repair[a.0].key(a.1, 1)), nb = BucketMerge.number(repair[b.0].key(b.1, 1))
            if na != nb { return na < nb }
            return BucketMerge.less(repair[a.0].key(a.1, 2), repair[b.0].key(b.1, 2))
        }
        // care_calendar: occasion, customer_id.
        let care = try rows(careCalendar, ["occasion", "customer_id"])
        let careOrder = BucketMerge.order(care) { (a: Row, b: Row) -> Bool in
            let oa = care[a.0].key(a.1, 0), ob = care[b.0].key(b.1, 0)
            if oa != ob { return BucketMerge.less(oa, ob) }
            return BucketMerge.less(care[a.0].key(a.1, 1), care[b.0].key(b.1, 1))
        }
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
        var report = StageReport()
        report.quality = q.json
        report.summary = "merged \(parts.count) buckets: \(q.baseCustomers) base customers; lists: churn_watch \(listWriters[0].rows) (\(q.heldOutChurnWatch) held out), "
            + "detractor_repair \(listWriters[1].rows) (\(q.heldOutDetractorRepair) held out), care_calendar \(listWriters[2].rows)"
        return report
    }
}
