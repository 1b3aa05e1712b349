import Foundation
import Testing
import PanoramaTestSupport
import PanoramaEngine
import PanoramaCore
@testable import PanoramaStages

@Suite("Cleanse applies every rule of SPEC §2 to hand-written deliveries")
struct CleanseTests {
    static func run() throws -> (CleanseOutput, [String: String]) {
        let dir = TempDir()
        HandFixture.write(to: dir)
        let out = try Cleanse(month: Month(key: "2026-10")!, settings: CleanseSettings(maxRejectRate: 1))
            .run(deliveries: try Deliveries.read(dir.path + "/2026-10"), encodings: [:])
        var tables: [String: String] = [:]
        for t in out.tables { tables[t.table.name] = String(decoding: t.csv.bytes, as: UTF8.self) }
        return (out, tables)
    }

    /// (source, line, reason) of every quarantine row.
    static func quarantine(_ csv: String) -> [String] {
        var reader = CSVReader(bytes: Array(csv.utf8))
        _ = reader.next()
        var out: [String] = []
        while reader.next() != nil {
            out.append("\(reader.rawField(0)):\(reader.rawField(1)):\(reader.rawField(2))")
        }
        return out
    }

    @Test("checking files in parallel pieces gives the same tables, lines and counts as one piece, wherever the cuts fall")
    func pieces() throws {
        let dir = TempDir()
        HandFixture.write(to: dir)
        func run(_ parts: Int) throws -> (tables: [String], quality: [String]) {
            var cleanse = Cleanse(month: Month(key: "2026-10")!, settings: CleanseSettings(maxRejectRate: 1))
            cleanse.largeFileBytes = 0
            cleanse.piecesPerLargeFile = parts
            let out = try cleanse.run(deliveries: try Deliveries.read(dir.path + "/2026-10"), encodings: [:])
            return (out.tables.map { $0.table.name + "\n" + String(decoding: $0.csv.bytes, as: UTF8.self) },
                    out.quality.map { q in
                        "\(q.read) \(q.clean) \(q.quarantined) \(q.blankLines) "
                            + q.quarantinedByCode.map { "\($0.key.rawValue)=\($0.value)" }.sorted().joined(separator: " ")
                    })
        }
        let whole = try run(1)
        for parts in 2...16 {
            let cut = try run(parts)
            #expect(cut.tables == whole.tables, "\(parts) pieces")
            #expect(cut.quality == whole.quality, "\(parts) pieces")
        }
    }

    @Test("a piece whose cut falls inside a quoted line break says so, so the file is read whole")
    func cutInsideQuotes() throws {
        let dir = TempDir()
        let text = "customer_id,msisdn,city,county,brand,vip_level,gender,birth_date,join_date,status,churn_date\n"
            + "C1,13800138000,北京,\"朝阳\n区\",gotone,gold,M,1980-05-06,2010-01-01,active,\n"
            + "C2,13800138001,石家庄,,gotone,diamond,M,1990-01-02,2015-03-04,active,\n"
        try Data(text.utf8).write(to: URL(fileURLWithPath: dir.path + "/customers.csv"))
        let file = try DeliveryFile(source: .customers, delivery: try Deliveries.file(dir.path + "/customers.csv"), encoding: .utf8)
        let bytes = Array(text.utf8)
        let inside = bytes.firstIndex(of: 0x0A)! + 1 + Array("C1,13800138000,北京,\"朝阳\n".utf8).count
        var lines: [Int] = []
        let start = bytes.firstIndex(of: 0x0A)! + 1
        let end = file.forEachRecord(in: start..<inside, firstLine: file.firstRecordLine) {
            if case .row(let line, _, _) = $0 { lines.append(line) }
        }
        #expect(lines == [2])
        #expect(end.end > inside, "the record starting before the cut runs past it")
        #expect(end.nextLine == 4)
    }

    @Test("customers: every accepted form normalised, invalid gender and birth_date nulled")
    func customers() throws {
        let (out, t) = try Self.run()
        #expect(t["dim_customer"] == """
        customer_id,msisdn,city,county,brand,vip_level,gender,birth_date,join_date,status,churn_date
        C1,13800138000,北京,朝阳,gotone,gold,M,1980-05-06,2010-01-01,active,
        C2,13800138001,石家庄,,gotone,diamond,M,1990-01-02,2015-03-04,active,
        C3,13800138002,保定,,mzone,none,F,1995-02-03,2020-01-01,churned,2026-10-03
        C4,13800138003,唐山,,easyown,none,,,2020-01-01,active,
        C14,13800138014,沧州,"新华区
        (东)",easyown,silver,F,,2026-10-31,active,

        """)
        let q = out.quality[0]
        #expect(q.read == 17)
        #expect(q.clean == 5)
        #expect(q.blankLines == 1)
        #expect(q.nulled == ["gender": 1, "birth_date": 1])
    }

    @Test("every quarantine code lands on its line, in source then line order")
    func quarantineCodes() throws {
        let (out, t) = try Self.run()
        #expect(Self.quarantine(t["quarantine"]!) == [
            "customers:6:MISSING_FIELD", "customers:7:BAD_MSISDN", "customers:8:MISSING_FIELD", "customers:9:BAD_ENUM",
            "customers:10:BAD_DATE", "customers:11:MISSING_FIELD", "customers:12:BAD_DATE", "customers:13:DUPLICATE_KEY",
            "customers:14:MALFORMED_RECORD", "customers:15:BAD_ENUM", "customers:16:BAD_DATE", "customers:20:BAD_DATE",
            "usage:5:WRONG_MONTH", "usage:6:BAD_DATE", "usage:7:MISSING_FIELD", "usage:8:BAD_NUMBER", "usage:9:OUT_OF_RANGE",
            "usage:10:BAD_NUMBER", "usage:11:OUT_OF_RANGE", "usage:12:OUT_OF_RANGE", "usage:13:BAD_NUMBER",
            "usage:14:UNKNOWN_CUSTOMER", "usage:16:DUPLICATE_KEY", "usage:17:OUT_OF_RANGE",
            "surveys:4:MISSING_FIELD", "surveys:5:MISSING_FIELD", "surveys:6:BAD_NUMBER", "surveys:7:OUT_OF_RANGE",
            "surveys:8:OUT_OF_RANGE", "surveys:9:BAD_NUMBER", "surveys:10:WRONG_MONTH", "surveys:11:BAD_DATE",
            "surveys:12:BAD_ENUM", "surveys:13:BAD_ENUM", "surveys:14:UNKNOWN_CUSTOMER", "surveys:15:DUPLICATE_KEY",
            "surveys:16:MALFORMED_RECORD",
            "complaints:5:WRONG_MONTH", "complaints:6:BAD_DATE", "complaints:7:BAD_ENUM", "complaints:8:BAD_DATE",
            "complaints:9:BAD_ENUM", "complaints:10:UNKNOWN_CUSTOMER", "complaints:11:DUPLICATE_KEY",
            "complaints:12:MISSING_FIELD", "complaints:13:MALFORMED_RECORD",
        ])
        for q in out.quality { #expect(q.read == q.clean + q.quarantined, "\(q.source)") }
    }

    @Test("the quarantine keeps the raw record text, multi-line records whole and CRLF stripped")
    func rawText() throws {
        let (_, t) = try Self.run()
        #expect(t["quarantine"]!.contains("customers,14,MALFORMED_RECORD,malformed record: it has 3 fields where the header has 11,\"C11,1,2\"\n"))
        #expect(t["quarantine"]!.contains(",\"K11,C1\"\n"))
        #expect(!t["quarantine"]!.contains("\r"))
    }

    @Test("usage: money, ratio, month and integer forms; optional fields may be empty")
    func usage() throws {
        let (_, t) = try Self.run()
        #expect(t["fact_usage"] == """
        customer_id,month,arpu,mou,data_gb,call_forward_ratio,offnet_ratio,points_balance
        C1,2026-10,1234.5,300,2.5,0,0.1,500
        C2,2026-10,123.45,12,1.5,0.35,0.2,100
        C3,2026-10,0,,,,,
        C4,2026-10,88.8,,,,,

        """)
    }

    @Test("surveys: not-answered tokens are empty, Chinese channels map to codes")
    func surveys() throws {
        let (_, t) = try Self.run()
        #expect(t["fact_survey"] == """
        survey_id,customer_id,survey_date,channel,touchpoint,nps,overall_sat,network,hall,hotline,billing,new_business,promotion,communication
        S1,C1,2026-10-05,sms,hall_visit,9,8,9,8,7,6,5,4,3
        S2,C2,2026-10-06,app,,10,,,,,,10,1,2
        S15,C3,2026-10-08,app,network,8,8,9,8,7,6,5,4,3

        """)
    }

    @Test("complaints: datetime forms, booleans, escalated defaults to false")
    func complaints() throws {
        let (_, t) = try Self.run()
        #expect(t["fact_complaint"] == """
        complaint_id,customer_id,opened_at,category,closed_at,escalated
        K1,C1,2026-10-05 08:30:00,network,2026-10-06 08:30:00,true
        K2,C2,2026-10-05 09:00:00,billing,,false
        K3,C3,2026-10-31 23:59:59,service,2026-11-02 10:00:00,false

        """)
    }

    @Test("the quality gate names each source over max_reject_rate")
    func gate() throws {
        let dir = TempDir()
        HandFixture.write(to: dir)
        let out = try Cleanse(month: Month(key: "2026-10")!, settings: CleanseSettings(maxRejectRate: 0.05))
            .run(deliveries: try Deliveries.read(dir.path + "/2026-10"), encodings: [:])
        #expect(out.gateFailures.count == 4)
        #expect(out.gateFailures[0].hasPrefix("customers: 12 of 17 rows quarantined"))
    }

    @Test("a missing required column fails with the file and the columns found")
    func missingColumn() throws {
        let dir = TempDir()
        HandFixture.write(to: dir)
        dir.write("2026-10/usage.csv", "customer_id,month,mou\nC1,2026-10,5\n")
        do {
            _ = try Cleanse(month: Month(key: "2026-10")!, settings: CleanseSettings()).run(deliveries: try Deliveries.read(dir.path + "/2026-10"), encodings: [:])
            Issue.record("expected an error")
        } catch let e as PanoramaError {
            #expect(e.exitCode == .dataQuality)
            #expect(e.message.contains("usage.csv has no column `arpu`"))
            #expect(e.message.contains("columns found: customer_id, month, mou"))
        }
    }

    @Test("GB18030 deliveries read the same as UTF-8 ones")
    func gb18030() throws {
        let dir = TempDir()
        HandFixture.write(to: dir)
        let gb = String.Encoding(rawValue: 0x80000632)
        for name in ["customers", "usage", "surveys", "complaints"] {
            let text = dir.text("2026-10/\(name).csv")
            dir.write("gb/\(name).csv", [UInt8](text.data(using: gb)!))
        }
        let month = Month(key: "2026-10")!
        let utf = try Cleanse(month: month, settings: CleanseSettings(maxRejectRate: 1)).run(deliveries: try Deliveries.read(dir.path + "/2026-10"), encodings: [:])
        var enc: [Source: InputEncoding] = [:]
        for s in Source.allCases { enc[s] = .gb18030 }
        let gbOut = try Cleanse(month: month, settings: CleanseSettings(maxRejectRate: 1)).run(deliveries: try Deliveries.read(dir.path + "/gb"), encodings: enc)
        #expect(utf.tables[0].csv.bytes == gbOut.tables[0].csv.bytes)
        #expect(utf.tables[3].csv.bytes == gbOut.tables[3].csv.bytes)
        // Reading GB18030 bytes as UTF-8 fails with the offset and the hint.
        do {
            _ = try Cleanse(month: month, settings: CleanseSettings()).run(deliveries: try Deliveries.read(dir.path + "/gb"), encodings: [:])
            Issue.record("expected an encoding error")
        } catch let e as PanoramaError {
            #expect(e.message.contains("is not valid UTF-8 at byte offset"))
            #expect(e.message.contains("gb18030"))
        }
    }
}
