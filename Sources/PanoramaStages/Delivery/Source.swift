import PanoramaEngine

/// The monthly deliveries of SPEC §2, in the order quarantine rows are written: the four required
/// files, then the optional contacts.csv (§2.5).
public enum Source: String, CaseIterable, Sendable {
    case customers, usage, surveys, complaints, contacts

    /// The delivered file name inside the month's input folder.
    public var fileName: String { rawValue + ".csv" }

    /// Whether the month may come without this file (SPEC §2.5: only contacts.csv). An optional file
    /// that is absent is not an error: its clean table is published with its header only.
    public var isOptional: Bool { self == .contacts }

    /// What manifests and the stderr summary say when an optional file is absent.
    public var notDeliveredNote: String { fileName + " not delivered" }

    /// The columns of the delivery in SPEC order, with whether each is required (●).
    public var columns: [(name: String, required: Bool)] {
        switch self {
        case .customers:
            return [("customer_id", true), ("msisdn", true), ("city", true), ("county", false), ("brand", true),
                    ("vip_level", false), ("gender", false), ("birth_date", false), ("join_date", true),
                    ("status", true), ("churn_date", false)]
        case .usage:
            return [("customer_id", true), ("month", true), ("arpu", true), ("mou", false), ("data_gb", false),
                    ("call_forward_ratio", false), ("offnet_ratio", false), ("points_balance", false)]
        case .surveys:
            return [("survey_id", true), ("customer_id", true), ("survey_date", true), ("channel", true),
                    ("touchpoint", false), ("nps", true), ("overall_sat", false)]
                + SurveyDimension.allCases.map { ($0.rawValue, false) }
        case .complaints:
            return [("complaint_id", true), ("customer_id", true), ("opened_at", true), ("category", true),
                    ("closed_at", false), ("escalated", false)]
        case .contacts:
            return [("contact_id", true), ("customer_id", true), ("contacted_at", true), ("program", true),
                    ("channel", true), ("outcome", true)]
        }
    }

    /// The clean warehouse table this delivery becomes (SPEC §3.1).
    public var cleanTable: TableSchema {
        switch self {
        case .customers: return CleanseStage.dimCustomer
        case .usage: return CleanseStage.factUsage
        case .surveys: return CleanseStage.factSurvey
        case .complaints: return CleanseStage.factComplaint
        case .contacts: return CleanseStage.factContact
        }
    }
}

/// The seven survey service dimensions, in SPEC §2.3 order (also the default driver order).
public enum SurveyDimension: String, CaseIterable, Sendable {
    case network, hall, hotline, billing, new_business, promotion, communication
}

/// Quarantine reason codes of SPEC §2, and BAD_TEXT: a control character (NUL and the rest of C0)
/// in a key or enum field, where it would make `C1\0` a customer other than `C1` (docs/decisions.md).
public enum QuarantineCode: String, CaseIterable, Sendable {
    case MALFORMED_RECORD, MISSING_FIELD, BAD_MSISDN, BAD_NUMBER, OUT_OF_RANGE, BAD_DATE, WRONG_MONTH, BAD_ENUM,
         BAD_TEXT, UNKNOWN_CUSTOMER, DUPLICATE_KEY
}
