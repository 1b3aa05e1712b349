import PanoramaCore
import PanoramaEngine

/// `panorama version`: the product version written into manifests, run logs and reports.
enum VersionCommand: PanoramaCommand {
    static let name = "version"
    static let aliases = ["--version"]
    static let abstract = "Print the version of panorama."

    static func run(_ parsed: ParsedArguments) throws -> ExitCode {
        print("panorama \(PanoramaVersion.current)")
        return .ok
    }
}
