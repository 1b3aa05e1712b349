import Foundation
import PanoramaCore
import PanoramaEngine

/// The `panorama` command: finds the command, parses its arguments against its declarations, runs
/// it, and maps errors to exit codes (SPEC §8).
@main
struct Panorama {
    /// Every command, in the order `panorama --help` lists them. A new command is a type conforming
    /// to `PanoramaCommand` in its own file, plus one line here.
    static var commands: [any PanoramaCommand.Type] {
        [
            RunCommand.self,
            ValidateCommand.self,
            PlanCommand.self,
            ListCommand.self,
            MergeCommand.self,
            GenerateCommand.self,
            DemoCommand.self,
            BenchCommand.self,
            VersionCommand.self,
            HelpCommand.self,
        ]
    }

    static func main() {
        var arguments = Array(CommandLine.arguments.dropFirst())
        guard !arguments.isEmpty else {
            print(HelpText.root(commands))
            exit(ExitCode.usage.rawValue)
        }
        let word = arguments.removeFirst()
        do {
            if let problem = FaultInjection.shared.problem { throw PanoramaError.usage(problem) }
            let command = try command(named: word)
            switch try CommandLineParser.parse(arguments, for: command) {
            case .help:
                print(HelpText.command(command))
                finish(.ok)
            case .parsed(let parsed):
                finish(try command.run(parsed))
            }
        } catch {
            let (code, message) = PipelineRunner.classify(error)
            FileHandle.standardError.write(("error: " + message + "\n").data(using: .utf8)!)
            finish(code)
        }
    }

    /// Exits with `code`; with `PANORAMA_FAULT` set, first says on stderr which calls were counted and
    /// which faults were injected (tests count a run's renames this way before failing each in turn).
    static func finish(_ code: ExitCode) -> Never {
        if let summary = FaultInjection.shared.summary {
            FileHandle.standardError.write((summary + "\n").data(using: .utf8)!)
        }
        exit(code.rawValue)
    }

    /// The command called `word` (or spelt so by one of its aliases); a usage error with the closest
    /// name and the list of commands otherwise.
    static func command(named word: String) throws -> any PanoramaCommand.Type {
        if let command = commands.first(where: { $0.name == word || $0.aliases.contains(word) }) { return command }
        // A closure, not `\.name`: a key path to a static member through `any PanoramaCommand.Type`
        // crashes the Swift 6.3 compiler (SILGen).
        let hint = closest(to: word, among: commands.map { $0.name }).map { "; did you mean `\($0)`?" } ?? ""
        throw PanoramaError.usage("unknown command `\(word)`\(hint)\n\n" + HelpText.root(commands))
    }
}
