import Foundation
import PanoramaCore
import PanoramaEngine
import PanoramaStages

/// `panorama list`: the stage kinds with their parameters, defaults and tables, and the configured
/// stages in order.
enum ListCommand: PanoramaCommand {
    static let name = "list"
    static let abstract = "List the stage kinds (parameters, defaults, tables written) and a pipeline's stages in order."
    static let discussion = """
        Without CONFIG the default pipeline is listed when it exists. The pipeline is validated first, \
        so a bad parameter is reported as `validate` would.
        """

    static let options: [OptionSpec] = []
    static let positionals = [configPositional]

    static func run(_ parsed: ParsedArguments) throws -> ExitCode {
        print(StageListing.kinds(StageKinds.registry))
        let path = try parsed.string(configPositional)
        if parsed.positionalGiven(configPositional) || FileManager.default.fileExists(atPath: path) {
            print(StageListing.stages(try StageKinds.loadPipeline(path: path)))
        }
        return .ok
    }
}
