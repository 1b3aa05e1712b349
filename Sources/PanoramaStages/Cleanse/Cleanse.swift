import PanoramaCore
import PanoramaEngine

/// What `cleanse` produced for a month: the clean tables, the quarantine table, and the counts.
public struct CleanseOutput {
    /// Tables in publish order: dim_customer, fact_usage, fact_survey, fact_complaint, fact_contact,
    /// quarantine.
    public var tables: [(table: TableSchema, csv: CSVWriter)]
    /// The delivered sources' counts, in `Source` order.
    public var quality: [SourceQuality]
    /// Optional sources that were not delivered this month (their tables have the header only).
    public var notDelivered: [Source]
    /// Sources whose reject share broke the gate (empty when the month passes, and in a bucket run,
    /// where the gate is decided on the merged counts).
    public var gateFailures: [String]
    /// In a bucket run: the line of every clean row, per source in `Source` order
    /// (`CleanseStage.rowLines`), so a merge can put the buckets' rows back in file order.
    public var rowLines: CSVWriter?
}

/// Stage `cleanse`: applies every rule of SPEC §2 to the deliveries of a month (four required, one optional).
public struct Cleanse {
    public var month: Month
    public var settings: CleanseSettings
    /// Files larger than this are field-checked in `piecesPerLargeFile` parallel pieces (tests lower
    /// both to cut small fixtures everywhere).
    var largeFileBytes = 4 << 20
    var piecesPerLargeFile = 4
    /// In a bucket run, the bucket whose records are checked (docs/scale-out.md).
    public var bucket: BucketSpec?

    public init(month: Month, settings: CleanseSettings, bucket: BucketSpec? = nil) {
        self.month = month
        self.settings = settings
        self.bucket = bucket
    }

    /// One record's outcome after the field checks, in file order.
    enum Outcome {
        case rejected(line: Int, raw: String, Rejection)
        case pending(line: Int, raw: Range<Int>, PendingRow)
    }

    /// The field-checked records of one file, as the pieces they were checked in.
    struct CheckedFile {
        var quality: SourceQuality
        var pieces: [CheckedPiece]
        /// Added to each piece's line numbers to make them the file's physical lines.
        var lineOffsets: [Int]
        /// The decoded file, for the raw text of rows rejected after the field checks.
        var text: [UInt8] = []

        func raw(_ range: Range<Int>) -> String { String(decoding: text[range], as: UTF8.self) }
    }

    /// Applies the rules to the month's deliveries (one entry per source, in `Source` order, as the
    /// engine read them; nil for an optional source that was not delivered; encodings per source).
    ///
    /// The files are decoded in parallel; their records are then
    /// field-checked in parallel pieces — large files cut in four at line ends — since the field
    /// checks of a row do not depend on other rows. Then, in file order, UNKNOWN_CUSTOMER against
    /// the clean customers and DUPLICATE_KEY against the rows accepted so far decide what is kept.
    /// The result is the same as checking row by row. An optional source that was not delivered
    /// gets its clean table with the header only, no quality entry (the gate cannot fail on it) and
    /// is listed in `notDelivered`.
    public func run(deliveries: [Delivery?], encodings: [Source: InputEncoding]) throws -> CleanseOutput {
        precondition(deliveries.count == Source.allCases.count, "one entry per source")
        for (source, delivery) in zip(Source.allCases, deliveries) where delivery == nil && !source.isOptional {
            throw PanoramaError.input("\(source.fileName) was not delivered; it is required (SPEC §2)")
        }
        let present = Source.allCases.indices.filter { deliveries[$0] != nil }
        let files = try parallelMap(present.count) { k -> DeliveryFile in
            let source = Source.allCases[present[k]]
            return try DeliveryFile(source: source, delivery: deliveries[present[k]]!, encoding: encodings[source] ?? .utf8,
                                    bucket: bucket)
        }
        let ranges = files.map { $0.recordRanges(parts: $0.byteCount > largeFileBytes ? piecesPerLargeFile : 1) }
        let jobs = ranges.enumerated().flatMap { f, rs in rs.indices.map { (file: f, piece: $0) } }
        let pieces = try parallelMap(jobs.count) { j -> CheckedPiece in
            let (f, k) = jobs[j]
            return checkPiece(files[f], ranges[f][k], firstLine: k == 0 ? files[f].firstRecordLine : 0)
        }
        let checked = files.indices.map { f in
            assemble(files[f], ranges[f], Array(pieces[jobs.firstIndex { $0.file == f }!...].prefix(ranges[f].count)))
        }
        // customers.csv first: the ids it accepts (churned customers included) are what
        // UNKNOWN_CUSTOMER checks the others against; then the other files, which no longer depend on
        // each other, in parallel.
        let customers = settle(checked[0], knownCustomers: nil)
        let others = try parallelMap(checked.count - 1) { settle(checked[1 + $0], knownCustomers: customers.accepted) }
        var settled: [Source: SettledFile] = [:]
        for part in [customers] + others { settled[part.quality.source] = part }
        var quarantine = CSVWriter(header: CleanseStage.quarantine.columns)
        var tables: [(table: TableSchema, csv: CSVWriter)] = []
        var quality: [SourceQuality] = []
        var notDelivered: [Source] = []
        var rowLines = bucket.map { _ in CSVWriter(header: CleanseStage.rowLines.columns) }
        for source in Source.allCases {
            guard let part = settled[source] else {
                tables.append((source.cleanTable, CSVWriter(header: source.cleanTable.columns)))
                notDelivered.append(source)
                continue
            }
            tables.append((source.cleanTable, part.clean))
            quality.append(part.quality)
            quarantine.append(part.quarantine)
            for line in part.cleanLines {
                rowLines?.field(source.rawValue)
                rowLines?.integer(line)
                rowLines?.endRow()
            }
        }
        tables.append((CleanseStage.quarantine, quarantine))
        let failures = bucket != nil ? [] : quality.filter { $0.rejectShare > settings.maxRejectRate }.map {
            "\($0.source.rawValue): \($0.quarantined) of \($0.read) rows quarantined (\(formatNumber(100 * $0.rejectShare) ?? "")% > \(formatNumber(100 * settings.maxRejectRate) ?? "")%)"
        }
        return CleanseOutput(tables: tables, quality: quality, notDelivered: notDelivered, gateFailures: failures, rowLines: rowLines)
    }

    /// One file after the checks that need other rows: its clean table, its quarantine rows
    /// (headerless, in file order) and the keys it accepted.
    struct SettledFile {
        var quality: SourceQuality
        var clean: CSVWriter
        var quarantine: CSVWriter
        var accepted: ByteKeyIndex
        /// The physical line of each clean row, in order (kept in bucket runs only).
        var cleanLines: [Int] = []
    }

    /// Applies UNKNOWN_CUSTOMER (against `knownCustomers`, nil for customers.csv itself) and then
    /// DUPLICATE_KEY to the field-checked rows of one file, in file order.
    func settle(_ file: CheckedFile, knownCustomers: ByteKeyIndex?) -> SettledFile {
        var q = file.quality
        var clean = CSVWriter(header: q.source.cleanTable.columns)
        clean.reserve(file.pieces.reduce(0) { $0 + $1.staging.bytes.count })
        var quarantine = CSVWriter(header: [])
        var accepted = ByteKeyIndex(capacity: file.pieces.reduce(0) { $0 + $1.outcomes.count })
        let keyName = SourceRules.keyName(q.source, month)
        var cleanLines: [Int] = []
        for (piece, lines) in zip(file.pieces, file.lineOffsets) {
            for outcome in piece.outcomes {
                switch outcome {
                case .rejected(let line, let raw, let rejection):
                    reject(&quarantine, &q, line: lines + line, raw: raw, rejection)
                case .pending(let line, let range, let row):
                    if let customer = row.customer, knownCustomers?.find(customer) == nil {
                        reject(&quarantine, &q, line: lines + line, raw: file.raw(range),
                               Rejection(.UNKNOWN_CUSTOMER, "customer_id `\(Check.q(customer))` is not a clean customer of \(month)"))
                        continue
                    }
                    var key = row.key
                    guard key.withUTF8({ accepted.insert($0).inserted }) else {
                        reject(&quarantine, &q, line: lines + line, raw: file.raw(range),
                               Rejection(.DUPLICATE_KEY, "\(keyName) `\(Check.q(row.key))` was already accepted earlier in the file"))
                        continue
                    }
                    clean.appendRow(piece.staging.bytes[row.bytes])
                    if bucket != nil { cleanLines.append(lines + line) }
                    q.clean += 1
                    if row.nulledGender { q.nulled["gender", default: 0] += 1 }
                    if row.nulledBirthDate { q.nulled["birth_date", default: 0] += 1 }
                    if row.cleanedCity { q.controlCharactersRemoved["city", default: 0] += 1 }
                    if row.cleanedCounty { q.controlCharactersRemoved["county", default: 0] += 1 }
                }
            }
        }
        return SettledFile(quality: q, clean: clean, quarantine: quarantine, accepted: accepted, cleanLines: cleanLines)
    }

    /// The field-checked records of one piece of a file, lines numbered from the piece's first line.
    struct CheckedPiece {
        var outcomes: [Outcome] = []
        var staging = CSVWriter(header: [])
        var read = 0
        var end: DeliveryFile.RangeEnd
    }

    /// Applies every check that needs only the row itself to the records starting in `range`.
    func checkPiece(_ file: DeliveryFile, _ range: Range<Int>, firstLine: Int) -> CheckedPiece {
        let rules = SourceRules(source: file.source, month: month)
        var piece = CheckedPiece(end: DeliveryFile.RangeEnd(end: 0, nextLine: 0, blankLines: 0))
        piece.staging.reserve(range.count)
        piece.end = file.forEachRecord(in: range, firstLine: firstLine) { record in
            piece.read += 1
            switch record {
            case .malformed(let line, let raw, let reason):
                piece.outcomes.append(.rejected(line: line, raw: raw, Rejection(.MALFORMED_RECORD, "malformed record: \(reason)")))
            case .row(let line, let range, let values):
                do throws(Rejection) {
                    let row = try rules.check(values, into: &piece.staging)
                    piece.outcomes.append(.pending(line: line, raw: range, row))
                } catch {
                    piece.outcomes.append(.rejected(line: line, raw: file.text(range), error))
                }
            }
        }
        return piece
    }

    /// Puts the pieces of one file in order and finds each piece's first physical line. When a cut
    /// fell inside a record (a quoted line break), the file is checked again in one piece.
    func assemble(_ file: DeliveryFile, _ ranges: [Range<Int>], _ checked: [CheckedPiece]) -> CheckedFile {
        var pieces = checked
        if zip(pieces.dropLast(), ranges).contains(where: { $0.end.end != $1.upperBound }) {
            pieces = [checkPiece(file, ranges.first!.lowerBound..<ranges.last!.upperBound, firstLine: file.firstRecordLine)]
        }
        var q = SourceQuality(source: file.source, file: file.path, sha256: file.sha256, bytes: file.byteCount)
        q.extraColumns = file.extraColumns
        q.blankLines = file.blankLines
        var offsets: [Int] = []
        var nextLine = 0
        for piece in pieces {
            offsets.append(nextLine)
            nextLine += piece.end.nextLine
            q.read += piece.read
            q.blankLines += piece.end.blankLines
        }
        return CheckedFile(quality: q, pieces: pieces, lineOffsets: offsets, text: file.utf8)
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
