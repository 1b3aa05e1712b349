import PanoramaConfig
import PanoramaCore
import PanoramaEngine
import PanoramaStages

/// `panorama run`: the selected stages of a pipeline, in dependency order, for each month.
enum RunCommand: PanoramaCommand {
    static let name = "run"
    static let abstract = "Run the pipeline's stages in dependency order for each month."
    static let discussion = """
        Runs all stages by default. A selected stage reads its upstream stages' published partitions; \
        a missing one is an error naming the stage and month to run first (exit 2). Progress and a \
        one-line summary per stage go to stderr; months not run after a failure are listed as not_run.
        """

    static let month = OptionSpec.value("--month", "M", help: "Run this month (YYYY-MM) instead of the config's `month:`.")
    static let months = OptionSpec.value("--months", "A..B", help: "Run every month from A to B (YYYY-MM..YYYY-MM), in order.")
    static let stage = OptionSpec.value("--stage", "ID", help: "Run only the stages given this way.", repeatable: true)
    static let from = OptionSpec.value("--from", "ID", help: "Run this stage and every stage downstream of it.")
    static let until = OptionSpec.value("--until", "ID", help: """
        Run this stage and every stage upstream of it (with --from: the stages in both sets).
        """)
    static let set = OptionSpec.value("--set", "STAGE.KEY=VALUE", help: """
        Override a stage parameter of the config for this run.
        """, repeatable: true)
    static let quiet = OptionSpec.flag("--quiet", help: "Leave out progress lines and the summaries of stages that succeeded.")
    static let logFormat = OptionSpec.value("--log-format", "text|json", help: """
        Log lines on stderr as text for people or one JSON object per line for schedulers.
        """, default: "text")

    static let options = [month, months, stage, from, until, set, quiet, logFormat]
    static let positionals = [configPositional]
    static let exclusiveOptions = [[month, months]]

    static func run(_ parsed: ParsedArguments) throws -> ExitCode {
        var options = RunOptions()
        if let m = try parsed.month(month) { options.months = .one(m) }
        if let range = parsed.value(months) { options.months = try MonthChoice.range(range) }
        options.selection.stages = parsed.values(stage)
        options.selection.from = parsed.value(from)
        options.selection.until = parsed.value(until)
        guard let format = RunLogger.Format(rawValue: try parsed.string(logFormat)) else {
            throw PanoramaError.usage("--log-format is text or json")
        }
        let config = try StageKinds.loadPipeline(path: try parsed.string(configPositional), overrides: parsed.values(set))
        let log = RunLogger(format: format, quiet: parsed.isSet(quiet))
        return PipelineRunner(config: config, options: options, log: log, registry: StageKinds.registry).run().exitCode
    }
}
