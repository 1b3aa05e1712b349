/// Reading `kpi_change` (SPEC §4.2) for "why did it move": which members of a dimension moved a
/// province KPI, and whether by their own value (rate effect) or by their weight in the base
/// (mix effect).
public enum ChangeAttribution {
    /// Which part of a member's contribution is larger.
    public enum Effect: String, Sendable {
        /// The member's own value changed (rate_effect).
        case rate
        /// The member's share of the base changed (mix_effect).
        case mix
    }

    /// The dimensions shown for a KPI, in SPEC §4.2 order with city first: sat_index is split
    /// by component, every other KPI by city, brand, VIP level, value tier and channel.
    public static func dimensions(of kpi: String, in rows: [KPIChangeRow]) -> [String] {
        let order = kpi == "sat_index" ? ["component"] : ["city", "brand", "vip_level", "value_tier", "channel"]
        return order.filter { d in rows.contains { $0.kpi == kpi && $0.dimension == d } }
    }

    /// The rows of one KPI and dimension by rank (1 = largest |contribution|), ties in table order.
    public static func ranked(_ rows: [KPIChangeRow], kpi: String, dimension: String) -> [KPIChangeRow] {
        rows.enumerated().filter { $0.element.kpi == kpi && $0.element.dimension == dimension }
            .sorted { ($0.element.rank, $0.offset) < ($1.element.rank, $1.offset) }.map(\.element)
    }

    /// The larger of the two effects by absolute size; rate when they are equal.
    public static func dominant(_ row: KPIChangeRow) -> Effect {
        abs(row.rateEffect) >= abs(row.mixEffect) ? .rate : .mix
    }
}
