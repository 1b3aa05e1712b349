import Foundation
import PanoramaConfig
import PanoramaCore
import PanoramaEngine
import PanoramaGenerate
import PanoramaStages

/// `panorama bench`: per-stage seconds, rows per second and peak memory on generated deliveries,
/// with the invariants checked.
enum BenchCommand: PanoramaCommand {
    static let name = "bench"
    static let abstract = "Time every stage on generated deliveries (seconds, rows/s, peak RSS) and check invariants."
    static let discussion = """
        The deliveries are generated once per customers/months/seed into data/bench/ and reused; the \
        figures are printed and written to bench.json next to them. Exit 1 when an invariant fails.
        """

    static let customers = OptionSpec.value("--customers", "N", help: "Customers in the generated deliveries.", default: "100000")
    static let months = OptionSpec.value("--months", "N", help: """
        Months generated; the last one is timed with the earlier ones present.
        """, default: "3")
    static let seed = OptionSpec.value("--seed", "N", help: "The random seed of the deliveries.", default: "1")
    static let config = OptionSpec.value("--config", "FILE", help: "The pipeline file to time.", default: defaultConfigPath)

    static let options = [customers, months, seed, config]

    static func run(_ parsed: ParsedArguments) throws -> ExitCode {
        let customers = try parsed.positiveInt(Self.customers)
        let months = try parsed.positiveInt(Self.months)
        let seed = try parsed.unsignedInt(Self.seed)
        let root = "data/bench/n\(customers)-m\(months)-s\(seed)"
        let start = Month(key: "2026-01")!
        if !FileManager.default.fileExists(atPath: root + "/input/_truth.json") {
            FileHandle.standardError.write("generating \(months) months for \(customers) customers in \(root)/input (cached for later runs)\n".data(using: .utf8)!)
            _ = try SyntheticDeliveryGenerator(options: GeneratorOptions(start: start.description, months: months, customers: customers,
                                                                         seed: seed, encoding: "utf-8", dirtyRate: 0.01))
                .write(to: URL(fileURLWithPath: root + "/input"))
        }
        var config = try StageKinds.loadPipeline(path: try parsed.string(Self.config))
        config.inputPath = root + "/input/{month}"
        config.warehousePath = root + "/warehouse"
        config.reportsPath = root + "/reports/{month}"
        let all = start.through(start.adding(months - 1))
        let result = try Benchmark(config: config, months: all, log: RunLogger(quiet: true), registry: StageKinds.registry).run()

        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : String(repeating: " ", count: n - s.count) + s }
        print("panorama bench: \(customers) customers, month \(all.last!) with \(months - 1) earlier months present, \(ProcessInfo.processInfo.activeProcessorCount) cores")
        print(pad("stage", 12) + pad("seconds", 10) + pad("rows in", 12) + pad("rows out", 12) + pad("rows/s", 12) + pad("peak RSS MiB", 14))
        var stagesJSON: [JSONValue] = []
        for s in result.stages {
            let rate = s.seconds > 0 ? Int(Double(s.rowsIn) / s.seconds) : 0
            print(pad(s.stage, 12) + pad(formatNumber((s.seconds * 100).rounded() / 100) ?? "", 10) + pad(String(s.rowsIn), 12)
                  + pad(String(s.rowsOut), 12) + pad(String(rate), 12) + pad(String(s.peakRSS >> 20), 14))
            stagesJSON.append(.object([("stage", .string(s.stage)), ("seconds", .double(s.seconds)), ("rows_in", .int(s.rowsIn)),
                                       ("rows_out", .int(s.rowsOut)), ("rows_per_second", .int(rate)), ("peak_rss_bytes", .int(s.peakRSS))]))
        }
        let seconds = formatNumber((result.total * 100).rounded() / 100) ?? ""
        print(pad("total", 12) + pad(seconds, 10) + "   peak RSS \(Benchmark.peakRSS() >> 20) MiB")
        for (name, ok) in result.checks { print("  \(ok ? "✓" : "✗") \(name)") }
        let json: JSONValue = .object([
            ("customers", .int(customers)), ("months", .int(months)), ("seed", .int(Int(seed))),
            ("month", .string(all.last!.description)), ("cores", .int(ProcessInfo.processInfo.activeProcessorCount)),
            ("version", .string(PanoramaVersion.current)), ("total_seconds", .double(result.total)),
            ("peak_rss_bytes", .int(Benchmark.peakRSS())), ("stages", .array(stagesJSON)),
            ("checks", .array(result.checks.map { .object([("check", .string($0.0)), ("ok", .bool($0.1))]) })),
        ])
        try FileIO.writeAtomically(json.serialized(), to: root + "/bench.json")
        print("written \(root)/bench.json")
        return result.checks.allSatisfy(\.1) ? .ok : .runtime
    }
}
