/// One field's bytes within the parser's buffer; `quoted` fields still hold doubled quotes.
public struct CSVFieldSpan: Sendable {
    public var start: Int
    public var end: Int
    public var quoted: Bool
}

/// What the reader found at the next record position.
public enum CSVRecordKind: Sendable, Equatable {
    case record
    /// A record that breaks RFC 4180 or has the wrong field count; `reason` says how.
    case malformed(reason: String)
}

/// An RFC 4180 record reader over UTF-8 bytes (SPEC §2 "Records").
///
/// It tracks the physical line where each record starts, skips (and counts) blank lines, and on a
/// malformed record yields only its first physical line and resumes on the next one, so a stray
/// quote costs one line rather than the rest of the file.
public struct CSVReader {
    public let bytes: [UInt8]
    public private(set) var position: Int
    /// Physical line number (1-based) of the next unread line.
    public private(set) var line: Int = 1
    public private(set) var blankLines: Int = 0
    /// Field count a record must have; nil until the header is read.
    public var expectedFieldCount: Int?

    /// Fields of the current record (valid after `next()` returned `.record`).
    public private(set) var fields: [CSVFieldSpan] = []
    /// Line where the current record starts.
    public private(set) var recordLine: Int = 0
    /// Byte range of the current record's original text without its final line break.
    public private(set) var rawRange: Range<Int> = 0..<0

    /// Byte offset where reading stops (the end of the buffer unless a range was given).
    public let end: Int
    /// No record starting at or after this offset is read (a record starting before it may run past it).
    private let stop: Int

    /// Takes UTF-8 bytes (a BOM, if any, already removed).
    public init(bytes: [UInt8]) {
        self.bytes = bytes
        self.position = 0
        self.end = bytes.count
        self.stop = bytes.count
    }

    /// Reads only `range` of `bytes`, which must start and end on record boundaries (used to parse
    /// one large partition in parallel chunks); line numbers then count from the range's start.
    public init(bytes: [UInt8], range: Range<Int>) {
        self.bytes = bytes
        self.position = range.lowerBound
        self.end = range.upperBound
        self.stop = range.upperBound
    }

    /// Reads the records that start in `range` (which must start at a line start), parsing each as
    /// if the whole buffer followed, with lines numbered from `line`: the reader then behaves exactly
    /// as one that had read up to `range.lowerBound`. If `position` ends past `range.upperBound`,
    /// a record ran across it (the range did not end on a record boundary).
    public init(bytes: [UInt8], recordsStartingIn range: Range<Int>, line: Int) {
        self.bytes = bytes
        self.position = range.lowerBound
        self.end = bytes.count
        self.stop = range.upperBound
        self.line = line
    }

    /// Advances to the next non-blank record; nil at end of input.
    public mutating func next() -> CSVRecordKind? {
        bytes.withUnsafeBufferPointer { buf in nextRecord(buf) }
    }

    private mutating func nextRecord(_ b: UnsafeBufferPointer<UInt8>) -> CSVRecordKind? {
        let n = end
        // Skip blank lines (only spaces — ASCII or ideographic U+3000 — tabs and a CR before the LF).
        while position < stop {
            var i = position
            while i < n {
                if b[i] == 0x20 || b[i] == 0x09 || b[i] == 0x0D { i += 1; continue }
                if b[i] == 0xE3 && i + 2 < n && b[i + 1] == 0x80 && b[i + 2] == 0x80 { i += 3; continue }
                break
            }
            if i < n && b[i] != 0x0A { break }
            if i >= n {
                // Trailing whitespace without a newline: a blank last line.
                if i > position { blankLines += 1 }
                position = n
                return nil
            }
            blankLines += 1
            line += 1
            position = i + 1
        }
        if position >= stop { return nil }

        let start = position
        recordLine = line
        fields.removeAll(keepingCapacity: true)
        var i = start
        var newlines = 0
        var failure: String?
        fieldLoop: while true {
            if i < n && b[i] == 0x22 {
                let contentStart = i + 1
                var j = contentStart
                var closed = false
                while j < n {
                    let c = b[j]
                    if c == 0x22 {
                        if j + 1 < n && b[j + 1] == 0x22 { j += 2; continue }
                        closed = true
                        break
                    }
                    if c == 0x0A { newlines += 1 }
                    j += 1
                }
                if !closed { failure = "the file ends inside a quoted field"; break fieldLoop }
                fields.append(CSVFieldSpan(start: contentStart, end: j, quoted: true))
                i = j + 1
                if i >= n { break fieldLoop }
                if b[i] == 0x2C { i += 1; continue fieldLoop }
                if b[i] == 0x0A { break fieldLoop }
                if b[i] == 0x0D && i + 1 < n && b[i + 1] == 0x0A { i += 1; break fieldLoop }
                if b[i] == 0x0D && i + 1 == n { i += 1; break fieldLoop }
                failure = "text follows a closing quote"
                break fieldLoop
            } else {
                var j = i
                while j < n {
                    let c = b[j]
                    if c == 0x2C || c == 0x0A { break }
                    if c == 0x22 { failure = "a quote stands inside an unquoted field"; break fieldLoop }
                    j += 1
                }
                var end = j
                if j < n && b[j] == 0x0A && end > i && b[end - 1] == 0x0D { end -= 1 }
                if j >= n && end > i && b[end - 1] == 0x0D { end -= 1 }
                fields.append(CSVFieldSpan(start: i, end: end, quoted: false))
                if j < n && b[j] == 0x2C { i = j + 1; continue fieldLoop }
                i = j
                break fieldLoop
            }
        }
        if failure == nil, let expected = expectedFieldCount, fields.count != expected {
            failure = "it has \(fields.count) fields where the header has \(expected)"
        }
        if let failure {
            // Quarantine the first physical line only and resume on the next one.
            var e = start
            while e < n && b[e] != 0x0A { e += 1 }
            var rawEnd = e
            if rawEnd > start && b[rawEnd - 1] == 0x0D { rawEnd -= 1 }
            rawRange = start..<rawEnd
            position = e < n ? e + 1 : n
            line += 1
            return .malformed(reason: failure)
        }
        // i is at the record's terminating LF (or CR of CRLF handled above, or n).
        var rawEnd = i
        if i < n && b[i] == 0x0A {
            position = i + 1
            if rawEnd > start && b[rawEnd - 1] == 0x0D { rawEnd -= 1 }
        } else {
            position = n
            if rawEnd > start && rawEnd <= n && b[rawEnd - 1] == 0x0D { rawEnd -= 1 }
        }
        rawRange = start..<rawEnd
        line += newlines + 1
        return .record
    }

    /// The raw text of the current record (for quarantine).
    public func rawText() -> String {
        String(decoding: bytes[rawRange], as: UTF8.self)
    }

    /// The unescaped, unnormalised text of field `k`.
    public func rawField(_ k: Int) -> String {
        let f = fields[k]
        return bytes.withUnsafeBufferPointer { buf in
            let slice = UnsafeBufferPointer(rebasing: buf[f.start..<f.end])
            if !f.quoted || !slice.contains(0x22) { return String(decoding: slice, as: UTF8.self) }
            return String(decoding: unescape(slice), as: UTF8.self)
        }
    }

    /// The normalised text of field `k` (SPEC §2 field normalisation applied).
    public func normalizedField(_ k: Int) -> String {
        let f = fields[k]
        return bytes.withUnsafeBufferPointer { buf in
            let slice = UnsafeBufferPointer(rebasing: buf[f.start..<f.end])
            if !f.quoted { return FieldNormalizer.normalize(slice) }
            let plain = unescape(slice)
            return plain.withUnsafeBufferPointer { FieldNormalizer.normalize($0) }
        }
    }

    private func unescape(_ slice: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(slice.count)
        var k = 0
        while k < slice.count {
            out.append(slice[k])
            k += slice[k] == 0x22 ? 2 : 1
        }
        return out
    }
}
