/// One `--option` a command accepts, declared once: parsing, `--help` and "did you mean"
/// suggestions all read it.
struct OptionSpec: Sendable, Equatable {
    /// The spelling on the command line, with its dashes: `--month`.
    let name: String
    /// What the value is called in usage text (`M`, `A..B`, `FILE`); nil for a flag.
    let valueName: String?
    /// What the option does, for `--help`.
    let help: String
    /// Whether the option may be given more than once (`--stage`, `--set`); other options given twice
    /// are a usage error.
    let isRepeatable: Bool
    /// Whether the command refuses to run without it.
    let isRequired: Bool
    /// The value used when the option is absent, shown in `--help`.
    let defaultValue: String?

    /// Whether the option is a flag (present or absent, no value).
    var isFlag: Bool { valueName == nil }

    /// An option that takes a value: `--month M`, `--set stage.key=value`.
    static func value(_ name: String, _ valueName: String, help: String, default defaultValue: String? = nil,
                      repeatable: Bool = false, required: Bool = false) -> OptionSpec {
        OptionSpec(name: name, valueName: valueName, help: help, isRepeatable: repeatable, isRequired: required,
                   defaultValue: defaultValue)
    }

    /// A flag: `--quiet`.
    static func flag(_ name: String, help: String) -> OptionSpec {
        OptionSpec(name: name, valueName: nil, help: help, isRepeatable: false, isRequired: false, defaultValue: nil)
    }

    /// `--month M` or `--quiet`, as usage text shows it.
    var synopsis: String { valueName.map { "\(name) \($0)" } ?? name }

    /// The built-in `-h, --help` every command answers.
    static let helpFlag = OptionSpec.flag("--help", help: "Show this help.")
}

/// One positional argument a command accepts (`CONFIG`, `COMMAND`).
struct PositionalSpec: Sendable, Equatable {
    /// What the argument is called in usage text.
    let name: String
    /// What it is, for `--help`.
    let help: String
    /// The value used when it is absent, shown in `--help`.
    let defaultValue: String?
    /// Whether the command refuses to run without it (never true when there is a default).
    let isRequired: Bool

    init(_ name: String, help: String, default defaultValue: String? = nil, required: Bool = false) {
        self.name = name
        self.help = help
        self.defaultValue = defaultValue
        self.isRequired = required && defaultValue == nil
    }

    /// `CONFIG` or `[CONFIG]`, as usage text shows it.
    var synopsis: String { isRequired ? name : "[\(name)]" }
}
