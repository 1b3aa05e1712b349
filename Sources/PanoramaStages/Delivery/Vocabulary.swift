import PanoramaCore

/// Enum vocabularies of SPEC §2: accepted spellings (English codes, Chinese names; any case) →
/// canonical code.
public enum Vocabulary {
    public static let brand = EnumTable(["gotone": ["全球通"], "mzone": ["动感地带"], "easyown": ["神州行"]])
    public static let vipLevel = EnumTable(["diamond": ["钻石卡"], "gold": ["金卡"], "silver": ["银卡"], "none": ["无", "普通"]])
    public static let gender = EnumTable(["M": ["男"], "F": ["女"]])
    public static let status = EnumTable(["active": ["在网"], "churned": ["离网"]])
    public static let channel = EnumTable(["sms": ["短信"], "phone": ["电话"], "hall": ["营业厅"], "app": ["手机营业厅"]])
    public static let touchpoint = EnumTable(["hall_visit": [], "hotline_call": [], "plan_change": [], "new_sim": [],
                                              "device_purchase": [], "network": [], "other": []])
    public static let category = EnumTable(["network": ["网络"], "billing": ["资费"], "service": ["服务"],
                                            "marketing": ["营销"], "other": ["其他"]])
    /// contacts.csv (SPEC §2.5). A label written `a/b` in the SPEC is two labels.
    public static let program = EnumTable(["repair": ["贬损者修复"], "retention": ["离网挽留"], "birthday": ["生日关怀"],
                                           "anniversary": ["在网周年"], "other": ["其他"]])
    public static let contactChannel = EnumTable(["sms": ["短信"], "phone": ["电话", "外呼"], "visit": ["上门", "到厅"],
                                                  "app": ["APP"], "mail": ["邮寄"]])
    public static let contactOutcome = EnumTable(["reached": ["已触达"], "unreached": ["未触达"], "refused": ["拒绝"],
                                                  "resolved": ["已解决"]])

    /// The canonical code for `text` (already normalised), or nil.
    public static func lookup(_ text: String, in table: [String: String]) -> String? {
        // Most deliveries already use the codes; only other spellings pay for case folding.
        table[text] ?? table[text.lowercased()]
    }
}

/// One enum of SPEC §2: its canonical codes and every accepted spelling, looked up from a field's
/// bytes without building a String.
public struct EnumTable: Sendable {
    /// Spelling (lowercased) → canonical code.
    public let spellings: [String: String]
    /// The canonical codes, sorted.
    public let codes: [String]
    /// What a BAD_ENUM detail lists: the codes joined by `, `.
    public let allowed: String
    /// The UTF-8 of each code, by index in `codes`.
    let codeBytes: [[UInt8]]
    /// Every spelling (lowercased bytes) with the index of its code; the codes themselves first.
    let entries: [(spelling: [UInt8], code: Int)]

    init(_ names: [String: [String]]) {
        var spellings: [String: String] = [:]
        for (code, labels) in names {
            spellings[code.lowercased()] = code
            for label in labels { spellings[label.lowercased()] = code }
        }
        self.spellings = spellings
        codes = names.keys.sorted()
        allowed = codes.joined(separator: ", ")
        codeBytes = codes.map { Array($0.utf8) }
        let codes = self.codes
        entries = spellings.keys.sorted { a, b in
            let (ca, cb) = (codes.contains { $0.lowercased() == a }, codes.contains { $0.lowercased() == b })
            return ca != cb ? ca : a < b
        }.map { (Array($0.utf8), codes.firstIndex(of: spellings[$0]!)!) }
    }

    /// The index in `codes` of the code `field` (normalised) spells, or nil. Spellings match byte by
    /// byte with ASCII case folded; a field with other characters that matches none of them is read
    /// as a String, so Unicode case folding and canonical equivalence decide exactly as
    /// `Vocabulary.lookup` does.
    public func code(_ field: UnsafeBufferPointer<UInt8>) -> Int? {
        for entry in entries where ValueParser.equalsFoldingASCII(field, entry.spelling) { return entry.code }
        if ValueParser.isASCII(field) { return nil }
        return Vocabulary.lookup(String(decoding: field, as: UTF8.self), in: spellings).flatMap { codes.firstIndex(of: $0) }
    }

    /// The index of a canonical code (for comparing a looked-up value with it).
    public func index(of code: String) -> Int { codes.firstIndex(of: code)! }
}
