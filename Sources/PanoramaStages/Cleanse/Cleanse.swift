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

    /// One record's outcome after the field checks, in file order.
    enum Outcome {
        case rejected(line: Int, raw: String, Rejection)
        case pending(line: Int, raw: Range<Int>, PendingRow)
    }

    /// The field-checked records of one file and the clean rows rendered so far.
    struct CheckedFile {
        var quality: SourceQuality
        var outcomes: [Outcome] = []
        var staging: CSVWriter
        /// The decoded file, for the raw text of rows rejected after the field checks.
        var text: [UInt8] = []

        func raw(_ range: Range<Int>) -> String { String(decoding: text[range], as: UTF8.self) }
    }

    /// Reads the four files in `inputDir` (encodings per source) and applies the rules.
    ///
    /// The four files are read, decoded and field-checked in parallel (the field checks of a row do
    /// not depend on other rows); then, in file order, UNKNOWN_CUSTOMER against the clean customers
    /// and DUPLICATE_KEY against the rows accepted so far decide what is kept. The result is the
    /// same as checking row by row.
    public func run(inputDir: String, encodings: [Source: InputEncoding]) throws -> CleanseOutput {
        let checked = try parallelMap(Source.allCases.count) { k -> CheckedFile in
            let source = Source.allCases[k]
            return try check(source, path: inputDir + "/" + source.fileName, encoding: encodings[source] ?? .utf8)
        }
        var quarantine = CSVWriter(header: ["source", "line", "reason", "detail", "raw"])
        var tables: [(name: String, csv: CSVWriter)] = []
        var quality: [SourceQuality] = []
        var customers = ByteKeyIndex()
        for file in checked {
            var q = file.quality
            let source = q.source
            var clean = CSVWriter(header: SourceRules.outputColumns(source))
            clean.reserve(file.staging.bytes.count)
            var accepted = ByteKeyIndex(capacity: file.outcomes.count)
            let keyName = SourceRules.keyName(source, month)
            for outcome in file.outcomes {
                switch outcome {
                case .rejected(let line, let raw, let rejection):
                    reject(&quarantine, &q, line: line, raw: raw, rejection)
                case .pending(let line, let range, let row):
                    if let customer = row.customer, customers.find(customer) == nil {
                        reject(&quarantine, &q, line: line, raw: file.raw(range),
                               Rejection(.UNKNOWN_CUSTOMER, "customer_id `\(customer)` is not a clean customer of \(month)"))
                        continue
                    }
                    var key = row.key
                    guard key.withUTF8({ accepted.insert($0).inserted }) else {
                        reject(&quarantine, &q, line: line, raw: file.raw(range),
                               Rejection(.DUPLICATE_KEY, "\(keyName) `\(row.key)` was already accepted earlier in the file"))
                        continue
                    }
                    clean.appendRow(file.staging.bytes[row.bytes])
                    q.clean += 1
                    if row.nulledGender { q.nulled["gender", default: 0] += 1 }
                    if row.nulledBirthDate { q.nulled["birth_date", default: 0] += 1 }
                }
            }
            if source == .customers { customers = accepted }
            tables.append((source.cleanTable, clean))
            quality.append(q)
        }
        tables.append(("quarantine", quarantine))
        let failures = quality.filter { $0.rejectShare > settings.maxRejectRate }.map {
            "\($0.source.rawValue): \($0.quarantined) of \($0.read) rows quarantined (\(formatNumber(100 * $0.rejectShare) ?? "")% > \(formatNumber(100 * settings.maxRejectRate) ?? "")%)"
        }
        return CleanseOutput(tables: tables, quality: quality, gateFailures: failures)
    }

    /// Reads one file and applies every check that needs only the row itself.
    func check(_ source: Source, path: String, encoding: InputEncoding) throws -> CheckedFile {
        var file = try DeliveryFile(source: source, path: path, encoding: encoding)
        var q = SourceQuality(source: source, file: file.path, sha256: file.sha256, bytes: file.byteCount)
        q.extraColumns = file.extraColumns
        let rules = SourceRules(source: source, month: month)
        var out = CheckedFile(quality: q, staging: CSVWriter(header: []))
        out.staging.reserve(file.byteCount)
        out.text = file.utf8
        file.forEachRecord { record in
            out.quality.read += 1
            switch record {
            case .malformed(let line, let raw, let reason):
                out.outcomes.append(.rejected(line: line, raw: raw, Rejection(.MALFORMED_RECORD, "malformed record: \(reason)")))
            case .row(let line, let range, let values):
                do throws(Rejection) {
                    let row = try rules.check(values, into: &out.staging)
                    out.outcomes.append(.pending(line: line, raw: range, row))
                } catch {
                    out.outcomes.append(.rejected(line: line, raw: out.raw(range), error))
                }
            }
        }
        out.quality.blankLines = file.blankLines
        return out
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
