import Foundation

/// One generation run: the options, the simulated population and the counters every file shares,
/// and the month loop that runs `steps` in order.
struct GeneratorRun {
    let o: GeneratorOptions
    let seed: UInt64
    let start: MonthInfo
    let gb: Bool
    let rate: Double
    let coverage: Bool
    var pop = Population()
    var active = 0
    var freshCustomer = 0
    var freshRow = 0
    var planted: [PlantedRecord] = []
    /// The real changes this run plants (see `Shift`).
    var shifts: [Shift]
    /// Last month's follow-up lists, which the call centre works this month.
    var lists: FollowUpLists?

    static let joinRate = 0.015

    /// The month's work, in order. Each file shows the population as the steps before it left it:
    /// usage moves satisfaction and bills, surveys and complaints read them, churn ends some customers
    /// (from the state last month left), the customer master is written as of the end of the month,
    /// and the call centre's contacts (planned before any step, from last month's lists) are written
    /// once churn and surveys bound their dates. A step may also act before every step (`prepare`) and
    /// after all of them (`endOfMonth`). A new delivery source is one file (a `DeliverySource`) and one
    /// entry here.
    static let steps: [any MonthStep.Type] = [
        UsageSource.self, SurveysSource.self, ComplaintsSource.self, Churn.self, CustomersSource.self, ContactsSource.self,
    ]

    init(options: GeneratorOptions) throws {
        o = options
        guard let s = MonthInfo(key: options.start) else { throw GeneratorError.invalidOption("start must be YYYY-MM, got \(options.start)") }
        guard options.months >= 1, options.months <= 600 else { throw GeneratorError.invalidOption("months must be 1…600") }
        guard options.customers >= 1 else { throw GeneratorError.invalidOption("customers must be ≥ 1") }
        guard options.dirtyRate >= 0, options.dirtyRate <= 1, !options.dirtyRate.isNaN else {
            throw GeneratorError.invalidOption("dirty rate must be within 0…1")
        }
        guard options.holdoutPct >= 0, options.holdoutPct <= 100 else {
            throw GeneratorError.invalidOption("holdout percent must be within 0…100 (customer360's holdout_pct), got \(options.holdoutPct)")
        }
        let enc = options.encoding.lowercased().replacingOccurrences(of: "_", with: "-")
        switch enc {
        case "utf-8", "utf8": gb = false
        case "gb18030", "gb-18030": gb = true
        default: throw GeneratorError.invalidOption("encoding must be utf-8 or gb18030, got \(options.encoding)")
        }
        start = s
        seed = options.seed
        rate = options.dirtyRate
        coverage = options.dirtyRate > 0 && options.customers >= 50
        shifts = options.shifts ? ShiftPlan.make(seed: options.seed, start: s, months: options.months) : []
    }

    var encodingName: String { gb ? "gb18030" : "utf-8" }

    mutating func execute(dir: URL) throws -> GenerationTruth {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        initialPopulation()
        var perMonth: [String: MonthTruth] = [:]
        var keys: [String] = []
        for k in 0..<o.months {
            let m = MonthInfo(index: start.index + k)
            keys.append(m.key)
            perMonth[m.key] = try month(m, ordinal: k, dir: dir)
        }
        var coef: [String: Double] = [:]
        for (d, name) in Vocabulary.dimensions.enumerated() { coef[name] = SyntheticDeliveryGenerator.npsCoefficients[d] }
        var churnCoefficients: [String: Double] = [:]
        for (k, name) in Churn.features.enumerated() { churnCoefficients[name] = Churn.coefficients[k] }
        var contactModel = ContactsSource.model
        contactModel.delivered = o.contacts
        contactModel.holdoutPct = o.holdoutPct
        let truth = GenerationTruth(
            seed: seed, start: start.key, months: keys, customers: o.customers, encoding: encodingName, dirtyRate: rate,
            npsModel: NPSModel(intercept: SyntheticDeliveryGenerator.npsIntercept, coefficients: coef,
                               noiseSD: SyntheticDeliveryGenerator.npsNoiseSD),
            churnModel: ChurnModel(joinRate: GeneratorRun.joinRate, intercept: Churn.intercept, coefficients: churnCoefficients,
                                   features: Churn.features),
            perMonth: perMonth, shifts: shifts.map { ShiftPlan.truth($0, start: start) }, contactModel: contactModel,
            intentModel: UsageSource.intentModel)
        try truth.jsonData().write(to: dir.appendingPathComponent("_truth.json"))
        var csv = "month,source,line,code,detail\n"
        for p in planted { csv += "\(p.month),\(p.source),\(p.line),\(p.code),\(p.detail)\n" }
        try Data(csv.utf8).write(to: dir.appendingPathComponent("_planted.csv"))
        return truth
    }

    // MARK: population

    mutating func initialPopulation() {
        var r = Rng(seed: seed, stream: Stream.population.rawValue, month: start.index)
        let historic = o.customers / 12
        let total = o.customers + historic
        pop.reserve(total + total / 5)
        let startDay = start.firstDay
        let span = startDay - 1 - Population.epoch2005
        var histLeft = historic
        for i in 0..<total {
            let isHist = r.uniform() * Double(total - i) < Double(histLeft)
            let tenure: Int
            if r.chance(0.55) {
                tenure = min(span, 1 + Int(-Foundation.log(max(1e-12, r.uniform())) * 1095))
            } else {
                tenure = 1 + r.int(span)
            }
            let join = startDay - tenure
            if isHist {
                histLeft -= 1
                let j = min(join, startDay - 120)
                let churn = j + 30 + r.int(max(1, startDay - 1 - j - 30))
                pop.add(&r, join: j, churn: churn)
            } else {
                pop.add(&r, join: join, churn: nil)
            }
        }
        active = o.customers
        UsageSource.startIntent(&pop, seed: seed, start: start)
    }

    // MARK: one month

    mutating func month(_ m: MonthInfo, ordinal: Int, dir: URL) throws -> MonthTruth {
        let mdir = dir.appendingPathComponent(m.key)
        try FileManager.default.createDirectory(at: mdir, withIntermediateDirectories: true)

        // new joiners, ids in order of join date
        var jr = Rng(seed: seed, stream: Stream.newJoins.rawValue, month: m.index)
        let newCount = Int((Double(active) * GeneratorRun.joinRate * Foundation.exp(0.15 * jr.normal())).rounded())
        var days = (0..<newCount).map { _ in m.firstDay + jr.int(m.dayCount) }
        days.sort()
        for d in days { pop.add(&jr, join: d, churn: nil) }

        let first = Int32(m.firstDay), last = Int32(m.lastDay)
        var base: [Int32] = []
        base.reserveCapacity(active + newCount)
        for i in 0..<pop.count where pop.joinDay[i] <= last && pop.churnDay[i] >= first { base.append(Int32(i)) }

        var state = MonthState(info: m, ordinal: ordinal, dir: mdir, base: base, shifts: ShiftEffects(shifts, ordinal: ordinal))
        for step in GeneratorRun.steps { try step.prepare(&self, &state) }
        for step in GeneratorRun.steps { try step.run(&self, &state) }
        for step in GeneratorRun.steps { try step.endOfMonth(&self, &state) }
        active = active + newCount - state.churned
        return MonthTruth(customers: state.files["customers"]!, usage: state.files["usage"]!, surveys: state.files["surveys"]!,
                          complaints: state.files["complaints"]!, contacts: state.files["contacts"], baseCustomers: base.count,
                          churnedInMonth: state.churned, newCustomers: newCount, surveyNPS: state.surveyNPS,
                          surveysComplete: state.surveysComplete, followUp: state.followUpTruth,
                          considering: state.considering, consideringCourted: state.consideringCourted)
    }

    // MARK: files

    /// Plans the planted rows of a source's file for the month and opens the file. `plan` is the
    /// source's planting stream, left where planning stopped (a source may draw more from it).
    func openFile(_ source: any DeliverySource.Type, _ month: MonthState, realRows: Int, plan: inout Rng) throws -> SourceWriter {
        let m = month.info
        let plants = planPlants(realRows: realRows, codes: source.codes, rate: rate, coverage: coverage, rotation: month.ordinal, &plan)
        return try SourceWriter(url: month.dir.appendingPathComponent(source.name + ".csv"), source: source.name, month: m,
                                canonical: source.columns, gb18030: gb, realRows: realRows, plants: plants,
                                rng: Rng(seed: seed, stream: source.fileStream.rawValue, month: m.index))
    }

    /// The planting stream of a source for a month.
    func planRng(_ source: any DeliverySource.Type, _ m: MonthInfo) -> Rng {
        Rng(seed: SplitMix64.mix(seed, 0xBAD, source.plantKey), stream: Stream.layout.rawValue, month: m.index)
    }

    /// The stream of the extra draws a shift needs in a step of a month (never used without shifts).
    func shiftRng(_ step: UInt64, _ m: MonthInfo) -> Rng {
        Rng(seed: SplitMix64.mix(seed, 0x5_41F7, step), stream: Stream.shiftDraws.rawValue, month: m.index)
    }

    /// Closes a source's file: its planted rows join `_planted.csv` and its counts the month's truth.
    mutating func finish(_ w: inout SourceWriter, _ month: inout MonthState, nulled: [String: Int]? = nil) throws {
        planted += w.log
        month.files[w.source] = try w.finish(nulled: nulled)
    }
}

/// What one month's steps share: the month, its base, and what the steps report for the truth.
struct MonthState {
    let info: MonthInfo
    /// 0 for the first month written.
    let ordinal: Int
    /// The month's folder.
    let dir: URL
    /// Population indices of the base of M (joined by the end of M, not churned before M), in index order.
    let base: [Int32]
    /// The shifts in force this month.
    let shifts: ShiftEffects
    /// Customers who churn this month only because of a shift (index order): the customer master
    /// renders them with the draws their unshifted row would have used.
    var shiftChurned: [Int32] = []
    /// Counts of every file written so far, by source name.
    var files: [String: SourceTruth] = [:]
    /// Base customers whose churn date falls in M.
    var churned = 0
    /// NPS over the month's real surveys.
    var surveyNPS = 0.0
    /// Real surveys with all seven dimensions answered.
    var surveysComplete = 0
    /// Base customers considering another operator during M, and those of them courted (`UsageSource`).
    var considering = 0
    var consideringCourted = 0
    /// The call centre's month (see `ContactsSource`).
    var followUp = FollowUpMonth()
    /// What the truth says about the month's follow-up.
    var followUpTruth: FollowUpTruth?
}

/// One step of the month (see `GeneratorRun.steps`): writes a delivered file or changes the
/// population that later files show.
protocol MonthStep: Sendable {
    /// Runs before any step of the month runs (default: nothing).
    static func prepare(_ g: inout GeneratorRun, _ month: inout MonthState) throws
    /// The step, in its place in `GeneratorRun.steps`.
    static func run(_ g: inout GeneratorRun, _ month: inout MonthState) throws
    /// Runs after every step of the month ran (default: nothing).
    static func endOfMonth(_ g: inout GeneratorRun, _ month: inout MonthState) throws
}

extension MonthStep {
    static func prepare(_ g: inout GeneratorRun, _ month: inout MonthState) throws {}
    static func endOfMonth(_ g: inout GeneratorRun, _ month: inout MonthState) throws {}
}

/// A delivered file: its real rows and its planted bad rows.
protocol DeliverySource: MonthStep {
    /// File stem (`usage` for `usage.csv`), also the `source` column of `_planted.csv`.
    static var name: String { get }
    /// Canonical columns in the SPEC's check order.
    static var columns: [String] { get }
    /// The quarantine codes planted in this file.
    static var codes: [String] { get }
    /// Key of the source's planting stream.
    static var plantKey: UInt64 { get }
    /// Stream of the file's layout and per-row spelling choices.
    static var fileStream: Stream { get }
}
