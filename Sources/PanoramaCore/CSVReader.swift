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
    /// The reason given for a quote that no later quote closes.
    public static let unclosedQuote = "the file ends inside a quoted field"

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
        guard skipBlankLines(b) else { return nil }
        return parseRecord(b)
    }

    /// Skips blank lines (only spaces — ASCII or ideographic U+3000 — tabs and a CR before the LF),
    /// counting them; false when no record starts before `stop`.
    @inline(__always)
    private mutating func skipBlankLines(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = end
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
                return false
            }
            blankLines += 1
            line += 1
            position = i + 1
        }
        return position < stop
    }

    /// Parses the record starting at `position` (not on a blank line).
    private mutating func parseRecord(_ b: UnsafeBufferPointer<UInt8>) -> CSVRecordKind {
        let n = end
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
                if !closed { failure = CSVReader.unclosedQuote; break fieldLoop }
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
                let j = CSVReader.nextDelimiter(b, from: i, to: n)
                if j < n && b[j] == 0x22 { failure = "a quote stands inside an unquoted field"; break fieldLoop }
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

    /// The first comma, LF or quote at or after `from`, or `to` when there is none; eight bytes at a
    /// time (an unquoted field is usually found in one word).
    @inline(__always)
    static func nextDelimiter(_ b: UnsafeBufferPointer<UInt8>, from: Int, to n: Int) -> Int {
        var i = from
        if let base = b.baseAddress {
            let raw = UnsafeRawPointer(base)
            while i + 8 <= n {
                let w = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                let hits = zeroBytes(w ^ 0x2C2C_2C2C_2C2C_2C2C) | zeroBytes(w ^ 0x0A0A_0A0A_0A0A_0A0A) | zeroBytes(w ^ 0x2222_2222_2222_2222)
                if hits != 0 { return i + hits.trailingZeroBitCount / 8 }
                i += 8
            }
        }
        while i < n {
            let c = b[i]
            if c == 0x2C || c == 0x0A || c == 0x22 { return i }
            i += 1
        }
        return n
    }

    /// The top bit of each byte of `x` that is zero, and no other bit (no carry runs between bytes,
    /// so every marked byte is a zero byte).
    @inline(__always)
    static func zeroBytes(_ x: UInt64) -> UInt64 {
        let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        return ~(((x & low7) &+ low7) | x | low7)
    }

    /// How many bytes a `zeroBytes` mask marks (a multiply sums them into the top byte; the build's
    /// baseline x86-64 has no popcount instruction).
    @inline(__always)
    static func marked(_ mask: UInt64) -> Int { Int(truncatingIfNeeded: ((mask >> 7) &* 0x0101_0101_0101_0101) >> 56) }

    /// Reads every remaining record and counts them and the malformed ones, with the lines and blank
    /// lines `next()` would count, without keeping fields (`fields` is left as it was). A line
    /// without a quote is one record whose field count is its commas plus one, so it is counted
    /// word by word; a line holding a quote is parsed as `next()` parses it.
    public mutating func countRemaining() -> (records: Int, malformed: Int) {
        bytes.withUnsafeBufferPointer { b in
            var records = 0, malformed = 0
            let n = end
            while skipBlankLines(b) {
                records += 1
                let start = position
                if let (lineEnd, commas) = CSVReader.plainLine(b, from: start, to: n) {
                    if let expected = expectedFieldCount, commas + 1 != expected { malformed += 1 }
                    recordLine = line
                    line += 1
                    position = lineEnd < n ? lineEnd + 1 : n
                    var rawEnd = lineEnd
                    if rawEnd > start && b[rawEnd - 1] == 0x0D { rawEnd -= 1 }
                    rawRange = start..<rawEnd
                } else if parseRecord(b) != .record {
                    malformed += 1
                }
            }
            return (records, malformed)
        }
    }

    /// When the line starting at `from` holds no quote: where it ends (its LF, or `to`) and its
    /// commas; nil when it holds a quote. Eight bytes at a time, with exact per-byte tests, so the
    /// counts are exact.
    @inline(__always)
    static func plainLine(_ b: UnsafeBufferPointer<UInt8>, from: Int, to n: Int) -> (end: Int, commas: Int)? {
        var i = from
        var commas = 0
        let base = UnsafeRawPointer(b.baseAddress!)
        while i + 8 <= n {
            let w = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            let lf = zeroBytes(w ^ 0x0A0A_0A0A_0A0A_0A0A)
            let quote = zeroBytes(w ^ 0x2222_2222_2222_2222)
            let comma = zeroBytes(w ^ 0x2C2C_2C2C_2C2C_2C2C)
            if lf | quote == 0 {
                commas += marked(comma)
                i += 8
                continue
            }
            // The first LF or quote in this word decides; count the commas before it.
            let first = (lf | quote).trailingZeroBitCount
            if quote & (UInt64(0xFF) << UInt64(first & ~7)) != 0 { return nil }
            let before = first & ~7 == 0 ? 0 : comma & ((UInt64(1) << UInt64(first & ~7)) &- 1)
            return (i + first / 8, commas + marked(before))
        }
        while i < n {
            let c = b[i]
            if c == 0x0A { return (i, commas) }
            if c == 0x22 { return nil }
            if c == 0x2C { commas += 1 }
            i += 1
        }
        return (n, commas)
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
