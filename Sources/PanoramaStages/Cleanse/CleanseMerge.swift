import PanoramaConfig
import PanoramaCore
import PanoramaEngine

/// `panorama merge` for cleanse (docs/scale-out.md): the B bucket runs' clean tables put back in
/// delivery line order, DUPLICATE_KEY applied once more across buckets for the sources whose key
/// is not the customer, the quarantines merged by (source, line), the counts added up, and the
/// quality gate decided on the month's totals — exactly what one cleanse of the whole month gives.
extension CleanseStage {
    public static func merge(_ settings: Settings, _ io: StageIO) throws -> StageReport {
        let parts = io.bucketParts
        let qualities = try parts.map { part -> CleanseQuality in
            guard let q = io.bucketManifest(part, of: CleanseStage.self)?.quality(CleanseQuality.self) else {
                throw PanoramaError.usage("bucket \(part.bucket) has no cleanse output for \(io.month) in \(part.root); run it first "
                    + "(`panorama run \(io.config.file) --month \(io.month) --bucket \(part.bucket) --sandbox … --until customer360`)")
            }
            return q
        }
        // Each bucket's clean-row lines, per source.
        var lines = [[Source: [Int]]](repeating: [:], count: parts.count)
        for (b, part) in parts.enumerated() {
            guard let t = try io.bucketRead(part, rowLines, io.month) else {
                throw PanoramaError.usage("bucket \(part.bucket) in \(part.root) has no \(rowLines.name) for \(io.month): it was not run as a bucket")
            }
            for r in 0..<t.rowCount {
                guard let source = Source(rawValue: t.string(r, 0)), let line = t.int(r, 1) else {
                    throw PanoramaError.runtime("\(part.partitionPath(rowLines, io.month)) row \(r + 2) is damaged; re-run the bucket")
                }
                lines[b][source, default: []].append(line)
            }
        }

        var tables: [TableOutput] = []
        var duplicates: [(source: Source, line: Int, key: String)] = []
        for source in Source.allCases {
            let table = source.cleanTable
            var rows: [BucketRows] = []
            for part in parts {
                let bytes = try io.bucketBytes(part, table, io.month) ?? Array((table.columns.joined(separator: ",") + "\n").utf8)
                rows.append(try BucketRows(bytes, name: part.partitionPath(table, io.month), keyColumns: [table.columns[0]]))
            }
            for (b, r) in rows.enumerated() where r.count != lines[b][source, default: []].count {
                throw PanoramaError.runtime("bucket \(parts[b].bucket): \(table.name) has \(r.count) rows but \(rowLines.name) lists \(lines[b][source, default: []].count); re-run the bucket")
            }
            let order = BucketMerge.order(rows) { a, b in lines[a.0][source]![a.1] < lines[b.0][source]![b.1] }
            var kept = order
            // customers.csv and usage.csv are keyed by the customer, so their duplicates met in one
            // bucket; the other keys are checked again across buckets, first accepted line first.
            if source != .customers && source != .usage {
                var seen = Set<String>()
                kept = []
                for (b, r) in order {
                    let key = rows[b].key(r, 0)
                    if seen.insert(key).inserted {
                        kept.append((b, r))
                    } else {
                        duplicates.append((source, lines[b][source]![r], key))
                    }
                }
            }
            tables.append(TableOutput(table, BucketMerge.write(header: table.columns, rows, kept)))
        }

        // Counts: the buckets' sums, less the duplicates found across buckets.
        var sources: [SourceQuality] = []
        for source in Source.allCases {
            let per = qualities.compactMap { $0.sources.first { $0.source == source } }
            guard var q = per.first else { continue }
            guard per.count == parts.count else {
                throw PanoramaError.runtime("\(source.fileName) was delivered to some buckets and not others; re-run every bucket")
            }
            for other in per.dropFirst() {
                guard other.sha256 == q.sha256, other.blankLines == q.blankLines else {
                    throw PanoramaError.runtime("the buckets read different \(source.fileName) files for \(io.month); re-run every bucket on the same deliveries")
                }
                q.read += other.read
                q.clean += other.clean
                for (code, n) in other.quarantinedByCode { q.quarantinedByCode[code, default: 0] += n }
                for (field, n) in other.nulled { q.nulled[field, default: 0] += n }
                for (field, n) in other.controlCharactersRemoved { q.controlCharactersRemoved[field, default: 0] += n }
            }
            let found = duplicates.filter { $0.source == source }.count
            if found > 0 {
                q.clean -= found
                q.quarantinedByCode[.DUPLICATE_KEY, default: 0] += found
            }
            sources.append(q)
        }
        if let ingest = io.manifest(of: IngestStage.self) {
            for q in sources {
                if let recorded = ingest.inputs.first(where: { $0.kind == .delivery && $0.name == q.source.rawValue }), recorded.sha256 != q.sha256 {
                    throw PanoramaError.usage("the buckets cleansed another \(q.source.fileName) than stage ingest checked for \(io.month); re-run the buckets")
                }
            }
        }

        // Quarantine: the buckets' rows and the cross-bucket duplicates, by source then line.
        var entries: [(source: Int, line: Int, bytes: ArraySlice<UInt8>)] = []
        for part in parts {
            guard let bytes = try io.bucketBytes(part, quarantine, io.month) else { continue }
            let rows = try BucketRows(bytes, name: part.partitionPath(quarantine, io.month), keyColumns: ["source", "line"])
            for r in 0..<rows.count {
                guard let s = Source(rawValue: rows.key(r, 0)), let line = Int(rows.key(r, 1)) else {
                    throw PanoramaError.runtime("\(part.partitionPath(quarantine, io.month)) row \(r + 2) is damaged; re-run the bucket")
                }
                entries.append((Source.allCases.firstIndex(of: s)!, line, rows.bytes[rows.rows[r]]))
            }
        }
        if !duplicates.isEmpty {
            let raw = try rawRecords(duplicates, io)
            for d in duplicates {
                var w = CSVWriter(header: [])
                w.field(d.source.rawValue)
                w.integer(d.line)
                w.field(QuarantineCode.DUPLICATE_KEY.rawValue)
                w.field("\(SourceRules.keyName(d.source, io.month)) `\(Check.q(d.key))` was already accepted earlier in the file")
                w.field(raw[d.source]?[d.line] ?? "")
                w.endRow()
                entries.append((Source.allCases.firstIndex(of: d.source)!, d.line, w.bytes[...]))
            }
        }
        entries.sort { ($0.source, $0.line) < ($1.source, $1.line) }
        var merged = CSVWriter(header: quarantine.columns)
        for e in entries { merged.appendRow(e.bytes) }
        tables.append(TableOutput(quarantine, merged))

        let notDelivered = qualities.first?.notDelivered ?? []
        var report = StageReport()
        report.inputs = sources.map { q in
            LineageEntry(kind: .delivery, name: q.source.rawValue, month: io.month, path: q.file, rows: q.read, sha256: q.sha256)
        }
        report.quality = CleanseQuality(maxRejectRate: settings.maxRejectRate, sources: sources, notDelivered: notDelivered).json
        let counts = sources.map { "\($0.source.rawValue) \($0.read)/\($0.clean)/\($0.quarantined)" }
        report.summary = "merged \(parts.count) buckets (\(duplicates.count) duplicate keys across buckets); read/clean/quarantined: "
            + counts.joined(separator: ", ") + notDelivered.map { "; " + $0.notDeliveredNote }.joined()
        let failures = sources.filter { $0.rejectShare > settings.maxRejectRate }.map {
            "\($0.source.rawValue): \($0.quarantined) of \($0.read) rows quarantined (\(formatNumber(100 * $0.rejectShare) ?? "")% > \(formatNumber(100 * settings.maxRejectRate) ?? "")%)"
        }
        if !failures.isEmpty {
            try io.publish(tables.filter { $0.table == quarantine })
            report.failure = PanoramaError.input(
                "quality gate failed for \(io.month): " + failures.joined(separator: "; ")
                    + ". Nothing but the quarantine was published; see the quarantine partition of \(io.month)")
            return report
        }
        try io.publish(tables)
        return report
    }

    /// The original text of the records on the given lines of each delivery (for the quarantine's
    /// `raw` of a duplicate found across buckets).
    private static func rawRecords(_ wanted: [(source: Source, line: Int, key: String)], _ io: StageIO) throws -> [Source: [Int: String]] {
        var out: [Source: [Int: String]] = [:]
        for source in Source.allCases {
            let lines = Set(wanted.filter { $0.source == source }.map(\.line))
            guard !lines.isEmpty else { continue }
            let file = try DeliveryFile(source: source, delivery: io.delivery(source.fileName),
                                        encoding: io.config.encoding(for: source.rawValue))
            let all = file.recordRanges(parts: 1)
            _ = file.forEachRecord(in: all[0], firstLine: file.firstRecordLine) { record in
                if case .row(let line, let range, _) = record, lines.contains(line) { out[source, default: [:]][line] = file.text(range) }
            }
        }
        return out
    }
}
