import PanoramaCore

/// What one command line said, checked against the command's declarations: option values, flags
/// and positionals by their spec, with the declared defaults filled in.
struct ParsedArguments: Sendable {
    /// The command's name, for messages.
    let command: String
    /// Values of options by option name, in the order given.
    private let values: [String: [String]]
    /// Flags given.
    private let flags: Set<String>
    /// Positional values by positional name.
    private let positionals: [String: String]

    init(command: String, values: [String: [String]], flags: Set<String>, positionals: [String: String]) {
        self.command = command
        self.values = values
        self.flags = flags
        self.positionals = positionals
    }

    /// The option's value, or its declared default; nil when neither.
    func value(_ option: OptionSpec) -> String? {
        values[option.name]?.last ?? option.defaultValue
    }

    /// Every value of a repeatable option, in the order given.
    func values(_ option: OptionSpec) -> [String] {
        values[option.name] ?? []
    }

    /// Whether the flag was given.
    func isSet(_ flag: OptionSpec) -> Bool {
        flags.contains(flag.name)
    }

    /// Whether the positional was given on the command line (not defaulted).
    func positionalGiven(_ positional: PositionalSpec) -> Bool {
        positionals[positional.name] != nil
    }

    /// The positional's value, or its declared default.
    func value(_ positional: PositionalSpec) -> String? {
        positionals[positional.name] ?? positional.defaultValue
    }
}

// Typed values, with the messages a person needs to fix the command line.
extension ParsedArguments {
    /// The option's value (or default); a usage error when it has neither.
    func string(_ option: OptionSpec) throws -> String {
        guard let v = value(option) else { throw PanoramaError.usage("\(command) needs \(option.synopsis)") }
        return v
    }

    /// The positional's value (or default); a usage error when it has neither.
    func string(_ positional: PositionalSpec) throws -> String {
        guard let v = value(positional) else { throw PanoramaError.usage("\(command) needs \(positional.name)") }
        return v
    }

    /// A month `YYYY-MM`, or nil when the option is absent and has no default.
    func month(_ option: OptionSpec) throws -> Month? {
        guard let v = value(option) else { return nil }
        guard let m = Month(key: v) else { throw PanoramaError.usage("\(option.name) expects YYYY-MM, got `\(v)`") }
        return m
    }

    /// A positive integer (a count of customers or months).
    func positiveInt(_ option: OptionSpec) throws -> Int {
        let v = try string(option)
        guard let n = Int(v), n > 0 else { throw PanoramaError.usage("\(option.name) expects a positive integer, got `\(v)`") }
        return n
    }

    /// A non-negative integer that fits 64 bits (a seed).
    func unsignedInt(_ option: OptionSpec) throws -> UInt64 {
        let v = try string(option)
        guard let n = UInt64(v) else { throw PanoramaError.usage("\(option.name) expects a non-negative integer, got `\(v)`") }
        return n
    }
}
