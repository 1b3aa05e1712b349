import PanoramaConfig
import PanoramaCore
import PanoramaEngine

/// Stage kind `cleanse`: applies every rule of SPEC §2 to the month's deliveries and publishes the
/// clean tables and the quarantine of SPEC §3.1 — or, when the quality gate fails, the quarantine
/// alone (exit 3).
public enum CleanseStage: StageKind {
    public typealias Settings = CleanseSettings

    public static let name = "cleanse"
    public static let abstract = "applies the delivery rules; publishes the clean tables and the quarantine (quality gate: exit 3)"
    public static let parameters = [
        StageParameter("max_reject_rate", default: "0.05", "quality gate: the largest quarantined/read share of a source, 0–1"),
    ]

    public static let dimCustomer = TableSchema("dim_customer", producer: name, columns: [
        "customer_id", "msisdn", "city", "county", "brand", "vip_level", "gender", "birth_date", "join_date", "status",
        "churn_date",
    ])
    public static let factUsage = TableSchema("fact_usage", producer: name, columns: Source.usage.columns.map(\.name))
    public static let factSurvey = TableSchema("fact_survey", producer: name, columns: Source.surveys.columns.map(\.name))
    public static let factComplaint = TableSchema("fact_complaint", producer: name, columns: Source.complaints.columns.map(\.name))
    /// The call centre's follow-up contacts (SPEC §2.5); header only in a month without contacts.csv.
    public static let factContact = TableSchema("fact_contact", producer: name, columns: Source.contacts.columns.map(\.name))
    public static let quarantine = TableSchema("quarantine", producer: name, columns: ["source", "line", "reason", "detail", "raw"])
    /// Bucket runs only (docs/scale-out.md): the delivery line of every clean row, so that a merge
    /// puts the buckets' rows back in file order. Never published by an ordinary run.
    public static let rowLines = TableSchema("cleanse_row_lines", producer: name, columns: ["source", "line"])
    public static let tables = [dimCustomer, factUsage, factSurvey, factComplaint, factContact, quarantine, rowLines]
    public static let mergesBuckets = true

    public static func settings(_ stage: StageConfig, in config: PipelineConfig) throws -> Settings {
        let rate = try stage.double("max_reject_rate", default: 0.05)
        guard (0...1).contains(rate) else {
            throw ConfigError(location: stage.param("max_reject_rate")?.location,
                              message: "\(stage.id).max_reject_rate must be a share between 0 and 1 (0.05 = 5 %), not \(formatNumber(rate) ?? "\(rate)")")
        }
        return Settings(maxRejectRate: rate)
    }

    public static func run(_ settings: Settings, _ io: StageIO) throws -> StageReport {
        var encodings: [Source: InputEncoding] = [:]
        for s in Source.allCases { encodings[s] = io.config.encoding(for: s.rawValue) }
        // A required file that is missing is exit 3 (from `io.delivery`); an optional one is nil.
        let deliveries = try parallelMap(Source.allCases.count) { k -> Delivery? in
            let source = Source.allCases[k]
            if source.isOptional && !io.hasDelivery(source.fileName) { return nil }
            return try io.delivery(source.fileName)
        }

        // The deliveries must be the ones ingest checked, or lineage would lie: same checksums, and
        // an optional file neither added nor removed since.
        if let ingest = io.upstream(IngestStage.self), let manifest = io.manifest(of: IngestStage.self) {
            let rerun = "run `panorama run \(io.config.file) --month \(io.month) --stage \(ingest.id)` first"
            for (source, delivery) in zip(Source.allCases, deliveries) {
                let recorded = manifest.inputs.first { $0.kind == .delivery && $0.name == source.rawValue }
                if let delivery, let recorded, recorded.sha256 != delivery.sha256 {
                    throw PanoramaError.usage("\(delivery.path) changed since stage `\(ingest.id)` checked it for \(io.month); \(rerun)")
                }
                if source.isOptional && (recorded == nil) != (delivery == nil) {
                    let what = delivery == nil ? "was removed" : "was delivered"
                    throw PanoramaError.usage(
                        "\(io.deliveryPath(source.fileName)) \(what) after stage `\(ingest.id)` checked the deliveries of \(io.month); \(rerun)")
                }
            }
        }
        let output = try Cleanse(month: io.month, settings: settings, bucket: io.bucket).run(deliveries: deliveries, encodings: encodings)

        var report = StageReport()
        report.inputs = output.quality.map { q in
            LineageEntry(kind: .delivery, name: q.source.rawValue, month: io.month, path: q.file, rows: q.read, sha256: q.sha256)
        }
        report.quality = CleanseQuality(maxRejectRate: settings.maxRejectRate, sources: output.quality,
                                        notDelivered: output.notDelivered).json
        for q in output.quality where !q.extraColumns.isEmpty {
            report.warnings.append("\(q.file): unknown columns ignored: \(MessageText.excerpt(q.extraColumns.joined(separator: ", ")))"
                                   + DeliveryFile.byteOrderMarkNote(q.extraColumns))
        }
        for q in output.quality where !q.controlCharactersRemoved.isEmpty {
            let fields = q.controlCharactersRemoved.keys.sorted().map { "\($0) in \(q.controlCharactersRemoved[$0]!) row(s)" }
            report.warnings.append("\(q.file): control characters removed from free text: \(fields.joined(separator: ", "))")
        }
        var tables = output.tables.map { TableOutput($0.table, $0.csv) }
        if let lines = output.rowLines { tables.append(TableOutput(rowLines, lines)) }
        let counts = output.quality.map { "\($0.source.rawValue) \($0.read)/\($0.clean)/\($0.quarantined)" }
        report.summary = "read/clean/quarantined: " + counts.joined(separator: ", ")
            + output.notDelivered.map { "; " + $0.notDeliveredNote }.joined()
        if !output.gateFailures.isEmpty {
            try io.publish(tables.filter { $0.table == quarantine })
            report.failure = PanoramaError.input(
                "quality gate failed for \(io.month): " + output.gateFailures.joined(separator: "; ")
                    + ". Nothing but the quarantine was published; see the quarantine partition of \(io.month)")
            return report
        }
        try io.publish(tables)
        return report
    }

    public static func invariants(_ io: StageIO) throws -> [(String, Bool)] {
        guard let quality = io.ownManifest()?.quality(CleanseQuality.self) else { return [] }
        return [("rows read = clean + quarantined for every source",
                 quality.sources.allSatisfy { $0.read == $0.clean + $0.quarantined })]
    }
}

/// Settings of a `cleanse` stage (SPEC §3.1, §7).
public struct CleanseSettings: Sendable, Equatable {
    /// Quality gate: a source whose quarantined/read share is greater than this fails the month.
    public var maxRejectRate: Double = 0.05
    public init(maxRejectRate: Double = 0.05) { self.maxRejectRate = maxRejectRate }
}

/// What `cleanse` records in its manifest: the gate, the counts of every delivered source and the
/// optional sources that were not delivered.
public struct CleanseQuality: ManifestQuality {
    public var maxRejectRate: Double
    public var sources: [SourceQuality]
    /// Optional deliveries absent this month (SPEC §2.5), each written with its note
    /// ("contacts.csv not delivered").
    public var notDelivered: [Source]

    public init(maxRejectRate: Double, sources: [SourceQuality], notDelivered: [Source] = []) {
        self.maxRejectRate = maxRejectRate
        self.sources = sources
        self.notDelivered = notDelivered
    }

    public var json: JSONValue {
        .object([("max_reject_rate", .double(maxRejectRate)), ("sources", .array(sources.map(\.json))),
                 ("not_delivered", notDeliveredJSON(notDelivered.map(\.rawValue)))])
    }

    /// Reads the manifest form; a manifest written before contacts.csv existed has no
    /// `not_delivered` and reads as "everything delivered".
    public init?(json: JSONValue) {
        guard let items = json["sources"]?.arrayValue else { return nil }
        let sources = items.compactMap(SourceQuality.init(json:))
        guard sources.count == items.count else { return nil }
        let absent = readNotDelivered(json).compactMap(Source.init(rawValue:))
        self.init(maxRejectRate: json["max_reject_rate"]?.doubleValue ?? 0.05, sources: sources, notDelivered: absent)
    }
}

/// The manifest form of absent optional deliveries: `[{"source": "contacts", "note": "contacts.csv not delivered"}]`.
func notDeliveredJSON(_ sources: [String]) -> JSONValue {
    .array(sources.map { s in
        .object([("source", .string(s)), ("note", .string(Source(rawValue: s)?.notDeliveredNote ?? s + ".csv not delivered"))])
    })
}

/// The sources listed under `not_delivered` (none when the key is absent).
func readNotDelivered(_ json: JSONValue) -> [String] {
    json["not_delivered"]?.arrayValue?.compactMap { $0["source"]?.stringValue } ?? []
}
