import PanoramaCore

/// A base customer's members of the segment dimensions, from customer_360 of M.
public struct DriverMembers: Sendable, Equatable {
    /// `gotone`, `mzone` or `easyown`.
    public var brand: String
    /// `A`–`D`.
    public var valueTier: String
    /// City as delivered.
    public var city: String
    /// `diamond`, `gold`, `silver` or `none`.
    public var vipLevel: String

    /// Members as written in customer_360.
    public init(brand: String, valueTier: String, city: String, vipLevel: String) {
        self.brand = brand
        self.valueTier = valueTier
        self.city = city
        self.vipLevel = vipLevel
    }

    /// The member of one dimension (empty when customer_360 left it empty).
    public func member(_ dimension: DriverSegmentDimension) -> String {
        switch dimension {
        case .brand: brand
        case .value_tier: valueTier
        case .city: city
        case .vip_level: vipLevel
        }
    }

    /// The customer_360 columns `read(customer360:respondents:)` needs for the `segment_by`
    /// dimensions `segments` (customer_id and theirs, nothing else).
    public static func columns(for segments: [DriverSegmentDimension]) -> [String] {
        Customer360Stage.customer360.pick(["customer_id"] + segments.map(\.rawValue))
    }

    /// customer_id → members of the `respondents` found in a `customer_360` partition (SPEC §3.2)
    /// read with at least `columns(for:)`; a dimension whose column was not read is left empty (it
    /// is not segmented by). The partition holds the whole customer base (millions of rows in a
    /// province) while only respondents matter: it is in customer_id order, so each respondent is
    /// found by searching the id column, and only respondents' members become Strings.
    /// customer_id is unique there; should it repeat, the first row wins.
    public static func read(customer360 table: ColumnarTable, respondents: Set<String>) throws -> [String: DriverMembers] {
        let id = try table.column("customer_id")
        let columns = DriverSegmentDimension.allCases.map { table.header.firstIndex(of: $0.rawValue) }
        var cursor = KeyedRows.Cursor(KeyedRows(table, column: id))
        var out: [String: DriverMembers] = [:]
        out.reserveCapacity(respondents.count)
        // In key order (code points, as the partition is sorted), so the cursor walks forward.
        for customer in respondents.sorted(by: codePointLess) {
            var key = customer
            guard let r = key.withUTF8({ cursor.row($0) }) else { continue }
            func text(_ d: DriverSegmentDimension) -> String {
                columns[DriverSegmentDimension.allCases.firstIndex(of: d)!].map { table.string(r, $0) } ?? ""
            }
            out[customer] = DriverMembers(brand: text(.brand), valueTier: text(.value_tier), city: text(.city), vipLevel: text(.vip_level))
        }
        return out
    }
}
