import Foundation
import Testing

/// `panorama --help`, `panorama <command> --help` and `panorama help <command>`: every command
/// explains itself, with exit 0.
@Suite("Commands explain themselves")
struct CommandLineHelpTests {
    /// The options each command takes, as SPEC §8 and the README use them.
    static let optionsByCommand: [String: [String]] = [
        "run": ["--month", "--months", "--stage", "--from", "--until", "--set", "--force", "--sandbox", "--bucket", "--quiet", "--log-format"],
        "merge": ["--month", "--work", "--buckets", "--quiet", "--log-format"],
        "validate": ["--set"],
        "plan": ["--month", "--months", "--stage", "--from", "--until", "--set"],
        "generate": ["--out", "--start", "--months", "--customers", "--seed", "--encoding", "--dirty", "--holdout-pct", "--no-shifts", "--no-contacts"],
        "demo": ["--customers", "--config", "--quiet"],
        "bench": ["--customers", "--months", "--seed", "--config"],
        "version": [],
        "help": [],
    ]

    /// The `(label, help)` rows of one section (`COMMANDS:`, `OPTIONS:`) of a help text; a help that
    /// wraps or sits under a long label is joined back into one string.
    static func rows(of section: String, in text: String) -> [(label: String, help: String)] {
        var rows: [(label: String, help: String)] = []
        var inSection = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line == section { inSection = true; continue }
            guard inSection else { continue }
            if line.isEmpty || !line.hasPrefix(" ") { break }
            if line.hasPrefix("   "), !rows.isEmpty {
                rows[rows.count - 1].help += (rows[rows.count - 1].help.isEmpty ? "" : " ")
                    + line.trimmingCharacters(in: .whitespaces)
                continue
            }
            let body = line.dropFirst(2)
            if let gap = body.range(of: "  ") {
                rows.append((String(body[..<gap.lowerBound]), body[gap.upperBound...].trimmingCharacters(in: .whitespaces)))
            } else {
                rows.append((String(body), ""))
            }
        }
        return rows
    }

    @Test("`panorama --help` lists every command with its abstract, and exits 0")
    func rootHelp() throws {
        guard let r = try CommandLineTests.run(["--help"]), let h = try CommandLineTests.run(["-h"]),
              let bare = try CommandLineTests.run(["help"]) else { return }
        #expect(r.code == 0 && h.code == 0 && bare.code == 0)
        #expect(h.out == r.out && bare.out == r.out)
        let commands = Self.rows(of: "COMMANDS:", in: r.out)
        let names = Set(commands.map(\.label))
        #expect(names.isSuperset(of: Self.optionsByCommand.keys), "\(names)")
        for command in commands {
            #expect(command.help.split(separator: " ").count >= 4, "`\(command.label)` has no abstract: \(r.out)")
        }
        #expect(r.out.contains("EXIT CODES:") && r.out.contains("another run holds the warehouse lock"))
    }

    @Test("every command listed answers --help, -h and `panorama help <command>` with the same usage, exit 0")
    func everyCommandHelp() throws {
        guard let root = try CommandLineTests.run(["--help"]) else { return }
        let names = Self.rows(of: "COMMANDS:", in: root.out).map(\.label)
        #expect(names.count >= 8)
        for name in names {
            guard let long = try CommandLineTests.run([name, "--help"]), let short = try CommandLineTests.run([name, "-h"]),
                  let viaHelp = try CommandLineTests.run(["help", name]) else { return }
            #expect(long.code == 0, "panorama \(name) --help exited \(long.code): \(long.err)")
            #expect(long.err.isEmpty, "\(long.err)")
            #expect(short.code == 0 && short.out == long.out, "panorama \(name) -h")
            #expect(viaHelp.code == 0 && viaHelp.out == long.out, "panorama help \(name)")
            #expect(long.out.hasPrefix("OVERVIEW: "), "\(long.out)")
            #expect(long.out.contains("USAGE: panorama \(name)"), "\(long.out)")
            let options = Self.rows(of: "OPTIONS:", in: long.out)
            #expect(options.last?.label == "-h, --help", "\(long.out)")
            for option in options {
                #expect(option.help.split(separator: " ").count >= 2, "\(name) \(option.label) has no help text: \(long.out)")
            }
        }
    }

    @Test("each command's --help lists every option it accepts, with its help text", arguments: optionsByCommand.keys.sorted())
    func optionsListed(_ command: String) throws {
        guard let r = try CommandLineTests.run([command, "--help"]) else { return }
        #expect(r.code == 0)
        let labels = Self.rows(of: "OPTIONS:", in: r.out).map { $0.label.split(separator: " ").first.map(String.init) ?? "" }
        #expect(labels == (Self.optionsByCommand[command] ?? []) + ["-h,"], "\(r.out)")
    }

    @Test("run --help shows value names, defaults, repeatable options and the --month/--months choice")
    func runHelpDetails() throws {
        guard let r = try CommandLineTests.run(["run", "--help"]) else { return }
        #expect(r.code == 0)
        #expect(r.out.contains("[--month M | --months A..B]"), "\(r.out)")
        #expect(r.out.contains("[--stage ID]...") && r.out.contains("[--set STAGE.KEY=VALUE]..."), "\(r.out)")
        let options = Dictionary(uniqueKeysWithValues: Self.rows(of: "OPTIONS:", in: r.out).map { ($0.label, $0.help) })
        #expect(options["--stage ID"]?.contains("(repeatable)") == true)
        #expect(options["--month M"]?.contains("not with --months") == true)
        #expect(options["--log-format text|json"]?.contains("default: text") == true)
        let arguments = Self.rows(of: "ARGUMENTS:", in: r.out)
        #expect(arguments.first?.label == "CONFIG" && arguments.first?.help.contains("pipelines/nightly.yaml") == true)
    }

    @Test("--help wins over other problems on the line; `help` of an unknown command is a usage error")
    func helpFirst() throws {
        guard let bad = try CommandLineTests.run(["run", "--mnth", "2026-10", "--month", "2026-10", "--month", "2026-11", "--help"]),
              let unknown = try CommandLineTests.run(["help", "rnu"]) else { return }
        #expect(bad.code == 0 && bad.out.contains("USAGE: panorama run"), "\(bad.err)")
        #expect(unknown.code == 2 && unknown.err.contains("unknown command `rnu`; did you mean `run`?"), "\(unknown.err)")
    }
}
