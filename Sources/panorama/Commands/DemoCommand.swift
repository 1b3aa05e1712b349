import Foundation
import PanoramaConfig
import PanoramaCore
import PanoramaEngine
import PanoramaGenerate
import PanoramaStages

/// `panorama demo`: a demo data set (generated once), the default pipeline over all its months,
/// and the path of the newest report.
enum DemoCommand: PanoramaCommand {
    static let name = "demo"
    static let abstract = "Generate demo deliveries (once), run the pipeline over them, print the newest report."
    static let discussion = """
        \(months) months from \(start) are generated once into \(root)/input; the warehouse goes to \
        \(root)/warehouse. Prints the path of the newest report (or of the warehouse when the config \
        has no report stage).
        """

    static let customers = OptionSpec.value("--customers", "N", help: """
        Customers in the generated data set (used only when it is first generated).
        """, default: "20000")
    static let config = OptionSpec.value("--config", "FILE", help: "The pipeline file to run.", default: defaultConfigPath)
    static let quiet = OptionSpec.flag("--quiet", help: "Leave out progress lines and the summaries of stages that succeeded.")

    static let options = [customers, config, quiet]

    static let start = "2025-12", months = 6, seed: UInt64 = 2026
    static let root = "data/demo"

    static func run(_ parsed: ParsedArguments) throws -> ExitCode {
        let customerCount = try parsed.positiveInt(customers)
        let input = root + "/input"
        if !FileManager.default.fileExists(atPath: input + "/_truth.json") {
            FileHandle.standardError.write("generating the demo deliveries (\(months) months from \(start), \(customerCount) customers) in \(input)\n".data(using: .utf8)!)
            let options = GeneratorOptions(start: start, months: months, customers: customerCount, seed: seed, encoding: "utf-8", dirtyRate: 0.01)
            _ = try SyntheticDeliveryGenerator(options: options).write(to: URL(fileURLWithPath: input))
        }
        var pipeline = try StageKinds.loadPipeline(path: try parsed.string(config))
        pipeline.inputPath = input + "/{month}"
        pipeline.warehousePath = root + "/warehouse"
        let first = Month(key: start)!
        let last = first.adding(months - 1)
        var runner = PipelineRunner(config: pipeline, options: RunOptions(months: .range(first, last)),
                                    log: RunLogger(quiet: parsed.isSet(quiet)), registry: StageKinds.registry)
        let control = RunControl()
        control.installSignalHandlers()
        runner.control = control
        let outcome = runner.run()
        guard outcome.exitCode == .ok else { return outcome.exitCode }
        let reportDir = PipelineConfig.resolve(pipeline.reportsPath, month: last)
        let html = reportDir + "/panorama.html"
        if FileManager.default.fileExists(atPath: html) {
            print(html)
        } else {
            print(pipeline.warehousePath)
        }
        return .ok
    }
}
