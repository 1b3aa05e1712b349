import Foundation
import Testing
import PanoramaTestSupport
import PanoramaEngine
import PanoramaCore
@testable import PanoramaStages

/// Deliveries that must not crash or mislead: control characters, CR-only line endings, a repeated
/// byte-order mark, and values or headers far too long to quote whole.
@Suite("Cleanse on bad input: control characters, line endings, BOMs, long values")
struct CleanseBadInputTests {
    static let month = Month(key: "2026-10")!
    static let customersHeader = "customer_id,msisdn,city,county,brand,vip_level,gender,birth_date,join_date,status,churn_date\n"

    /// The four required files of 2026-10 (`customers` and `usage` given, the others one clean row each).
    static func deliveries(customers: String, usage: String = "customer_id,month,arpu\nC1,2026-10,100\n",
                           surveys: String = "survey_id,customer_id,survey_date,channel,nps\nS1,C1,2026-10-05,sms,9\n",
                           complaints: String = "complaint_id,customer_id,opened_at,category\nK1,C1,2026-10-05 08:30,network\n") -> [Delivery?] {
        [customers, usage, surveys, complaints].enumerated().map { k, text in
            let bytes = Array(text.utf8)
            return Delivery(path: "/in/\(Source.allCases[k].fileName)", bytes: bytes, sha256: SHA256Digest.hex(bytes))
        } + [nil]
    }

    static func run(_ deliveries: [Delivery?]) throws -> CleanseOutput {
        try Cleanse(month: month, settings: CleanseSettings(maxRejectRate: 1)).run(deliveries: deliveries, encodings: [:])
    }

    /// (source:line:reason) and the detail of every quarantine row.
    static func quarantine(_ out: CleanseOutput) -> [(String, String)] {
        let csv = out.tables.first { $0.table == CleanseStage.quarantine }!.csv.bytes
        var reader = CSVReader(bytes: csv)
        _ = reader.next()
        var rows: [(String, String)] = []
        while reader.next() != nil {
            rows.append(("\(reader.rawField(0)):\(reader.rawField(1)):\(reader.rawField(2))", reader.rawField(3)))
        }
        return rows
    }

    static func table(_ out: CleanseOutput, _ schema: TableSchema) -> String {
        String(decoding: out.tables.first { $0.table == schema }!.csv.bytes, as: UTF8.self)
    }

    @Test("a control character in a key or enum quarantines the row as BAD_TEXT; in city/county it is removed and counted; gender is emptied")
    func controlCharacters() throws {
        let customers = Self.customersHeader + [
            "C1,13800138000,北京,朝阳,gotone,gold,M,1980-05-06,2010-01-01,active,",      // 2 clean
            "C1\u{0},13800138009,北京,,gotone,gold,M,,2010-01-01,active,",            // 3 BAD_TEXT: not a second C1
            "C2,13800138001,\"石家\u{0}庄\",\u{1}海淀\u{7},mzone,none,F,,2015-03-04,active,", // 4 clean, city and county cleaned
            "C3,13800138002,保定,,easy\u{0}own,silver,,,2020-01-01,active,",           // 5 BAD_TEXT (brand)
            "C4,13800138003,\u{0},,gotone,gold,,,2020-01-01,active,",                  // 6 MISSING_FIELD: city empty once cleaned
            "C5,bad,北京,,gotone\u{0},gold,,,2020-01-01,active,",                       // 7 BAD_MSISDN: msisdn comes before brand
            "C6,13800138005,北京,,gotone,gold,M\u{1F},,2020-01-01,active,",             // 8 clean, gender emptied (SPEC §2.1's own rule)
            "C7,13800138006,北京,\"a\u{0}\tb\nc\",gotone,gold,,,2020-01-01,active,",  // 9 clean: NUL removed, tab and line break kept
        ].joined(separator: "\n") + "\n"
        let usage = "customer_id,month,arpu\nC1,2026-10,100\nC2\u{0},2026-10,50\nC2,2026-10,50\n"
        let surveys = "survey_id,customer_id,survey_date,channel,nps\nS1,C1,2026-10-05,sms\u{0},9\nS2,C1,2026-10-05,sms,9\n"
        let complaints = "complaint_id,customer_id,opened_at,category,closed_at,escalated\nK\u{1B}1,C1,2026-10-05 08:30,network,,\nK2,C1,2026-10-05 08:30,network,,y\u{0}\nK3,C2,2026-10-05 08:30,network,,y\n"
        let out = try Self.run(Self.deliveries(customers: customers, usage: usage, surveys: surveys, complaints: complaints))
        let q = Self.quarantine(out)
        #expect(q.map(\.0) == [
            "customers:3:BAD_TEXT", "customers:5:BAD_TEXT", "customers:6:MISSING_FIELD", "customers:7:BAD_MSISDN",
            "usage:3:BAD_TEXT", "surveys:2:BAD_TEXT", "complaints:2:BAD_TEXT", "complaints:3:BAD_TEXT",
        ])
        #expect(q[0].1 == "customer_id `C1\\x00` holds a control character")
        #expect(q[1].1 == "brand `easy\\x00own` holds a control character")
        #expect(q[6].1 == "complaint_id `K\\x1B1` holds a control character")
        #expect(q[7].1 == "escalated `y\\x00` holds a control character")
        let dim = Self.table(out, CleanseStage.dimCustomer)
        var reader = CSVReader(bytes: Array(dim.utf8))
        var ids: [String] = []
        while reader.next() != nil { ids.append(reader.rawField(0)) }
        #expect(ids == ["customer_id", "C1", "C2", "C6", "C7"])
        #expect(dim.contains("C2,13800138001,石家庄,海淀,mzone,none,F,,2015-03-04,active,\n"))
        #expect(dim.contains("C6,13800138005,北京,,gotone,gold,,,2020-01-01,active,\n"))
        #expect(dim.contains("C7,13800138006,北京,\"a\tb\nc\",gotone,gold,,,2020-01-01,active,\n"))
        let customersQuality = out.quality[0]
        // read 8 = clean 4 (lines 2, 4, 8, 9) + quarantined 4; C4's cleaned city is not counted (the row is quarantined).
        #expect(customersQuality.read == 8 && customersQuality.clean == 4 && customersQuality.quarantined == 4)
        #expect(customersQuality.controlCharactersRemoved == ["city": 1, "county": 2])
        #expect(customersQuality.nulled["gender"] == 1)
        #expect(customersQuality.quarantinedByCode[.BAD_TEXT] == 2)
        #expect(customersQuality.json["control_characters_removed"] == .object([("city", .int(1)), ("county", .int(2))]))
        #expect(SourceQuality(json: customersQuality.json)?.controlCharactersRemoved == ["city": 1, "county": 2])
        #expect(Self.table(out, CleanseStage.factUsage) == "customer_id,month,arpu,mou,data_gb,call_forward_ratio,offnet_ratio,points_balance\nC1,2026-10,100,,,,,\nC2,2026-10,50,,,,,\n")
    }

    @Test("a value quoted in a quarantine detail is cut to 200 characters with an ellipsis")
    func longValues() throws {
        let long = String(repeating: "X", count: 5000)
        let usage = "customer_id,month,arpu\nC1,2026-10,100\n\(long),2026-10,1\nC1,\(long),1\n"
        let out = try Self.run(Self.deliveries(customers: Self.customersHeader + "C1,13800138000,北京,,gotone,gold,M,,2010-01-01,active,\n", usage: usage))
        let q = Self.quarantine(out)
        #expect(q.map(\.0) == ["usage:3:UNKNOWN_CUSTOMER", "usage:4:BAD_DATE"])
        #expect(q[0].1 == "customer_id `" + String(repeating: "X", count: 200) + "…` is not a clean customer of 2026-10")
        #expect(q[1].1 == "month `" + String(repeating: "X", count: 200) + "…` is not a month")
    }

    @Test("CR-only line endings are refused with a short message, not one quoting the whole file")
    func carriageReturnOnly() throws {
        let rows = (1...500).map { "C\($0),138001380\(String(format: "%02d", $0 % 100)),北京,,gotone,gold,M,,2010-01-01,active," }
        let customers = Self.customersHeader.replacingOccurrences(of: "\n", with: "\r") + rows.joined(separator: "\r") + "\r"
        do {
            _ = try Self.run(Self.deliveries(customers: customers))
            Issue.record("a CR-only file was accepted")
        } catch let e as PanoramaError {
            #expect(e.exitCode == .dataQuality)
            #expect(e.message == "/in/customers.csv has CR-only line endings (the header line ends with a lone carriage return at byte 92); save it with LF or CRLF line endings")
        }
    }

    @Test("a header with a repeated byte-order mark names it; a huge header is quoted in 200 characters")
    func headerMessages() throws {
        do {
            _ = try Self.run(Self.deliveries(customers: "\u{FEFF}\u{FEFF}" + Self.customersHeader + "C1,13800138000,北京,,gotone,gold,M,,2010-01-01,active,\n"))
            Issue.record("a header with a second BOM was accepted")
        } catch let e as PanoramaError {
            #expect(e.exitCode == .dataQuality)
            #expect(e.message.hasPrefix("/in/customers.csv has no column `customer_id` (columns found: \\u{FEFF}customer_id, msisdn, city,"), "\(e.message)")
            #expect(e.message.contains("; `\\u{FEFF}customer_id` holds a byte-order mark (U+FEFF) repeated inside the header, as when two exports are concatenated or a BOM is written twice: remove it"), "\(e.message)")
        }
        let wide = (1...3000).map { "column_\($0)" }.joined(separator: ",") + "\n1\n"
        do {
            _ = try Self.run(Self.deliveries(customers: wide))
            Issue.record("a header without the required columns was accepted")
        } catch let e as PanoramaError {
            #expect(e.message.count < 500, "\(e.message.count) characters")
            #expect(e.message.contains("(columns found: column_1, column_2, ") && e.message.contains("…)"), "\(e.message)")
        }
    }
}
