import PanoramaCore

/// Reads one command's arguments against its declarations (`PanoramaCommand.options`,
/// `.positionals`, `.exclusiveOptions`): `--name value`, `--name=value`, flags, positionals, and
/// `--` before positionals that start with a dash. Every problem is a usage error (exit 2) that names
/// the command, says what to change, and ends with the command's usage line.
enum CommandLineParser {
    /// What the arguments asked for.
    enum Outcome {
        /// `-h` or `--help` was given (it wins over any other problem on the line).
        case help
        case parsed(ParsedArguments)
    }

    static func parse(_ arguments: [String], for command: any PanoramaCommand.Type) throws -> Outcome {
        assert(declarationProblems(command).isEmpty, "\(command.name): \(declarationProblems(command))")
        let scan = Scan(arguments, for: command)
        if scan.wantsHelp { return .help }
        if let problem = scan.problem ?? problem(with: scan, for: command) {
            throw PanoramaError.usage(problem + "\n" + HelpText.usage(of: command, heading: "usage: ")
                                      + "\nsee `panorama \(command.name) --help` for what each option does")
        }
        var values: [String: [String]] = [:]
        var flags: Set<String> = []
        for (option, value) in scan.given {
            if let value { values[option.name, default: []].append(value) } else { flags.insert(option.name) }
        }
        let positionals = Dictionary(uniqueKeysWithValues: zip(command.positionals.map(\.name), scan.positionals))
        return .parsed(ParsedArguments(command: command.name, values: values, flags: flags, positionals: positionals))
    }

    /// The arguments split into options (with their values) and positionals, and the first problem
    /// met on the way; scanning goes on after a problem so that a later `--help` still wins.
    struct Scan {
        var given: [(option: OptionSpec, value: String?)] = []
        var positionals: [String] = []
        var problem: String?
        var wantsHelp = false

        init(_ arguments: [String], for command: any PanoramaCommand.Type) {
            let prefix = "panorama \(command.name)"
            var onlyPositionals = false
            var i = 0
            while i < arguments.count {
                let argument = arguments[i]
                i += 1
                if onlyPositionals || argument == "-" || !argument.hasPrefix("-") {
                    positionals.append(argument)
                    continue
                }
                if argument == "--" { onlyPositionals = true; continue }
                if argument == "--help" || argument == "-h" { wantsHelp = true; continue }
                var name = argument
                var inline: String?
                if argument.hasPrefix("--"), let eq = argument.firstIndex(of: "=") {
                    name = String(argument[..<eq])
                    inline = String(argument[argument.index(after: eq)...])
                }
                guard let option = command.options.first(where: { $0.name == name }) else {
                    let candidates = command.options.map(\.name) + [OptionSpec.helpFlag.name]
                    let hint = closest(to: name, among: candidates).map { "; did you mean \($0)?" } ?? ""
                    problem = problem ?? "\(prefix): unknown option \(name)\(hint)"
                    continue
                }
                if option.isFlag {
                    if inline != nil {
                        problem = problem ?? "\(prefix): \(name) is a flag and takes no value; give it as \(name)"
                    } else {
                        given.append((option, nil))
                    }
                } else if let inline {
                    given.append((option, inline))
                } else if i < arguments.count, !looksLikeOption(arguments[i]) {
                    given.append((option, arguments[i]))
                    i += 1
                } else {
                    problem = problem ?? "\(prefix): \(name) needs a value: `\(option.synopsis)`"
                }
            }
        }
    }

    /// What is wrong with a well-formed command line: a non-repeatable option given more than once,
    /// options that exclude each other, too many positionals, a required one missing.
    static func problem(with scan: Scan, for command: any PanoramaCommand.Type) -> String? {
        let prefix = "panorama \(command.name)"
        for option in command.options where !option.isRepeatable {
            let times = scan.given.filter { $0.option == option }
            guard times.count > 1 else { continue }
            let count = times.count == 2 ? "twice" : "\(times.count) times"
            if option.isFlag { return "\(prefix): \(option.name) given \(count); give it once" }
            let values = times.map { "`\($0.value ?? "")`" }.joined(separator: ", then ")
            return "\(prefix): \(option.name) given \(count) (\(values)); it takes one value, give it once"
        }
        for group in command.exclusiveOptions {
            var present: [(option: OptionSpec, value: String?)] = []  // in the order given
            for g in scan.given where group.contains(g.option) && !present.contains(where: { $0.option == g.option }) {
                present.append(g)
            }
            guard present.count > 1 else { continue }
            let shown = present.map { given in "`" + (given.value.map { "\(given.option.name) \($0)" } ?? given.option.name) + "`" }
            let names = group.map(\.name)
            let choice = names.count == 2 ? "either \(names[0]) or \(names[1])" : "only one of " + names.joined(separator: ", ")
            return "\(prefix): \(shown.joined(separator: " and ")) cannot be used together; give \(choice)"
        }
        let declared = command.positionals
        if scan.positionals.count > declared.count {
            let takes = declared.isEmpty ? "no arguments" : declared.map { "one \($0.name)" }.joined(separator: " and ")
            return "\(prefix) takes \(takes), got \(scan.positionals.joined(separator: " "))"
        }
        let missing = declared.dropFirst(scan.positionals.count).filter(\.isRequired).map(\.name)
            + command.options.filter { option in option.isRequired && !scan.given.contains { $0.option == option } }.map(\.synopsis)
        return missing.isEmpty ? nil : "\(prefix) needs \(missing.joined(separator: " and "))"
    }

    /// Whether the next argument is an option rather than a value for the one before it: `--month
    /// --quiet` is a missing month, not the month `--quiet`. Values may still start with one dash.
    static func looksLikeOption(_ argument: String) -> Bool {
        argument.hasPrefix("--") || argument == "-h"
    }

    /// Mistakes in a command's own declarations (a programmer's, caught by debug builds and the
    /// `--help` tests): duplicate names, exclusive groups naming undeclared options, a required
    /// positional after an optional one.
    static func declarationProblems(_ command: any PanoramaCommand.Type) -> [String] {
        var problems: [String] = []
        let names = command.options.map(\.name) + command.positionals.map(\.name)
        for name in Set(names) where names.filter({ $0 == name }).count > 1 { problems.append("\(name) declared twice") }
        for option in command.options {
            if !option.name.hasPrefix("--") { problems.append("\(option.name) does not start with --") }
            if option.name == OptionSpec.helpFlag.name { problems.append("--help is added to every command") }
        }
        for group in command.exclusiveOptions {
            for option in group where !command.options.contains(option) {
                problems.append("exclusive option \(option.name) is not among the options")
            }
        }
        if let firstOptional = command.positionals.firstIndex(where: { !$0.isRequired }),
           command.positionals[firstOptional...].contains(where: \.isRequired) {
            problems.append("a required positional follows an optional one")
        }
        return problems
    }
}

/// The candidate a person most likely meant by `word` (a mistyped option or command), or nil when
/// none is close: the only candidate `word` begins, else the nearest by edit distance if it is
/// within a third of the word's length (at least 2).
func closest(to word: String, among candidates: [String]) -> String? {
    let started = candidates.filter { $0.hasPrefix(word) && word.trimmingDashes.count >= 2 }
    if started.count == 1 { return started[0] }
    guard let best = candidates.min(by: { editDistance(word, $0) < editDistance(word, $1) }) else { return nil }
    return editDistance(word, best) <= max(2, word.count / 3) ? best : nil
}

extension String {
    fileprivate var trimmingDashes: Substring { self.drop { $0 == "-" } }
}

/// Levenshtein distance, for suggestions.
func editDistance(_ a: String, _ b: String) -> Int {
    let x = Array(a), y = Array(b)
    var row = Array(0...y.count)
    for i in 1...max(1, x.count) where !x.isEmpty {
        var prev = row[0]
        row[0] = i
        for j in 1...max(1, y.count) where !y.isEmpty {
            let tmp = row[j]
            row[j] = min(row[j] + 1, row[j - 1] + 1, prev + (x[i - 1] == y[j - 1] ? 0 : 1))
            prev = tmp
        }
    }
    return row[y.count]
}
