import Foundation
import Testing
import PanoramaTestSupport
import PanoramaEngine
import PanoramaCore
@testable import PanoramaStages

/// The byte-level rules decide exactly as the String rules did, and settling on all cores decides
/// exactly as checking row by row in file order.
@Suite("Cleanse on bytes: lookups, msisdn, and settling in parallel")
struct CleanseBytesTests {
    static func bytes<T>(_ s: String, _ f: (UnsafeBufferPointer<UInt8>) -> T) -> T { Array(s.utf8).withUnsafeBufferPointer(f) }

    @Test("an enum spelling found byte by byte is the code Vocabulary.lookup finds on the String")
    func enumLookups() {
        let tables = [Vocabulary.brand, Vocabulary.vipLevel, Vocabulary.gender, Vocabulary.status, Vocabulary.channel,
                      Vocabulary.touchpoint, Vocabulary.category, Vocabulary.program, Vocabulary.contactChannel,
                      Vocabulary.contactOutcome]
        // Beyond every spelling in three cases: near misses, control characters, and text whose
        // Unicode case folding or canonical equivalence reaches a spelling (the Kelvin sign K
        // lowercases to k; U+F90A is canonically 金).
        let odd = ["", "gotone ", "GoTone", "gotonex", "easy\u{0}own", "mar\u{212A}eting", "\u{F90A}卡", "无\u{0}", "app", "Ａpp", "M\u{1F}"]
        for table in tables {
            for text in table.spellings.keys.flatMap({ [$0, $0.uppercased(), $0.capitalized] }) + odd {
                let expected = Vocabulary.lookup(text, in: table.spellings)
                let got = Self.bytes(text) { table.code($0) }.map { table.codes[$0] }
                #expect(got == expected, "\(text) in \(table.allowed)")
            }
        }
        #expect(Self.bytes("mar\u{212A}eting") { Vocabulary.category.code($0) }.map { Vocabulary.category.codes[$0] } == "marketing")
        #expect(Self.bytes("\u{F90A}卡") { Vocabulary.vipLevel.code($0) }.map { Vocabulary.vipLevel.codes[$0] } == "gold")
        #expect(Vocabulary.gender.allowed == "F, M")
    }

    @Test("not-answered tokens match on bytes as on the String")
    func notAnswered() {
        for text in ["", "99", "N/A", "n/a", "NA", "na", "不知道", "98", "N/A ", "n\u{0}a", "\u{4E0D}\u{77E5}\u{9053}", "NＡ"] {
            #expect(Self.bytes(text) { Check.isNotAnswered($0) } == Check.isNotAnswered(text), "\(text)")
        }
    }

    /// The msisdn rule as it was written on Strings (SPEC §2.1).
    static func referenceMSISDN(_ value: String) -> String? {
        var digits: [UInt8] = []
        let raw = Array(value.utf8)
        var k = 0
        while k < raw.count {
            if raw[k] == 0xE3 && k + 2 < raw.count && raw[k + 1] == 0x80 && raw[k + 2] == 0x80 { k += 3; continue }
            if raw[k] != 0x20 && raw[k] != 0x09 && raw[k] != UInt8(ascii: "-") { digits.append(raw[k]) }
            k += 1
        }
        if digits.starts(with: Array("+86".utf8)) {
            digits.removeFirst(3)
        } else if digits.count == 15 && digits.starts(with: Array("0086".utf8)) {
            digits.removeFirst(4)
        } else if digits.count == 13 && digits.starts(with: Array("86".utf8)) {
            digits.removeFirst(2)
        }
        guard digits.count == 11, digits[0] == UInt8(ascii: "1"), digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        return String(decoding: digits, as: UTF8.self)
    }

    @Test("msisdn: every separator and prefix form gives the number the String rule gave")
    func msisdn() {
        let forms = ["13800138000", "+86 138-0013-8000", "008613800138000", "8613800138000", "138 0013\t8000", "138\u{3000}0013\u{3000}8000",
                     "+8613800138000", "+86+8613800138000", "0086 1380013800", "861380013800", "23800138000", "1380013800a",
                     "138001380001", "+86", "", "-", "0086138001380001", "+86 138 0013 8000 0", "1380013800\u{3000}0",
                     "86 13800138000", "0086-13800138000", "12345678901234567890", "1\u{3000}"]
        for form in forms {
            #expect(Self.bytes(form) { Check.msisdn($0) }.map(String.init) == Self.referenceMSISDN(form), "\(form)")
        }
    }

    /// One customers.csv row (valid unless `bad`, which breaks its msisdn).
    static func customer(_ id: String, bad: Bool = false) -> String {
        let quoted = id.contains(",") || id.contains("\"") ? "\"" + id.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : id
        return "\(quoted),\(bad ? "12345" : "13800138000"),北京,,gotone,gold,M,,2010-01-01,active,"
    }

    @Test("settling many pieces on all cores quarantines exactly what row-by-row settling would",
          arguments: [1, 3, 7, 16])
    func settleMatchesSequential(pieces: Int) throws {
        // Ids from a small pool, so that most repeat across pieces and buckets; some are quoted
        // (a comma, a quote) and some rows fail a field check, which must not block a later good one.
        let pool = (0..<120).map { "C\($0)" } + ["C,5", "C\"q", "Ｃ9"]
        var state: UInt64 = 42
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(truncatingIfNeeded: (state >> 33) % UInt64(n))
        }
        var customers = ["customer_id,msisdn,city,county,brand,vip_level,gender,birth_date,join_date,status,churn_date"]
        var expectedCustomers: [String] = []       // reason per line, "" = clean
        var accepted = Set<String>()
        for _ in 0..<900 {
            let id = pool[next(pool.count)]
            let bad = next(5) == 0
            customers.append(Self.customer(id, bad: bad))
            // Ｃ9 is normalised to C9 before any check: the same key.
            let key = id == "Ｃ9" ? "C9" : id
            if bad { expectedCustomers.append("BAD_MSISDN") } else if accepted.insert(key).inserted { expectedCustomers.append("") } else { expectedCustomers.append("DUPLICATE_KEY") }
        }
        var usage = ["customer_id,month,arpu"]
        var expectedUsage: [String] = []
        var billed = Set<String>()
        for _ in 0..<900 {
            let id = next(4) == 0 ? "X\(next(50))" : pool[next(pool.count)]
            let bad = next(6) == 0
            let quoted = id.contains(",") || id.contains("\"") ? "\"" + id.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : id
            usage.append("\(quoted),2026-10,\(bad ? "-1" : "10")")
            let key = id == "Ｃ9" ? "C9" : id
            if bad { expectedUsage.append("OUT_OF_RANGE") } else if !accepted.contains(key) { expectedUsage.append("UNKNOWN_CUSTOMER") } else if billed.insert(key).inserted { expectedUsage.append("") } else { expectedUsage.append("DUPLICATE_KEY") }
        }
        let deliveries = CleanseBadInputTests.deliveries(customers: customers.joined(separator: "\n") + "\n",
                                                          usage: usage.joined(separator: "\n") + "\n")
        var cleanse = Cleanse(month: CleanseBadInputTests.month, settings: CleanseSettings(maxRejectRate: 1))
        cleanse.largeFileBytes = 0
        cleanse.piecesPerLargeFile = pieces
        let out = try cleanse.run(deliveries: deliveries, encodings: [:])
        // (The default surveys.csv and complaints.csv rows are left out.)
        let quarantine = CleanseBadInputTests.quarantine(out).filter { $0.0.hasPrefix("customers:") || $0.0.hasPrefix("usage:") }
        func reasons(_ source: String, _ expected: [String]) -> [String] {
            expected.enumerated().compactMap { $0.element.isEmpty ? nil : "\(source):\($0.offset + 2):\($0.element)" }
        }
        let got = quarantine.map(\.0), want = reasons("customers", expectedCustomers) + reasons("usage", expectedUsage)
        #expect(got.count == want.count)
        if let k = (0..<min(got.count, want.count)).first(where: { got[$0] != want[$0] }) {
            Issue.record("quarantine row \(k): \(got[k]), expected \(want[k])")
        }
        #expect(out.quality[0].clean == expectedCustomers.filter(\.isEmpty).count)
        #expect(out.quality[1].clean == expectedUsage.filter(\.isEmpty).count)
        // The details quote the key as delivered, quotes undone.
        if let dup = quarantine.first(where: { $0.0.hasPrefix("customers:") && $0.0.hasSuffix("DUPLICATE_KEY") && $0.1.contains("C,5") }) {
            #expect(dup.1 == "customer_id `C,5` was already accepted earlier in the file")
        }
        if let unknown = quarantine.first(where: { $0.0.hasSuffix("UNKNOWN_CUSTOMER") }) {
            #expect(unknown.1.hasPrefix("customer_id `X") && unknown.1.hasSuffix("` is not a clean customer of 2026-10"))
        }
        // The clean ids are the first acceptances, in file order, quoted where they must be.
        let dim = CleanseBadInputTests.table(out, CleanseStage.dimCustomer)
        var reader = CSVReader(bytes: Array(dim.utf8))
        _ = reader.next()
        var ids: [String] = []
        while reader.next() != nil { ids.append(reader.rawField(0)) }
        var seen = Set<String>()
        let firsts = zip(customers.dropFirst(), expectedCustomers).filter { $0.1.isEmpty }.map { row, _ -> String in
            var r = CSVReader(bytes: Array(row.utf8))
            _ = r.next()
            return r.normalizedField(0)
        }.filter { seen.insert($0).inserted }
        #expect(ids == firsts)
    }

    @Test("a CR-only header after a byte-order mark is reported at its offset in the text, as before")
    func carriageReturnAfterBOM() {
        let customers = "\u{FEFF}" + CleanseBadInputTests.customersHeader.replacingOccurrences(of: "\n", with: "\r") + "C1\r"
        do {
            _ = try CleanseBadInputTests.run(CleanseBadInputTests.deliveries(customers: customers))
            Issue.record("a CR-only file was accepted")
        } catch let e as PanoramaError {
            #expect(e.message.contains("lone carriage return at byte 92)"), "\(e.message)")
        } catch { Issue.record("unexpected \(error)") }
    }

    @Test("ingest's count of a delivery equals the records cleanse reads from it")
    func ingestCount() throws {
        let text = CleanseBadInputTests.customersHeader + "\n   \n" + Self.customer("C1") + "\r\n"
            + "\"C2\n\",13800138000,北京,\"a\"\"b\",gotone,,,,2010-01-01,active,\n" + "C3,\"x\"y,1\n" + "\u{3000}\n" + Self.customer("C4")
        let delivery = Delivery(path: "/in/customers.csv", bytes: Array(text.utf8), sha256: "")
        var file = try DeliveryFile(source: .customers, delivery: delivery, encoding: .utf8)
        var read = 0, malformed = 0
        _ = file.forEachRow(in: file.recordRanges(parts: 1)[0], firstLine: file.firstRecordLine) { row in
            read += 1
            if case .malformed = row { malformed += 1 }
        }
        let counted = file.countRecords()
        #expect(counted.read == read && counted.malformed == malformed)
        #expect(read == 4 && malformed == 1)
        #expect(file.blankLines == 3)
    }
}
