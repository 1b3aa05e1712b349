import PanoramaCore
import PanoramaEngine

/// One delivered CSV file opened for reading: decoded to UTF-8 (a UTF-8 file is not copied), header
/// matched to the source's columns (SPEC §2), records streamed with their physical line numbers.
public struct DeliveryFile {
    public let source: Source
    public let path: String
    /// SHA-256 of the file as delivered (before decoding).
    public let sha256: String
    public let byteCount: Int
    /// For each SPEC column (in SPEC order), its index in the file, or nil when absent (optional only).
    public let columnIndex: [Int?]
    /// Header names the source does not know (reported as a warning).
    public let extraColumns: [String]
    /// The header as found, for messages.
    public let headerNames: [String]
    var reader: CSVReader
    /// In a bucket run, the lines that stand blank in the bucket's view of the file because their
    /// record belongs to another bucket (not counted as blank lines of the delivery).
    public private(set) var blankedLines = 0

    /// Decodes a delivery read by the engine and matches its header; a missing required column or
    /// a bad encoding is exit 3.
    /// In a bucket run (`bucket`), only the bucket's records are seen, with the file's line numbers
    /// (`BucketView`).
    public init(source: Source, delivery: Delivery, encoding: InputEncoding, bucket: BucketSpec? = nil) throws {
        self.source = source
        self.path = delivery.path
        let path = delivery.path
        self.byteCount = delivery.bytes.count
        self.sha256 = delivery.sha256
        // A UTF-8 file is read in place: the text starts after its byte-order mark, if any.
        let text = try TextDecoding.decode(delivery.bytes, encoding: encoding, file: path)
        if let cr = DeliveryFile.loneCarriageReturn(text.bytes[text.start...]) {
            throw PanoramaError.input(
                "\(path) has CR-only line endings (the header line ends with a lone carriage return at byte \(cr - text.start)); save it with LF or CRLF line endings")
        }
        var reader = CSVReader(bytes: text.bytes, recordsStartingIn: text.start..<text.bytes.count, line: 1)
        guard let kind = reader.next() else {
            throw PanoramaError.input("\(path) is empty: a header row is required (columns \(source.columns.map(\.name).joined(separator: ", ")))")
        }
        guard kind == .record else {
            throw PanoramaError.input("\(path): the header row on line \(reader.recordLine) is not valid CSV")
        }
        var names: [String] = []
        for k in 0..<reader.fields.count {
            names.append(reader.normalizedField(k).lowercased())
        }
        reader.expectedFieldCount = names.count
        self.headerNames = names
        var index: [Int?] = []
        var missing: [String] = []
        for column in source.columns {
            let found = names.firstIndex(of: column.name)
            if found == nil && column.required { missing.append(column.name) }
            index.append(found)
        }
        if !missing.isEmpty {
            throw PanoramaError.input(
                "\(path) has no column \(missing.map { "`\($0)`" }.joined(separator: ", ")) (columns found: \(MessageText.excerpt(names.joined(separator: ", "))))"
                    + DeliveryFile.byteOrderMarkNote(names) + "; the delivery must carry every required column of SPEC §2")
        }
        let known = Set(source.columns.map(\.name))
        var seen = Set<String>()
        var extra: [String] = []
        for name in names {
            if !known.contains(name) || seen.contains(name) { extra.append(name) }
            seen.insert(name)
        }
        self.extraColumns = extra
        self.columnIndex = index
        if let bucket, let key = source.columns.firstIndex(where: { $0.name == "customer_id" }), let column = index[key] {
            let view = try BucketView.make(text.bytes, headerEnd: reader.position, firstLine: reader.line, fieldCount: names.count,
                                       keyColumn: column, bucket: bucket, path: path)
            var bucketReader = CSVReader(bytes: view.bytes)
            _ = bucketReader.next()
            bucketReader.expectedFieldCount = names.count
            reader = bucketReader
            blankedLines = view.blankedLines
        }
        self.reader = reader
    }

    /// The offset of a carriage return ending the first line without a line feed after it (a file
    /// with CR-only line endings), or nil. Only the first line is looked at.
    static func loneCarriageReturn(_ bytes: ArraySlice<UInt8>) -> Int? {
        for k in bytes.indices {
            if bytes[k] == 0x0A { return nil }
            if bytes[k] == 0x0D { return k + 1 < bytes.endIndex && bytes[k + 1] == 0x0A ? nil : k }
        }
        return nil
    }

    /// Names the header columns holding a byte-order mark (U+FEFF), which is invisible in a message:
    /// a BOM repeated inside the header, as when two exports were concatenated or one was saved with
    /// two BOMs. Empty when there is none.
    static func byteOrderMarkNote(_ names: [String]) -> String {
        let marked = names.indices.filter { names[$0].unicodeScalars.contains("\u{FEFF}") }
        guard !marked.isEmpty else { return "" }
        let which = marked.prefix(3).map { "`\(MessageText.excerpt(names[$0], limit: 60))`" }.joined(separator: ", ")
        return "; \(which) \(marked.count == 1 ? "holds" : "hold") a byte-order mark (U+FEFF) repeated inside the header, "
            + "as when two exports are concatenated or a BOM is written twice: remove it"
    }

    /// One record as the cleanse rules see it, with its fields as Strings (see `forEachRow` for the
    /// same records as bytes).
    public enum Record {
        /// A well-formed record; `values` are the normalised fields in SPEC column order; the raw
        /// text is `text(rawRange)` (built only when a row is quarantined).
        case row(line: Int, rawRange: Range<Int>, values: [String])
        case malformed(line: Int, raw: String, reason: String)
    }

    /// One record as the cleanse rules read it: its normalised fields as bytes.
    public enum Row {
        /// A well-formed record; `fields` holds its normalised fields in SPEC column order, valid
        /// only during the call; the raw text is `text(rawRange)`.
        case row(line: Int, rawRange: Range<Int>, fields: NormalizedFields)
        case malformed(line: Int, rawRange: Range<Int>, reason: String)
    }

    /// The records after the header cut into about `parts` byte ranges at line ends, for checking in
    /// parallel. A cut can fall inside a quoted field; `forEachRecord(in:)` then reports that its
    /// range did not end on a record boundary, and the caller reads the file in one piece instead.
    public func recordRanges(parts: Int) -> [Range<Int>] {
        let bytes = reader.bytes, from = reader.position, n = bytes.count
        guard parts > 1, n - from > 64 * parts else { return [from..<n] }
        var cuts = [from]
        bytes.withUnsafeBufferPointer { b in
            for k in 1..<parts {
                var i = max(cuts.last!, from + (n - from) * k / parts)
                while i < n && b[i] != 0x0A { i += 1 }
                if i + 1 < n && i + 1 > cuts.last! { cuts.append(i + 1) }
            }
        }
        cuts.append(n)
        return (0..<(cuts.count - 1)).map { cuts[$0]..<cuts[$0 + 1] }
    }

    /// About how many records start in `range`: its lines, counted in its first 256 KiB and scaled
    /// (a little over, so that a list reserved for them rarely grows).
    public func estimatedRecords(in range: Range<Int>) -> Int {
        let sample = range.lowerBound..<min(range.upperBound, range.lowerBound + 256 << 10)
        guard !sample.isEmpty else { return 0 }
        let lines = reader.bytes[sample].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        return (lines + 1) * range.count / sample.count * 102 / 100 + 16
    }

    /// How reading the records of one range ended.
    public struct RangeEnd: Sendable {
        /// Where the last record ended: the range's end exactly when no record ran across it.
        public var end: Int
        /// The physical line after the last record.
        public var nextLine: Int
        public var blankLines: Int
    }

    /// Streams the records that start in `range` (from `recordRanges`), numbering physical lines
    /// from `firstLine`; on a record boundary the result is exactly that of reading the whole file.
    /// Fields are normalised into one buffer reused from record to record: no String per field.
    public func forEachRow(in range: Range<Int>, firstLine: Int, _ body: (Row) throws -> Void) rethrows -> RangeEnd {
        var r = CSVReader(bytes: reader.bytes, recordsStartingIn: range, line: firstLine)
        r.expectedFieldCount = reader.expectedFieldCount
        try NormalizedFields.with(count: columnIndex.count) { fields in
            try reader.bytes.withUnsafeBufferPointer { text in
                while let kind = r.next() {
                    switch kind {
                    case .malformed(let reason):
                        try body(.malformed(line: r.recordLine, rawRange: r.rawRange, reason: reason))
                    case .record:
                        r.load(into: &fields, text: text, columns: columnIndex)
                        try body(.row(line: r.recordLine, rawRange: r.rawRange, fields: fields))
                    }
                }
            }
        }
        return RangeEnd(end: r.position, nextLine: r.line, blankLines: r.blankLines)
    }

    /// `forEachRow` with each field as a String.
    public func forEachRecord(in range: Range<Int>, firstLine: Int, _ body: (Record) throws -> Void) rethrows -> RangeEnd {
        try forEachRow(in: range, firstLine: firstLine) { row in
            switch row {
            case .malformed(let line, let rawRange, let reason):
                try body(.malformed(line: line, raw: text(rawRange), reason: reason))
            case .row(let line, let rawRange, let fields):
                let values = (0..<fields.count).map { String(decoding: fields[$0], as: UTF8.self) }
                try body(.row(line: line, rawRange: rawRange, values: values))
            }
        }
    }

    /// The physical line the first record after the header starts on (or a blank line before it).
    public var firstRecordLine: Int { reader.line }

    /// The UTF-8 buffer that record ranges index: the delivered bytes themselves for a UTF-8 file
    /// (a byte-order mark, if any, before the header), else the decoded text.
    public var bytes: [UInt8] { reader.bytes }

    /// The original text of a byte range of the decoded file.
    public func text(_ range: Range<Int>) -> String {
        String(decoding: reader.bytes[range], as: UTF8.self)
    }

    /// Counts the records after the header (all, and malformed) without building field values.
    public mutating func countRecords() -> (read: Int, malformed: Int) {
        let (read, malformed) = reader.countRemaining()
        return (read, malformed)
    }

    /// Blank lines skipped so far (by `countRecords`, or before the header).
    public var blankLines: Int { reader.blankLines - blankedLines }
}
