import Foundation
import Testing
@testable import PanoramaCore
import PanoramaEngine
import PanoramaStats
import PanoramaTestSupport
@testable import PanoramaStages

/// customer_360 rows with only the columns the churn model reads (in the partition's column order).
private let header = "customer_id,churned_in_month,flag_bill_drop,flag_call_forward,flag_offnet,flag_complaint,flag_detractor,complaints_3m,open_complaints,arpu_3m_avg,tenure_months,vip_level,high_value,nps,value_tier,brand,churn_risk_score\n"

@Suite("churn model: features, pairs and segment rates from customer_360")
struct ChurnModelTests {
    @Test("a month read in pieces has the features, codes and ids of the month read whole")
    func piecesAgree() throws {
        // 600 rows whose segment values first appear in different pieces, and a quoted id.
        var csv = header
        let tiers = ["A", "B", "C", "D"], brands = ["gotone", "mzone", "easyown", "\"x,y\""]
        for i in 0..<600 {
            let id = i == 300 ? "\"Q\"\"300\"" : "C\(String(format: "%05d", i))"
            let flag = { (k: Int) in (i / k) % 2 == 0 ? "true" : "false" }
            csv += "\(id),\(flag(7)),\(flag(3)),\(flag(5)),\(flag(11)),\(flag(13)),\(flag(2)),\(i % 4),\(i % 2),\(Double(i) * 1.5),\(i % 260),"
            csv += "\(i % 9 == 0 ? "none" : "gold"),\(flag(17)),\(i % 5 == 0 ? "" : "\(i % 11)"),\(tiers[(i / 150 + i) % 4]),\(brands[min(3, i / 170)]),\(i % 100)\n"
        }
        let whole = try ChurnMonth(month: Month(key: "2026-10")!, table: ColumnarTable.fixture(csv), segments: true, riskScores: true)
        for chunks in [1, 4, 9] {
            let pieces = try PartitionPieces(ByteStore(copying: Array(csv.utf8)), name: "t", columns: ChurnMonth.columns, keeping: [0],
                                             hash: false, chunks: chunks)
            let m = try ChurnMonth(month: Month(key: "2026-10")!, pieces: pieces, segments: true, riskScores: true)
            #expect(m.count == 600 && m.churned == whole.churned && m.bits == whole.bits && m.numbers == whole.numbers, "\(chunks)")
            #expect(m.segmentValues == whole.segmentValues && m.segmentCodes == whole.segmentCodes && m.riskScores == whole.riskScores, "\(chunks)")
            #expect((0..<600).allSatisfy { m.table!.string($0, 0) == whole.table!.string($0, 0) }, "\(chunks)")
            #expect(m.table!.string(300, 0) == "Q\"300" && m.idsAscending == whole.idsAscending, "\(chunks)")
        }
        // A damaged number names the partition's line, whichever piece it is in.
        var lines = csv.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var cells = lines[451].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        cells[7] = "many"
        lines[451] = cells.joined(separator: ",")
        let pieces = try PartitionPieces(ByteStore(copying: Array(lines.joined(separator: "\n").utf8)), name: "t", columns: ChurnMonth.columns,
                                         keeping: [0], hash: false, chunks: 6)
        do {
            _ = try ChurnMonth(month: Month(key: "2026-10")!, pieces: pieces, segments: true, riskScores: true)
            Issue.record("a damaged number was read")
        } catch let error as PanoramaError {
            #expect(error.message.contains("row 452 has `many` in complaints_3m"), "\(error.message)")
        }
    }

    @Test("the twelve features: flags as bits, ln(1 + arpu_3m_avg) or 0, min(tenure, 240)/12, vip ≠ none, nps present")
    func features() throws {
        let table = ColumnarTable.fixture(header + """
            A1,false,true,false,true,false,true,2,1,99,300,gold,false,3,C,gotone,60
            A2,true,false,true,false,true,false,0,0,,6,none,true,,D,mzone,40
            A3,false,false,false,false,false,false,12.0,0,0,240,,false,10,D,easyown,0

            """)
        let m = try ChurnMonth(month: Month(key: "2026-10")!, table: table, segments: true, riskScores: true)
        #expect(m.churned == [false, true, false])
        // A1: bill_drop, offnet, detractor, vip (gold), has_survey → bits 0, 2, 4, 5, 7.
        // A2: call_forward, complaint, high_value → bits 1, 3, 6. A3: nothing (an empty vip_level is none).
        #expect(m.bits == [0b1011_0101, 0b0100_1010, 0b1000_0000])
        // complaints_3m, open_complaints, ln(1 + arpu_3m_avg), min(tenure, 240)/12.
        #expect(m.numbers == [2, 1, log1p(99), 20, 0, 0, 0, 0.5, 12, 0, 0, 20])
        #expect(m.riskScores == [60, 40, 0])
        // Segment values as written, numbered in order of appearance per attribute.
        #expect(m.segmentValues == [["C", "D"], ["gotone", "mzone", "easyown"], ["gold", "none", ""], ["true", "false"],
                                    ["false", "true"], ["true", "false"], ["false", "true"], ["true", "false"]])
        #expect(Array(m.segmentCodes[0..<8]) == [0, 0, 0, 0, 0, 0, 0, 0])
        #expect(Array(m.segmentCodes[8..<16]) == [1, 1, 1, 1, 1, 1, 1, 1])
        #expect(Array(m.segmentCodes[16..<24]) == [1, 2, 2, 1, 0, 1, 0, 1])
        #expect(m.idsAscending)
    }

    @Test("η is accumulated feature by feature in SPEC order")
    func etaOrder() throws {
        let table = ColumnarTable.fixture(header + """
            A1,false,true,false,true,false,true,2,1,99,300,gold,false,3,C,gotone,60
            A2,false,false,true,false,true,false,0,3,15.5,7,none,true,,D,mzone,40

            """)
        let m = try ChurnMonth(month: Month(key: "2026-10")!, table: table, segments: false, riskScores: false)
        let beta: [Double] = [0.1, -0.2, 0.3, -0.4, 0.5, -0.6, 0.7, -0.8, 0.9, -1.0, 1.1, -1.2, 1.3]
        for i in 0..<2 {
            // One row per LogisticRows: rows are stored grouped by pattern, not in the order given.
            let rows = try LogisticRows(y: [false], bits: [m.bits[i]], numbers: Array(m.numbers[(4 * i)..<(4 * i + 4)]), numericCount: 4,
                                        predictors: ChurnFeatures.predictors)
            let dense = (0..<12).map { rows.value($0, row: 0) }
            let eta = beta.withUnsafeBufferPointer { b in
                m.numbers.withUnsafeBufferPointer { ChurnFeatures.eta(b, bits: m.bits[i], numbers: $0.baseAddress! + 4 * i) }
            }
            // β₀ + β₁x₁ + … + β₁₂x₁₂ left to right over the predictors in ChurnStage.features order.
            var expected = beta[0]
            for j in 0..<12 { expected += beta[j + 1] * dense[j] }
            #expect(eta == expected)
        }
    }

    @Test("a damaged number is an error naming the partition, row and column")
    func damagedCell() throws {
        let table = ColumnarTable.fixture(header + "A1,false,true,false,true,false,true,two,1,99,300,gold,false,3,C,gotone,60\n")
        do {
            _ = try ChurnMonth(month: Month(key: "2026-10")!, table: table, segments: false, riskScores: false)
            Issue.record("a non-number should be refused")
        } catch let e as PanoramaError {
            #expect(e.message.contains("customer_360 of 2026-10 row 2 has `two` in complaints_3m"))
        }
    }

    @Test("a pair keeps t's customers not churned that are in t+1; segment rates count them by t's values")
    func pairAndRates() throws {
        let t = try ChurnMonth(month: Month(key: "2026-09")!, table: ColumnarTable.fixture(header + """
            A1,false,true,false,false,false,false,0,0,10,1,none,false,,D,gotone,30
            A2,false,false,false,false,false,false,0,0,10,1,none,false,,D,mzone,0
            A3,true,false,false,false,false,false,0,0,10,1,none,false,,D,mzone,0
            A4,false,false,false,false,false,false,0,0,10,1,none,false,,D,mzone,0
            A5,false,true,false,false,false,false,0,0,10,1,none,false,,C,gotone,30

            """), segments: true, riskScores: false)
        let next = try ChurnMonth(month: Month(key: "2026-10")!, table: ColumnarTable.fixture(header + """
            A1,true,false,false,false,false,false,0,0,10,1,none,false,,D,gotone,0
            A2,false,false,false,false,false,false,0,0,10,1,none,false,,D,mzone,0
            A3,false,false,false,false,false,false,0,0,10,1,none,false,,D,mzone,0
            A5,false,false,false,false,false,false,0,0,10,1,none,false,,D,gotone,0

            """), segments: false, riskScores: false)
        // A3 churned in t, A4 is not in t+1: rows A1 (y = true), A2, A5.
        let pair = try ChurnPair(t, next)
        #expect(pair.selected == [0, 1, 4])
        #expect(pair.labels == [true, false, false])
        #expect(pair.rows.count == 3 && pair.churners == 1)
        var rates = SegmentRates()
        rates.add(pair)
        // value_tier D: A1 (churner), A2 → 1/2; C: A5 → 0/1. brand gotone: A1, A5 → 1/2; mzone: A2 → 0.
        #expect(rates.rate(0, "D") == 0.5 && rates.rate(0, "C") == 0 && rates.rate(0, "A") == nil)
        #expect(rates.rate(1, "gotone") == 0.5 && rates.rate(1, "mzone") == 0)
        // flag_bill_drop (attribute 5) true: A1, A5 → 1/2; false: A2 → 0.
        #expect(rates.rate(5, "true") == 0.5 && rates.rate(5, "false") == 0)
        // Scores of t's rows: A1 = 100 × (D ½ + gotone ½ + none ⅓ + offnet false ⅓ + call_forward false ⅓
        // + bill_drop true ½ + complaint false ⅓ + detractor false ⅓) — every flag false value: 1/3.
        let s = rates.scores(t, [0])
        #expect(abs(s[0] - 100 * (0.5 + 0.5 + 1.0 / 3 + 1.0 / 3 + 1.0 / 3 + 0.5 + 1.0 / 3 + 1.0 / 3)) < 1e-12)
    }
}
