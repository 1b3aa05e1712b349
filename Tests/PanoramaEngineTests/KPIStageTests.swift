import Foundation
import Testing
import PanoramaConfig
import PanoramaCore
import PanoramaGenerate
import PanoramaStages
@testable import PanoramaEngine

/// The two published kpi partitions of a month and the month before, read back as text cells.
private struct KPIPartitions {
    let table: ColumnarTable
    let columns: [String: Int]

    init(_ path: String) throws {
        table = try ColumnarTable.read(path).0
        var c: [String: Int] = [:]
        for (k, name) in table.header.enumerated() { c[name] = k }
        columns = c
    }

    func key(_ r: Int) -> String { table[r, columns["kpi"]!] + "|" + table[r, columns["dimension"]!] + "|" + table[r, columns["member"]!] }
    func double(_ r: Int, _ name: String) -> Double? { columns[name].flatMap { table.double(r, $0) } }
    func text(_ r: Int, _ name: String) -> String { columns[name].map { table[r, $0] } ?? "" }
}

@Suite("kpi stage: both tables in one publish, alpha, and a generated multi-month run recomputed from the partitions", .serialized)
struct KPIStageTests {
    static let untilKPI = """
      - {id: ingest}
      - {id: cleanse, needs: [ingest], max_reject_rate: 0.3}
      - {id: customer360, needs: [cleanse]}
      - {id: kpi, needs: [customer360]}

    """

    func config(_ ws: Workspace, kpi: String = "{id: kpi, needs: [customer360]}") throws -> PipelineConfig {
        try ws.config(stages: Self.untilKPI.replacingOccurrences(of: "{id: kpi, needs: [customer360]}", with: kpi))
    }

    @Test("a compact read gives the cells and the lineage of a whole read; pieces give them too")
    func compactRead() throws {
        let ws = Workspace()
        ws.writeMonth("2026-09")
        let config = try config(ws)
        #expect(ws.run(config, RunOptions(months: .one(Month(key: "2026-09")!))).exitCode == .ok)
        func io() -> StageIO {
            StageIO(config: config, stage: config.stage("kpi")!, month: Month(key: "2026-09")!, runId: "test",
                    log: RunLogger(quiet: true, sink: { _ in }), warehouse: Warehouse(root: ws.path + "/warehouse"), registry: StageKinds.registry)
        }
        let month = Month(key: "2026-09")!, columns = ["arpu", "customer_id", "brand"]
        let whole = io(), compact = io(), pieces = io()
        let a = try #require(try whole.read([PartitionRequest(Customer360Stage.customer360, month, columns: columns, required: true)])[0])
        let b = try #require(try compact.read([PartitionRequest(Customer360Stage.customer360, month, columns: columns, required: true, compact: true)])[0])
        let p = try #require(try pieces.readPieces(PartitionRequest(Customer360Stage.customer360, month, columns: columns, required: true), keeping: [1]))
        #expect(a.rowCount > 0 && b.rowCount == a.rowCount && p.rowCount == a.rowCount)
        #expect((0..<a.rowCount).allSatisfy { r in (0..<3).allSatisfy { a.string(r, $0) == b.string(r, $0) } && p.kept.string(r, 0) == a.string(r, 1) })
        #expect(whole.reads == compact.reads && whole.reads == pieces.reads)
        #expect(whole.reads.first?.sha256.count == 64)
    }

    @Test("kpi and kpi_change are published together; the first month's kpi_change is its header; the manifest counts the tests")
    func publishes() throws {
        let ws = Workspace()
        ws.writeMonth("2026-09")
        ws.writeMonth("2026-10")
        let outcome = ws.run(try config(ws), RunOptions(months: .range(Month(key: "2026-09")!, Month(key: "2026-10")!)))
        #expect(outcome.exitCode == .ok, "\(outcome.error ?? "")")
        let header = KPIStage.kpiChange.columns.joined(separator: ",") + "\n"
        #expect(String(decoding: ws.read("warehouse/kpi_change/month=2026-09/part-0.csv")!, as: UTF8.self) == header)
        let october = String(decoding: ws.read("warehouse/kpi_change/month=2026-10/part-0.csv")!, as: UTF8.self)
        #expect(october.hasPrefix(header) && october.count > header.count)
        let manifest = Warehouse(root: ws.path + "/warehouse").manifest(Month(key: "2026-10")!, stage: "kpi")!
        #expect(manifest.outputs.map(\.name) == ["kpi", "kpi_change"])
        #expect(manifest.inputs.contains { $0.name == "kpi" && $0.month.description == "2026-09" })
        let quality = manifest.quality(KPIQuality.self)!
        #expect(quality.changeRows == october.split(separator: "\n").count - 1)
        // Both months are the same delivery: every tested change is nil, so no row is significant.
        #expect(quality.tested > 0 && quality.significant == 0 && quality.confirmed == 0)
        let kpi = try KPIPartitions(ws.path + "/warehouse/kpi/month=2026-10/part-0.csv")
        #expect(kpi.table.header == KPIStage.kpi.columns)
        // churn 0 % in both months: a zero denominator with equal values → p = 1.
        let churn = (0..<kpi.table.rowCount).first { kpi.key($0) == "churn_rate|total|河北" }!
        #expect(kpi.text(churn, "mom_p_value") == "1" && kpi.text(churn, "significant") == "false")
    }

    @Test("a kpi of M-1 written before SPEC §4.1 (no std_err column): share tests run, std_err tests are empty, a warning says why")
    func oldPreviousPartition() throws {
        let ws = Workspace()
        ws.writeMonth("2026-09")
        ws.writeMonth("2026-10")
        #expect(ws.run(try config(ws), RunOptions(months: .range(Month(key: "2026-09")!, Month(key: "2026-10")!))).exitCode == .ok)
        // Cut September's partition back to the fourteen columns of SPEC §4 before 4.1.
        let path = "warehouse/kpi/month=2026-09/part-0.csv"
        let published = ws.read(path)!
        let old = String(decoding: published, as: UTF8.self).split(separator: "\n")
            .map { $0.split(separator: ",", omittingEmptySubsequences: false).prefix(14).joined(separator: ",") }.joined(separator: "\n") + "\n"
        ws.write(path, old)
        // As the older version published it: its manifest lists that file (a stage refuses to read a
        // partition its manifest does not describe).
        let manifestPath = "warehouse/_manifests/2026-09/kpi.json"
        ws.write(manifestPath, String(decoding: ws.read(manifestPath)!, as: UTF8.self)
            .replacingOccurrences(of: SHA256Digest.hex(published), with: SHA256Digest.hex(Array(old.utf8))))
        var options = RunOptions(months: .one(Month(key: "2026-10")!))
        options.selection.stages = ["kpi"]
        let outcome = ws.run(try config(ws), options)
        #expect(outcome.exitCode == .ok, "\(outcome.error ?? "")")
        let manifest = Warehouse(root: ws.path + "/warehouse").manifest(Month(key: "2026-10")!, stage: "kpi")!
        #expect(manifest.warnings.contains { $0.contains("written before std_err") })
        let kpi = try KPIPartitions(ws.path + "/warehouse/kpi/month=2026-10/part-0.csv")
        func cell(_ key: String, _ column: String) -> String {
            (0..<kpi.table.rowCount).first { kpi.key($0) == key }.map { kpi.text($0, column) } ?? "no row"
        }
        #expect(cell("churn_rate|total|河北", "prev_base") == "3")
        #expect(cell("churn_rate|total|河北", "prev_std_err") == "")
        #expect(cell("churn_rate|total|河北", "mom_p_value") == "1")
        #expect(cell("nps|total|河北", "mom_p_value") == "")
        #expect(cell("nps|total|河北", "significant") == "")
        #expect(cell("nps|total|河北", "std_err") == "0")
    }

    @Test("alpha is validated at its position: 0 < alpha < 1")
    func alphaValidation() throws {
        let ws = Workspace()
        func message(_ kpi: String) -> String {
            do {
                let text = """
                name: test
                province: 河北
                month: 2026-10
                paths: {input: \(ws.path)/input/{month}, warehouse: \(ws.path)/warehouse, reports: \(ws.path)/reports/{month}}
                stages:
                  - \(kpi)
                """
                let config = try StageKinds.parsePipeline(text: text, file: "test.yaml")
                let settings = try KPIStage.settings(config.stage("kpi")!, in: config)
                return "alpha \(settings.alpha)"
            } catch {
                return "\(error)"
            }
        }
        #expect(message("{id: kpi}") == "alpha 0.05")
        #expect(message("{id: kpi, alpha: 0.1}") == "alpha 0.1")
        #expect(message("{id: kpi, alpha: 0}") == "test.yaml:6:22: kpi.alpha must be a false discovery rate between 0 and 1 exclusive (0.05 = 5 %), not 0")
        #expect(message("{id: kpi, alpha: 1}").hasSuffix("between 0 and 1 exclusive (0.05 = 5 %), not 1"))
        #expect(message("{id: kpi, alpha: 1.5}").hasPrefix("test.yaml:6:22: "))
        #expect(message("{id: kpi, alpha: -0.01}").contains("not -0.01"))
        #expect(message("{id: kpi, alpha: often}") == "test.yaml:6:22: kpi.alpha must be a number, not `often`")
        #expect(message("{id: kpi, alpah: 0.1}").contains("did you mean `alpha`?"))
        // A value from the file is cut to an excerpt in the message, however long it is.
        let long = String(repeating: "x", count: 10_000)
        for kpi in ["{id: kpi, targets: {\(long): 30}}", "{id: kpi, targets: {nps: \(long)}}", "{id: kpi, targets: {nps: {default: \(long)}}}"] {
            let text = message(kpi)
            #expect(text.hasPrefix("test.yaml:6:"), "\(text.prefix(120))")
            #expect(text.count < 400, "\(text.count) characters")
        }
    }

    // MARK: - Generated months

    /// sat_index's std_err computed the long way from fact_survey and customer_360: means, then each
    /// survey's uᵣ, then √(n/(n−1)·Σuᵣ²) (SPEC §4.1), for the total.
    func satIndexStdErr(_ surveys: ColumnarTable, _ base: ColumnarTable) throws -> Double {
        let ids = Set((0..<base.rowCount).map { base[$0, try! base.column("customer_id")] })
        let dims = try SurveyDimension.allCases.map { try surveys.column($0.rawValue) }
        let customer = try surveys.column("customer_id")
        let scores: [[Double?]] = (0..<surveys.rowCount).filter { ids.contains(surveys[$0, customer]) }
            .map { r in dims.map { surveys.double(r, $0) } }.filter { $0.contains { $0 != nil } }
        let w = KPICatalogue.satWeights
        var n = [Double](repeating: 0, count: 7), mean = n
        for s in scores { for i in 0..<7 { if let x = s[i] { n[i] += 1; mean[i] += x } } }
        for i in 0..<7 where n[i] > 0 { mean[i] /= n[i] }
        let weight = (0..<7).filter { n[$0] > 0 }.map { w[$0] }.reduce(0, +)
        var sum = 0.0
        for s in scores {
            var u = 0.0
            for i in 0..<7 { if let x = s[i] { u += w[i] / weight * 10 * (x - mean[i]) / n[i] } }
            sum += u * u
        }
        let count = Double(scores.count)
        return (count / (count - 1) * sum).squareRoot()
    }

    @Test("four generated months: p and q recomputed from the two published partitions, sat_index's std_err the long way, contributions add up")
    func generatedMonths() throws {
        let ws = Workspace()
        let truth = try SyntheticDeliveryGenerator(options: GeneratorOptions(start: "2026-01", months: 4, customers: 3_000, seed: 17,
                                                                             encoding: "utf-8", dirtyRate: 0.01))
            .write(to: URL(fileURLWithPath: ws.path + "/input"))
        let months = truth.months.map { Month(key: $0)! }
        let outcome = ws.run(try config(ws), RunOptions(months: .range(months.first!, months.last!)))
        #expect(outcome.exitCode == .ok, "\(outcome.error ?? "")")
        let warehouse = ws.path + "/warehouse"
        var checkedChanges = 0
        for month in months.dropFirst() {
            let now = try KPIPartitions("\(warehouse)/kpi/month=\(month)/part-0.csv")
            let before = try KPIPartitions("\(warehouse)/kpi/month=\(month.previous)/part-0.csv")
            var previous: [String: Int] = [:]
            for r in 0..<before.table.rowCount { previous[before.key(r)] = r }

            // p from the written cells of the two partitions, test by test (SPEC §4.1).
            var p: [Int: Double] = [:]
            for r in 0..<now.table.rowCount {
                let kpi = now.text(r, "kpi")
                #expect(now.double(r, "prev_base") == previous[now.key(r)].flatMap { before.double($0, "base") })
                guard kpi != "survey_n", kpi != "hv_retention", let pr = previous[now.key(r)], let v = now.double(r, "value"),
                      let v1 = before.double(pr, "value"), let n = now.double(r, "base"), let n1 = before.double(pr, "base") else { continue }
                var diff = v - v1, denominator = 0.0
                switch kpi {
                case "promoter_share", "detractor_share", "hv_share", "complaint_closed_48h", "churn_rate":
                    let pooled = (v / 100 * n + v1 / 100 * n1) / (n + n1)
                    diff /= 100
                    denominator = (pooled * (1 - pooled) * (1 / n + 1 / n1)).squareRoot()
                case "complaint_rate":
                    denominator = (1000 * (v * n + v1 * n1) / (n + n1) * (1 / n + 1 / n1)).squareRoot()
                default:
                    guard let se = now.double(r, "std_err"), let se1 = before.double(pr, "std_err") else { continue }
                    denominator = (se * se + se1 * se1).squareRoot()
                }
                p[r] = denominator > 0 ? erfc(abs(diff / denominator) / 2.0.squareRoot()) : (v == v1 ? 1 : 0)
            }
            // Benjamini–Hochberg over those rows.
            let sorted = p.keys.sorted { p[$0]! < p[$1]! }
            var q: [Int: Double] = [:], running = 1.0
            for k in stride(from: sorted.count - 1, through: 0, by: -1) {
                running = min(running, Double(sorted.count) * p[sorted[k]]! / Double(k + 1))
                q[sorted[k]] = running
            }
            #expect(p.count > 100, "\(month): \(p.count) tested rows")
            for r in 0..<now.table.rowCount {
                let written = now.double(r, "mom_p_value"), writtenQ = now.double(r, "mom_q_value")
                #expect((written == nil) == (p[r] == nil), "\(month) \(now.key(r)) p presence")
                if let expected = p[r], let written { #expect(abs(written - expected) <= 1e-6, "\(month) \(now.key(r)) p") }
                if let expected = q[r], let writtenQ { #expect(abs(writtenQ - expected) <= 1e-6, "\(month) \(now.key(r)) q") }
                let significant = q[r].map { $0 <= 0.05 ? "true" : "false" } ?? ""
                #expect(now.text(r, "significant") == significant, "\(month) \(now.key(r)) significant")
                let alert = now.text(r, "alert"), kpi = now.text(r, "kpi")
                let moved = alert.hasPrefix("rise") || alert.hasPrefix("fall")
                let level = moved ? (significant == "true" || kpi == "hv_retention" ? "confirmed" : "watch") : alert == "off_target" ? "target" : "none"
                #expect(now.text(r, "alert_level") == level, "\(month) \(now.key(r)) alert_level")
            }

            // sat_index's std_err for the total, the long way.
            let surveys = try ColumnarTable.read("\(warehouse)/fact_survey/month=\(month)/part-0.csv").0
            let base = try ColumnarTable.read("\(warehouse)/customer_360/month=\(month)/part-0.csv").0
            let sat = (0..<now.table.rowCount).first { now.key($0) == "sat_index|total|河北" }!
            #expect(abs(now.double(sat, "std_err")! - (try satIndexStdErr(surveys, base))) <= 1e-6)

            // kpi_change: each (kpi, dimension) adds up to the total's change as written; rank 1 is the largest |contribution|.
            let change = try KPIPartitions("\(warehouse)/kpi_change/month=\(month)/part-0.csv")
            var totals: [String: Double] = [:]
            for r in 0..<now.table.rowCount where now.text(r, "dimension") == "total" {
                if let v = now.double(r, "value"), let v1 = now.double(r, "prev_value") { totals[now.text(r, "kpi")] = v - v1 }
            }
            var sums: [String: (Double, Int, Double, Double)] = [:]   // sum, rows, largest |c|, |c| of rank 1
            for r in 0..<change.table.rowCount {
                let key = change.text(r, "kpi") + "|" + change.text(r, "dimension")
                let c = change.double(r, "contribution")!
                var s = sums[key] ?? (0, 0, 0, -1)
                s.0 += c; s.1 += 1; s.2 = max(s.2, abs(c))
                if change.text(r, "rank") == "1" { s.3 = abs(c) }
                sums[key] = s
            }
            for (key, s) in sums {
                let kpi = String(key.split(separator: "|")[0])
                #expect(abs(s.0 - totals[kpi]!) <= 2e-6 + 1e-6 * Double(s.1), "\(month) \(key): \(s.0) vs \(totals[kpi]!)")
                #expect(s.3 == s.2, "\(month) \(key) rank 1")
            }
            // Every total KPI with a change is split over every dimension it has (channel for survey KPIs).
            for kpi in totals.keys where kpi != "survey_n" {
                let dims = sums.keys.filter { $0.hasPrefix(kpi + "|") }.count
                let def = KPICatalogue.all.first { $0.id == kpi }!
                #expect(dims == (kpi == "sat_index" ? 1 : def.isSurvey ? 5 : 4), "\(month) \(kpi) dimensions")
            }
            checkedChanges += change.table.rowCount

            // The stage's own invariants agree.
            let config = try config(ws)
            let io = StageIO(config: config, stage: config.stage("kpi")!, month: month, runId: "test", log: RunLogger(quiet: true, sink: { _ in }),
                             warehouse: Warehouse(root: warehouse), registry: StageKinds.registry)
            for (name, ok) in try KPIStage.invariants(io) { #expect(ok, "\(month): \(name)") }
        }
        #expect(checkedChanges > 0)
    }
}
