import Foundation
import Testing
import PanoramaGenerate

/// Speed check, enabled only with PANORAMA_GEN_BENCH=<customers> (e.g. 100000); writes 3 months to
/// PANORAMA_GEN_BENCH_DIR (default a temporary folder) and prints the elapsed time.
@Suite("Generator benchmark")
struct GeneratorBenchmark {
    @Test("benchmark run (opt-in via PANORAMA_GEN_BENCH)", .enabled(if: ProcessInfo.processInfo.environment["PANORAMA_GEN_BENCH"] != nil))
    func bench() throws {
        let env = ProcessInfo.processInfo.environment
        let n = Int(env["PANORAMA_GEN_BENCH"] ?? "") ?? 100_000
        let months = Int(env["PANORAMA_GEN_BENCH_MONTHS"] ?? "") ?? 3
        let enc = env["PANORAMA_GEN_BENCH_ENCODING"] ?? "utf-8"
        let dir = URL(fileURLWithPath: env["PANORAMA_GEN_BENCH_DIR"] ?? NSTemporaryDirectory() + "panorama-gen-bench")
        let t0 = Date()
        let truth = try SyntheticDeliveryGenerator(options: GeneratorOptions(start: "2026-01", months: months, customers: n, seed: 1, encoding: enc)).write(to: dir)
        let dt = Date().timeIntervalSince(t0)
        print("BENCH customers=\(n) months=\(months) encoding=\(enc) seconds=\(String(format: "%.2f", dt)) base_last=\(truth.perMonth[truth.months.last!]!.baseCustomers)")
    }
}
