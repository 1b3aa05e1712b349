/// Enum vocabularies of SPEC §2: accepted spellings (English codes, Chinese names; any case) →
/// canonical code.
public enum Vocabulary {
    public static let brand = table(["gotone": ["全球通"], "mzone": ["动感地带"], "easyown": ["神州行"]])
    public static let vipLevel = table(["diamond": ["钻石卡"], "gold": ["金卡"], "silver": ["银卡"], "none": ["无", "普通"]])
    public static let gender = table(["M": ["男"], "F": ["女"]])
    public static let status = table(["active": ["在网"], "churned": ["离网"]])
    public static let channel = table(["sms": ["短信"], "phone": ["电话"], "hall": ["营业厅"], "app": ["手机营业厅"]])
    public static let touchpoint = table(["hall_visit": [], "hotline_call": [], "plan_change": [], "new_sim": [],
                                          "device_purchase": [], "network": [], "other": []])
    public static let category = table(["network": ["网络"], "billing": ["资费"], "service": ["服务"],
                                        "marketing": ["营销"], "other": ["其他"]])
    /// contacts.csv (SPEC §2.5). A label written `a/b` in the SPEC is two labels.
    public static let program = table(["repair": ["贬损者修复"], "retention": ["离网挽留"], "birthday": ["生日关怀"],
                                       "anniversary": ["在网周年"], "other": ["其他"]])
    public static let contactChannel = table(["sms": ["短信"], "phone": ["电话", "外呼"], "visit": ["上门", "到厅"],
                                              "app": ["APP"], "mail": ["邮寄"]])
    public static let contactOutcome = table(["reached": ["已触达"], "unreached": ["未触达"], "refused": ["拒绝"],
                                              "resolved": ["已解决"]])

    /// The canonical code for `text` (already normalised), or nil.
    public static func lookup(_ text: String, in table: [String: String]) -> String? {
        // Most deliveries already use the codes; only other spellings pay for case folding.
        table[text] ?? table[text.lowercased()]
    }

    private static func table(_ entries: [String: [String]]) -> [String: String] {
        var out: [String: String] = [:]
        for (code, names) in entries {
            out[code.lowercased()] = code
            for name in names { out[name.lowercased()] = code }
        }
        return out
    }
}
