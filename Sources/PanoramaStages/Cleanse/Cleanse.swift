import PanoramaCore

/// Settings of a `cleanse` stage (SPEC §3.1, §7).
public struct CleanseSettings: Sendable {
    /// Quality gate: a source whose quarantined/read share is greater than this fails the month.
    public var maxRejectRate: Double = 0.05
    public init(maxRejectRate: Double = 0.05) { self.maxRejectRate = maxRejectRate }
}

/// What `cleanse` produced for a month: the clean tables, the quarantine table, and the counts.
public struct CleanseOutput {
    /// Tables in publish order: dim_customer, fact_usage, fact_survey, fact_complaint, quarantine.
    public var tables: [(name: String, csv: CSVWriter)]
    public var quality: [SourceQuality]
    /// Sources whose reject share broke the gate (empty when the month passes).
    public var gateFailures: [String]
}

/// Stage `cleanse`: applies every rule of SPEC §2 to the four deliveries of a month.
public struct Cleanse {
    public var month: Month
    public var settings: CleanseSettings

    public init(month: Month, settings: CleanseSettings) {
        self.month = month
        self.settings = settings
    }

    /// Reads the four files in `inputDir` (encodings per source) and applies the rules.
    public func run(inputDir: String, encodings: [Source: InputEncoding]) throws -> CleanseOutput {
        var quarantine = CSVWriter(header: ["source", "line", "reason", "detail", "raw"])
        var tables: [(name: String, csv: CSVWriter)] = []
        var quality: [SourceQuality] = []
        var customers = Set<String>()
        for source in Source.allCases {
            var file = try DeliveryFile(source: source, path: inputDir + "/" + source.fileName,
                                        encoding: encodings[source] ?? .utf8)
            var q = SourceQuality(source: source, file: file.path, sha256: file.sha256, bytes: file.byteCount)
            q.extraColumns = file.extraColumns
            var rules = SourceRules(source: source, month: month, customers: customers)
            var clean = CSVWriter(header: SourceRules.outputColumns(source))
            file.forEachRecord { record in
                q.read += 1
                switch record {
                case .malformed(let line, let raw, let reason):
                    reject(&quarantine, &q, line: line, raw: raw, Rejection(.MALFORMED_RECORD, "malformed record: \(reason)"))
                case .row(let line, let raw, let values):
                    do throws(Rejection) {
                        try rules.accept(values, into: &clean, nulled: &q.nulled)
                        q.clean += 1
                    } catch {
                        reject(&quarantine, &q, line: line, raw: raw, error)
                    }
                }
            }
            q.blankLines = file.blankLines
            if source == .customers { customers = rules.acceptedKeys }
            tables.append((source.cleanTable, clean))
            quality.append(q)
        }
        tables.append(("quarantine", quarantine))
        let failures = quality.filter { $0.rejectShare > settings.maxRejectRate }.map {
            "\($0.source.rawValue): \($0.quarantined) of \($0.read) rows quarantined (\(formatNumber(100 * $0.rejectShare) ?? "")% > \(formatNumber(100 * settings.maxRejectRate) ?? "")%)"
        }
        return CleanseOutput(tables: tables, quality: quality, gateFailures: failures)
    }

    private func reject(_ out: inout CSVWriter, _ q: inout SourceQuality, line: Int, raw: String, _ r: Rejection) {
        q.quarantinedByCode[r.code, default: 0] += 1
        out.field(q.source.rawValue)
        out.integer(line)
        out.field(r.code.rawValue)
        out.field(r.detail)
        out.field(raw)
        out.endRow()
    }
}
