import PanoramaCore
import PanoramaEngine

/// The partitions stage `outcomes` reads for month M (SPEC §5.1).
public struct OutcomesInputs {
    public var month: Month
    /// churn_watch, detractor_repair and care_calendar of M-1, in `Outcomes.lists` order (nil = partition missing).
    public var lists: [ColumnarTable?]
    /// customer_360 of M (at least `Outcomes.customer360Columns`).
    public var customer360: ColumnarTable
    /// fact_survey, fact_complaint and fact_contact of M (at least the `Outcomes` columns).
    public var surveys: ColumnarTable
    public var complaints: ColumnarTable
    public var contacts: ColumnarTable

    public init(month: Month, lists: [ColumnarTable?], customer360: ColumnarTable, surveys: ColumnarTable,
                complaints: ColumnarTable, contacts: ColumnarTable) {
        self.month = month
        self.lists = lists
        self.customer360 = customer360
        self.surveys = surveys
        self.complaints = complaints
        self.contacts = contacts
    }
}

/// What happened to one list of M-1, for the manifest.
public struct OutcomesListQuality: Sendable, Equatable {
    public var list: String
    /// Whether the list's partition of M-1 exists.
    public var found: Bool
    /// Whether the partition has the `holdout` column (lists built before the holdout have none:
    /// then nobody is held out). Always false for care_calendar, which has no holdout.
    public var holdoutColumn: Bool
    /// Distinct customers on the list.
    public var customers: Int
    /// Of those, the ones absent from customer_360 of M (left out of every group).
    public var leftBase: Int
    /// Held-out customers who were contacted for the list's programme anyway (they stay in `holdout`).
    public var heldOutContacted: Int

    public init(list: String, found: Bool, holdoutColumn: Bool, customers: Int, leftBase: Int, heldOutContacted: Int) {
        self.list = list
        self.found = found
        self.holdoutColumn = holdoutColumn
        self.customers = customers
        self.leftBase = leftBase
        self.heldOutContacted = heldOutContacted
    }
}

/// What stage `outcomes` computes for a month.
public struct OutcomesOutput {
    /// list_outcome rows in table order: list, then group.
    public var rows: [ListOutcomeRow]
    /// One entry per list, in `Outcomes.lists` order.
    public var lists: [OutcomesListQuality]
    /// Rows of fact_contact of M.
    public var contactRows: Int
}

/// Stage `outcomes`: evaluates the follow-up lists of M-1 against M (SPEC §5.1) — who churned, who
/// answered a survey again and how, who complained — per group: everyone, the held-out control
/// group, the contacted and the not contacted, with the effect of contact against the control group.
public struct Outcomes {
    /// One follow-up list as the stage evaluates it.
    public struct ListSpec: Sendable {
        public var name: String
        /// Bits of `programBits` whose contacts count for this list.
        var programs: UInt8
        /// Whether the list has a holdout (and so a `holdout` group and an effect).
        public var hasHoldout: Bool
        /// The effect's proportion: churned/customers, or repaired/resurveyed.
        var effectOnRepair: Bool
    }

    /// Contact programmes as bits, so a customer's matching contacts are one mask.
    static let programBits: [String: UInt8] = ["retention": 1, "repair": 2, "birthday": 4, "anniversary": 8]

    /// The lists in table order, with their programmes (SPEC §5.1: churn_watch ↔ retention,
    /// detractor_repair ↔ repair, care_calendar ↔ birthday or anniversary).
    public static let lists = [
        ListSpec(name: Customer360Stage.churnWatch.name, programs: 1, hasHoldout: true, effectOnRepair: false),
        ListSpec(name: Customer360Stage.detractorRepair.name, programs: 2, hasHoldout: true, effectOnRepair: true),
        ListSpec(name: Customer360Stage.careCalendar.name, programs: 4 | 8, hasHoldout: false, effectOnRepair: false),
    ]

    /// The columns read from each partition of M.
    public static let customer360Columns = Customer360Stage.customer360.pick(["customer_id", "churned_in_month"])
    public static let surveyColumns = CleanseStage.factSurvey.pick(["survey_id", "customer_id", "survey_date", "nps"])
    public static let complaintColumns = CleanseStage.factComplaint.pick(["customer_id"])
    public static let contactColumns = CleanseStage.factContact.pick(["customer_id", "program", "outcome"])

    public init() {}

    /// The counts of one group.
    struct Tally {
        var customers = 0, churned = 0, resurveyed = 0, promoters = 0, detractors = 0, repaired = 0, complaints = 0

        func row(_ month: Month, _ list: String, _ group: String) -> ListOutcomeRow {
            func rate(_ count: Int, _ base: Int, _ scale: Double) -> Double? {
                base > 0 ? scale * Double(count) / Double(base) : nil
            }
            return ListOutcomeRow(
                month: month, list: list, cohortMonth: month.adding(-1), group: group, customers: customers,
                churned: churned, churnRate: rate(churned, customers, 100), resurveyed: resurveyed,
                nps: rate(promoters - detractors, resurveyed, 100), repaired: repaired,
                repairRate: rate(repaired, resurveyed, 100), complaints: complaints,
                complaintRate: rate(complaints, customers, 1000))
        }
    }

    /// What M says about one customer of customer_360 of M.
    struct Fate {
        var churned = false
        /// nps of the latest survey of M (nil = no survey).
        var nps: Int?
        var complaints = 0
        /// Programmes (bits) with a contact in M whose outcome was reached or resolved.
        var contacted: UInt8 = 0
    }

    public func run(_ input: OutcomesInputs) throws -> OutcomesOutput {
        let fates = try self.fates(input)
        var rows: [ListOutcomeRow] = []
        var qualities: [OutcomesListQuality] = []
        for (spec, table) in zip(Outcomes.lists, input.lists) {
            guard let table else {
                qualities.append(OutcomesListQuality(list: spec.name, found: false, holdoutColumn: false, customers: 0,
                                                     leftBase: 0, heldOutContacted: 0))
                continue
            }
            let (groups, quality) = try evaluate(spec, table, fates)
            qualities.append(quality)
            var names = ["all", "holdout", "contacted", "not_contacted"]
            var tallies = groups
            if !spec.hasHoldout {
                names.remove(at: 1)
                tallies.remove(at: 1)
            }
            for (name, tally) in zip(names, tallies) {
                var row = tally.row(input.month, spec.name, name)
                if name == "contacted" && spec.hasHoldout {
                    let held = groups[1]
                    let effect = spec.effectOnRepair
                        ? ListEffect(contacted: tally.repaired, of: tally.resurveyed, holdout: held.repaired, of: held.resurveyed)
                        : ListEffect(contacted: tally.churned, of: tally.customers, holdout: held.churned, of: held.customers)
                    row.effect = effect?.effect
                    row.effectStdErr = effect?.stdErr
                    row.effectPValue = effect?.pValue
                }
                rows.append(row)
            }
        }
        return OutcomesOutput(rows: rows, lists: qualities, contactRows: input.contacts.rowCount)
    }

    /// The tallies of the groups all, holdout, contacted, not_contacted of one list.
    func evaluate(_ spec: ListSpec, _ table: ColumnarTable, _ fates: (index: ByteKeyIndex, fates: [Fate]))
        throws -> ([Tally], OutcomesListQuality) {
        let id = try table.column("customer_id")
        let holdoutColumn = spec.hasHoldout ? table.header.firstIndex(of: "holdout") : nil
        var quality = OutcomesListQuality(list: spec.name, found: true, holdoutColumn: holdoutColumn != nil, customers: 0,
                                          leftBase: 0, heldOutContacted: 0)
        var groups = [Tally](repeating: Tally(), count: 4)
        var seen = ByteKeyIndex(capacity: table.rowCount)
        for r in 0..<table.rowCount {
            let key = table.bytes(r, id)
            // A customer with both care occasions has two rows; each customer counts once.
            guard seen.insert(key).inserted else { continue }
            quality.customers += 1
            guard let e = fates.index.find(key) else {
                quality.leftBase += 1
                continue
            }
            let fate = fates.fates[e]
            let heldOut = holdoutColumn.map { table.isTrue(r, $0) } ?? false
            let contacted = fate.contacted & spec.programs != 0
            if heldOut && contacted { quality.heldOutContacted += 1 }
            let group = heldOut ? 1 : contacted ? 2 : 3
            for g in [0, group] {
                groups[g].customers += 1
                if fate.churned { groups[g].churned += 1 }
                if let nps = fate.nps {
                    groups[g].resurveyed += 1
                    if nps >= 9 { groups[g].promoters += 1 }
                    if nps <= 6 { groups[g].detractors += 1 }
                    if nps >= 7 { groups[g].repaired += 1 }
                }
                groups[g].complaints += fate.complaints
            }
        }
        return (groups, quality)
    }

    /// Every customer of customer_360 of M with their churn, latest survey, complaints and contacts of M.
    func fates(_ input: OutcomesInputs) throws -> (index: ByteKeyIndex, fates: [Fate]) {
        let c = input.customer360
        let cId = try c.column("customer_id"), cChurned = try c.column("churned_in_month")
        var index = ByteKeyIndex(capacity: c.rowCount)
        var fates: [Fate] = []
        fates.reserveCapacity(c.rowCount)
        for r in 0..<c.rowCount where index.insert(c.bytes(r, cId)).inserted {
            fates.append(Fate(churned: c.isTrue(r, cChurned)))
        }

        // Latest survey of M per customer, as in customer_360: latest survey_date, then greatest
        // survey_id (ISO dates and code-point order both compare as bytes).
        let s = input.surveys
        let sId = try s.column("survey_id"), sCustomer = try s.column("customer_id")
        let sDate = try s.column("survey_date"), sNps = try s.column("nps")
        var latest: [Int: Int] = [:]
        for r in 0..<s.rowCount {
            guard let e = index.find(s.bytes(r, sCustomer)) else { continue }
            if let prev = latest[e] {
                let order = KeyJoin.compare(s.bytes(r, sDate), s.bytes(prev, sDate))
                if order < 0 || (order == 0 && KeyJoin.compare(s.bytes(prev, sId), s.bytes(r, sId)) >= 0) { continue }
            }
            latest[e] = r
        }
        for (e, r) in latest {
            guard let nps = s.int(r, sNps) else {
                throw PanoramaError.runtime("fact_survey of \(input.month) row \(r + 2) has no readable nps; re-run cleanse for \(input.month)")
            }
            fates[e].nps = nps
        }

        let k = input.complaints
        let kCustomer = try k.column("customer_id")
        for r in 0..<k.rowCount {
            if let e = index.find(k.bytes(r, kCustomer)) { fates[e].complaints += 1 }
        }

        let t = input.contacts
        let tCustomer = try t.column("customer_id"), tProgram = try t.column("program"), tOutcome = try t.column("outcome")
        for r in 0..<t.rowCount {
            let outcome = t.string(r, tOutcome)
            guard outcome == "reached" || outcome == "resolved", let bit = Outcomes.programBits[t.string(r, tProgram)],
                  let e = index.find(t.bytes(r, tCustomer)) else { continue }
            fates[e].contacted |= bit
        }
        return (index, fates)
    }
}
