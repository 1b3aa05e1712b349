import Foundation

/// Physical shape of one delivered file: column order, extra columns, header spelling, line ends, BOM.
struct FileLayout {
    let canonicalCount: Int
    let extras: [String]
    let order: [Int]
    let header: [String]
    let crlf: Bool
    let bom: Bool
    let blankRate: Double

    var columnCount: Int { canonicalCount + extras.count }

    static let extraPool = ["remark", "batch_no", "src_system"]

    static func make(canonical: [String], utf8: Bool, _ r: inout Rng) -> FileLayout {
        var extras: [String] = []
        let e = r.uniform()
        if e >= 0.4 {
            var pool = extraPool
            let n = e < 0.8 ? 1 : 2
            for _ in 0..<n { extras.append(pool.remove(at: r.int(pool.count))) }
        }
        let total = canonical.count + extras.count
        var order = Array(0..<total)
        if r.chance(0.45) {
            for k in stride(from: total - 1, to: 0, by: -1) { order.swapAt(k, r.int(k + 1)) }
        } else if !extras.isEmpty && r.chance(0.5) {
            // extra column placed somewhere in the middle
            let x = order.removeLast()
            order.insert(x, at: r.int(order.count + 1))
        }
        let names = canonical + extras
        let mangle = r.chance(0.3)
        var header: [String] = []
        for c in order {
            var h = names[c]
            if mangle && r.chance(0.35) {
                switch r.int(3) {
                case 0: h = h.uppercased()
                case 1: h = h.split(separator: "_").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: "_")
                default: h = " " + h + " "
                }
            }
            header.append(h)
        }
        return FileLayout(canonicalCount: canonical.count, extras: extras, order: order, header: header,
                          crlf: r.chance(0.3), bom: utf8 && r.chance(0.25),
                          blankRate: r.chance(0.5) ? 0.002 : 0)
    }
}

/// A planned extra bad row: inserted after real row `after`, expected to be quarantined with `code`.
struct Plant {
    let after: Int
    let code: String
}

/// Quarantine codes (SPEC §2); each source lists the ones it plants.
enum Code {
    static let missing = "MISSING_FIELD", msisdn = "BAD_MSISDN", badEnum = "BAD_ENUM", badDate = "BAD_DATE"
    static let duplicate = "DUPLICATE_KEY", malformed = "MALFORMED_RECORD", badNumber = "BAD_NUMBER"
    static let range = "OUT_OF_RANGE", wrongMonth = "WRONG_MONTH", unknown = "UNKNOWN_CUSTOMER"
}

/// Plans the planted rows of one file: a geometric process at `rate` per real row, plus (when
/// `coverage`) one row of each code not yet drawn, as long as the planted share stays under
/// max(4 %, 2·rate) (capped at 50 %). The codes for coverage start at a month-dependent offset so that
/// a source too small to cover all codes in one month covers them over several months.
func planPlants(realRows: Int, codes: [String], rate: Double, coverage: Bool, rotation: Int, _ r: inout Rng) -> [Plant] {
    guard realRows > 0, rate > 0 else { return [] }
    var plants: [Plant] = []
    if rate >= 1 {
        for i in 0..<realRows { plants.append(Plant(after: i, code: r.pick(codes))) }
    } else {
        let lq = Foundation.log(1 - rate)
        var i = -1
        while true {
            var u = r.uniform()
            if u < 1e-300 { u = 1e-300 }
            let gap = Foundation.log(u) / lq
            if gap > Double(realRows) { break }
            i += 1 + Int(gap)
            if i >= realRows { break }
            plants.append(Plant(after: i, code: r.pick(codes)))
        }
    }
    if coverage {
        let cap = min(0.5, max(0.04, 2 * rate))
        let maxTotal = Int((cap * Double(realRows) / (1 - cap)).rounded(.down))
        for k in 0..<codes.count {
            let code = codes[(k + rotation) % codes.count]
            if plants.count >= maxTotal { break }
            if plants.contains(where: { $0.code == code }) { continue }
            plants.append(Plant(after: r.int(realRows), code: code))
        }
    }
    // stable order by position
    return plants.enumerated().sorted { ($0.element.after, $0.offset) < ($1.element.after, $1.offset) }.map(\.element)
}

/// A planted row as recorded in `_planted.csv`.
struct PlantedRecord {
    let month: String
    let source: String
    let line: Int
    let code: String
    let detail: String
}

/// A record of a source whose rows carry their own numbered id (`<prefix><row number>`).
protocol NumberedRecord {
    func render(_ b: inout RowBuilder, id: Int, idPrefix: [UInt8], awk: Bool, _ r: inout Rng)
}

/// Writes one delivered file: header, real rows, planted rows, blank lines; keeps the truth counts.
struct SourceWriter {
    var out: OutFile
    var b: RowBuilder
    let layout: FileLayout
    let source: String
    let month: String
    let monthCompact: String
    var plants: [Plant]
    var next = 0
    var r: Rng
    var read = 0
    var clean = 0
    var blank = 0
    var quarantined: [String: Int] = [:]
    var log: [PlantedRecord] = []
    var realRows: Int

    init(url: URL, source: String, month: MonthInfo, canonical: [String], gb18030: Bool, realRows: Int,
         plants: [Plant], rng: Rng) throws {
        var r = rng
        layout = FileLayout.make(canonical: canonical, utf8: !gb18030, &r)
        self.r = r
        self.source = source
        self.month = month.key
        self.monthCompact = "\(month.year)" + Fmt.two(month.month)
        self.plants = plants
        self.realRows = realRows
        out = try OutFile(url: url, gb18030: gb18030, bom: layout.bom, crlf: layout.crlf)
        b = RowBuilder(columns: layout.columnCount)
        for (k, h) in layout.header.enumerated() {
            if k > 0 { out.buf.append(44) }
            out.buf.append(contentsOf: Array(h.utf8))
        }
        out.endLine()
    }

    /// Fills the extra (unknown) columns of the current row.
    mutating func fillExtras(row: Int, singleLine: Bool = false) {
        for (k, name) in layout.extras.enumerated() {
            let c = layout.canonicalCount + k
            switch name {
            case "remark":
                if r.chance(0.03) {
                    let t = r.pick(Vocabulary.remarks)
                    b.text(c, singleLine ? t.replacingOccurrences(of: "\n", with: " ") : t)
                } else { b.empty(c) }
            case "batch_no":
                b.text(c, "B\(monthCompact)-\(row / 5000 + 1)")
            default:
                b.text(c, r.chance(0.8) ? "BOSS" : (r.chance(0.5) ? "CRM" : "ESOP"))
            }
        }
    }

    /// Emits the real row currently in `b` (row index `i`), then any blank line after it.
    mutating func emitReal(_ i: Int) {
        fillExtras(row: i)
        b.emit(&out, order: layout.order)
        read += 1
        clean += 1
    }

    /// The next plant to be inserted after real row `i`, if any.
    mutating func nextPlant(after i: Int) -> Plant? {
        guard next < plants.count, plants[next].after == i else { return nil }
        defer { next += 1 }
        return plants[next]
    }

    /// Emits a planted row from `b`. `fieldDelta` ≠ 0 makes it a wrong-field-count record.
    mutating func emitPlant(_ p: Plant, fieldDelta: Int = 0, detail: String) {
        fillExtras(row: p.after, singleLine: true)
        let line = b.emit(&out, order: layout.order, fieldDelta: fieldDelta)
        read += 1
        quarantined[p.code, default: 0] += 1
        log.append(PlantedRecord(month: month, source: source, line: line, code: p.code, detail: detail))
    }

    /// Writes records numbered by their own ids (surveys, complaints, contacts): each rendered with
    /// id `idPrefix` + row number, then the rows planted after it (`plant`), then maybe a blank
    /// line — the draws in that order, row after row.
    mutating func writeNumbered<R: NumberedRecord>(_ records: [R], idPrefix: [UInt8],
                                                   plant: (inout SourceWriter, Plant) throws -> Void) throws {
        for (row, record) in records.enumerated() {
            b.reset()
            let awk = r.chance(0.10)
            record.render(&b, id: row + 1, idPrefix: idPrefix, awk: awk, &r)
            emitReal(row)
            while let p = nextPlant(after: row) { try plant(&self, p) }
            maybeBlank(after: row)
            try out.maybeFlush()
        }
    }

    /// Maybe writes a blank line after real row `i` (never after the last one; at least one per file
    /// that has blank lines, after the first row).
    mutating func maybeBlank(after i: Int) {
        guard layout.blankRate > 0, i < realRows - 1 else { return }
        if r.chance(layout.blankRate) || (i == 0 && realRows > 2) {
            if r.chance(0.5) { out.buf.append(contentsOf: Array("   ".utf8)) }
            out.endLine()
            blank += 1
        }
    }

    /// A malformed variant of the row in `b`: returns the field delta and a detail text.
    mutating func makeMalformed(textColumn: Int) -> (Int, String) {
        switch r.int(4) {
        case 0: return (-1, "one field too few")
        case 1: return (1, "one field too many")
        case 2:
            b.raw(textColumn, "ab\"c\"d")
            return (0, "quote inside an unquoted field")
        default:
            b.raw(textColumn, "\"abc\"def")
            return (0, "text after a closing quote")
        }
    }

    mutating func finish(nulled: [String: Int]? = nil) throws -> SourceTruth {
        try out.close()
        return SourceTruth(read: read, clean: clean, quarantined: quarantined, nulled: nulled, blankLines: blank,
                           columns: layout.header, crlf: layout.crlf, bom: layout.bom)
    }
}

extension RowBuilder {
    /// Alternative text, padded with whitespace a quarter of the time when it will not be quoted.
    mutating func alt(_ c: Int, _ s: String, _ r: inout Rng) {
        let needsQuote = s.utf8.contains(where: { $0 == 44 || $0 == 34 || $0 == 10 || $0 == 13 })
        if !needsQuote && !s.isEmpty && r.chance(0.25) { text(c, Forms.pad(s, &r)) } else { text(c, s) }
    }
}
