import Foundation
import Testing
@testable import PanoramaCore

/// Pseudo-random CSV text built from pieces that exercise the reader: quotes (doubled, around line
/// breaks, stray), CRLF, blank lines of spaces, tabs and U+3000, full-width forms, commas, a last line
/// without its line break. Deterministic for a seed.
func tangledCSV(seed: UInt64, lines: Int) -> String {
    var state = seed
    func next(_ n: Int) -> Int {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Int(truncatingIfNeeded: (state >> 33) % UInt64(n))
    }
    let pieces = ["C1", " 12.5 ", "\u{3000}北京\u{3000}", "２０２６－１０－０５", "\"a,b\"", "\"say \"\"hi\"\"\"", "\"two\nlines\"",
                  "", "x\"y", "\"closed\"tail", "ＡＢｃ．，：／％", "￥１２", "\t tab\t", "\"\u{3000}q\u{3000}\"", "\"\"", "0086 138"]
    let breaks = ["\n", "\r\n", "\n", "\n   \n", "\n\t\n", "\n\u{3000}\u{3000}\n", "\n\n", "\r"]
    var text = "a,b,c,d\n"
    for k in 0..<lines {
        let fields = (0..<(next(9) == 0 ? 1 + next(6) : 4)).map { _ in pieces[next(pieces.count)] }
        text += fields.joined(separator: ",")
        if k < lines - 1 || next(2) == 0 { text += breaks[next(breaks.count)] }
    }
    return text
}

/// The normalisation of SPEC §2 written on Unicode scalars, independently of `FieldNormalizer`.
func referenceNormalize(_ text: String) -> String {
    var scalars = Array(text.unicodeScalars)
    let blank: Set<Unicode.Scalar> = [" ", "\t", "\u{3000}"]
    while let f = scalars.first, blank.contains(f) { scalars.removeFirst() }
    while let l = scalars.last, blank.contains(l) { scalars.removeLast() }
    var out = String.UnicodeScalarView()
    for s in scalars {
        switch s.value {
        case 0xFF10...0xFF19, 0xFF21...0xFF3A, 0xFF41...0xFF5A, 0xFF0D, 0xFF0E, 0xFF0C, 0xFF1A, 0xFF0F, 0xFF05:
            out.append(Unicode.Scalar(s.value - 0xFF00 + 0x20)!)
        case 0xFFE5: out.append("¥")
        default: out.append(s)
        }
    }
    return String(out)
}

@Suite("Reading delivery fields as bytes")
struct ByteFieldTests {
    @Test("countRemaining counts the records, malformed ones, lines and blank lines that next() reads",
          arguments: 0..<40)
    func countMatchesNext(seed: Int) {
        let bytes = Array(tangledCSV(seed: UInt64(seed) &+ 7, lines: 5 + seed * 13).utf8)
        var slow = CSVReader(bytes: bytes)
        _ = slow.next()
        slow.expectedFieldCount = 4
        var fast = slow
        var records = 0, malformed = 0
        while let kind = slow.next() {
            records += 1
            if kind != .record { malformed += 1 }
        }
        let counted = fast.countRemaining()
        #expect(counted.records == records && counted.malformed == malformed)
        #expect(fast.line == slow.line && fast.blankLines == slow.blankLines && fast.position == slow.position)
    }

    @Test("a quote-free line is counted by its commas, a line with a quote goes to the parser")
    func plainLines() {
        // 20 bytes with 3 commas, then LF: the words cross the line end.
        let text = Array("aaaa,bbbb,cccc,dddd\n\"q\",x\nlast,one".utf8)
        text.withUnsafeBufferPointer { b in
            let first = CSVReader.plainLine(b, from: 0, to: b.count)
            #expect(first?.end == 19 && first?.commas == 3)
            #expect(CSVReader.plainLine(b, from: 20, to: b.count) == nil)
            let last = CSVReader.plainLine(b, from: 26, to: b.count)
            #expect(last?.end == b.count && last?.commas == 1)
        }
        var reader = CSVReader(bytes: text)
        _ = reader.next()
        reader.expectedFieldCount = 4
        let counted = reader.countRemaining()
        #expect(counted.records == 2 && counted.malformed == 2)
    }

    @Test("every field of every record reads as the independent normalisation of its text", arguments: 0..<20)
    func normalizedViews(seed: Int) {
        let bytes = Array(tangledCSV(seed: UInt64(seed) &+ 101, lines: 200).utf8)
        var reader = CSVReader(bytes: bytes)
        _ = reader.next()
        var checked = 0
        NormalizedFields.with(count: 6) { fields in
            bytes.withUnsafeBufferPointer { text in
                while let kind = reader.next() {
                    guard kind == .record else { continue }
                    // Columns picked out of order, some absent.
                    let n = reader.fields.count
                    let columns: [Int?] = [n > 3 ? 3 : nil, 0, nil, n > 2 ? 2 : nil, n > 1 ? 1 : nil, nil]
                    reader.load(into: &fields, text: text, columns: columns)
                    for (k, c) in columns.enumerated() {
                        let got = String(decoding: fields[k], as: UTF8.self)
                        #expect(got == (c.map { referenceNormalize(reader.rawField($0)) } ?? ""), "field \(k) of line \(reader.recordLine)")
                        checked += 1
                    }
                }
            }
        }
        #expect(checked > 300)
    }

    @Test("a record longer than the scratch buffer is normalised whole")
    func longRecord() {
        let wide = String(repeating: "ＡＢ", count: 300)           // 1,800 bytes that all map
        let bytes = Array("a,b\n\"\(wide)\"\"\",\(wide)\n".utf8)
        var reader = CSVReader(bytes: bytes)
        _ = reader.next()
        _ = reader.next()
        NormalizedFields.with(count: 2) { fields in
            bytes.withUnsafeBufferPointer { text in
                reader.load(into: &fields, text: text, columns: [0, 1])
                #expect(String(decoding: fields[0], as: UTF8.self) == String(repeating: "AB", count: 300) + "\"")
                #expect(String(decoding: fields[1], as: UTF8.self) == String(repeating: "AB", count: 300))
            }
        }
    }

    @Test("a number too large for a double is BAD_NUMBER, never an infinity (that would be written as an empty cell)")
    func overflow() {
        let huge = String(repeating: "9", count: 309), ones = String(repeating: "1", count: 400)
        #expect(ValueParser.decimal(huge) == .bad)
        #expect(ValueParser.integer(ones) == .bad)
        #expect(ValueParser.decimal("-" + huge) == .bad)
        #expect(ValueParser.decimal(huge + ".5") == .bad)
        // The largest digit strings a double holds still read.
        let big = String(repeating: "9", count: 308)
        #expect(ValueParser.decimal(big) == .value(1e308))
        #expect(ValueParser.integer(big) == .value(1e308))
    }

    @Test("byte parsers read what the String parsers read")
    func byteParsers() {
        func bytes<T>(_ s: String, _ f: (UnsafeBufferPointer<UInt8>) -> T) -> T { Array(s.utf8).withUnsafeBufferPointer(f) }
        for s in ["123.45", "¥1,234.50", "12元", "35%", "-5", "1,23", "", "0.000001", "12345678901234567890.5"] {
            #expect(bytes(s) { ValueParser.decimal(bytes: $0) } == ValueParser.decimal(s), "\(s)")
            #expect(bytes(s) { ValueParser.decimal(bytes: $0, ratio: true) } == ValueParser.decimal(s, ratio: true), "\(s)")
            #expect(bytes(s) { ValueParser.integer(bytes: $0) } == ValueParser.integer(s), "\(s)")
        }
        for s in ["2026-10", "202610", "2026/1", "2026年10月", "2026-13", "26-10"] {
            #expect(bytes(s) { ValueParser.month(bytes: $0) } == ValueParser.month(s), "\(s)")
        }
        // Booleans: ASCII case folded byte by byte; other text as a String (U+0130 lowercases to
        // "i̇", the Kelvin sign K to "k": neither is a spelling).
        for s in ["1", "TRUE", "Yes", "y", "是", "否", "No", "N", "maybe", "", "\u{130}", "Y\u{301}", "YES\u{0}", "\u{212A}"] {
            #expect(bytes(s) { ValueParser.boolean(bytes: $0) } == ValueParser.boolean(s), "\(s)")
        }
    }

    @Test("a number, date or datetime in warehouse form is exactly what the writer writes for its value")
    func warehouseForms() {
        func bytes<T>(_ s: String, _ f: (UnsafeBufferPointer<UInt8>) -> T) -> T { Array(s.utf8).withUnsafeBufferPointer(f) }
        for s in ["83.83", "0", "1396", "0.612", "100000", "999999999.999999", "0.000001"] {
            #expect(bytes(s) { ValueParser.isWarehouseNumber($0, integer: false) }, "\(s)")
        }
        for s in ["12.0", "0012", "1,234", "¥5", "5元", "35%", "-0", "-1", "1234567890.5", "0.1234567", ".5", "5.", "00"] {
            #expect(!bytes(s) { ValueParser.isWarehouseNumber($0, integer: false) }, "\(s)")
        }
        #expect(bytes("999999999999999") { ValueParser.isWarehouseNumber($0, integer: true) })
        #expect(!bytes("1000000000000000") { ValueParser.isWarehouseNumber($0, integer: true) })
        #expect(!bytes("12.5") { ValueParser.isWarehouseNumber($0, integer: true) })
        // Random digit strings of every length around the limits: whenever the text is called
        // warehouse form, the writer gives it back.
        var state: UInt64 = 7
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(truncatingIfNeeded: (state >> 33) % UInt64(n))
        }
        var copied = 0
        for _ in 0..<300_000 {
            let whole = String((0..<(1 + next(16))).map { _ in Character(String(next(10))) })
            let fraction = String((0..<next(8)).map { _ in Character(String(next(10))) })
            let text = fraction.isEmpty ? whole : whole + "." + fraction
            for integer in [false, true] {
                let parsed = integer ? ValueParser.integer(text) : ValueParser.decimal(text)
                guard case .value(let v) = parsed, bytes(text, { ValueParser.isWarehouseNumber($0, integer: integer) }) else { continue }
                var w = CSVWriter(header: [])
                w.number(v)
                #expect(String(decoding: w.bytes, as: UTF8.self) == text)
                copied += 1
            }
        }
        #expect(copied > 50_000)
        for _ in 0..<20_000 {
            let text = String(format: "%04d-%02d-%02d %02d:%02d:%02d", next(10_000), 1 + next(12), 1 + next(31), next(24), next(60), next(60))
            if let d = ValueParser.dateTime(text), bytes(text, ValueParser.isWarehouseDateTime) {
                var w = CSVWriter(header: [])
                w.dateTime(d)
                w.date(d.day)
                #expect(String(decoding: w.bytes, as: UTF8.self) == text + "," + text.prefix(10))
                #expect(bytes(String(text.prefix(10)), ValueParser.isWarehouseDate))
            }
        }
        #expect(!bytes("2026-1-05", ValueParser.isWarehouseDate) && !bytes("2026/10/05", ValueParser.isWarehouseDate))
        #expect(!bytes("2026-10-05T08:30:00", ValueParser.isWarehouseDateTime) && !bytes("2026-10-05 08:30", ValueParser.isWarehouseDateTime))
    }

    @Test("a UTF-8 delivery is decoded in place: the BOM is an offset; GB18030 is transcoded")
    func decodeInPlace() throws {
        let withBOM: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("a,b\n1,2\n".utf8)
        let text = try TextDecoding.decode(withBOM, encoding: .utf8, file: "f")
        #expect(text.start == 3 && text.bytes == withBOM)
        #expect(try TextDecoding.decode(Array("a\n".utf8), encoding: .utf8, file: "f").start == 0)
        let gbASCII: [UInt8] = [0x84, 0x31, 0x95, 0x33] + Array("a,b\n".utf8)
        let ascii = try TextDecoding.decode(gbASCII, encoding: .gb18030, file: "f")
        #expect(ascii.start == 4 && ascii.bytes == gbASCII)
        let gb = try TextDecoding.decode([0x84, 0x31, 0x95, 0x33, 0xB1, 0xB1, 0xBE, 0xA9], encoding: .gb18030, file: "f")
        #expect(gb.start == 0 && gb.bytes == Array("北京".utf8))
        // The copying entry point still hands back the text alone.
        #expect(try TextDecoding.utf8Bytes(of: withBOM, encoding: .utf8, file: "f") == Array("a,b\n1,2\n".utf8))
    }

    /// The UTF-8 check one byte at a time, as it was before ASCII runs were skipped by words.
    static func firstInvalidUTF8ByteByByte(_ p: [UInt8]) -> Int? {
        let n = p.count
        var i = 0
        while i < n {
            let c = p[i]
            if c < 0x80 { i += 1; continue }
            var need = 0
            var lo: UInt8 = 0x80, hi: UInt8 = 0xBF
            switch c {
            case 0xC2...0xDF: need = 1
            case 0xE0: need = 2; lo = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: need = 2
            case 0xED: need = 2; hi = 0x9F
            case 0xF0: need = 3; lo = 0x90
            case 0xF1...0xF3: need = 3
            case 0xF4: need = 3; hi = 0x8F
            default: return i
            }
            if i + need >= n { return i }
            if p[i + 1] < lo || p[i + 1] > hi { return i }
            var k = 2
            while k <= need {
                if p[i + k] < 0x80 || p[i + k] > 0xBF { return i }
                k += 1
            }
            i += need + 1
        }
        return nil
    }

    @Test("the word-at-a-time UTF-8 check finds the first bad byte wherever it falls")
    func invalidUTF8Offsets() {
        let good = Array(String(repeating: "abcdefg北京", count: 8).utf8)
        #expect(TextDecoding.firstInvalidUTF8(good) == nil)
        for at in 0..<good.count {
            for bad: UInt8 in [0x80, 0xE5, 0xFF, 0xC0] {
                var bytes = good
                bytes[at] = bad
                #expect(TextDecoding.firstInvalidUTF8(bytes) == Self.firstInvalidUTF8ByteByByte(bytes), "0x\(String(bad, radix: 16)) at \(at)")
            }
        }
        // Cut short at the end of the buffer, after a run of whole words.
        let cut = Array(String(repeating: "a", count: 16).utf8) + [0xE5, 0x8C]
        #expect(TextDecoding.firstInvalidUTF8(cut) == 16)
    }
}
