import Foundation
import Testing
import PanoramaCore
import PanoramaGenerate
import PanoramaTestSupport

/// docs/scale-out.md's local proof: one month run as four bucket processes plus a merge gives the
/// same warehouse as the whole month in one process — real child processes, as a batch scheduler
/// would start them.
@Suite("Scale-out: four bucket processes and a merge give byte-identical tables", .serialized)
struct ScaleOutTests {
    static func pipeline(_ dir: TempDir, warehouse: String) -> String {
        """
        name: scale-out
        province: 河北
        paths: {input: \(dir.path)/input/{month}, warehouse: \(dir.path)/\(warehouse), reports: \(dir.path)/reports-\(warehouse)/{month}}
        stages:
          - {id: ingest}
          - {id: cleanse, needs: [ingest], max_reject_rate: 0.2}
          - {id: customer360, needs: [cleanse]}
          - {id: kpi, needs: [customer360], targets: {nps: 30}}
          - {id: drivers, needs: [customer360], min_n: 30}
          - {id: outcomes, needs: [customer360]}
          - {id: churn, needs: [customer360], train_months: 2}
          - {id: report, needs: [kpi, drivers, outcomes, churn]}

        """
    }

    /// Every partition file of a month under a warehouse, by table.
    static func partitions(_ root: String, _ month: String) -> [String: [UInt8]] {
        var out: [String: [UInt8]] = [:]
        for table in (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [] where !table.hasPrefix("_") {
            if let data = FileManager.default.contents(atPath: "\(root)/\(table)/month=\(month)/part-0.csv") { out[table] = [UInt8](data) }
        }
        return out
    }

    /// The first line where two partitions differ, both versions, for a message a person can read.
    static func firstDifference(_ a: [UInt8], _ b: [UInt8]) -> String {
        let la = a.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        let lb = b.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        for i in 0..<max(la.count, lb.count) {
            let x = i < la.count ? String(decoding: la[i], as: UTF8.self) : "<end>"
            let y = i < lb.count ? String(decoding: lb[i], as: UTF8.self) : "<end>"
            if x != y { return "line \(i + 1) of \(la.count): whole `\(x)`, split `\(y)`" }
        }
        return "same lines"
    }

    @Test("a generated month with duplicate survey ids across buckets: every table of the month is identical",
          .timeLimit(.minutes(10)))
    func fourBuckets() throws {
        guard ExternalTool.panorama != nil else {
            Issue.record(Comment(rawValue: ExternalTool.notBuilt))
            return
        }
        let dir = TempDir("scale-out")
        _ = try SyntheticDeliveryGenerator(options: GeneratorOptions(start: "2026-01", months: 3, customers: 3_000, seed: 9,
                                                                     encoding: "utf-8", dirtyRate: 0.02))
            .write(to: URL(fileURLWithPath: dir.path + "/input"))
        // Two survey records reusing an earlier survey_id for other customers: with four buckets at
        // least one lands in another bucket than the first, so only the merge can find it.
        let surveys = dir.text("input/2026-03/surveys.csv")
        var lines = surveys.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        let header = lines[0].replacingOccurrences(of: "\u{FEFF}", with: "").split(separator: ",").map(String.init)
        let sid = header.firstIndex(of: "survey_id")!, cid = header.firstIndex(of: "customer_id")!
        // Real (not planted) survey rows: planted ids carry an X.
        let donors = lines.dropFirst().filter {
            let f = $0.split(separator: ",", omittingEmptySubsequences: false)
            return !$0.contains("\"") && f.count == header.count && f[sid].hasPrefix("SV") && !f[sid].contains("X")
        }
        try #require(donors.count >= 40)
        var extra: [String] = []
        for k in [3, 17] {
            // Survey k's id again, answered by the customer of survey k + 20.
            var first = donors[k].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let other = donors[k + 20].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            first[cid] = other[cid]
            extra.append(first.joined(separator: ","))
        }
        if lines.last == "" { lines.removeLast() }
        dir.write("input/2026-03/surveys.csv", (lines + extra).joined(separator: "\n") + "\n")
        dir.write("whole.yaml", Self.pipeline(dir, warehouse: "whole"))
        dir.write("split.yaml", Self.pipeline(dir, warehouse: "split"))

        let whole = try ExternalTool.runPanorama(["run", dir.url("whole.yaml"), "--months", "2026-01..2026-03", "--quiet"], in: dir.path)!
        #expect(whole.status == 0, "\(whole.err)")
        let history = try ExternalTool.runPanorama(["run", dir.url("split.yaml"), "--months", "2026-01..2026-02", "--quiet"], in: dir.path)!
        #expect(history.status == 0, "\(history.err)")
        for k in 0..<4 {
            let bucket = try ExternalTool.runPanorama(["run", dir.url("split.yaml"), "--month", "2026-03", "--bucket", "\(k)/4",
                                                       "--sandbox", dir.url("work/bucket-\(k)"), "--until", "customer360", "--quiet"],
                                                      in: dir.path)!
            #expect(bucket.status == 0, "bucket \(k): \(bucket.err)")
        }
        let merge = try ExternalTool.runPanorama(["merge", dir.url("split.yaml"), "--month", "2026-03", "--work", dir.url("work"),
                                                  "--buckets", "4"], in: dir.path)!
        #expect(merge.status == 0, "\(merge.err)")
        // At least one planted duplicate belongs to another bucket than its first occurrence.
        let found = merge.err.components(separatedBy: "merged 4 buckets (").dropFirst().first?.split(separator: " ").first.flatMap { Int($0) }
        #expect((found ?? 0) >= 1, "\(merge.err)")
        // A customer whose survey the merge quarantined is computed again, not taken from the bucket.
        #expect(merge.err.contains("customers computed again"), "\(merge.err)")
        // The merged manifests count what the whole run counts.
        for stage in ["cleanse", "customer360"] {
            let quality = { (root: String) in
                JSONValue.parse(Array(dir.text("\(root)/_manifests/2026-03/\(stage).json").utf8))?["quality"]
            }
            #expect(quality("whole") != nil)
            #expect(quality("whole") == quality("split"), "\(stage) quality differs")
        }

        let a = Self.partitions(dir.url("whole"), "2026-03"), b = Self.partitions(dir.url("split"), "2026-03")
        #expect(a.keys.sorted() == ["care_calendar", "churn_coef", "churn_model", "churn_score", "churn_watch", "customer_360",
                                    "detractor_repair", "dim_customer", "driver_model", "drivers", "fact_complaint", "fact_contact",
                                    "fact_survey", "fact_usage", "kpi", "kpi_change", "list_outcome", "quarantine"])
        #expect(Set(a.keys) == Set(b.keys))
        for (table, bytes) in a.sorted(by: { $0.key < $1.key }) where b[table] != bytes {
            Issue.record("\(table) differs: \(Self.firstDifference(bytes, b[table] ?? []))")
        }
        // The buckets really split the customers: each holds a part of the month's base.
        var parts = 0
        for k in 0..<4 {
            let rows = dir.text("work/bucket-\(k)/warehouse/customer_360/month=2026-03/part-0.csv").split(separator: "\n").count - 1
            #expect(rows > 0)
            parts += rows
        }
        #expect(parts == String(decoding: a["customer_360"]!, as: UTF8.self).split(separator: "\n").count - 1)
        // The planted duplicates across buckets are quarantined at their lines.
        let quarantine = String(decoding: a["quarantine"]!, as: UTF8.self)
        let total = lines.count + extra.count
        #expect(quarantine.contains("surveys,\(total - 1),DUPLICATE_KEY") || quarantine.contains("surveys,\(total),DUPLICATE_KEY"), "\(quarantine.suffix(600))")
    }
}
