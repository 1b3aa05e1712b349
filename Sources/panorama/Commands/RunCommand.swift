import Foundation
import PanoramaConfig
import PanoramaCore
import PanoramaEngine
import PanoramaStages

/// `panorama run`: the selected stages of a pipeline, in dependency order, for each month.
enum RunCommand: PanoramaCommand {
    static let name = "run"
    static let abstract = "Run the pipeline's stages in dependency order for each month."
    static let discussion = """
        Runs all stages by default. A stage whose outputs are current (same input checksums, parameters \
        and program as when they were made; see `panorama plan`) is skipped unless --force is given. A \
        selected stage reads its upstream stages' published partitions; a missing one is an error naming \
        the stage and month to run first (exit 2). Each stage's partitions and manifest are published as \
        one transaction; a publish an earlier run left unfinished is completed or undone first. Progress \
        and a one-line summary per stage go to stderr, and one line for the whole run; months not run \
        after a failure are listed as not_run. SIGTERM or SIGINT stops the run at the next safe point \
        (exit 143 or 130, run log status `terminated`).
        """

    static let selection = SelectionOptions(verb: "Run")
    static let force = OptionSpec.flag("--force", help: "Run the selected stages even when their outputs are current.")
    static let sandbox = OptionSpec.value("--sandbox", "DIR", help: """
        Write every output, manifest, run log and report under DIR (DIR/warehouse, DIR/reports) and \
        nothing in the configured warehouse or reports folder; upstream partitions DIR does not hold are \
        read from the configured warehouse. For trying other parameters.
        """)
    static let bucket = OptionSpec.value("--bucket", "K/B", help: """
        Run only bucket K of B of the customers (0 ≤ K < B), with --sandbox DIR: the stages see the \
        bucket's records only and publish under DIR; `panorama merge` combines the B buckets \
        (docs/scale-out.md). Usually with --until customer360.
        """)
    static let quiet = OptionSpec.flag("--quiet", help: "Leave out progress lines and the summaries of stages that succeeded.")
    static let logFormat = OptionSpec.value("--log-format", "text|json", help: """
        Log lines on stderr as text for people or one JSON object per line for schedulers.
        """, default: "text")

    static let options = selection.all + [force, sandbox, bucket, quiet, logFormat]
    static let positionals = [configPositional]
    static let exclusiveOptions = selection.exclusive

    static func run(_ parsed: ParsedArguments) throws -> ExitCode {
        var options = try selection.read(parsed)
        options.force = parsed.isSet(force)
        options.sandbox = parsed.value(sandbox)
        if let text = parsed.value(bucket) {
            guard let spec = BucketSpec(text) else {
                throw PanoramaError.usage("--bucket expects K/B with 0 ≤ K < B ≤ 4096, got `\(text)`")
            }
            guard options.sandbox != nil else {
                throw PanoramaError.usage("--bucket \(text) needs --sandbox DIR: a bucket run publishes its part under DIR, for `panorama merge`")
            }
            options.bucket = spec
        }
        guard let format = RunLogger.Format(rawValue: try parsed.string(logFormat)) else {
            throw PanoramaError.usage("--log-format is text or json")
        }
        let config = try StageKinds.loadPipeline(path: try parsed.string(configPositional), overrides: parsed.values(selection.set))
        if let dir = options.sandbox { try checkSandbox(dir, config) }
        let log = RunLogger(format: format, quiet: parsed.isSet(quiet))
        var runner = PipelineRunner(config: config, options: options, log: log, registry: StageKinds.registry)
        let control = RunControl()
        control.installSignalHandlers()
        runner.control = control
        return runner.run().exitCode
    }

    /// A sandbox must not be (or lie inside) the configured warehouse or reports folder, nor contain
    /// them: it would then write where production lives.
    static func checkSandbox(_ dir: String, _ config: PipelineConfig) throws {
        func absolute(_ p: String) -> String {
            let a = p.hasPrefix("/") ? p : FileManager.default.currentDirectoryPath + "/" + p
            return (a as NSString).standardizingPath
        }
        let sandbox = absolute(dir)
        var production = [absolute(config.warehousePath)]
        if let r = config.reportsPath.range(of: "{month}") { production.append(absolute(String(config.reportsPath[..<r.lowerBound]))) }
        for p in production where sandbox == p || sandbox.hasPrefix(p + "/") || p.hasPrefix(sandbox + "/") {
            throw PanoramaError.usage("--sandbox \(dir) overlaps \(p), which the pipeline publishes to; give a folder outside the warehouse and the reports folder")
        }
    }
}
