import Testing
import PanoramaCore
import PanoramaEngine
@testable import PanoramaStages

/// A bucket's view of a delivery keeps the whole file's reading of every record, or refuses the
/// file: a malformed record whose reading depends on later lines cannot be split (docs/scale-out.md).
@Suite("Bucket views: malformed records read as in the whole file, or the bucket run is refused")
struct BucketViewTests {
    static let header = "survey_id,customer_id,survey_date,channel,nps\n"

    static func open(_ text: String, bucket: BucketSpec?) throws -> DeliveryFile {
        let bytes = Array(text.utf8)
        return try DeliveryFile(source: .surveys, delivery: Delivery(path: "/in/surveys.csv", bytes: bytes, sha256: ""),
                                encoding: .utf8, bucket: bucket)
    }

    /// Every record as (line, kind, reason, raw text).
    static func records(_ file: DeliveryFile) -> [String] {
        var out: [String] = []
        let all = file.recordRanges(parts: 1)
        _ = file.forEachRecord(in: all[0], firstLine: file.firstRecordLine) { record in
            switch record {
            case .row(let line, let range, _): out.append("\(line) row \(file.text(range))")
            case .malformed(let line, let raw, let reason): out.append("\(line) malformed \(reason): \(raw)")
            }
        }
        return out
    }

    @Test("an unclosed quote, read across later lines in the whole file, is refused in every bucket with exit 3")
    func unclosedQuote() throws {
        // Line 3 opens a quote that line 4's record closes in the whole file; with line 4 blanked in
        // bucket 0's view the quote would close on line 5 instead and swallow three lines.
        let text = Self.header + "S1,C1,2026-10-05,sms,9\n" + "S2,C2,2026-10-05,\"start of a remark\n"
            + "S3,C3,2026-10-05,\"x, y\",8\n" + "end of remark\",6,sms,6\n" + "S4,C4,2026-10-06,sms,7\n"
        let whole = Self.records(try Self.open(text, bucket: nil))
        #expect(whole.contains { $0.hasPrefix("3 malformed") })
        for k in 0..<2 {
            do {
                _ = try Self.open(text, bucket: BucketSpec(index: k, count: 2))
                Issue.record("bucket \(k)/2 accepted a file it cannot split")
            } catch let error as PanoramaError {
                #expect(error.exitCode == .dataQuality)
                #expect(error.message.hasPrefix("/in/surveys.csv line 3 is a malformed record (text follows a closing quote) whose reading depends on the lines after it"),
                        "\(error.message)")
                #expect(error.message.contains("without --bucket"))
            }
        }
        // A quote never closed at all is refused the same way.
        let open = Self.header + "S1,C1,2026-10-05,sms,\"9\n" + "S4,C4,2026-10-06,sms,7\n"
        #expect(throws: PanoramaError.self) { try Self.open(open, bucket: BucketSpec(index: 1, count: 3)) }
    }

    @Test("a malformed record read from its own line is kept by bucket 0 exactly as the whole file reads it")
    func localFaults() throws {
        let text = Self.header + "S1,C1,2026-10-05,sms,9\n" + "S2,C2,2026-10-05,ab\"c,9\n" + "S3,C3,\"2026\"x,sms,8\n"
            + "S4,C4,2026-10-06,sms\n" + "S5,C5,2026-10-06,\"two\nlines\",7\n" + "S6,C6,2026-10-07,sms,6\n"
        let whole = Self.records(try Self.open(text, bucket: nil))
        #expect(whole.filter { $0.contains("malformed") }.count == 3)
        var seen: [String] = []
        for k in 0..<3 {
            let part = Self.records(try Self.open(text, bucket: BucketSpec(index: k, count: 3)))
            // Malformed records belong to bucket 0 and nowhere else.
            #expect(part.contains { $0.contains("malformed") } == (k == 0))
            seen += part
        }
        #expect(seen.sorted { Int($0.prefix { $0 != " " })! < Int($1.prefix { $0 != " " })! } == whole)
    }
}
