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
    /// The customers' ids, and customer_id's column in that table (the whole partition, or the ids
    /// alone when the partition was read in pieces).
    let ids: ColumnarTable
    let idColumn: Int
    /// Whether customer_id strictly increases from row to row (as customer360 writes it).
    let ascending: Bool
    /// The members of each customer dimension (`KPICatalogue.dimensions` order) by code, in
    /// first-seen order over the table.
    let members: [MemberCodes]
    /// codes[d * count + r] is row r's member code in dimension d.
    private let codes: [UInt32]
    /// churnedFlag, highValueFlag and arpuFlag (arpu present) of each row.
    let flags: [UInt8]
    /// arpu of each row (0 where absent).
    let arpu: [Double]

    /// Decodes a whole customer_360 partition in chunks of rows on all cores.
    init(_ c: ColumnarTable) throws {
        let n = c.rowCount
        let chunks = (n + Self.chunkRows - 1) / Self.chunkRows
        let units = (0..<chunks).map { k in (k * Self.chunkRows)..<min(n, (k + 1) * Self.chunkRows) }
        try self.init(header: c.header, rows: n, ids: c, idColumn: try c.column("customer_id")) { decode in
            try parallelMap(chunks) { k in (units[k], try decode(c, units[k], units[k].lowerBound)) }
        }
    }

    /// Decodes customer_360 read in pieces (customer_id kept): its cells are freed once decoded.
    init(pieces: PartitionPieces) throws {
        try self.init(header: pieces.columns, rows: pieces.rowCount, ids: pieces.kept, idColumn: try pieces.kept.column("customer_id")) { decode in
            try pieces.map { piece, first in (first..<(first + piece.rowCount), try decode(piece, 0..<piece.rowCount, first)) }
        }
    }

    /// The decoding itself: `run` calls the decoder it is given once per unit of rows — a table with
    /// `header`, a range of its rows, and the month's row number of the first — on all cores, and
    /// returns each unit's month rows and member dictionaries in row order.
    private init(header: [String], rows n: Int, ids: ColumnarTable, idColumn: Int,
                 run: ((ColumnarTable, Range<Int>, Int) throws -> [MemberCodes]) throws -> [(Range<Int>, [MemberCodes])]) throws {
        func column(_ name: String) throws -> Int {
            guard let i = header.firstIndex(of: name) else {
                throw PanoramaError.runtime("column `\(name)` was not read (read: \(header.joined(separator: ", ")))")
            }
            return i
        }
        let dimColumns = try KPICatalogue.dimensions.map { try column($0) }
        let highColumn = try column("high_value"), churnedColumn = try column("churned_in_month")
        let arpuColumn = try column("arpu")
        let dimensions = dimColumns.count
        var codes = [UInt32](repeating: 0, count: dimensions * n)
        var flags = [UInt8](repeating: 0, count: n)
        var arpu = [Double](repeating: 0, count: n)
        // Each unit writes its own rows of the arrays, its member codes numbered in its own
        // dictionaries; they are renumbered into one dictionary per dimension afterwards.
        let units: [(Range<Int>, [MemberCodes])] = try flags.withUnsafeMutableBufferPointer { flags in
            try arpu.withUnsafeMutableBufferPointer { arpu in
            try codes.withUnsafeMutableBufferPointer { codes in
                let to = Targets(codes: codes.baseAddress, flags: flags.baseAddress, arpu: arpu.baseAddress)
                return try run { c, range, base in
                    // One dictionary per dimension, unrolled: this loop runs for every customer.
                    var city = MemberCodes(), brand = MemberCodes(), vip = MemberCodes(), tier = MemberCodes()
                    guard !range.isEmpty, let cityCodes = to.codes, let flags = to.flags, let arpu = to.arpu else { return [city, brand, vip, tier] }
                    let cityColumn = dimColumns[0], brandColumn = dimColumns[1], vipColumn = dimColumns[2], tierColumn = dimColumns[3]
                    let brandCodes = cityCodes + n, vipCodes = brandCodes + n, tierCodes = vipCodes + n
                    for r in range {
                        let g = base + r - range.lowerBound
                        cityCodes[g] = UInt32(truncatingIfNeeded: city.code(c.bytes(r, cityColumn)))
                        brandCodes[g] = UInt32(truncatingIfNeeded: brand.code(c.bytes(r, brandColumn)))
                        vipCodes[g] = UInt32(truncatingIfNeeded: vip.code(c.bytes(r, vipColumn)))
                        tierCodes[g] = UInt32(truncatingIfNeeded: tier.code(c.bytes(r, tierColumn)))
                        var f: UInt8 = 0
                        if c.isTrue(r, churnedColumn) { f |= Self.churnedFlag }
                        if c.isTrue(r, highColumn) { f |= Self.highValueFlag }
                        if let v = CellValues.number(c.bytes(r, arpuColumn)) {
                            f |= Self.arpuFlag
                            arpu[g] = v
                        }
                        flags[g] = f
                    }
                    return [city, brand, vip, tier]
                }
            }}
        }
        var members = [MemberCodes](repeating: MemberCodes(), count: dimensions)
        var translation: [[[UInt32]]] = []
        for unit in units {
            translation.append((0..<dimensions).map { d in members[d].merge(unit.1[d]) })
        }
        // Each unit's codes renumbered into the month's dictionaries, in parallel.
        codes.withUnsafeMutableBufferPointer { codes in
            _ = try? parallelMap(units.count) { k in
                for d in 0..<dimensions {
                    let global = translation[k][d]
                    if global == Array(0..<UInt32(global.count)) { continue }
                    for r in units[k].0 { codes[d * n + r] = global[Int(codes[d * n + r])] }
                }
            }
        }
        count = n
        self.ids = ids
        self.idColumn = idColumn
        // Checked on all cores over the ids alone.
        ascending = KeyedRows.isStrictlyAscending(ids, idColumn)
        self.members = members
        self.codes = codes
        self.flags = flags
        self.arpu = arpu
    }

    /// Where a unit writes its rows (nil for an empty month).
    private struct Targets: @unchecked Sendable {
        let codes: UnsafeMutablePointer<UInt32>?
        let flags: UnsafeMutablePointer<UInt8>?
        let arpu: UnsafeMutablePointer<Double>?
    }

    /// The member code of row r in customer dimension d.
    @inline(__always)
    func code(_ d: Int, _ r: Int) -> Int { Int(codes[d * count + r]) }

    /// Calls `body(row, code)` for every row in order with its member code in dimension d.
    @inline(__always)
    func forEachCode(_ d: Int, _ body: (Int, Int) -> Void) {
        codes.withUnsafeBufferPointer { codes in
            for r in 0..<count { body(r, Int(codes[d * count + r])) }
        }
    }
}
