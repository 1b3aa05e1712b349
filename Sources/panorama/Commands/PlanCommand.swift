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
        A stage's outputs are current when they were made by this program from its inputs' present \
        checksums with its present parameters (and those of the stages upstream of it); `run` skips such \
        a stage. For any other state the reason says what changed: an input, a parameter (which one, \
        from what to what), the program, or a stage upstream. Nothing is run, but a publish an earlier \
        run left unfinished is completed or undone first (as `run` would), unless a run is in progress, \
        which the plan then names with its pid. Takes the selection options of `run`.
        """

    static let selection = SelectionOptions(verb: "Plan")
    static let options = selection.all
    static let positionals = [configPositional]
    static let exclusiveOptions = selection.exclusive

    static func run(_ parsed: ParsedArguments) throws -> ExitCode {
        let config = try StageKinds.loadPipeline(path: try parsed.string(configPositional), overrides: parsed.values(selection.set))
        let options = try selection.read(parsed)
        let selected = try options.selection.resolve(config)
        let months = PipelineRunner(config: config, options: options, log: RunLogger(), registry: StageKinds.registry).months()
        if case .runInProgress(let pid) = Planner.prepare(config, log: RunLogger()) {
            let who = pid.map { "pid \($0)" } ?? "a process whose pid could not be read"
            print("a run is in progress on \(config.warehousePath) (\(who)); stages it has not finished yet show as they were before it")
        }
        for month in months {
            print("plan for \(month) (\(config.file)):")
            for e in Planner.plan(config, month: month, stages: selected) {
                let id = e.stage.padding(toLength: 14, withPad: " ", startingAt: 0)
                let state = e.state.padding(toLength: 10, withPad: " ", startingAt: 0)
                print("  \(id) \(state) \(e.reason)")
            }
        }
        return .ok
    }
}
