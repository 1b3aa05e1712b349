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

    /// customer_id → members of the `respondents` found in a `customer_360` partition (SPEC §3.2),
    /// and the partition's row count. The partition holds the whole customer base (millions of rows
    /// in a province) while only respondents matter, so it is streamed from bytes and only their
    /// rows become Strings. customer_id is unique there; should it repeat, the first row wins.
    public static func read(customer360 bytes: [UInt8], name: String, respondents: Set<String>) throws
        -> (members: [String: DriverMembers], rows: Int)
    {
        var reader = CSVReader(bytes: bytes)
        guard reader.next() == .record else { return ([:], 0) }
        let header = (0..<reader.fields.count).map { reader.rawField($0) }
        func column(_ c: String) throws -> Int {
            guard let i = header.firstIndex(of: c) else {
                throw PanoramaError.runtime("\(name) has no column `\(c)` (columns: \(header.joined(separator: ", "))); re-run the stage that wrote it")
            }
            return i
        }
        let id = try column("customer_id"), brand = try column("brand"), tier = try column("value_tier")
        let city = try column("city"), vip = try column("vip_level")
        reader.expectedFieldCount = header.count
        var out: [String: DriverMembers] = [:]
        var rows = 0
        while let kind = reader.next() {
            guard kind == .record else {
                throw PanoramaError.runtime("\(name) line \(reader.recordLine) is not valid CSV; the partition is damaged — re-run the stage that wrote it")
            }
            rows += 1
            let customer = reader.rawField(id)
            guard respondents.contains(customer), out[customer] == nil else { continue }
            out[customer] = DriverMembers(brand: reader.rawField(brand), valueTier: reader.rawField(tier),
                                          city: reader.rawField(city), vipLevel: reader.rawField(vip))
        }
        return (out, rows)
    }
}
