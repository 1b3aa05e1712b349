import Foundation
import Testing
import PanoramaConfig
import PanoramaCore
import PanoramaStages
import PanoramaTestSupport
@testable import PanoramaEngine

/// Runs stage `outcomes` directly on the hand-made warehouse of `OutcomesFixture`.
private struct OutcomesWarehouse {
    let dir = TempDir()

    func execute() throws -> (report: StageReport, reads: [LineageEntry], published: [LineageEntry]) {
        let config = try PipelineConfig.parse(text: """
            name: test
            province: 河北
            month: 2026-10
            paths: {input: \(dir.path)/input/{month}, warehouse: \(dir.path)/warehouse, reports: \(dir.path)/reports/{month}}
            stages:
              - {id: outcomes}
            """, file: "test.yaml")
        let runner = PipelineRunner(config: config, options: RunOptions(), log: RunLogger(quiet: true, sink: { _ in }),
                                    registry: StageKinds.registry)
        return try runner.executeStage("outcomes", month: OutcomesFixture.month)
    }

    var listOutcome: String? { dir.read("warehouse/list_outcome/month=2026-10/part-0.csv") }
}

@Suite("outcomes stage: reading last month's lists and this month's tables, publishing list_outcome")
struct OutcomesStageTests {
    @Test("publishes the hand-worked list_outcome, reads the three lists of M-1 and four tables of M, records the left-out customers")
    func publishes() throws {
        let w = OutcomesWarehouse()
        OutcomesFixture.write(into: w.dir)
        let (report, reads, published) = try w.execute()
        #expect(w.listOutcome == OutcomesExpected.withContacts)
        #expect(reads.map { "\($0.name)@\($0.month) \($0.rows!)" } == [
            "churn_watch@2026-09 9", "detractor_repair@2026-09 12", "care_calendar@2026-09 3", "customer_360@2026-10 22",
            "fact_survey@2026-10 17", "fact_complaint@2026-10 8", "fact_contact@2026-10 18",
        ])
        #expect(published.map { "\($0.name) \($0.rows!)" } == ["list_outcome 11"])
        let q = try #require(OutcomesQuality(json: report.quality))
        #expect(q.cohortMonth == OutcomesFixture.cohort)
        #expect(q.lists.map { "\($0.list) \($0.customers) \($0.leftBase) \($0.heldOutContacted)" } == [
            "churn_watch 9 1 1", "detractor_repair 12 1 0", "care_calendar 2 0 0",
        ])
        #expect(q.contactRows == 18 && q.contactsDelivered == nil && q.note == nil)
        #expect(report.quality["lists"]?.arrayValue?[0]["left_base"]?.intValue == 1)
        #expect(report.warnings.isEmpty)
        #expect(report.summary == "cohort 2026-09: churn_watch 9 customers (1 left the base), detractor_repair 12 customers (1 left the base), care_calendar 2 customers (0 left the base); 18 contacts in 2026-10")
    }

    @Test("the first month (no lists of M-1): list_outcome with its header only and a warning saying why")
    func firstMonth() throws {
        let w = OutcomesWarehouse()
        OutcomesFixture.write(into: w.dir, lists: false)
        let (report, reads, published) = try w.execute()
        #expect(w.listOutcome == OutcomesExpected.header)
        #expect(reads.isEmpty)
        #expect(published.map { "\($0.name) \($0.rows!)" } == ["list_outcome 0"])
        #expect(report.warnings == ["no follow-up lists for 2026-09 (the first month, or customer360 has not run for it): list_outcome for 2026-10 has its header only"])
        #expect(OutcomesQuality(json: report.quality)?.note == report.warnings.first)
    }

    @Test("fact_contact of M missing (a warehouse cleansed before contacts existed) is exit 2 naming cleanse")
    func noContactPartition() throws {
        let w = OutcomesWarehouse()
        OutcomesFixture.write(into: w.dir)
        w.dir.remove("warehouse/fact_contact")
        do {
            _ = try w.execute()
            Issue.record("expected an error")
        } catch let e as PanoramaError {
            #expect(e.exitCode == .usage)
            #expect(e.message.contains("needs table `fact_contact` of 2026-10"))
            #expect(e.message.contains("--until cleanse"))
        }
    }

    @Test("through the runner without contacts.csv: header-only first month, then groups with nobody contacted and a warning")
    func pipelineWithoutContacts() throws {
        let ws = Workspace()
        ws.writeMonth("2026-09")
        ws.writeMonth("2026-10")
        // C2's complaint and C1's detractor survey put them on the lists of September; holdout_pct 100
        // holds everyone of churn_watch and detractor_repair out.
        ws.write("input/2026-09/surveys.csv", """
        survey_id,customer_id,survey_date,channel,touchpoint,nps,overall_sat,network,hall,hotline,billing,new_business,promotion,communication
        S1-2026-09,C1,2026-09-05,sms,,3,8,9,8,7,6,5,4,3
        """)
        let config = try ws.config(stages: """
          - {id: ingest}
          - {id: cleanse, needs: [ingest], max_reject_rate: 0.3}
          - {id: customer360, needs: [cleanse], holdout_pct: 100}
          - {id: outcomes, needs: [customer360]}
        """)
        let outcome = ws.run(config, RunOptions(months: .range(Month(key: "2026-09")!, Month(key: "2026-10")!)))
        #expect(outcome.exitCode == .ok, "\(outcome.error ?? "")")
        #expect(ws.dir.text("warehouse/list_outcome/month=2026-09/part-0.csv") == OutcomesExpected.header)
        #expect(ws.lines.contains { $0.hasPrefix("[2026-09] outcomes: warning: no follow-up lists for 2026-08") })
        // September's detractor_repair: C1 (nps 3), held out at 100 %. In October C1 is resurveyed with 9
        // (a promoter, repaired): holdout 1 customer, nps 100, repair 100 %; contacted and
        // not_contacted are empty, so there is no effect.
        let text = ws.dir.text("warehouse/list_outcome/month=2026-10/part-0.csv")
        #expect(text.contains("2026-10,detractor_repair,2026-09,all,1,0,0,1,100,1,100,0,0,,,\n"))
        #expect(text.contains("2026-10,detractor_repair,2026-09,holdout,1,0,0,1,100,1,100,0,0,,,\n"))
        #expect(text.contains("2026-10,detractor_repair,2026-09,contacted,0,0,,0,,0,,0,,,,\n"))
        #expect(text.contains("2026-10,detractor_repair,2026-09,not_contacted,0,0,,0,,0,,0,,,,\n"))
        #expect(text.split(separator: "\n").count == 1 + 4 + 4 + 3)
        #expect(ws.lines.contains { $0.hasPrefix("[2026-10] outcomes: warning: contacts.csv was not delivered for 2026-10") })
        #expect(ws.lines.contains { $0.hasPrefix("[2026-10] outcomes: ok") && $0.hasSuffix("; 0 contacts in 2026-10 (contacts.csv not delivered)") })
        let manifest = try #require(JSONValue.parse(ws.read("warehouse/_manifests/2026-10/outcomes.json")!).flatMap(StageManifest.init(json:)))
        #expect(manifest.quality(OutcomesQuality.self)?.contactsDelivered == false)
    }
}
