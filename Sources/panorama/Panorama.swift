import Foundation
import PanoramaConfig
import PanoramaCore
import PanoramaEngine
import PanoramaGenerate

/// The `panorama` command: parses arguments, calls the libraries, maps errors to exit codes.
@main
struct Panorama {
    static func main() {
        var args = Array(CommandLine.arguments.dropFirst())
        guard let command = args.first else {
            print(usage)
            exit(ExitCode.usage.rawValue)
        }
        args.removeFirst()
        do {
            let code: ExitCode
            switch command {
            case "run": code = try Commands.run(args)
            case "validate": code = try Commands.validate(args)
            case "plan": code = try Commands.plan(args)
            case "generate": code = try Commands.generate(args)
            case "demo": code = try Commands.demo(args)
            case "bench": code = try Commands.bench(args)
            case "version", "--version": print("panorama \(PanoramaVersion.current)"); code = .ok
            case "help", "--help", "-h": print(usage); code = .ok
            default:
                throw PanoramaError.usage("unknown command `\(command)`\n\n" + usage)
            }
            exit(code.rawValue)
        } catch {
            let (code, message) = PipelineRunner.classify(error)
            FileHandle.standardError.write(("error: " + message + "\n").data(using: .utf8)!)
            exit(code.rawValue)
        }
    }

    static let usage = """
    panorama — nightly customer-satisfaction pipeline

    usage:
      panorama run [CONFIG] [--month M | --months A..B] [--stage ID]... [--from ID] [--until ID]
                   [--set stage.key=value]... [--quiet] [--log-format text|json]
      panorama validate CONFIG
      panorama plan CONFIG [--month M]
      panorama generate --out DIR --start YYYY-MM --months N --customers N --seed N
                        [--encoding gb18030] [--dirty RATE]
      panorama demo
      panorama bench --customers N [--months 3] [--seed S] [--config FILE]

    CONFIG defaults to pipelines/nightly.yaml.
    exit codes: 0 ok, 1 runtime failure, 2 usage/config error or missing upstream,
                3 data-quality gate or missing/unreadable input, 4 warehouse locked by another run
    """
}
