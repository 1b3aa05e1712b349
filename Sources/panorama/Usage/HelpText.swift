/// The text of `panorama --help`, `panorama <command> --help` and the usage line under a usage
/// error, generated from the command declarations so that it cannot drift from what is parsed.
enum HelpText {
    /// Lines are wrapped to this many columns.
    static let width = 100
    /// Option and command names are padded to this column; their help starts after it.
    static let labelColumn = 26

    /// `panorama --help`: every command with its abstract, then the exit codes.
    static func root(_ commands: [any PanoramaCommand.Type]) -> String {
        var out = """
        panorama — the nightly customer-satisfaction pipeline of a mobile operator

        USAGE: panorama <command> [<arguments>] [<options>]

        COMMANDS:

        """
        for command in commands {
            let also = command.aliases.isEmpty ? "" : " (also: " + command.aliases.joined(separator: ", ") + ")"
            out += entry(command.name, command.abstract + also)
        }
        out += "\n" + wrap("  See `panorama <command> --help` or `panorama help <command>` for a command's arguments and options.",
                           indent: "  ") + "\n"
        out += "\nEXIT CODES:\n"
        for (code, meaning) in exitCodes { out += entry(code, meaning) }
        return out
    }

    /// `panorama <command> --help`: what it does, its usage line, each argument and option.
    static func command(_ command: any PanoramaCommand.Type) -> String {
        var out = wrap("OVERVIEW: " + command.abstract, indent: "") + "\n"
        if !command.discussion.isEmpty {
            out += "\n" + command.discussion.split(separator: "\n", omittingEmptySubsequences: false)
                .map { wrap(String($0), indent: "") }.joined(separator: "\n") + "\n"
        }
        out += "\n" + usage(of: command, heading: "USAGE: ") + "\n"
        if !command.positionals.isEmpty {
            out += "\nARGUMENTS:\n"
            for positional in command.positionals {
                out += entry(positional.name, positional.help + (positional.defaultValue.map { " (default: \($0))" } ?? ""))
            }
        }
        out += "\nOPTIONS:\n"
        for option in command.options {
            var notes: [String] = []
            if option.isRequired { notes.append("required") }
            if let d = option.defaultValue { notes.append("default: \(d)") }
            if option.isRepeatable { notes.append("repeatable") }
            let excluded = command.exclusiveOptions.filter { $0.contains(option) }.flatMap { $0 }.filter { $0 != option }
            if !excluded.isEmpty { notes.append("not with " + excluded.map(\.name).joined(separator: ", ")) }
            out += entry(option.synopsis, option.help + (notes.isEmpty ? "" : " (" + notes.joined(separator: "; ") + ")"))
        }
        out += entry("-h, " + OptionSpec.helpFlag.name, OptionSpec.helpFlag.help)
        return out
    }

    /// `<heading>panorama run [CONFIG] [--month M | --months A..B] [--stage ID]... …`, wrapped with
    /// continuation lines under the first argument.
    static func usage(of command: any PanoramaCommand.Type, heading: String) -> String {
        var parts = command.positionals.map(\.synopsis)
        var shown: [OptionSpec] = []
        for option in command.options where !shown.contains(option) {
            if let group = command.exclusiveOptions.first(where: { $0.contains(option) }) {
                parts.append("[" + group.map(\.synopsis).joined(separator: " | ") + "]")
                shown += group
            } else {
                let bracketed = option.isRequired ? option.synopsis : "[\(option.synopsis)]"
                parts.append(bracketed + (option.isRepeatable ? "..." : ""))
                shown.append(option)
            }
        }
        let lead = heading + "panorama \(command.name)"
        return fill(first: lead, words: parts, indent: String(repeating: " ", count: lead.count + 1))
    }

    static let exitCodes = [
        ("0", "ok"),
        ("1", "runtime failure"),
        ("2", "usage or config error, or a missing upstream partition"),
        ("3", "data-quality gate failed, or an input is missing or unreadable"),
        ("4", "another run holds the warehouse lock"),
        ("130", "stopped by SIGINT (Ctrl-C) at a safe point; published outputs are whole"),
        ("143", "stopped by SIGTERM at a safe point; published outputs are whole"),
    ]

    /// `  label                   help`, the help wrapped under its own column; a label too long
    /// for its column puts the help on the next line.
    static func entry(_ label: String, _ help: String) -> String {
        let pad = String(repeating: " ", count: labelColumn)
        let head = "  " + label
        let words = help.split(separator: " ").map(String.init)
        guard let first = words.first else { return head + "\n" }
        let rest = Array(words.dropFirst())
        if head.count + 2 > labelColumn {
            return head + "\n" + fill(first: pad + first, words: rest, indent: pad) + "\n"
        }
        return fill(first: head + String(repeating: " ", count: labelColumn - head.count) + first, words: rest, indent: pad) + "\n"
    }

    /// Wraps `text` between words at `width` columns, continuation lines starting with `indent`;
    /// the text's own leading spaces are kept.
    static func wrap(_ text: String, indent: String) -> String {
        let leading = text.prefix { $0 == " " }
        let words = text.dropFirst(leading.count).split(separator: " ").map(String.init)
        guard let head = words.first else { return text }
        return fill(first: leading + head, words: Array(words.dropFirst()), indent: indent)
    }

    /// `first`, then `words` separated by spaces, a new line (starting with `indent`) before a word
    /// that would cross `width`. A word is never split, so `[--month M]` stays whole.
    static func fill(first: String, words: [String], indent: String) -> String {
        var lines: [String] = []
        var line = first
        for word in words {
            if line.count + 1 + word.count > width && line.count > indent.count {
                lines.append(line)
                line = indent + word
            } else {
                line += " " + word
            }
        }
        lines.append(line)
        return lines.joined(separator: "\n")
    }
}
