import PanoramaCore

/// A `panorama` subcommand, declared once: its name, what it is for, the options and positional
/// arguments it takes, and what it does with them. Parsing, `--help`, usage errors and "did you mean"
/// suggestions are all generated from these declarations (`CommandLineParser`, `HelpText`).
///
/// Adding a command is one new file with a type conforming to this protocol and one line in
/// `Panorama.commands`.
protocol PanoramaCommand {
    /// The word after `panorama`: `run`.
    static var name: String { get }
    /// Other spellings that reach this command from the top level (`--version`); none by default.
    static var aliases: [String] { get }
    /// One line, listed by `panorama --help`.
    static var abstract: String { get }
    /// More on what the command does, shown under the abstract by `panorama <command> --help`.
    static var discussion: String { get }
    /// The options, in the order `--help` lists them. `-h, --help` is added to every command.
    static var options: [OptionSpec] { get }
    /// The positional arguments, in order.
    static var positionals: [PositionalSpec] { get }
    /// Groups of options of which at most one may be given (`--month` and `--months`).
    static var exclusiveOptions: [[OptionSpec]] { get }
    /// Does the work; a usage problem is a thrown `PanoramaError.usage`, every other outcome an exit code.
    static func run(_ parsed: ParsedArguments) throws -> ExitCode
}

extension PanoramaCommand {
    static var aliases: [String] { [] }
    static var discussion: String { "" }
    static var options: [OptionSpec] { [] }
    static var positionals: [PositionalSpec] { [] }
    static var exclusiveOptions: [[OptionSpec]] { [] }
}

/// The pipeline file `run`, `validate` and `plan` read when none is given.
let defaultConfigPath = "pipelines/nightly.yaml"

/// The `CONFIG` positional of the commands that read a pipeline file.
let configPositional = PositionalSpec("CONFIG", help: "The pipeline file.", default: defaultConfigPath)
