import PanoramaCore

/// Counts for one delivery of one month: the invariant read = clean + quarantined holds by construction.
public struct SourceQuality: Sendable {
    public var source: Source
    public var file: String
    public var sha256: String
    public var bytes: Int
    public var read = 0
    public var clean = 0
    public var blankLines = 0
    /// Quarantined rows per code, counted in `QuarantineCode` order.
    public var quarantinedByCode: [QuarantineCode: Int] = [:]
    /// Optional fields emptied rather than quarantined (customers' gender and birth_date).
    public var nulled: [String: Int] = [:]
    /// Rows per free-text field (city, county) of clean rows that had control characters removed.
    public var controlCharactersRemoved: [String: Int] = [:]
    public var extraColumns: [String] = []

    public var quarantined: Int { quarantinedByCode.values.reduce(0, +) }
    public var rejectShare: Double { read == 0 ? 0 : Double(quarantined) / Double(read) }

    /// Manifest form, keys in a fixed order.
    public var json: JSONValue {
        .object([
            ("source", .string(source.rawValue)),
            ("file", .string(file)),
            ("sha256", .string(sha256)),
            ("bytes", .int(bytes)),
            ("read", .int(read)),
            ("clean", .int(clean)),
            ("quarantined", .int(quarantined)),
            ("blank_lines", .int(blankLines)),
            ("reasons", .object(QuarantineCode.allCases.compactMap { code in
                quarantinedByCode[code].map { (code.rawValue, .int($0)) }
            })),
            ("nulled", .object(nulled.keys.sorted().map { ($0, .int(nulled[$0]!)) })),
            ("control_characters_removed", .object(controlCharactersRemoved.keys.sorted().map { ($0, .int(controlCharactersRemoved[$0]!)) })),
            ("extra_columns", .array(extraColumns.map { .string($0) })),
        ])
    }
}

extension SourceQuality {
    /// Reads the manifest form; nil when a field is missing.
    public init?(json: JSONValue) {
        guard let name = json["source"]?.stringValue, let source = Source(rawValue: name) else { return nil }
        self.init(source: source, file: json["file"]?.stringValue ?? "", sha256: json["sha256"]?.stringValue ?? "",
                  bytes: json["bytes"]?.intValue ?? 0)
        read = json["read"]?.intValue ?? 0
        clean = json["clean"]?.intValue ?? 0
        blankLines = json["blank_lines"]?.intValue ?? 0
        if case .object(let pairs)? = json["reasons"] {
            for (code, rows) in pairs {
                guard let c = QuarantineCode(rawValue: code) else { return nil }
                quarantinedByCode[c] = rows.intValue ?? 0
            }
        }
        if case .object(let pairs)? = json["nulled"] {
            for (field, rows) in pairs { nulled[field] = rows.intValue ?? 0 }
        }
        if case .object(let pairs)? = json["control_characters_removed"] {
            for (field, rows) in pairs { controlCharactersRemoved[field] = rows.intValue ?? 0 }
        }
        extraColumns = json["extra_columns"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }
}
