import PanoramaCore

/// `panorama help [COMMAND]`: the list of commands, or one command's usage.
enum HelpCommand: PanoramaCommand {
    static let name = "help"
    static let aliases = ["--help", "-h"]
    static let abstract = "Show the commands, or one command's arguments and options."

    static let command = PositionalSpec("COMMAND", help: "The command to explain; without it, every command is listed.")

    static let positionals = [command]

    static func run(_ parsed: ParsedArguments) throws -> ExitCode {
        guard let name = parsed.value(command) else {
            print(HelpText.root(Panorama.commands))
            return .ok
        }
        print(HelpText.command(try Panorama.command(named: name)))
        return .ok
    }
}
