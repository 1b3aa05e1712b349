import PanoramaConfig
import PanoramaCore
import PanoramaStages

/// `panorama validate`: a pipeline file checked without running anything.
enum ValidateCommand: PanoramaCommand {
    static let name = "validate"
    static let abstract = "Check a pipeline file's stages and their parameters without running anything."
    static let discussion = "Every stage's parameters are checked: names, types and ranges."

    static let set = OptionSpec.value("--set", "STAGE.KEY=VALUE", help: """
        Override one stage parameter, as `run --set` does; the value is validated with the rest.
        """, repeatable: true)

    static let options = [set]
    static let positionals = [configPositional]

    static func run(_ parsed: ParsedArguments) throws -> ExitCode {
        let path = try parsed.string(configPositional)
        let config = try StageKinds.loadPipeline(path: path, overrides: parsed.values(set))
        print("\(path): ok — pipeline `\(config.name)`, \(config.stages.count) stages: \(config.orderedStageIds.joined(separator: " → "))")
        return .ok
    }
}
