import PanoramaConfig
import PanoramaCore
import PanoramaEngine

/// Stage kind `outcomes` (SPEC §5.1): for M, the follow-up lists of M-1 measured against M's
/// customer_360, fact_survey, fact_complaint and fact_contact. Without lists for M-1 (the first
/// month) list_outcome is published with its header only and a warning says why.
extension OutcomesStage: StageKind {
    /// `outcomes` takes no parameters.
    public struct Settings: Sendable {}

    public static let abstract = "measures last month's follow-up lists: churn, re-survey NPS, repair and complaints by group, and the effect of contact against the held-out control group"
    public static let parameters: [StageParameter] = []
    public static let tables = [listOutcome]

    public static func settings(_ stage: StageConfig, in config: PipelineConfig) throws -> Settings { Settings() }

    public static func run(_ settings: Settings, _ io: StageIO) throws -> StageReport {
        let m = io.month, cohort = m.adding(-1)
        var report = StageReport()
        var quality = OutcomesQuality(cohortMonth: cohort)
        var csv = CSVWriter(header: listOutcome.columns)

        let listTables = Customer360Stage.lists
        guard listTables.contains(where: { io.has($0, cohort) }) else {
            let note = "no follow-up lists for \(cohort) (the first month, or customer360 has not run for it): list_outcome for \(m) has its header only"
            report.warnings.append(note)
            quality.note = note
            try io.publish([TableOutput(listOutcome, csv)])
            quality.lists = Outcomes.lists.map {
                OutcomesListQuality(list: $0.name, found: false, holdoutColumn: false, customers: 0, leftBase: 0, heldOutContacted: 0)
            }
            report.quality = quality.json
            report.summary = note
            return report
        }

        let reads = try io.read(listTables.map { PartitionRequest($0, cohort, required: false) } + [
            PartitionRequest(Customer360Stage.customer360, m, columns: Outcomes.customer360Columns, required: true),
            PartitionRequest(CleanseStage.factSurvey, m, columns: Outcomes.surveyColumns, required: true),
            PartitionRequest(CleanseStage.factComplaint, m, columns: Outcomes.complaintColumns, required: true),
            PartitionRequest(CleanseStage.factContact, m, columns: Outcomes.contactColumns, required: true),
        ])
        let n = listTables.count
        let out = try Outcomes().run(OutcomesInputs(
            month: m, lists: Array(reads[0..<n]), customer360: reads[n]!, surveys: reads[n + 1]!, complaints: reads[n + 2]!,
            contacts: reads[n + 3]!))
        for row in out.rows { row.write(to: &csv) }
        try io.publish([TableOutput(listOutcome, csv)])

        quality.lists = out.lists
        quality.contactRows = out.contactRows
        let cleanse = io.manifest(of: CleanseStage.self)?.quality(CleanseQuality.self)
        quality.contactsDelivered = cleanse.map { !$0.notDelivered.contains(.contacts) }
        for list in out.lists {
            if !list.found {
                report.warnings.append("\(list.list) of \(cohort) is missing: it has no rows in list_outcome for \(m)")
            } else if !list.holdoutColumn && Outcomes.lists.first(where: { $0.name == list.list })?.hasHoldout == true {
                report.warnings.append("\(list.list) of \(cohort) has no holdout column (built before the control group existed): nobody counts as held out and its effect is empty")
            }
        }
        if quality.contactsDelivered == false {
            report.warnings.append("contacts.csv was not delivered for \(m): nobody counts as contacted, so every customer not held out is in not_contacted and no effect is computed")
        }
        report.quality = quality.json
        report.summary = "cohort \(cohort): "
            + out.lists.filter(\.found).map { "\($0.list) \($0.customers) customers (\($0.leftBase) left the base)" }.joined(separator: ", ")
            + "; \(out.contactRows) contacts in \(m)" + (quality.contactsDelivered == false ? " (contacts.csv not delivered)" : "")
        return report
    }
}

/// What `outcomes` records in its manifest: the cohort, each list's size and the customers left out
/// because they left the base, and what was known about the contacts.
public struct OutcomesQuality: ManifestQuality, Equatable {
    public var cohortMonth: Month
    public var lists: [OutcomesListQuality] = []
    /// Rows of fact_contact of M.
    public var contactRows = 0
    /// false when the cleanse manifest of M says contacts.csv was not delivered; nil when unknown.
    public var contactsDelivered: Bool?
    /// Why list_outcome has its header only, when it has.
    public var note: String?

    public init(cohortMonth: Month) { self.cohortMonth = cohortMonth }

    public var json: JSONValue {
        .object([
            ("cohort_month", .string(cohortMonth.description)),
            ("lists", .array(lists.map { l in
                .object([("list", .string(l.list)), ("found", .bool(l.found)), ("holdout_column", .bool(l.holdoutColumn)),
                         ("customers", .int(l.customers)), ("left_base", .int(l.leftBase)),
                         ("held_out_contacted", .int(l.heldOutContacted))])
            })),
            ("contact_rows", .int(contactRows)),
            ("contacts_delivered", contactsDelivered.map { .bool($0) } ?? .null),
            ("note", note.map { .string($0) } ?? .null),
        ])
    }

    public init?(json: JSONValue) {
        guard let month = json["cohort_month"]?.stringValue.flatMap(Month.init(key:)),
              let items = json["lists"]?.arrayValue else { return nil }
        cohortMonth = month
        lists = items.compactMap { l in
            guard let name = l["list"]?.stringValue else { return nil }
            return OutcomesListQuality(list: name, found: l["found"]?.boolValue ?? false,
                                       holdoutColumn: l["holdout_column"]?.boolValue ?? false,
                                       customers: l["customers"]?.intValue ?? 0, leftBase: l["left_base"]?.intValue ?? 0,
                                       heldOutContacted: l["held_out_contacted"]?.intValue ?? 0)
        }
        contactRows = json["contact_rows"]?.intValue ?? 0
        contactsDelivered = json["contacts_delivered"]?.boolValue
        note = json["note"]?.stringValue
    }
}

extension JSONValue {
    /// The value of a JSON boolean (nil for anything else).
    fileprivate var boolValue: Bool? { if case .bool(let b) = self { return b }; return nil }
}
