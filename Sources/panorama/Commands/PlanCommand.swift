import Foundation
import PanoramaConfig
import PanoramaCore
import PanoramaEngine
import PanoramaStages

/// `panorama plan`: the stages in order, each with whether its outputs for the month are current.
enum PlanCommand: PanoramaCommand {
    static let name = "plan"
    static let abstract = "Show the stages in order and whether each one's outputs for a month are current."
    static let discussion = """
        A stage's outputs are current when they were made from its inputs' present checksums and its \
        present parameters. Nothing is run.
        """

    static let month = OptionSpec.value("--month", "M", help: "Plan this month (YYYY-MM) instead of the config's `month:`.")

    static let options = [month]
    static let positionals = [configPositional]

    static func run(_ parsed: ParsedArguments) throws -> ExitCode {
        let config = try StageKinds.loadPipeline(path: try parsed.string(configPositional))
        var options = RunOptions()
        if let m = try parsed.month(month) { options.months = .one(m) }
        let month = PipelineRunner(config: config, options: options, log: RunLogger(), registry: StageKinds.registry).months()[0]
        print("plan for \(month) (\(config.file)):")
        for e in Planner.plan(config, month: month) {
            let id = e.stage.padding(toLength: 14, withPad: " ", startingAt: 0)
            let state = e.state.padding(toLength: 8, withPad: " ", startingAt: 0)
            print("  \(id) \(state) \(e.reason)")
        }
        return .ok
    }
}
