import Testing
@testable import PanoramaCore

@Suite("Value parsing of the accepted input forms (SPEC §2)")
struct ValueParserTests {
    @Test("field normalisation trims spaces, tabs and U+3000 and maps full-width forms")
    func normalisation() {
        #expect(FieldNormalizer.normalize(" \t\u{3000}abc\u{3000} ") == "abc")
        #expect(FieldNormalizer.normalize("２０２６－１０－０５") == "2026-10-05")
        #expect(FieldNormalizer.normalize("ＡＢｃ．，：／％") == "ABc.,:/%")
        #expect(FieldNormalizer.normalize("￥１２") == "¥12")
        #expect(FieldNormalizer.normalize("＋86") == "＋86")  // full-width plus is not in the list
        #expect(FieldNormalizer.normalize("北京") == "北京")
    }

    @Test("every accepted date form parses; invalid dates do not")
    func dates() {
        let d = Day(year: 2026, month: 10, day: 5)
        for form in ["2026-10-05", "2026/10/05", "20261005", "2026年10月5日", "2026-10-5", "2026/1/5"] {
            #expect(ValueParser.date(form) != nil, "\(form)")
        }
        #expect(ValueParser.date("2026-10-05") == d)
        #expect(ValueParser.date("2026年10月05日") == d)
        for bad in ["2026-02-30", "2026-13-01", "2026105", "202610050", "2026.10.05", "2026-10-05x", "2026-100-05", "", "2026-10"] {
            #expect(ValueParser.date(bad) == nil, "\(bad)")
        }
        #expect(ValueParser.date("2024-02-29") != nil)
        #expect(ValueParser.date("2025-02-29") == nil)
    }

    @Test("datetimes take a date form plus HH:MM[:SS] after a space or T; a bare date is midnight")
    func datetimes() {
        #expect(ValueParser.dateTime("2026-10-05 08:30")?.description == "2026-10-05 08:30:00")
        #expect(ValueParser.dateTime("2026/10/05T08:30:15")?.description == "2026-10-05 08:30:15")
        #expect(ValueParser.dateTime("2026年10月5日 23:59:59")?.description == "2026-10-05 23:59:59")
        #expect(ValueParser.dateTime("20261005")?.description == "2026-10-05 00:00:00")
        for bad in ["2026-10-05 8:30", "2026-10-05 24:00", "2026-10-05 08:60", "2026-10-05  08:30", "2026-10-05 08:30:5"] {
            #expect(ValueParser.dateTime(bad) == nil, "\(bad)")
        }
    }

    @Test("months take 2026-10, 202610, 2026/10 and 2026年10月")
    func months() {
        let m = Month(year: 2026, month: 10)
        for form in ["2026-10", "202610", "2026/10", "2026年10月"] { #expect(ValueParser.month(form) == m, "\(form)") }
        #expect(ValueParser.month("2026-1") == Month(year: 2026, month: 1))
        #expect(ValueParser.month("2026年1月") == Month(year: 2026, month: 1))
        for bad in ["20261", "2026-13", "2026-10-01", "26-10", ""] { #expect(ValueParser.month(bad) == nil, "\(bad)") }
    }

    @Test("decimals accept ¥, 元 and thousands separators; % only in ratio fields")
    func decimals() {
        #expect(ValueParser.decimal("123.45") == .value(123.45))
        #expect(ValueParser.decimal("¥123.45") == .value(123.45))
        #expect(ValueParser.decimal("123.45元") == .value(123.45))
        #expect(ValueParser.decimal("1,234.50") == .value(1234.5))
        #expect(ValueParser.decimal("¥1,234,567.5") == .value(1234567.5))
        #expect(ValueParser.decimal("-5") == .value(-5))
        #expect(ValueParser.decimal("35%") == .bad)
        #expect(ValueParser.decimal("35%", ratio: true) == .value(0.35))
        #expect(ValueParser.decimal("0.35", ratio: true) == .value(0.35))
        for bad in ["12a", "1,23", "12,3456", "", ".", "1e5", "--1", "¥", ".5", "5.", "+5", "¥5元", "0,007", "1,2345.5"] {
            #expect(ValueParser.decimal(bad) == .bad, "\(bad)")
        }
        #expect(ValueParser.decimal("¥0.3", ratio: true) == .bad)       // no currency in a ratio
        #expect(ValueParser.decimal("123.450") == .value(123.45))
    }

    @Test("integers accept 12.0 but not 12.5")
    func integers() {
        #expect(ValueParser.integer("12.0") == .value(12))
        #expect(ValueParser.integer("12.5") == .bad)
        #expect(ValueParser.integer("1,200") == .value(1200))
        #expect(ValueParser.integer("¥7") == .bad)                        // currency only on decimals
        #expect(ValueParser.integer("7元") == .bad)
    }

    @Test("booleans in every accepted spelling and case")
    func booleans() {
        for t in ["1", "true", "TRUE", "yes", "Y", "是"] { #expect(ValueParser.boolean(t) == true, "\(t)") }
        for f in ["0", "false", "No", "n", "否"] { #expect(ValueParser.boolean(f) == false, "\(f)") }
        #expect(ValueParser.boolean("maybe") == nil)
    }
}

@Suite("Calendar arithmetic (SPEC §1)")
struct CalendarTests {
    @Test("whole months clip the day to the month's end")
    func wholeMonths() {
        let jan31 = Day(year: 2026, month: 1, day: 31)
        #expect(jan31.addingMonths(1) == Day(year: 2026, month: 2, day: 28))
        #expect(jan31.wholeMonths(to: Day(year: 2026, month: 2, day: 28)) == 1)
        #expect(jan31.wholeMonths(to: Day(year: 2026, month: 2, day: 27)) == 0)
        #expect(Day(year: 2020, month: 2, day: 29).wholeYears(to: Day(year: 2021, month: 2, day: 28)) == 1)
        #expect(Day(year: 2000, month: 10, day: 31).wholeYears(to: Day(year: 2026, month: 10, day: 30)) == 25)
        #expect(Day(year: 2026, month: 10, day: 5).wholeMonths(to: Day(year: 2026, month: 9, day: 1)) == 0)
    }

    @Test("month keys step across years")
    func months() {
        #expect(Month(key: "2026-01")!.previous.description == "2025-12")
        #expect(Month(key: "2025-12")!.next.description == "2026-01")
        #expect(Month(key: "2026-1") == nil)
        #expect(Month(key: "2026-02")!.lastDay.description == "2026-02-28")
    }
}

@Suite("Checksums and encodings")
struct EncodingTests {
    @Test("SHA-256 matches the FIPS 180-4 test vectors, on the SHA extensions and on the portable code",
          arguments: [true, false])
    func sha(accelerated: Bool) {
        #expect(SHA256Digest.hex(Array("abc".utf8), accelerated: accelerated) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256Digest.hex([], accelerated: accelerated) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        let long = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        #expect(SHA256Digest.hex(long, accelerated: accelerated) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        var incremental = SHA256Digest(accelerated: accelerated)
        incremental.update(Array(long[0..<10])); incremental.update(Array(long[10...]))
        #expect(incremental.finalizeHex() == SHA256Digest.hex(long))
        // One million "a": 15,625 whole blocks through one call.
        #expect(SHA256Digest.hex([UInt8](repeating: 0x61, count: 1_000_000), accelerated: accelerated)
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test("both SHA-256 paths agree at every length around the block and padding edges, fed in uneven pieces")
    func shaPathsAgree() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let bytes = (0..<3000).map { _ -> UInt8 in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
        for n in Array(0...130) + [191, 192, 193, 1000, 2999] {
            let data = Array(bytes[0..<n])
            let portable = SHA256Digest.hex(data, accelerated: false)
            var pieces = SHA256Digest()
            var i = 0, step = 1
            while i < n { let j = min(n, i + step); pieces.update(Array(data[i..<j])); i = j; step = step * 3 % 97 + 1 }
            #expect(pieces.finalizeHex() == portable, "length \(n)")
            #expect(SHA256Digest.hex(data) == portable, "length \(n)")
        }
    }

    @Test("invalid UTF-8 is reported at its byte offset with the encoding hint")
    func invalidUTF8() {
        let bytes: [UInt8] = Array("id,city\n1,".utf8) + [0xB1, 0xB1, 0xBE, 0xA9] + [0x0A]
        #expect(TextDecoding.firstInvalidUTF8(bytes) == 10)
        do {
            _ = try TextDecoding.utf8Bytes(of: bytes, encoding: .utf8, file: "customers.csv")
            Issue.record("expected an error")
        } catch let e as PanoramaError {
            #expect(e.exitCode == .dataQuality)
            #expect(e.message.contains("byte offset 10"))
            #expect(e.message.contains("encoding: gb18030"))
        } catch { Issue.record("unexpected \(error)") }
    }

    @Test("GB18030 bytes decode to UTF-8; a BOM is dropped")
    func gb18030() throws {
        let gbk: [UInt8] = [0xB1, 0xB1, 0xBE, 0xA9]  // 北京
        #expect(try TextDecoding.utf8Bytes(of: gbk, encoding: .gb18030, file: "f") == Array("北京".utf8))
        #expect(try TextDecoding.utf8Bytes(of: [0xEF, 0xBB, 0xBF, 0x61], encoding: .utf8, file: "f") == [0x61])
        #expect(TextDecoding.firstInvalidGB18030([0x61, 0xB1, 0x20]) == 1)
    }
}
