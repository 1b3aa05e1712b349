import PanoramaCore

/// customer_360 of M decoded once for the KPI rollup, on all cores: per row the member codes of the
/// four customer dimensions, the churned / high-value flags and arpu. Every cell is read once;
/// the customer, survey, complaint and retention passes then work on codes.
struct KPIBase {
    static let churnedFlag: UInt8 = 1, highValueFlag: UInt8 = 2, arpuFlag: UInt8 = 4
    /// Rows per unit of parallel decoding (a power of two: a row's chunk is a shift).
    static let chunkShift = 16
    static var chunkRows: Int { 1 << chunkShift }

    let count: Int
    /// customer_id's column in the table.
    let idColumn: Int
    /// Whether customer_id strictly increases from row to row (as customer360 writes it).
    let ascending: Bool
    /// The members of each customer dimension (`KPICatalogue.dimensions` order) by code, in
    /// first-seen order over the table.
    let members: [MemberCodes]
    /// Each chunk codes members in its own dictionary: codes[d * count + r] is row r's code in
    /// its chunk's, and translation[chunk * dimensions + d] maps those codes to `members`.
    private let codes: [UInt32]
    private let translation: [[UInt32]]
    /// churnedFlag, highValueFlag and arpuFlag (arpu present) of each row.
    let flags: [UInt8]
    /// arpu of each row (0 where absent).
    let arpu: [Double]

    init(_ c: ColumnarTable) throws {
        let n = c.rowCount
        idColumn = try c.column("customer_id")
        let dimColumns = try KPICatalogue.dimensions.map { try c.column($0) }
        let highColumn = try c.column("high_value"), churnedColumn = try c.column("churned_in_month")
        let arpuColumn = try c.column("arpu")
        let id = idColumn
        let dimensions = dimColumns.count
        var codes = [UInt32](repeating: 0, count: dimensions * n)
        var flags = [UInt8](repeating: 0, count: n)
        var arpu = [Double](repeating: 0, count: n)
        let chunks = (n + Self.chunkRows - 1) / Self.chunkRows
        struct Chunk { var members: [MemberCodes]; var ascending: Bool }
        // Each chunk writes its own slice of the arrays.
        let pieces: [Chunk] = try flags.withUnsafeMutableBufferPointer { flags in
            try arpu.withUnsafeMutableBufferPointer { arpu in
            try codes.withUnsafeMutableBufferPointer { codes in
                try parallelMap(chunks) { k -> Chunk in
                    let lower = k * Self.chunkRows, upper = min(n, lower + Self.chunkRows)
                    // One dictionary per dimension, unrolled: this loop runs for every customer.
                    var city = MemberCodes(), brand = MemberCodes(), vip = MemberCodes(), tier = MemberCodes()
                    let cityColumn = dimColumns[0], brandColumn = dimColumns[1], vipColumn = dimColumns[2], tierColumn = dimColumns[3]
                    let cityCodes = codes.baseAddress!, brandCodes = cityCodes + n, vipCodes = brandCodes + n, tierCodes = vipCodes + n
                    var ascending = true
                    var previous = c.bytes(max(0, lower - 1), id)
                    for r in lower..<upper {
                        let key = c.bytes(r, id)
                        if ascending && r > 0 && !KeyedRows.precedes(previous, key) { ascending = false }
                        previous = key
                        cityCodes[r] = UInt32(truncatingIfNeeded: city.code(c.bytes(r, cityColumn)))
                        brandCodes[r] = UInt32(truncatingIfNeeded: brand.code(c.bytes(r, brandColumn)))
                        vipCodes[r] = UInt32(truncatingIfNeeded: vip.code(c.bytes(r, vipColumn)))
                        tierCodes[r] = UInt32(truncatingIfNeeded: tier.code(c.bytes(r, tierColumn)))
                        var f: UInt8 = 0
                        if c.isTrue(r, churnedColumn) { f |= Self.churnedFlag }
                        if c.isTrue(r, highColumn) { f |= Self.highValueFlag }
                        if let v = CellValues.number(c.bytes(r, arpuColumn)) {
                            f |= Self.arpuFlag
                            arpu[r] = v
                        }
                        flags[r] = f
                    }
                    let members = [city, brand, vip, tier]
                    return Chunk(members: members, ascending: ascending)
                }
            }}
        }
        var members = [MemberCodes](repeating: MemberCodes(), count: dimensions)
        var translation: [[UInt32]] = []
        for piece in pieces {
            for d in 0..<dimensions { translation.append(members[d].merge(piece.members[d])) }
        }
        count = n
        ascending = pieces.allSatisfy(\.ascending)
        self.members = members
        self.codes = codes
        self.translation = translation
        self.flags = flags
        self.arpu = arpu
    }

    /// The member code of row r in customer dimension d.
    @inline(__always)
    func code(_ d: Int, _ r: Int) -> Int {
        Int(translation[(r >> Self.chunkShift) * members.count + d][Int(codes[d * count + r])])
    }

    /// Calls `body(row, code)` for every row in order with its member code in dimension d.
    @inline(__always)
    func forEachCode(_ d: Int, _ body: (Int, Int) -> Void) {
        codes.withUnsafeBufferPointer { codes in
            var lower = 0
            while lower < count {
                let upper = min(count, lower + Self.chunkRows)
                translation[(lower >> Self.chunkShift) * members.count + d].withUnsafeBufferPointer { global in
                    for r in lower..<upper { body(r, Int(global[Int(codes[d * count + r])])) }
                }
                lower = upper
            }
        }
    }
}
