import PanoramaCore
import PanoramaEngine

/// A delivery as one bucket run sees it (docs/scale-out.md): the header, blank lines and the records
/// of the bucket's customers exactly as delivered, and every other record replaced by as many blank
/// lines as it spans — so line numbers, and the reader's recovery from malformed records, are those
/// of the whole file. A malformed record (its fields cannot be trusted) belongs to bucket 0.
///
/// A malformed record costs its first line only, but whether it is malformed, and why, can depend
/// on the lines after it: an unclosed quote is searched for across later lines. With other buckets'
/// records blanked, bucket 0 would read those lines differently (a quote closed by a later record
/// of its own, a record swallowing three lines), so such a file is refused in every bucket with
/// exit 3 and the advice to run the month whole (docs/scale-out.md).
enum BucketView {
    /// The view of decoded UTF-8 `text` whose header ends at `headerEnd` (records start on line
    /// `firstLine`), and how many lines it blanked.
    static func make(_ text: [UInt8], headerEnd: Int, firstLine: Int, fieldCount: Int, keyColumn: Int,
                     bucket: BucketSpec, path: String) throws -> (bytes: [UInt8], blankedLines: Int) {
        var out: [UInt8] = []
        out.reserveCapacity(text.count / bucket.count + headerEnd + 4096)
        out.append(contentsOf: text[0..<headerEnd])
        var reader = CSVReader(bytes: text, recordsStartingIn: headerEnd..<text.count, line: firstLine)
        reader.expectedFieldCount = fieldCount
        var cursor = headerEnd
        var blanked = 0
        while let kind = reader.next() {
            let start = reader.rawRange.lowerBound
            // Blank lines before the record stay as they are.
            out.append(contentsOf: text[cursor..<start])
            let end = reader.position
            let keep: Bool
            switch kind {
            case .malformed(let reason):
                guard readsAlone(text, reader.rawRange, fieldCount: fieldCount, reason: reason) else {
                    throw PanoramaError.input(
                        "\(path) line \(reader.recordLine) is a malformed record (\(reason)) whose reading depends on the lines after it — a quote that the line does not close; "
                            + "a bucket run cannot reproduce that reading, so run \(path) without --bucket (the whole month in one process), or have the record fixed")
                }
                keep = bucket.index == 0
            case .record:
                var key = reader.normalizedField(keyColumn)
                keep = key.withUTF8 { bucket.contains($0) }
            }
            if keep {
                out.append(contentsOf: text[start..<end])
            } else {
                let lines = text[start..<end].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
                out.append(contentsOf: repeatElement(0x0A, count: lines))
                blanked += lines
            }
            cursor = end
        }
        out.append(contentsOf: text[cursor...])
        return (out, blanked)
    }

    /// Whether a malformed record's first line, read on its own, is malformed for the same reason
    /// without reaching past its line end — then no later line can change its reading.
    static func readsAlone(_ text: [UInt8], _ raw: Range<Int>, fieldCount: Int, reason: String) -> Bool {
        guard reason != CSVReader.unclosedQuote else { return false }
        var line = Array(text[raw])
        line.append(0x0A)
        var reader = CSVReader(bytes: line)
        reader.expectedFieldCount = fieldCount
        if case .malformed(let again)? = reader.next() { return again == reason }
        return false
    }
}
