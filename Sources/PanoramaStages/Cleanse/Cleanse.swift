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

    /// One record of a piece after the field checks, in file order (48 bytes, no String).
    struct CheckedRow {
        /// Physical line, counted from the piece's first line.
        var line: Int
        /// The record's original text in the file's bytes (for the quarantine).
        var raw: Range<Int>
        /// For a row that passed: its clean row in the piece's staging writer.
        var staging: Range<Int>
        /// False when a field check (or the CSV reader) rejected it; its rejection is next in the
        /// piece's `rejections`.
        var passed: Bool
        var notes: RowNotes
    }

    /// The field-checked records of one piece of a file, lines numbered from the piece's first line.
    struct CheckedPiece {
        var rows: [CheckedRow] = []
        /// The rejections of the rows that did not pass, in order.
        var rejections: [Rejection] = []
        /// The clean rows of the rows that passed, rendered.
        var staging = CSVWriter(header: [])
        var read = 0
        var end: DeliveryFile.RangeEnd
    }

    /// The field-checked records of one file, as the pieces they were checked in.
    struct CheckedFile {
        var quality: SourceQuality
        var pieces: [CheckedPiece]
        /// Added to each piece's line numbers to make them the file's physical lines.
        var lineOffsets: [Int]
        /// The file's UTF-8 bytes, which the rows' raw ranges index.
        var text: [UInt8] = []

        func raw(_ row: CheckedRow) -> String { String(decoding: text[row.raw], as: UTF8.self) }
    }

    /// Applies the rules to the month's deliveries (one entry per source, in `Source` order, as the
    /// engine read them; nil for an optional source that was not delivered; encodings per source).
    ///
    /// The files are decoded in parallel; their records are then
    /// field-checked in parallel pieces — large files cut in four at line ends — since the field
    /// checks of a row do not depend on other rows. Then UNKNOWN_CUSTOMER against the clean
    /// customers and DUPLICATE_KEY against the rows accepted so far decide what is kept (see
    /// `verdicts`), and the tables are written in file order (`write`). The result is the same as
    /// checking row by row. An optional source that was not
    /// delivered gets its clean table with the header only, no quality entry (the gate cannot fail
    /// on it) and is listed in `notDelivered`.
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
        var pieces: [CheckedPiece?] = try parallelMap(jobs.count) { j -> CheckedPiece? in
            let (f, k) = jobs[j]
            return checkPiece(files[f], ranges[f][k], firstLine: k == 0 ? files[f].firstRecordLine : 0)
        }
        // Each file takes its pieces out of `pieces`, so that settling it can free them one by one.
        var checked: [CheckedFile?] = files.indices.map { f in
            let first = jobs.firstIndex { $0.file == f }!
            let own = (first..<(first + ranges[f].count)).map { k -> CheckedPiece in
                defer { pieces[k] = nil }
                return pieces[k]!
            }
            return assemble(files[f], ranges[f], own)
        }
        // customers.csv first (it is always delivered): the ids it accepts (churned customers
        // included) are what UNKNOWN_CUSTOMER checks the others against. While its tables are
        // written, which is one pass in file order, the other files are decided on the other cores.
        var customerFile = checked[0]!
        var others = checked.dropFirst().map { $0! }
        checked = []
        let customerVerdicts = try Self.verdicts(customerFile.pieces, knownCustomers: nil, customerField: nil)
        let known = CustomerKeys(sets: customerVerdicts.sets)
        var customerPart: SettledFile?
        var otherVerdicts: [[[UInt8]]] = []
        _ = try parallelMap(2) { task in
            if task == 0 {
                customerPart = write(&customerFile, customerVerdicts.verdicts)
            } else {
                otherVerdicts = try others.map {
                    try Self.verdicts($0.pieces, knownCustomers: known, customerField: Self.customerField($0.quality.source)).verdicts
                }
            }
        }
        var settled: [Source: SettledFile] = [.customers: customerPart!]
        for k in others.indices {
            let part = write(&others[k], otherVerdicts[k])
            settled[part.quality.source] = part
        }
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

    /// One file after the checks that need other rows: its clean table and its quarantine rows
    /// (headerless, in file order).
    struct SettledFile {
        var quality: SourceQuality
        var clean: CSVWriter
        var quarantine: CSVWriter
        /// The physical line of each clean row, in order (kept in bucket runs only).
        var cleanLines: [Int] = []
    }

    /// What settling decided for a row, one byte per row: 0 (accepted) or one of these.
    private enum Verdict {
        static let failedChecks: UInt8 = 0xFF
        static let unknownCustomer: UInt8 = 0xFE
        static let duplicateKey: UInt8 = 0xFD
    }

    /// The field of a clean row holding the customer UNKNOWN_CUSTOMER checks (nil for customers.csv).
    static func customerField(_ source: Source) -> Int? {
        source == .customers ? nil : source == .usage ? 0 : 1
    }

    /// Writes the clean and quarantine rows of one file in file order, as `verdicts` decided them,
    /// freeing each piece once it is written.
    func write(_ file: inout CheckedFile, _ verdicts: [[UInt8]]) -> SettledFile {
        let source = file.quality.source
        let customerField = Self.customerField(source)
        var q = file.quality
        var clean = CSVWriter(header: source.cleanTable.columns)
        clean.reserve(file.pieces.reduce(0) { $0 + $1.staging.bytes.count })
        var quarantine = CSVWriter(header: [])
        let keyName = SourceRules.keyName(source, month)
        var cleanLines: [Int] = []
        for p in file.pieces.indices {
            let piece = file.pieces[p]
            // Drop the file's own reference, so the piece's memory goes when this iteration ends.
            file.pieces[p] = CheckedPiece(end: piece.end)
            let lines = file.lineOffsets[p]
            var rejections = piece.rejections.makeIterator()
            for (i, row) in piece.rows.enumerated() {
                switch verdicts[p][i] {
                case Verdict.failedChecks:
                    reject(&quarantine, &q, line: lines + row.line, raw: file.raw(row), rejections.next()!)
                case Verdict.unknownCustomer:
                    let customer = piece.staging.bytes[row.staging].withUnsafeBufferPointer { CleanRow.withField(customerField!, of: $0) { Check.q($0) } }
                    reject(&quarantine, &q, line: lines + row.line, raw: file.raw(row),
                           Rejection(.UNKNOWN_CUSTOMER, "customer_id `\(customer)` is not a clean customer of \(month)"))
                case Verdict.duplicateKey:
                    let key = piece.staging.bytes[row.staging].withUnsafeBufferPointer { CleanRow.withField(0, of: $0) { Check.q($0) } }
                    reject(&quarantine, &q, line: lines + row.line, raw: file.raw(row),
                           Rejection(.DUPLICATE_KEY, "\(keyName) `\(key)` was already accepted earlier in the file"))
                default:  // accepted
                    clean.appendRow(piece.staging.bytes[row.staging])
                    if bucket != nil { cleanLines.append(lines + row.line) }
                    q.clean += 1
                    if row.notes.contains(.nulledGender) { q.nulled["gender", default: 0] += 1 }
                    if row.notes.contains(.nulledBirthDate) { q.nulled["birth_date", default: 0] += 1 }
                    if row.notes.contains(.cleanedCity) { q.controlCharactersRemoved["city", default: 0] += 1 }
                    if row.notes.contains(.cleanedCounty) { q.controlCharactersRemoved["county", default: 0] += 1 }
                }
            }
        }
        return SettledFile(quality: q, clean: clean, quarantine: quarantine, cleanLines: cleanLines)
    }

    /// The verdict on every row of a file's pieces, and the accepted keys by bucket, on all cores:
    /// 1. per piece in parallel: each passing row's customer and key, copied into lists by bucket
    ///    (the later steps then read contiguous memory, and each touches one bucket's set only, small
    ///    enough to stay in cache, instead of rows and sets all over memory);
    /// 2. per customer bucket in parallel: whether each listed customer is a clean customer;
    /// 3. per key bucket in parallel: the bucket's keys in file order, those of known customers
    ///    inserted into the bucket's set. A key already there was accepted earlier in the file — a
    ///    key has one bucket, and only rows that passed every earlier check are inserted — so the
    ///    row is DUPLICATE_KEY: exactly what checking row by row in file order decides.
    /// Keys and customers are read back from the rendered clean rows, where they are the first and
    /// (`customerField`) first or second fields.
    private static func verdicts(_ pieces: [CheckedPiece], knownCustomers: CustomerKeys?,
                                 customerField: Int?) throws -> (verdicts: [[UInt8]], sets: [ByteKeyIndex]) {
        // When the customer is the key itself (usage.csv), one list serves both.
        let separateCustomers = knownCustomers != nil && customerField != nil && customerField != 0
        let lists = try parallelMap(pieces.count) { p -> (customers: [KeyList], keys: [KeyList]) in
            var customers = [KeyList](repeating: KeyList(), count: separateCustomers ? CustomerKeys.buckets : 0)
            var keys = [KeyList](repeating: KeyList(), count: CustomerKeys.buckets)
            for b in keys.indices { keys[b].reserve(pieces[p].rows.count / CustomerKeys.buckets + 16) }
            pieces[p].staging.bytes.withUnsafeBufferPointer { staging in
                for (i, row) in pieces[p].rows.enumerated() where row.passed {
                    let line = UnsafeBufferPointer(rebasing: staging[row.staging])
                    if separateCustomers, let c = customerField {
                        CleanRow.withField(c, of: line) { customers[CustomerKeys.bucket($0)].append($0, row: i) }
                    }
                    CleanRow.withField(0, of: line) { keys[CustomerKeys.bucket($0)].append($0, row: i) }
                }
            }
            return (separateCustomers ? customers : keys, keys)
        }
        var verdicts = pieces.map { piece in piece.rows.map { $0.passed ? 0 : Verdict.failedChecks } }
        if let known = knownCustomers {
            let unknown = try parallelMap(CustomerKeys.buckets) { b -> [(Int, Int)] in
                var rows: [(Int, Int)] = []
                let set = known.sets[b]
                for p in lists.indices {
                    lists[p].customers[b].forEach { customer, row in
                        if set.find(customer) == nil { rows.append((p, row)) }
                    }
                }
                return rows
            }
            for rows in unknown { for (p, i) in rows { verdicts[p][i] = Verdict.unknownCustomer } }
        }
        let rows = pieces.reduce(0) { $0 + $1.rows.count }
        let candidates = verdicts
        let buckets = try parallelMap(CustomerKeys.buckets) { b -> (set: ByteKeyIndex, duplicates: [(Int, Int)]) in
            var set = ByteKeyIndex(capacity: rows / CustomerKeys.buckets + 16)
            var duplicates: [(Int, Int)] = []
            for p in lists.indices {
                lists[p].keys[b].forEach { key, row in
                    if candidates[p][row] != Verdict.unknownCustomer && !set.insert(key).inserted { duplicates.append((p, row)) }
                }
            }
            return (set, duplicates)
        }
        for (_, duplicates) in buckets { for (p, i) in duplicates { verdicts[p][i] = Verdict.duplicateKey } }
        return (verdicts, buckets.map(\.set))
    }

    /// Keys of one bucket in file order, packed, each with its row in the piece.
    private struct KeyList {
        var bytes: [UInt8] = []
        var ends: [Int] = []
        var rows: [Int] = []

        mutating func reserve(_ keys: Int) {
            bytes.reserveCapacity(keys * 10)
            ends.reserveCapacity(keys)
            rows.reserveCapacity(keys)
        }

        mutating func append(_ key: UnsafeBufferPointer<UInt8>, row: Int) {
            bytes.append(contentsOf: key)
            ends.append(bytes.count)
            rows.append(row)
        }

        func forEach(_ body: (UnsafeBufferPointer<UInt8>, Int) -> Void) {
            bytes.withUnsafeBufferPointer { all in
                var start = 0
                for (j, end) in ends.enumerated() {
                    body(UnsafeBufferPointer(rebasing: all[start..<end]), rows[j])
                    start = end
                }
            }
        }
    }

    /// Applies every check that needs only the row itself to the records starting in `range`.
    func checkPiece(_ file: DeliveryFile, _ range: Range<Int>, firstLine: Int) -> CheckedPiece {
        let rules = SourceRules(source: file.source, month: month)
        var piece = CheckedPiece(end: DeliveryFile.RangeEnd(end: 0, nextLine: 0, blankLines: 0))
        piece.staging.reserve(range.count)
        piece.rows.reserveCapacity(file.estimatedRecords(in: range))
        piece.end = file.forEachRow(in: range, firstLine: firstLine) { record in
            piece.read += 1
            switch record {
            case .malformed(let line, let raw, let reason):
                piece.rows.append(CheckedRow(line: line, raw: raw, staging: 0..<0, passed: false, notes: []))
                piece.rejections.append(Rejection(.MALFORMED_RECORD, "malformed record: \(reason)"))
            case .row(let line, let raw, let fields):
                var row = CheckedRow(line: line, raw: raw, staging: 0..<0, passed: true, notes: [])
                do throws(Rejection) {
                    let start = piece.staging.bytes.count
                    row.notes = try rules.check(fields, into: &piece.staging)
                    row.staging = start..<piece.staging.bytes.count
                } catch {
                    row.passed = false
                    piece.rejections.append(error)
                }
                piece.rows.append(row)
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
        return CheckedFile(quality: q, pieces: pieces, lineOffsets: offsets, text: file.bytes)
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

/// The clean customer ids of a month (customers.csv's accepted keys, churned customers included),
/// kept in `buckets` sets by a hash of the id, so that they are built and searched bucket by bucket
/// on all cores, each set small enough to stay in cache.
struct CustomerKeys: Sendable {
    static let buckets = 16
    /// The ids of bucket `b` are in `sets[b]`.
    let sets: [ByteKeyIndex]

    /// The bucket of a key: the top bits of a hash of its bytes (FNV-1a, then a multiply–xorshift
    /// finish, different from the one the sets use inside).
    @inline(__always)
    static func bucket(_ key: UnsafeBufferPointer<UInt8>) -> Int {
        var h: UInt64 = 0xcbf29ce484222325
        for b in key { h = (h ^ UInt64(b)) &* 0x100000001b3 }
        h = (h ^ (h >> 31)) &* 0xBF58_476D_1CE4_E5B9
        h ^= h >> 27
        return Int(truncatingIfNeeded: h >> 60)
    }
}

/// Reading fields back from a clean row this stage rendered with `CSVWriter`.
enum CleanRow {
    /// Calls `body` with field `k` of `row` (its text, quotes undone). Only keys are read back; they
    /// hold no line break, so a key is quoted only for a comma or a quote in it (rare).
    static func withField<T>(_ k: Int, of row: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        var start = 0
        for _ in 0..<k { start = end(of: row, from: start) + 1 }
        if start < row.count && row[start] == 0x22 {
            // A quoted key: undo the doubled quotes (rare).
            var text: [UInt8] = []
            var i = start + 1
            while i < row.count {
                if row[i] == 0x22 {
                    if i + 1 < row.count && row[i + 1] == 0x22 { text.append(0x22); i += 2; continue }
                    break
                }
                text.append(row[i])
                i += 1
            }
            return text.withUnsafeBufferPointer(body)
        }
        var e = start
        while e < row.count && row[e] != 0x2C && row[e] != 0x0A { e += 1 }
        return body(UnsafeBufferPointer(rebasing: row[start..<e]))
    }

    /// The index of the comma (or LF) ending the field that starts at `start`.
    private static func end(of row: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var i = start
        if i < row.count && row[i] == 0x22 {
            i += 1
            while i < row.count {
                if row[i] == 0x22 {
                    if i + 1 < row.count && row[i + 1] == 0x22 { i += 2; continue }
                    i += 1
                    break
                }
                i += 1
            }
            return i
        }
        while i < row.count && row[i] != 0x2C && row[i] != 0x0A { i += 1 }
        return i
    }
}
