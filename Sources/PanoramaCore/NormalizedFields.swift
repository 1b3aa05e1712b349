/// The fields of the current CSV record as normalised UTF-8 bytes (SPEC §2 field normalisation),
/// picked and ordered by a column map, without building a String per field.
///
/// A field that only needs trimming points straight into the file's bytes; one holding doubled
/// quotes or full-width characters is rewritten into a scratch buffer that is reused from record to
/// record. The views are valid until the next `load` and only while the file's bytes they were
/// loaded from stay pinned (the caller holds them in `withUnsafeBufferPointer`). The memory lives
/// for one `NormalizedFields.with` call; a plain struct of pointers, so reading a field costs no
/// reference counting or exclusivity check.
public struct NormalizedFields {
    private var scratch: UnsafeMutableBufferPointer<UInt8>
    private let views: UnsafeMutableBufferPointer<UnsafeBufferPointer<UInt8>>

    /// Runs `body` with room for `count` fields; the memory is freed when it returns.
    public static func with<R>(count: Int, _ body: (inout NormalizedFields) throws -> R) rethrows -> R {
        var fields = NormalizedFields(
            scratch: .allocate(capacity: 256),
            views: .allocate(capacity: count))
        fields.views.initialize(repeating: UnsafeBufferPointer(start: nil, count: 0))
        defer {
            fields.scratch.deallocate()
            fields.views.deallocate()
        }
        return try body(&fields)
    }

    /// The number of fields (the length of the column map).
    public var count: Int { views.count }

    /// Field `k` of the column map: its normalised bytes (empty for a column the file lacks).
    @inline(__always)
    public subscript(k: Int) -> UnsafeBufferPointer<UInt8> { views[k] }

    /// Loads a record from its field spans and raw range (see `CSVReader.load(into:text:columns:)`).
    mutating func load(_ fields: UnsafeBufferPointer<CSVFieldSpan>, rawRange: Range<Int>, text: UnsafeBufferPointer<UInt8>,
                       columns: [Int?]) {
        do {
            // A rewritten field never outgrows its own bytes: reserve their sum up front so that no
            // view taken for this record moves.
            var needed = 0
            for idx in columns { if let idx { needed += fields[idx].end - fields[idx].start } }
            if needed > scratch.count {
                scratch.deallocate()
                scratch = .allocate(capacity: max(needed, 2 * scratch.count))
            }
            let record = UnsafeBufferPointer(rebasing: text[rawRange])
            // Most records hold no full-width form at all: their fields are only trimmed.
            let mayMap = FieldNormalizer.mayHoldFullWidth(record)
            let base = scratch.baseAddress!
            var used = 0
            for (k, idx) in columns.enumerated() {
                guard let idx else {
                    views[k] = UnsafeBufferPointer(start: nil, count: 0)
                    continue
                }
                let f = fields[idx]
                let at = base + used
                var raw = UnsafeBufferPointer(rebasing: text[f.start..<f.end])
                if f.quoted && raw.contains(0x22) {
                    // Undouble the quotes into the scratch buffer; normalisation then works in place.
                    var w = 0
                    var i = 0
                    while i < raw.count {
                        at[w] = raw[i]
                        w += 1
                        i += raw[i] == 0x22 ? 2 : 1
                    }
                    raw = UnsafeBufferPointer(start: at, count: w)
                }
                let view = mayMap ? FieldNormalizer.normalize(raw, scratch: at)
                    : UnsafeBufferPointer(rebasing: raw[FieldNormalizer.trimmed(raw)])
                // A rewritten field keeps its room in the scratch buffer; a view into the file takes none.
                if view.baseAddress == UnsafePointer(at) { used += view.count }
                else if raw.baseAddress == UnsafePointer(at) { used += raw.count }
                views[k] = view
            }
        }
    }
}

extension CSVReader {
    /// Loads the current record (after `next()` returned `.record`) into `normalized`: its field
    /// `k` is this record's field `columns[k]`, or empty when that is nil. `text` is `bytes`, pinned.
    public func load(into normalized: inout NormalizedFields, text: UnsafeBufferPointer<UInt8>, columns: [Int?]) {
        fields.withUnsafeBufferPointer { normalized.load($0, rawRange: rawRange, text: text, columns: columns) }
    }
}
