import PanoramaCore
import PanoramaEngine

/// The options `run` and `plan` share to choose months and stages (SPEC §8), declared once with the
/// command's verb in their help, and read the same way by both.
struct SelectionOptions {
    let month: OptionSpec
    let months: OptionSpec
    let stage: OptionSpec
    let from: OptionSpec
    let until: OptionSpec
    let set: OptionSpec

    /// The options with `verb` ("Run", "Plan") in their help.
    init(verb: String) {
        month = .value("--month", "M", help: "\(verb) this month (YYYY-MM) instead of the config's `month:`.")
        months = .value("--months", "A..B", help: "\(verb) every month from A to B (YYYY-MM..YYYY-MM), in order.")
        stage = .value("--stage", "ID", help: "\(verb) only the stages given this way.", repeatable: true)
        from = .value("--from", "ID", help: "\(verb) this stage and every stage downstream of it.")
        until = .value("--until", "ID", help: """
            \(verb) this stage and every stage upstream of it (with --from: the stages in both sets).
            """)
        set = .value("--set", "STAGE.KEY=VALUE", help: "Override a stage parameter of the config for this \(verb.lowercased()).",
                     repeatable: true)
    }

    /// In the order `--help` lists them.
    var all: [OptionSpec] { [month, months, stage, from, until, set] }

    /// `--month` and `--months` exclude each other.
    var exclusive: [[OptionSpec]] { [[month, months]] }

    /// The months and stages the command line chose.
    func read(_ parsed: ParsedArguments) throws -> RunOptions {
        var options = RunOptions()
        if let m = try parsed.month(month) { options.months = .one(m) }
        if let range = parsed.value(months) { options.months = try MonthChoice.range(range) }
        options.selection.stages = parsed.values(stage)
        options.selection.from = parsed.value(from)
        options.selection.until = parsed.value(until)
        return options
    }
}
