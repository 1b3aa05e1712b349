import Foundation
import Testing
import PanoramaConfig
import PanoramaCore
import PanoramaStages
import PanoramaTestSupport
@testable import PanoramaEngine

/// contacts.csv for the `Workspace.writeMonth` customers C1–C3: three clean rows, and line 5 for C9,
/// who is not a customer (UNKNOWN_CUSTOMER): 1 of 4 quarantined, under the workspace's 0.3 gate.
private func contacts(_ month: String) -> String {
    """
    contact_id,customer_id,contacted_at,program,channel,outcome
    T1,C1,\(month)-05 10:00,离网挽留,外呼,已触达
    T2,C2,\(month)-06 10:00,repair,到厅,resolved
    T3,C3,\(month)-07 10:00,birthday,sms,refused
    T4,C9,\(month)-07 10:00,birthday,sms,refused

    """
}

@Suite("contacts.csv through the runner: optional, checked and gated when present (SPEC §2.5)")
struct ContactsRunTests {
    let oct = Month(key: "2026-10")!

    func manifest(_ ws: Workspace, _ stage: String) -> StageManifest? {
        JSONValue.parse(ws.read("warehouse/_manifests/2026-10/\(stage).json")!).flatMap(StageManifest.init(json:))
    }

    @Test("absent: fact_contact has its header only; both manifests and the stderr summary say contacts.csv not delivered")
    func absent() throws {
        let ws = Workspace()
        ws.writeMonth("2026-10")
        #expect(ws.run(try ws.config()).exitCode == .ok)
        #expect(ws.dir.text("warehouse/fact_contact/month=2026-10/part-0.csv") == "contact_id,customer_id,contacted_at,program,channel,outcome\n")
        #expect(ws.lines.contains { $0.hasPrefix("[2026-10] ingest: ok") && $0.hasSuffix("rows read: customers 3, usage 4, surveys 1, complaints 1; contacts.csv not delivered") })
        #expect(ws.lines.contains { $0.hasPrefix("[2026-10] cleanse: ok") && $0.hasSuffix("customers 3/3/0, usage 4/3/1, surveys 1/1/0, complaints 1/1/0; contacts.csv not delivered") })
        #expect(!ws.lines.contains { $0.contains("warning") || $0.contains("error") })
        let ingest = try #require(manifest(ws, "ingest"))
        #expect(ingest.quality(IngestQuality.self)?.notDelivered == ["contacts"])
        #expect(ingest.quality(IngestQuality.self)?.files.map(\.source) == ["customers", "usage", "surveys", "complaints"])
        #expect(!ingest.inputs.contains { $0.name == "contacts" })
        let cleanse = try #require(manifest(ws, "cleanse"))
        #expect(cleanse.quality(CleanseQuality.self)?.notDelivered == [.contacts])
        #expect(cleanse.quality(CleanseQuality.self)?.sources.count == 4)
        for m in [ingest, cleanse] {
            #expect(m.qualityJSON["not_delivered"]?.arrayValue?.first?["note"]?.stringValue == "contacts.csv not delivered")
        }
        #expect(cleanse.outputs.first { $0.name == "fact_contact" }?.rows == 0)
    }

    @Test("present: read, checked (UNKNOWN_CUSTOMER after complaints in the quarantine) and listed in both manifests")
    func present() throws {
        let ws = Workspace()
        ws.writeMonth("2026-10")
        ws.write("input/2026-10/contacts.csv", contacts("2026-10"))
        #expect(ws.run(try ws.config()).exitCode == .ok)
        #expect(ws.dir.text("warehouse/fact_contact/month=2026-10/part-0.csv") == """
        contact_id,customer_id,contacted_at,program,channel,outcome
        T1,C1,2026-10-05 10:00:00,retention,phone,reached
        T2,C2,2026-10-06 10:00:00,repair,visit,resolved
        T3,C3,2026-10-07 10:00:00,birthday,sms,refused

        """)
        let quarantine = ws.dir.text("warehouse/quarantine/month=2026-10/part-0.csv").split(separator: "\n").map { $0.split(separator: ",").prefix(3).joined(separator: ",") }
        #expect(quarantine == ["source,line,reason", "usage,5,UNKNOWN_CUSTOMER", "contacts,5,UNKNOWN_CUSTOMER"])
        #expect(ws.lines.contains { $0.hasSuffix("complaints 1, contacts 4") })
        #expect(ws.lines.contains { $0.hasSuffix("complaints 1/1/0, contacts 4/3/1") })
        #expect(!ws.lines.contains { $0.contains("not delivered") })
        let cleanse = try #require(manifest(ws, "cleanse"))
        let q = try #require(cleanse.quality(CleanseQuality.self))
        #expect(q.notDelivered.isEmpty)
        #expect(q.sources.last.map { "\($0.source) \($0.read) \($0.clean) \($0.quarantined)" } == "contacts 4 3 1")
        #expect(cleanse.inputs.contains { $0.kind == .delivery && $0.name == "contacts" && $0.rows == 4 && $0.sha256.count == 64 })
        #expect(manifest(ws, "ingest")?.inputs.contains { $0.name == "contacts" } == true)
    }

    @Test("encoding: {contacts: gb18030} reads a GB18030 contacts.csv like the UTF-8 one")
    func perSourceEncoding() throws {
        let utf = Workspace()
        utf.writeMonth("2026-10")
        utf.write("input/2026-10/contacts.csv", contacts("2026-10"))
        #expect(utf.run(try utf.config()).exitCode == .ok)
        let gb = Workspace()
        gb.writeMonth("2026-10")
        gb.dir.write("input/2026-10/contacts.csv", [UInt8](contacts("2026-10").data(using: String.Encoding(rawValue: 0x80000632))!))
        // Read as UTF-8 the GB18030 bytes are invalid: exit 3 with the hint.
        let wrong = gb.run(try gb.config())
        #expect(wrong.exitCode == .dataQuality)
        #expect(wrong.error?.contains("contacts.csv") == true && wrong.error?.contains("gb18030") == true)
        #expect(gb.run(try gb.config(extra: "encoding: {default: utf-8, contacts: gb18030}\n")).exitCode == .ok)
        #expect(gb.read("warehouse/fact_contact/month=2026-10/part-0.csv") == utf.read("warehouse/fact_contact/month=2026-10/part-0.csv"))
    }

    @Test("the quality gate judges contacts.csv like the other files (exit 3)")
    func gate() throws {
        let ws = Workspace()
        ws.writeMonth("2026-10")
        // 2 of 4 rows quarantined (C9 unknown, `fax` not a channel) = 50 % > 30 %.
        ws.write("input/2026-10/contacts.csv", contacts("2026-10").replacingOccurrences(of: "T3,C3,2026-10-07 10:00,birthday,sms", with: "T3,C3,2026-10-07 10:00,birthday,fax"))
        let outcome = ws.run(try ws.config())
        #expect(outcome.exitCode == .dataQuality)
        #expect(outcome.error?.contains("contacts: 2 of 4 rows quarantined (50% > 30%)") == true)
        #expect(!ws.exists("warehouse/fact_contact/month=2026-10/part-0.csv"))
    }

    @Test("contacts.csv added or removed after ingest checked the month: cleanse exits 2 and says to run ingest again")
    func changedSinceIngest() throws {
        let ws = Workspace()
        ws.writeMonth("2026-10")
        #expect(ws.run(try ws.config(), RunOptions(selection: StageSelection(stages: ["ingest"]))).exitCode == .ok)
        ws.write("input/2026-10/contacts.csv", contacts("2026-10"))
        let added = ws.run(try ws.config(), RunOptions(selection: StageSelection(stages: ["cleanse"])))
        #expect(added.exitCode == .usage)
        #expect(added.error?.contains("contacts.csv was delivered after stage `ingest` checked the deliveries of 2026-10") == true)
        #expect(ws.run(try ws.config(), RunOptions(selection: StageSelection(stages: ["ingest"]))).exitCode == .ok)
        ws.dir.remove("input/2026-10/contacts.csv")
        let removed = ws.run(try ws.config(), RunOptions(selection: StageSelection(stages: ["cleanse"])))
        #expect(removed.exitCode == .usage)
        #expect(removed.error?.contains("contacts.csv was removed after stage `ingest`") == true)
    }
}
