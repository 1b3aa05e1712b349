import PanoramaConfig
import PanoramaCore
import PanoramaEngine

/// Stage kind `ingest`: checks that the month's deliveries exist, decode in their declared
/// encoding, carry every required column and parse as CSV; records their checksums and counts in
/// its manifest, which is the contract `cleanse` reads against (docs/decisions.md). An optional
/// delivery (contacts.csv) that is absent is recorded as not delivered, never an error. It
/// publishes no table.
public enum IngestStage: StageKind {
    /// `ingest` takes no parameters.
    public struct Settings: Sendable {}

    public static let name = "ingest"
    public static let abstract = "checks the month's deliveries (presence, encoding, header, CSV) and records their checksums"
    public static let parameters: [StageParameter] = []
    public static let tables: [TableSchema] = []

    public static func settings(_ stage: StageConfig, in config: PipelineConfig) throws -> Settings { Settings() }

    public static func run(_ settings: Settings, _ io: StageIO) throws -> StageReport {
        var report = StageReport()
        // The files are independent: decode, hash and count them on all cores.
        let sources = Source.allCases.filter { !$0.isOptional || io.hasDelivery($0.fileName) }
        let files = try parallelMap(sources.count) { k -> (DeliveryFile, Int, Int) in
            let source = sources[k]
            var file = try DeliveryFile(source: source, delivery: io.delivery(source.fileName),
                                        encoding: io.config.encoding(for: source.rawValue))
            let (read, malformed) = file.countRecords()
            return (file, read, malformed)
        }
        let absent = Source.allCases.filter { !sources.contains($0) }
        var quality = IngestQuality(files: [], notDelivered: absent.map(\.rawValue))
        var parts: [String] = []
        for (file, read, malformed) in files {
            let source = file.source
            if !file.extraColumns.isEmpty {
                report.warnings.append("\(file.path): unknown columns ignored: \(MessageText.excerpt(file.extraColumns.joined(separator: ", ")))"
                                       + DeliveryFile.byteOrderMarkNote(file.extraColumns))
            }
            let missingOptional = zip(source.columns, file.columnIndex).filter { $0.1 == nil }.map { $0.0.name }
            if !missingOptional.isEmpty {
                report.warnings.append("\(file.path): optional columns absent, read as empty: \(missingOptional.joined(separator: ", "))")
            }
            report.inputs.append(LineageEntry(kind: .delivery, name: source.rawValue, month: io.month, path: file.path,
                                              rows: read, sha256: file.sha256))
            quality.files.append(IngestQuality.File(
                source: source.rawValue, bytes: file.byteCount, rows: read, malformed: malformed, blankLines: file.blankLines,
                encoding: io.config.encoding(for: source.rawValue).rawValue, extraColumns: file.extraColumns))
            parts.append("\(source.rawValue) \(read)")
        }
        report.quality = quality.json
        report.summary = "rows read: " + parts.joined(separator: ", ") + absent.map { "; " + $0.notDeliveredNote }.joined()
        return report
    }
}

/// What `ingest` records per delivered file beside its lineage entry.
public struct IngestQuality: ManifestQuality, Equatable {
    public struct File: Sendable, Equatable {
        public var source: String
        public var bytes: Int
        public var rows: Int
        public var malformed: Int
        public var blankLines: Int
        public var encoding: String
        public var extraColumns: [String]
    }

    public var files: [File]
    /// Optional deliveries absent this month (source stems, e.g. `contacts`), each written with its
    /// note ("contacts.csv not delivered").
    public var notDelivered: [String]

    public init(files: [File], notDelivered: [String] = []) {
        self.files = files
        self.notDelivered = notDelivered
    }

    public var json: JSONValue {
        .object([("files", .array(files.map { f in
            .object([
                ("source", .string(f.source)), ("bytes", .int(f.bytes)), ("rows", .int(f.rows)),
                ("malformed", .int(f.malformed)), ("blank_lines", .int(f.blankLines)), ("encoding", .string(f.encoding)),
                ("extra_columns", .array(f.extraColumns.map { .string($0) })),
            ])
        })), ("not_delivered", notDeliveredJSON(notDelivered))])
    }

    public init?(json: JSONValue) {
        guard let items = json["files"]?.arrayValue else { return nil }
        files = items.compactMap { f in
            guard let source = f["source"]?.stringValue else { return nil }
            return File(source: source, bytes: f["bytes"]?.intValue ?? 0, rows: f["rows"]?.intValue ?? 0,
                        malformed: f["malformed"]?.intValue ?? 0, blankLines: f["blank_lines"]?.intValue ?? 0,
                        encoding: f["encoding"]?.stringValue ?? "", extraColumns: f["extra_columns"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        }
        notDelivered = readNotDelivered(json)
    }
}
