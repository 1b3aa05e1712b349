import Foundation
import Testing
import PanoramaTestSupport
import PanoramaEngine
import PanoramaCore
@testable import PanoramaStages

/// contacts.csv for October 2026 beside the `HandFixture` deliveries, whose clean customers are C1,
/// C2, C3 (churned on 2026-10-03), C4 and C14; C15 is quarantined (churn_date after M).
enum ContactsFixture {
    static let contacts = """
    contact_id,customer_id,contacted_at,program,channel,outcome
    T1,C1,2026-10-05 10:00,retention,phone,reached
    T2,C3,2026/10/6 09:30,离网挽留,外呼,已触达
    T3,C2,2026年10月7日 14:00,贬损者修复,电话,已解决
    T4,C4,20261008T08:15:30,生日关怀,上门,未触达
    T5,C14,2026-10-31 23:59,在网周年,到厅,拒绝
    T6,C1,2026-10-09,其他,短信,reached
    T7,C2,2026-10-10 10:00,BIRTHDAY,APP,REACHED
    T8,C4,2026-10-11 10:00,anniversary,邮寄,reached
    ,C1,2026-10-05 10:00,retention,phone,reached
    T9,,2026-10-05 10:00,retention,phone,reached
    T10,C1,,retention,phone,reached
    T11,C1,2026-10-05 25:00,retention,phone,reached
    T12,C1,2026-09-30 23:59,retention,phone,reached
    T13,C1,2026-10-05 10:00,loyalty,phone,reached
    T14,C1,2026-10-05 10:00,retention,fax,reached
    T15,C1,2026-10-05 10:00,retention,phone,maybe
    T16,C1,2026-10-05 10:00,,phone,reached
    T17,C999,2026-10-05 10:00,retention,phone,reached
    T18,C15,2026-10-05 10:00,retention,phone,reached
    T1,C2,2026-10-05 10:00,repair,sms,reached
    T19,C999,2026-13-01,retention,phone,reached
    T21,C1,2026-10-12 10:00,xx,phone,reached
    T21,C1,2026-10-12 10:00,repair,phone,reached
    T22,C999,2026-10-12 11:00,retention,sms,resolved
    T22,C1,2026-10-12 11:00,retention,sms,resolved
    T23,C1
    Ｔ２４,C1,２０２６－１０－１３ １０：００,repair,phone,reached
    """
    // Lines (header = 1): T1..T8 = 2..9, all clean: every Chinese label of SPEC §2.5 (外呼 and 电话 →
    // phone, 上门 and 到厅 → visit), codes in any case, a bare date (00:00:00), the compact date with T.
    // T2 is churned C3: still a customer of dim_customer, so not UNKNOWN_CUSTOMER.
    // 10 MISSING_FIELD (contact_id), 11 MISSING_FIELD (customer_id), 12 MISSING_FIELD (contacted_at),
    // 13 BAD_DATE (hour 25), 14 WRONG_MONTH, 15 BAD_ENUM (program), 16 BAD_ENUM (channel),
    // 17 BAD_ENUM (outcome), 18 MISSING_FIELD (program), 19 UNKNOWN_CUSTOMER (C999),
    // 20 UNKNOWN_CUSTOMER (C15 was quarantined), 21 DUPLICATE_KEY (T1 again),
    // 22 BAD_DATE (field checks before UNKNOWN_CUSTOMER), 23 BAD_ENUM then 24 the same T21 clean
    // (a rejected row does not block its key), 25 UNKNOWN_CUSTOMER then 26 T22 clean, 27 MALFORMED_RECORD,
    // 28 T24 in full-width digits and punctuation, clean.
    // read 27 = clean 11 (lines 2–9, 24, 26, 28) + quarantined 16.

    static func write(to dir: TempDir, month: String = "2026-10") {
        HandFixture.write(to: dir, month: month)
        dir.write("\(month)/contacts.csv", contacts)
    }
}

@Suite("Cleanse reads the optional contacts.csv with every rule of SPEC §2.5")
struct ContactsCleanseTests {
    static func run(_ write: (TempDir) -> Void, maxRejectRate: Double = 1) throws -> (CleanseOutput, [String: String]) {
        let dir = TempDir()
        write(dir)
        let out = try Cleanse(month: Month(key: "2026-10")!, settings: CleanseSettings(maxRejectRate: maxRejectRate))
            .run(deliveries: try Deliveries.read(dir.path + "/2026-10"), encodings: [:])
        var tables: [String: String] = [:]
        for t in out.tables { tables[t.table.name] = String(decoding: t.csv.bytes, as: UTF8.self) }
        return (out, tables)
    }

    @Test("fact_contact: the clean rows in file order, labels mapped to codes, datetimes written in full")
    func cleanRows() throws {
        let (out, t) = try Self.run { ContactsFixture.write(to: $0) }
        #expect(t["fact_contact"] == """
        contact_id,customer_id,contacted_at,program,channel,outcome
        T1,C1,2026-10-05 10:00:00,retention,phone,reached
        T2,C3,2026-10-06 09:30:00,retention,phone,reached
        T3,C2,2026-10-07 14:00:00,repair,phone,resolved
        T4,C4,2026-10-08 08:15:30,birthday,visit,unreached
        T5,C14,2026-10-31 23:59:00,anniversary,visit,refused
        T6,C1,2026-10-09 00:00:00,other,sms,reached
        T7,C2,2026-10-10 10:00:00,birthday,app,reached
        T8,C4,2026-10-11 10:00:00,anniversary,mail,reached
        T21,C1,2026-10-12 10:00:00,repair,phone,reached
        T22,C1,2026-10-12 11:00:00,retention,sms,resolved
        T24,C1,2026-10-13 10:00:00,repair,phone,reached

        """)
        let q = try #require(out.quality.first { $0.source == .contacts })
        #expect(q.read == 27 && q.clean == 11 && q.quarantined == 16)
        #expect(q.quarantinedByCode == [.MISSING_FIELD: 4, .BAD_DATE: 2, .WRONG_MONTH: 1, .BAD_ENUM: 4,
                                        .UNKNOWN_CUSTOMER: 3, .DUPLICATE_KEY: 1, .MALFORMED_RECORD: 1])
        #expect(out.notDelivered.isEmpty)
        #expect(out.tables.map(\.table.name) == ["dim_customer", "fact_usage", "fact_survey", "fact_complaint", "fact_contact", "quarantine"])
    }

    @Test("every code lands on its line; contacts rows come after complaints in the quarantine")
    func quarantineOrder() throws {
        let (_, t) = try Self.run { ContactsFixture.write(to: $0) }
        let rows = CleanseTests.quarantine(t["quarantine"]!)
        let firstContact = try #require(rows.firstIndex { $0.hasPrefix("contacts:") })
        #expect(rows[firstContact - 1] == "complaints:13:MALFORMED_RECORD")
        #expect(Array(rows[firstContact...]) == [
            "contacts:10:MISSING_FIELD", "contacts:11:MISSING_FIELD", "contacts:12:MISSING_FIELD", "contacts:13:BAD_DATE",
            "contacts:14:WRONG_MONTH", "contacts:15:BAD_ENUM", "contacts:16:BAD_ENUM", "contacts:17:BAD_ENUM",
            "contacts:18:MISSING_FIELD", "contacts:19:UNKNOWN_CUSTOMER", "contacts:20:UNKNOWN_CUSTOMER",
            "contacts:21:DUPLICATE_KEY", "contacts:22:BAD_DATE", "contacts:23:BAD_ENUM", "contacts:25:UNKNOWN_CUSTOMER",
            "contacts:27:MALFORMED_RECORD",
        ])
        #expect(t["quarantine"]!.contains("contacts,21,DUPLICATE_KEY,contact_id `T1` was already accepted earlier in the file,\"T1,C2,2026-10-05 10:00,repair,sms,reached\"\n"))
        #expect(t["quarantine"]!.contains("contacts,16,BAD_ENUM,\"channel `fax` is not one of app, mail, phone, sms, visit\",\"T14,C1,2026-10-05 10:00,retention,fax,reached\"\n"))
    }

    @Test("the four other files give byte-identical tables and quarantine rows with or without contacts.csv")
    func otherFilesUnchanged() throws {
        let (without, a) = try Self.run { HandFixture.write(to: $0) }
        let (with, b) = try Self.run { ContactsFixture.write(to: $0) }
        for name in ["dim_customer", "fact_usage", "fact_survey", "fact_complaint"] { #expect(a[name] == b[name], "\(name)") }
        #expect(b["quarantine"]!.hasPrefix(a["quarantine"]!))
        #expect(without.quality.map(\.source) == [.customers, .usage, .surveys, .complaints])
        #expect(with.quality.map(\.source) == Source.allCases)
    }

    @Test("without contacts.csv: fact_contact has its header only, no quality entry, and the source is listed as not delivered")
    func absent() throws {
        let (out, t) = try Self.run({ HandFixture.write(to: $0) }, maxRejectRate: 0.05)
        #expect(t["fact_contact"] == "contact_id,customer_id,contacted_at,program,channel,outcome\n")
        #expect(out.notDelivered == [.contacts])
        #expect(!out.quality.contains { $0.source == .contacts })
        // The gate judges the four delivered files only (all four of the hand fixture are over 5 %).
        #expect(out.gateFailures.count == 4)
        let json = CleanseQuality(maxRejectRate: 0.05, sources: out.quality, notDelivered: out.notDelivered).json
        #expect(json["not_delivered"]?.serialized(pretty: false) == #"[{"source":"contacts","note":"contacts.csv not delivered"}]"#)
        #expect(CleanseQuality(json: json)?.notDelivered == [.contacts])
    }

    @Test("the quality gate includes contacts: 16 of 27 quarantined is over 5 %")
    func gate() throws {
        let (out, _) = try Self.run({ ContactsFixture.write(to: $0) }, maxRejectRate: 0.05)
        #expect(out.gateFailures.count == 5)
        #expect(out.gateFailures.last?.hasPrefix("contacts: 16 of 27 rows quarantined") == true)
        // A clean contacts.csv passes its own gate.
        let clean = ContactsFixture.contacts.split(separator: "\n").prefix(9).joined(separator: "\n")
        let (ok, _) = try Self.run({ HandFixture.write(to: $0); $0.write("2026-10/contacts.csv", clean) }, maxRejectRate: 0.05)
        #expect(!ok.gateFailures.contains { $0.hasPrefix("contacts") })
    }

    @Test("every label of SPEC §2.5 maps to its code, in any case")
    func labels() throws {
        let labels: [(column: Int, label: String, code: String)] = [
            (3, "repair", "repair"), (3, "贬损者修复", "repair"), (3, "retention", "retention"), (3, "离网挽留", "retention"),
            (3, "birthday", "birthday"), (3, "生日关怀", "birthday"), (3, "anniversary", "anniversary"), (3, "在网周年", "anniversary"),
            (3, "other", "other"), (3, "其他", "other"), (3, "Retention", "retention"),
            (4, "sms", "sms"), (4, "短信", "sms"), (4, "phone", "phone"), (4, "电话", "phone"), (4, "外呼", "phone"),
            (4, "visit", "visit"), (4, "上门", "visit"), (4, "到厅", "visit"), (4, "app", "app"), (4, "APP", "app"), (4, "App", "app"),
            (4, "mail", "mail"), (4, "邮寄", "mail"),
            (5, "reached", "reached"), (5, "已触达", "reached"), (5, "unreached", "unreached"), (5, "未触达", "unreached"),
            (5, "refused", "refused"), (5, "拒绝", "refused"), (5, "resolved", "resolved"), (5, "已解决", "resolved"),
            (5, "RESOLVED", "resolved"),
        ]
        var text = "contact_id,customer_id,contacted_at,program,channel,outcome\n"
        for (k, l) in labels.enumerated() {
            var fields = ["L\(k)", "C1", "2026-10-05 10:00", "other", "sms", "reached"]
            fields[l.column] = l.label
            text += fields.joined(separator: ",") + "\n"
        }
        let (out, t) = try Self.run { HandFixture.write(to: $0); $0.write("2026-10/contacts.csv", text) }
        #expect(out.quality.last?.clean == labels.count)
        let table = ColumnarTable.fixture(t["fact_contact"]!)
        for (k, l) in labels.enumerated() {
            #expect(table[k, l.column] == l.code, "\(l.label)")
        }
    }
}
