import PanoramaCore

/// One delivered CSV file opened for reading: decoded to UTF-8, header matched to the source's
/// columns (SPEC §2), records streamed with their physical line numbers.
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

    /// Opens, decodes and matches the header; a missing required column or a bad encoding is exit 3.
    public init(source: Source, path: String, encoding: InputEncoding) throws {
        self.source = source
        self.path = path
        let raw = try FileIO.read(path)
        self.byteCount = raw.count
        self.sha256 = ChecksumCache.shared.sha256(of: raw, at: path)
        let utf8 = try TextDecoding.utf8Bytes(of: raw, encoding: encoding, file: path)
        var reader = CSVReader(bytes: utf8)
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
                "\(path) has no column \(missing.map { "`\($0)`" }.joined(separator: ", ")) (columns found: \(names.joined(separator: ", "))); the delivery must carry every required column of SPEC §2")
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
        self.reader = reader
    }

    /// One record as the cleanse rules see it.
    public enum Record {
        /// A well-formed record; `values` are the normalised fields in SPEC column order; the raw
        /// text is `text(rawRange)` (built only when a row is quarantined).
        case row(line: Int, rawRange: Range<Int>, values: [String])
        case malformed(line: Int, raw: String, reason: String)
    }

    /// Streams every non-blank record after the header.
    public mutating func forEachRecord(_ body: (Record) throws -> Void) rethrows {
        var values = [String](repeating: "", count: columnIndex.count)
        while let kind = reader.next() {
            switch kind {
            case .malformed(let reason):
                try body(.malformed(line: reader.recordLine, raw: reader.rawText(), reason: reason))
            case .record:
                for (k, idx) in columnIndex.enumerated() {
                    values[k] = idx.map { reader.normalizedField($0) } ?? ""
                }
                try body(.row(line: reader.recordLine, rawRange: reader.rawRange, values: values))
            }
        }
    }

    /// The decoded UTF-8 text of the file.
    public var utf8: [UInt8] { reader.bytes }

    /// The original text of a byte range of the decoded file.
    public func text(_ range: Range<Int>) -> String {
        String(decoding: reader.bytes[range], as: UTF8.self)
    }

    /// Counts the records after the header (all, and malformed) without building field values.
    public mutating func countRecords() -> (read: Int, malformed: Int) {
        var read = 0, malformed = 0
        while let kind = reader.next() {
            read += 1
            if kind != .record { malformed += 1 }
        }
        return (read, malformed)
    }

    /// Blank lines skipped so far.
    public var blankLines: Int { reader.blankLines }
}
