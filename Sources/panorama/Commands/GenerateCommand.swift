import Foundation
import PanoramaCore
import PanoramaGenerate

/// `panorama generate`: realistic synthetic deliveries with a known truth.
enum GenerateCommand: PanoramaCommand {
    static let name = "generate"
    static let abstract = "Write realistic synthetic monthly deliveries with a known truth."
    static let discussion = """
        One folder per month (DIR/YYYY-MM/) with customers.csv, usage.csv, surveys.csv, \
        complaints.csv and contacts.csv. The truth (driver and churn coefficients, planted bad rows by \
        code, planted month-over-month shifts, the follow-up effect) goes to DIR/_truth.json and every \
        planted bad row to DIR/_planted.csv.
        """

    static let out = OptionSpec.value("--out", "DIR", help: "The folder to write the deliveries to.", required: true)
    static let start = OptionSpec.value("--start", "YYYY-MM", help: "The first month.", required: true)
    static let months = OptionSpec.value("--months", "N", help: "How many months.", default: "6")
    static let customers = OptionSpec.value("--customers", "N", help: "How many customers.", default: "10000")
    static let seed = OptionSpec.value("--seed", "N", help: "The random seed; the same seed writes the same bytes.", default: "1")
    static let encoding = OptionSpec.value("--encoding", "utf-8|gb18030", help: "The text encoding of the files.", default: "utf-8")
    static let dirty = OptionSpec.value("--dirty", "RATE", help: "The share of rows made bad on purpose, 0 to 0.5.", default: "0.01")

    static let holdout = OptionSpec.value("--holdout-pct", "PCT", help: """
        The percent of churn_watch and detractor_repair held out of contact, 0 to 100; set the pipeline's \
        customer360 holdout_pct to the same value.
        """, default: "10")

    static let noShifts = OptionSpec.flag("--no-shifts", help: "Plant no real month-over-month changes (shifts in the truth).")
    static let noContacts = OptionSpec.flag("--no-contacts", help: "Do not deliver contacts.csv (the call centre still works the lists).")

    static let options = [out, start, months, customers, seed, encoding, dirty, holdout, noShifts, noContacts]

    static func run(_ parsed: ParsedArguments) throws -> ExitCode {
        let folder = try parsed.string(out)
        guard let first = try parsed.month(start) else { throw PanoramaError.usage("generate needs --start YYYY-MM") }
        let monthCount = try parsed.positiveInt(months)
        let customerCount = try parsed.positiveInt(customers)
        let seedValue = try parsed.unsignedInt(seed)
        guard let textEncoding = InputEncoding(name: try parsed.string(encoding)) else {
            throw PanoramaError.usage("--encoding is utf-8 or gb18030")
        }
        guard let rate = Double(try parsed.string(dirty)), rate >= 0, rate <= 0.5 else {
            throw PanoramaError.usage("--dirty expects a rate between 0 and 0.5")
        }
        guard let holdoutPct = Double(try parsed.string(holdout)), holdoutPct >= 0, holdoutPct <= 100 else {
            throw PanoramaError.usage("--holdout-pct expects a percentage between 0 and 100 (10 = one customer in ten held out)")
        }
        let options = GeneratorOptions(start: first.description, months: monthCount, customers: customerCount, seed: seedValue,
                                       encoding: textEncoding.rawValue, dirtyRate: rate, shifts: !parsed.isSet(noShifts),
                                       contacts: !parsed.isSet(noContacts), holdoutPct: holdoutPct)
        _ = try SyntheticDeliveryGenerator(options: options).write(to: URL(fileURLWithPath: folder))
        FileHandle.standardError.write("generated \(monthCount) months of deliveries for \(customerCount) customers in \(folder) (truth in \(folder)/_truth.json)\n".data(using: .utf8)!)
        return .ok
    }
}
