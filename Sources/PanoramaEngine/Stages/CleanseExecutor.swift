import PanoramaConfig
import PanoramaCore
import PanoramaStages

/// Stage `cleanse`: publishes the clean tables and the quarantine of SPEC §3.1, or, when the
/// quality gate fails, the quarantine alone (exit 3).
struct CleanseExecutor: StageExecutor {
    func execute(_ context: StageContext) throws -> StageReport {
        let settings = CleanseSettings(maxRejectRate: try context.stage.double("max_reject_rate", default: 0.05))
        let dir = PipelineConfig.resolve(context.config.inputPath, month: context.month)
        var encodings: [Source: InputEncoding] = [:]
        for s in Source.allCases { encodings[s] = context.config.encoding(for: s.rawValue) }
        let output = try Cleanse(month: context.month, settings: settings).run(inputDir: dir, encodings: encodings)

        // The deliveries must be the ones ingest checked, or lineage would lie.
        if let ingest = context.upstream(kind: "ingest"), let manifest = context.warehouse.manifest(context.month, stage: ingest.id) {
            for q in output.quality {
                let recorded = manifest["inputs"]?.arrayValue?.first { $0["source"]?.stringValue == q.source.rawValue }
                if let sha = recorded?["sha256"]?.stringValue, sha != q.sha256 {
                    throw PanoramaError.usage(
                        "\(q.file) changed since stage `\(ingest.id)` checked it for \(context.month); run `panorama run \(context.config.file) --month \(context.month) --stage \(ingest.id)` first")
                }
            }
        }

        var report = StageReport()
        report.inputs = output.quality.map { q in
            .object([("source", .string(q.source.rawValue)), ("path", .string(q.file)), ("sha256", .string(q.sha256)), ("rows", .int(q.read))])
        }
        report.quality = .object([
            ("max_reject_rate", .double(settings.maxRejectRate)),
            ("sources", .array(output.quality.map(\.json))),
        ])
        for q in output.quality where !q.extraColumns.isEmpty {
            report.warnings.append("\(q.file): unknown columns ignored: \(q.extraColumns.joined(separator: ", "))")
        }
        let tables = output.tables.map { TableOutput(table: $0.name, csv: $0.csv) }
        let counts = output.quality.map { "\($0.source.rawValue) \($0.read)/\($0.clean)/\($0.quarantined)" }
        report.summary = "read/clean/quarantined: " + counts.joined(separator: ", ")
        if !output.gateFailures.isEmpty {
            report.outputs = try context.publish(tables.filter { $0.table == "quarantine" })
            report.failure = PanoramaError.input(
                "quality gate failed for \(context.month): " + output.gateFailures.joined(separator: "; ")
                    + ". Nothing but the quarantine was published; see \(context.warehouse.partitionPath("quarantine", context.month))")
            return report
        }
        report.outputs = try context.publish(tables)
        return report
    }
}
