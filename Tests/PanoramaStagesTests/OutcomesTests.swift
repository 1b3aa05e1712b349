import Foundation
import Testing
import PanoramaCore
import PanoramaTestSupport
@testable import PanoramaStages

@Suite("outcomes: last month's lists measured against this month (SPEC §5.1)")
struct OutcomesTests {
    func run(contacts: String = OutcomesFixture.contacts, lists: [String?]? = nil) throws -> (OutcomesOutput, String) {
        let f = OutcomesFixture.self
        let texts = lists ?? [f.churnWatch, f.detractorRepair, f.careCalendar]
        let out = try Outcomes().run(OutcomesInputs(
            month: f.month, lists: texts.map { $0.map { ColumnarTable.fixture($0) } },
            customer360: ColumnarTable.fixture(f.customer360), surveys: ColumnarTable.fixture(f.surveys),
            complaints: ColumnarTable.fixture(f.complaints), contacts: ColumnarTable.fixture(contacts)))
        var w = CSVWriter(header: OutcomesStage.listOutcome.columns)
        for row in out.rows { row.write(to: &w) }
        return (out, String(decoding: w.bytes, as: UTF8.self))
    }

    @Test("every group of every list, worked by hand: holdout, contacted (programme and outcome), not contacted, an empty group")
    func handWorked() throws {
        let (_, csv) = try run()
        #expect(csv == OutcomesExpected.withContacts)
    }

    @Test("list customers who left the base are counted per list, and held-out customers contacted anyway")
    func quality() throws {
        let (out, _) = try run()
        #expect(out.lists == [
            OutcomesListQuality(list: "churn_watch", found: true, holdoutColumn: true, customers: 9, leftBase: 1, heldOutContacted: 1),
            OutcomesListQuality(list: "detractor_repair", found: true, holdoutColumn: true, customers: 12, leftBase: 1, heldOutContacted: 0),
            OutcomesListQuality(list: "care_calendar", found: true, holdoutColumn: false, customers: 2, leftBase: 0, heldOutContacted: 0),
        ])
        #expect(out.contactRows == 18)
    }

    @Test("without contacts nobody is contacted: contacted rows empty, no effect, not_contacted holds everyone not held out")
    func noContacts() throws {
        let (out, csv) = try run(contacts: OutcomesFixture.noContacts)
        #expect(csv == OutcomesExpected.withoutContacts)
        #expect(out.lists.map(\.heldOutContacted) == [0, 0, 0])
    }

    @Test("the rows read back as typed ListOutcomeRow values")
    func typedRows() throws {
        let (out, csv) = try run()
        let back = try ListOutcomeRow.read(ColumnarTable.fixture(csv))
        #expect(back.count == out.rows.count)
        let effect = try #require(back.first { $0.list == "detractor_repair" && $0.group == "contacted" })
        #expect(effect.effect == 41.666667 && effect.effectStdErr == 34.777733 && effect.effectPValue == 0.270289)
        #expect(back.filter { $0.effect != nil }.map(\.group) == ["contacted", "contacted"])
    }

    @Test("a missing list has no rows; a list written before the holdout has everyone outside holdout")
    func missingAndOldLists() throws {
        let f = OutcomesFixture.self
        // churn_watch without its holdout column: W1–W3 count as not held out; W3 is contacted.
        let old = f.churnWatch.split(separator: "\n").map { line in line.split(separator: ",", omittingEmptySubsequences: false).dropLast().joined(separator: ",") }
            .joined(separator: "\n") + "\n"
        let (out, csv) = try run(lists: [old, nil, f.careCalendar])
        let lines = csv.split(separator: "\n").map(String.init)
        // Header + 4 churn_watch rows + 3 care_calendar rows.
        #expect(lines.count == 8)
        #expect(lines[2] == "2026-10,churn_watch,2026-09,holdout,0,0,,0,,0,,0,,,,")
        // contacted = W3 W4 W5; not_contacted = W1 W2 W6 W7 W9 (W1 resurveyed 9, 1 complaint; W6 2).
        #expect(lines[3] == "2026-10,churn_watch,2026-09,contacted,3,0,0,2,-100,0,0,0,0,,,")
        #expect(lines[4] == "2026-10,churn_watch,2026-09,not_contacted,5,1,20,1,100,1,100,3,600,,,")
        #expect(out.lists[0].holdoutColumn == false)
        #expect(out.lists[1] == OutcomesListQuality(list: "detractor_repair", found: false, holdoutColumn: false, customers: 0, leftBase: 0, heldOutContacted: 0))
    }
}

@Suite("the effect of contact: unpooled standard error, pooled two-proportion test (SPEC §5.1, §4.1)")
struct ListEffectTests {
    @Test("3/4 against 1/3: 41.666667 pt, std err 34.777733, p 0.270289")
    func worked() throws {
        let e = try #require(ListEffect(contacted: 3, of: 4, holdout: 1, of: 3))
        #expect(abs(e.effect - 125.0 / 3) < 1e-12)
        #expect(abs(e.stdErr - 100 * (0.046875 + 2.0 / 27).squareRoot()) < 1e-12)
        #expect(abs(e.pValue - erfc((5.0 / 12) / (1.0 / 7).squareRoot() / 2.0.squareRoot())) < 1e-15)
        #expect(formatNumber(e.pValue) == "0.270289")
    }

    @Test("zero variance: a zero pooled denominator gives p 1 when the shares are equal, else 0")
    func zeroDenominator() throws {
        let none = try #require(ListEffect(contacted: 0, of: 2, holdout: 0, of: 3))
        #expect(none.effect == 0 && none.stdErr == 0 && none.pValue == 1)
        let all = try #require(ListEffect(contacted: 5, of: 5, holdout: 2, of: 2))
        #expect(all.effect == 0 && all.stdErr == 0 && all.pValue == 1)
    }

    @Test("no denominator in either group: no effect")
    func empty() {
        #expect(ListEffect(contacted: 0, of: 0, holdout: 1, of: 3) == nil)
        #expect(ListEffect(contacted: 1, of: 3, holdout: 0, of: 0) == nil)
    }

    @Test("a clear difference: 1/100 against 30/100 is significant")
    func significant() throws {
        // p₁ = 0.01, p₂ = 0.30: p̄ = 0.155, √(0.155·0.845·0.02) = 0.051182 → z = −5.666, p ≈ 1.5e-8.
        let e = try #require(ListEffect(contacted: 1, of: 100, holdout: 30, of: 100))
        #expect(abs(e.effect + 29) < 1e-12)
        #expect(abs(e.stdErr - 100 * (0.01 * 0.99 / 100 + 0.3 * 0.7 / 100).squareRoot()) < 1e-12)
        #expect(e.pValue < 1e-7)
    }
}
