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
            ("extra_columns", .array(extraColumns.map { .string($0) })),
        ])
    }
}
