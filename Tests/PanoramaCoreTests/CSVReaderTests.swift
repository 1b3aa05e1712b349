import Testing
@testable import PanoramaCore

/// Reads every record of `text` as (line, kind, fields, raw).
func records(_ text: String, header: Bool = true) -> [(line: Int, kind: CSVRecordKind, fields: [String], raw: String)] {
    var reader = CSVReader(bytes: Array(text.utf8))
    var out: [(Int, CSVRecordKind, [String], String)] = []
    var first = header
    while let kind = reader.next() {
        let fields = kind == .record ? (0..<reader.fields.count).map { reader.rawField($0) } : []
        if first { reader.expectedFieldCount = fields.count; first = false }
        out.append((reader.recordLine, kind, fields, reader.rawText()))
    }
    return out
}

@Suite("CSV reader (RFC 4180 on bytes)")
struct CSVReaderTests {
    @Test("quoted commas, doubled quotes and newlines inside quotes are one field")
    func quoting() {
        let r = records("a,b,c\n\"x,1\",\"say \"\"hi\"\"\",\"two\nlines\"\nplain,2,3\n")
        #expect(r.count == 3)
        #expect(r[1].fields == ["x,1", "say \"hi\"", "two\nlines"])
        #expect(r[1].line == 2)
        #expect(r[1].raw == "\"x,1\",\"say \"\"hi\"\"\",\"two\nlines\"")
        #expect(r[2].line == 4)
        #expect(r[2].fields == ["plain", "2", "3"])
    }

    @Test("CRLF line ends are stripped from the last field and the raw text")
    func crlf() {
        let r = records("a,b\r\n1,2\r\n3,\"4\"\r\n")
        #expect(r.map(\.fields) == [["a", "b"], ["1", "2"], ["3", "4"]])
        #expect(r[1].raw == "1,2")
        #expect(r[2].raw == "3,\"4\"")
    }

    @Test("blank lines (spaces only too) are skipped but counted in line numbers")
    func blankLines() {
        var reader = CSVReader(bytes: Array("a,b\n\n1,2\n   \n\t\n\u{3000}\u{3000}\n3,4".utf8))
        _ = reader.next(); reader.expectedFieldCount = 2
        #expect(reader.next() == .record); #expect(reader.recordLine == 3)
        #expect(reader.next() == .record); #expect(reader.recordLine == 7)
        #expect(reader.next() == nil)
        #expect(reader.blankLines == 4)
    }

    @Test("each kind of malformed record is reported with its first physical line")
    func malformed() {
        let r = records("a,b\nab\"c,1\n\"x\"y,2\n1,2,3\n1\n\"open,2\nnext,3\n")
        #expect(r[1].kind == .malformed(reason: "a quote stands inside an unquoted field"))
        #expect(r[1].raw == "ab\"c,1")
        #expect(r[2].kind == .malformed(reason: "text follows a closing quote"))
        #expect(r[3].kind == .malformed(reason: "it has 3 fields where the header has 2"))
        #expect(r[4].kind == .malformed(reason: "it has 1 fields where the header has 2"))
        // "open,2\nnext,3\n" never closes its quote: only line 6 is lost, line 7 reads normally.
        #expect(r[5].kind == .malformed(reason: "the file ends inside a quoted field"))
        #expect(r[5].line == 6)
        #expect(r[5].raw == "\"open,2")
        #expect(r[6].line == 7)
        #expect(r[6].fields == ["next", "3"])
    }

    @Test("a malformed record spanning lines costs only its first line")
    func malformedSpanningLines() {
        let r = records("a,b\n\"x\n\"q,2\n5,6\n")
        #expect(r[1].kind != .record)
        #expect(r[1].line == 2)
        #expect(r[1].raw == "\"x")
        // Reading resumes on line 3, which is itself malformed (text after the closing quote), then line 4.
        #expect(r[2].line == 3)
        #expect(r.last!.fields == ["5", "6"])
        #expect(r.last!.line == 4)
    }

    @Test("a last line without a newline is read")
    func noFinalNewline() {
        let r = records("a,b\n1,2")
        #expect(r.count == 2)
        #expect(r[1].fields == ["1", "2"])
    }
}

@Suite("CSV writer and number format (SPEC §1)")
struct CSVWriterTests {
    @Test("numbers are rounded to 6 decimals without exponent, trailing zeros or -0")
    func numbers() {
        #expect(formatNumber(80.5) == "80.5")
        #expect(formatNumber(3) == "3")
        #expect(formatNumber(-0.25) == "-0.25")
        #expect(formatNumber(-0.0) == "0")
        #expect(formatNumber(-0.0000001) == "0")
        #expect(formatNumber(0.1 + 0.2) == "0.3")
        #expect(formatNumber(1.0 / 3) == "0.333333")
        #expect(formatNumber(2.0 / 3) == "0.666667")
        #expect(formatNumber(1e20) == "100000000000000000000")
        #expect(formatNumber(123456.0000004) == "123456")
        #expect(formatNumber(0.0000005) == "0.000001" || formatNumber(0.0000005) == "0")  // binary value decides
        #expect(formatNumber(.nan) == nil)
        #expect(formatNumber(.infinity) == nil)
    }

    @Test("fields with commas, quotes or newlines are quoted; quotes doubled")
    func quoting() {
        var w = CSVWriter(header: ["a", "b", "c"])
        w.field("x,y"); w.field("say \"hi\""); w.field("two\nlines"); w.endRow()
        w.field(nil as String?); w.number(nil); w.boolean(true); w.endRow()
        #expect(String(decoding: w.bytes, as: UTF8.self) == "a,b,c\n\"x,y\",\"say \"\"hi\"\"\",\"two\nlines\"\n,,true\n")
        #expect(w.rows == 2)
        var d = CSVWriter(header: [])
        d.date(Day(year: 2026, month: 3, day: 5)); d.dateTime(DateTime(day: Day(year: 987, month: 12, day: 31), hour: 7, minute: 0, second: 9))
        d.date(nil); d.endRow()
        #expect(String(decoding: d.bytes, as: UTF8.self) == "2026-03-05,0987-12-31 07:00:09,\n")
    }

    @Test("every kind of cell is separated right at a row's start and after another cell")
    func cellsAtEitherPlace() {
        var w = CSVWriter(header: [])
        w.number(-12.5); w.number(1e20); w.number(0.1 + 0.2); w.number(.nan); w.number(2.0 / 3); w.endRow()
        w.integer(Int.min); w.integer(Int.max); w.integer(0); w.integer(nil); w.integer(-7); w.endRow()
        w.boolean(false); w.boolean(true); w.boolean(nil); w.boolean(false); w.endRow()
        w.dateTime(DateTime(day: Day(year: 2026, month: 1, day: 2), hour: 23, minute: 59, second: 58)); w.date(Day(year: 12026, month: 11, day: 30)); w.endRow()
        w.number(nil); w.number(1_234_567.000_000_4); w.number(-0.000_000_1); w.number(999_999_999.999_999); w.endRow()
        #expect(String(decoding: w.bytes, as: UTF8.self) == """
            -12.5,100000000000000000000,0.3,,0.666667
            -9223372036854775808,9223372036854775807,0,,-7
            false,true,,false
            2026-01-02 23:59:58,12026-11-30
            ,1234567,0,999999999.999999

            """)
        #expect(w.rows == 5)
        var numbers: [UInt8] = []
        // 5e-7 is a little below a half-millionth in binary, so %.6f writes 0.000000.
        for x in [3.0, -0.25, 1.0 / 3, 2.5e-5, 5e-7, 123456789.5] { appendNumber(x, to: &numbers); numbers.append(0x20) }
        #expect(String(decoding: numbers, as: UTF8.self) == "3 -0.25 0.333333 0.000025 0 123456789.5 ")
    }
}

@Suite("Number format fast path agrees with printf")
struct NumberFormatAgreementTests {
    @Test("a million pseudo-random values format exactly as %.6f would")
    func agreement() {
        var state: UInt64 = 0x9E3779B97F4A7C15
        func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state >> 11 }
        for k in 0..<200_000 {
            let magnitude = [1e-7, 1e-3, 1, 100, 1e5, 1e8][k % 6]
            let v = (Double(next()) / Double(1 << 53) - 0.5) * 2 * magnitude
            let halves = Double(Int64(next() % 2_000_000) - 1_000_000) / 2_000_000 + 0.0000005   // near half-millionths
            for x in [v, halves, (v * 1000).rounded() / 1000] {
                var fast: [UInt8] = []
                appendNumber(x, to: &fast)
                var slow = printfSixDecimals(x)
                if slow.contains(UInt8(ascii: ".")) == false, slow == Array("-0".utf8) { slow = Array("0".utf8) }
                if x == x.rounded() && abs(x) < 1e15 { continue }
                #expect(fast == slow, "\(x)")
                if fast != slow { return }
            }
        }
    }
}

@Suite("Parallel chunked parsing of large partitions")
struct ChunkedParseTests {
    @Test("a large file with quoted line breaks parses the same in chunks as in one pass")
    func chunkedEqualsSequential() throws {
        var w = CSVWriter(header: ["id", "note", "n"])
        for i in 0..<120_000 {
            w.field("C\(i)")
            w.field(i % 7 == 0 ? "line one\nline \"two\", with comma" : "plain row \(i) with some padding text")
            w.integer(i)
            w.endRow()
        }
        #expect(w.bytes.count > 4 << 20)
        let table = try ColumnarTable.parse(w.bytes, name: "big")
        #expect(table.rowCount == 120_000)
        for i in [0, 1, 6, 7, 59_999, 60_000, 119_999] {
            #expect(table[i, 0] == "C\(i)")
            #expect(table[i, 1] == (i % 7 == 0 ? "line one\nline \"two\", with comma" : "plain row \(i) with some padding text"))
            #expect(table.int(i, 2) == i)
        }
        let picked = try ColumnarTable.parse(w.bytes, name: "big", columns: ["n", "id"])
        #expect(picked.header == ["n", "id"])
        #expect(picked[119_999, 0] == "119999" && picked[119_999, 1] == "C119999")
        // The file is cut into chunks parsed at once; with one chunk it is one sequential pass.
        let sequential = try PartitionParser.parse(ByteStore(copying: w.bytes), name: "big", columns: nil, hash: false, chunks: 1).table
        #expect(sequential.rowCount == table.rowCount)
        for i in stride(from: 0, to: 120_000, by: 997) {
            for c in 0..<3 { #expect(Array(table.bytes(i, c)) == Array(sequential.bytes(i, c))) }
        }
    }
}
