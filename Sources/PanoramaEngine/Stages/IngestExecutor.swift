import PanoramaConfig
import PanoramaCore
import PanoramaStages

/// Stage `ingest`: checks that the month's four deliveries exist, decode in their declared
/// encoding, carry every required column, and parse as CSV; records their checksums and counts in
/// its manifest, which is the contract `cleanse` reads against (docs/decisions.md).
struct IngestExecutor: StageExecutor {
    func execute(_ context: StageContext) throws -> StageReport {
        let dir = PipelineConfig.resolve(context.config.inputPath, month: context.month)
        var report = StageReport()
        // The four files are independent: decode, hash and count them on all cores.
        let files = try parallelMap(Source.allCases.count) { k -> (DeliveryFile, Int, Int) in
            let source = Source.allCases[k]
            var file = try DeliveryFile(source: source, path: dir + "/" + source.fileName,
                                        encoding: context.config.encoding(for: source.rawValue))
            let (read, malformed) = file.countRecords()
            return (file, read, malformed)
        }
        var parts: [String] = []
        for (file, read, malformed) in files {
            let source = file.source
            if !file.extraColumns.isEmpty {
                report.warnings.append("\(file.path): unknown columns ignored: \(file.extraColumns.joined(separator: ", "))")
            }
            let missingOptional = zip(source.columns, file.columnIndex).filter { $0.1 == nil }.map { $0.0.name }
            if !missingOptional.isEmpty {
                report.warnings.append("\(file.path): optional columns absent, read as empty: \(missingOptional.joined(separator: ", "))")
            }
            report.inputs.append(.object([
                ("source", .string(source.rawValue)),
                ("path", .string(file.path)),
                ("sha256", .string(file.sha256)),
                ("bytes", .int(file.byteCount)),
                ("rows", .int(read)),
                ("malformed", .int(malformed)),
                ("blank_lines", .int(file.blankLines)),
                ("encoding", .string(context.config.encoding(for: source.rawValue).rawValue)),
                ("extra_columns", .array(file.extraColumns.map { .string($0) })),
            ]))
            parts.append("\(source.rawValue) \(read)")
        }
        report.summary = "rows read: " + parts.joined(separator: ", ")
        return report
    }
}
