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
    static let programBits: [(name: StaticString, bit: UInt8)] = [("retention", 1), ("repair", 2), ("birthday", 4), ("anniversary", 8)]

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

    /// The customers of the lists, each once across the three lists: entry e of `index` is a
    /// customer, `entries[k][r]` the entry of row r of list k, `firstSeen[e]` the (list, row) that
    /// holds the customer's id first.
    struct ListCustomers {
        var index = ByteKeyIndex()
        var entries: [[Int32]] = []
        var firstSeen: [(list: Int, row: Int)] = []

        init(_ lists: [ColumnarTable?]) throws {
            for (k, table) in lists.enumerated() {
                guard let table else { entries.append([]); continue }
                let id = try table.column("customer_id")
                var rows: [Int32] = []
                rows.reserveCapacity(table.rowCount)
                for r in 0..<table.rowCount {
                    let (e, inserted) = index.insert(table.bytes(r, id))
                    if inserted { firstSeen.append((k, r)) }
                    rows.append(Int32(e))
                }
                entries.append(rows)
            }
        }
    }

    public func run(_ input: OutcomesInputs) throws -> OutcomesOutput {
        // Only the lists' customers are followed (tens of thousands), not the whole base: each list
        // customer is looked up in customer_360 of M, and each survey, complaint and contact of M
        // in the lists' customers.
        let customers = try ListCustomers(input.lists)
        let fates = try self.fates(input, customers)
        var rows: [ListOutcomeRow] = []
        var qualities: [OutcomesListQuality] = []
        for (k, (spec, table)) in zip(Outcomes.lists, input.lists).enumerated() {
            guard let table else {
                qualities.append(OutcomesListQuality(list: spec.name, found: false, holdoutColumn: false, customers: 0,
                                                     leftBase: 0, heldOutContacted: 0))
                continue
            }
            let (groups, quality) = evaluate(spec, table, customers.entries[k], fates)
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

    /// The tallies of the groups all, holdout, contacted, not_contacted of one list; `entries` are
    /// its rows' customers and `fates` what M says about each (nil = not in customer_360 of M).
    func evaluate(_ spec: ListSpec, _ table: ColumnarTable, _ entries: [Int32], _ fates: [Fate?])
        -> ([Tally], OutcomesListQuality) {
        let holdoutColumn = spec.hasHoldout ? table.header.firstIndex(of: "holdout") : nil
        var quality = OutcomesListQuality(list: spec.name, found: true, holdoutColumn: holdoutColumn != nil, customers: 0,
                                          leftBase: 0, heldOutContacted: 0)
        var groups = [Tally](repeating: Tally(), count: 4)
        var seen = [Bool](repeating: false, count: fates.count)
        for r in 0..<table.rowCount {
            let e = Int(entries[r])
            // A customer with both care occasions has two rows; each customer counts once.
            if seen[e] { continue }
            seen[e] = true
            quality.customers += 1
            guard let fate = fates[e] else {
                quality.leftBase += 1
                continue
            }
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

    /// What M says about each list customer — churn (customer_360), latest survey, complaints and
    /// contacts — or nil for a customer absent from customer_360 of M.
    func fates(_ input: OutcomesInputs, _ customers: ListCustomers) throws -> [Fate?] {
        let c = input.customer360
        let cId = try c.column("customer_id"), cChurned = try c.column("churned_in_month")
        // customer_360 is in customer_id order: each list customer is found by searching its ids.
        let base = KeyedRows(c, column: cId)
        var fates = [Fate?](repeating: nil, count: customers.index.count)
        let idColumns = try input.lists.map { try $0?.column("customer_id") }
        for (e, seen) in customers.firstSeen.enumerated() {
            let table = input.lists[seen.list]!
            if let r = base.row(table.bytes(seen.row, idColumns[seen.list]!)) {
                fates[e] = Fate(churned: c.isTrue(r, cChurned))
            }
        }
        /// The entry of a customer of the lists who is in customer_360 of M.
        func entry(_ id: UnsafeBufferPointer<UInt8>) -> Int? {
            guard let e = customers.index.find(id), fates[e] != nil else { return nil }
            return e
        }

        // Latest survey of M per customer, as in customer_360: latest survey_date, then greatest
        // survey_id (ISO dates and code-point order both compare as bytes).
        let s = input.surveys
        let sId = try s.column("survey_id"), sCustomer = try s.column("customer_id")
        let sDate = try s.column("survey_date"), sNps = try s.column("nps")
        var latest = [Int](repeating: -1, count: fates.count)
        for r in 0..<s.rowCount {
            guard let e = entry(s.bytes(r, sCustomer)) else { continue }
            let prev = latest[e]
            if prev >= 0 {
                let order = KeyJoin.compare(s.bytes(r, sDate), s.bytes(prev, sDate))
                if order < 0 || (order == 0 && KeyJoin.compare(s.bytes(prev, sId), s.bytes(r, sId)) >= 0) { continue }
            }
            latest[e] = r
        }
        for (e, r) in latest.enumerated() where r >= 0 {
            guard let nps = s.int(r, sNps) else {
                throw PanoramaError.runtime("fact_survey of \(input.month) row \(r + 2) has no readable nps; re-run cleanse for \(input.month)")
            }
            fates[e]!.nps = nps
        }

        let k = input.complaints
        let kCustomer = try k.column("customer_id")
        for r in 0..<k.rowCount {
            if let e = entry(k.bytes(r, kCustomer)) { fates[e]!.complaints += 1 }
        }

        let t = input.contacts
        let tCustomer = try t.column("customer_id"), tProgram = try t.column("program"), tOutcome = try t.column("outcome")
        for r in 0..<t.rowCount {
            let outcome = t.bytes(r, tOutcome)
            guard Outcomes.isReached(outcome), let bit = Outcomes.programBit(t.bytes(r, tProgram)),
                  let e = entry(t.bytes(r, tCustomer)) else { continue }
            fates[e]!.contacted |= bit
        }
        return fates
    }

    /// Whether a contact's outcome is `reached` or `resolved`.
    static func isReached(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        equals(b, "reached") || equals(b, "resolved")
    }

    /// The bit of a contact's programme (`programBits`), nil for a programme no list follows.
    static func programBit(_ b: UnsafeBufferPointer<UInt8>) -> UInt8? {
        for (name, bit) in programBits where equals(b, name) { return bit }
        return nil
    }

    @inline(__always)
    private static func equals(_ b: UnsafeBufferPointer<UInt8>, _ text: StaticString) -> Bool {
        guard b.count == text.utf8CodeUnitCount else { return false }
        let t = text.utf8Start
        for i in 0..<b.count where b[i] != t[i] { return false }
        return true
    }
}
