import Foundation

/// complaints.csv (SPEC §2.4): complaints opened in M, more likely from dissatisfied customers and
/// after a bill drop; most are closed within a few days, some stay open past the extraction.
enum ComplaintsSource: DeliverySource {
    static let name = "complaints"
    static let columns = ["complaint_id", "customer_id", "opened_at", "category", "closed_at", "escalated"]
    static let codes = [Code.missing, Code.badDate, Code.wrongMonth, Code.badEnum, Code.unknown, Code.duplicate, Code.malformed]
    static let plantKey: UInt64 = 4
    static let fileStream = Stream.complaintsFile

    static func run(_ g: inout GeneratorRun, _ month: inout MonthState) throws {
        let m = month.info
        let base = month.base
        var r = Rng(seed: g.seed, stream: Stream.complaints.rawValue, month: m.index)
        var recs: [ComplaintRecord] = []
        let extraction = (m.lastDay + 1 + 5) * 86400
        let fx = month.shifts
        var sr = g.shiftRng(ComplaintsSource.plantKey, m)
        for ci in base {
            let i = Int(ci)
            let dropped = g.pop.flags[i] & Population.Flag.billDrop != 0
            let p = 0.0125 * Foundation.exp(-0.7 * Double(g.pop.sat[i]) - 0.245) * (dropped ? 1.8 : 1)
            let before = recs.count
            let u = r.uniform()
            if u < p {
                let n = r.chance(0.12) ? 2 : 1
                for k in 0..<n {
                    recs.append(complaint(&r, customer: ci, join: Int(g.pop.joinDay[i]), m: m, extraction: extraction, dropped: dropped, k: k, incident: false))
                }
            } else if fx.complaints, u < p * fx.complaintFactor[Int(g.pop.city[i])] {
                // A shifted city's extra complaints, drawn from the shift stream so that nothing else in
                // the month moves.
                let n = sr.chance(0.12) ? 2 : 1
                for k in 0..<n {
                    recs.append(complaint(&sr, customer: ci, join: Int(g.pop.joinDay[i]), m: m, extraction: extraction, dropped: dropped, k: k, incident: true))
                }
            }
            var open = 0
            for k in before..<recs.count where recs[k].closed < 0 { open += 1 }
            g.pop.recordComplaints(i, count: recs.count - before, open: open)
        }
        recs.sort { ($0.opened, $0.customer, $0.k) < ($1.opened, $1.customer, $1.k) }

        var pr = g.planRng(ComplaintsSource.self, m)
        var w = try g.openFile(ComplaintsSource.self, month, realRows: recs.count, plan: &pr)
        let prefix = Array("CP\(m.year)\(Fmt.two(m.month))".utf8)
        let freshPrefix = prefix + Array("X".utf8)
        try w.writeNumbered(recs, idPrefix: prefix) { w, p in plant(&g, &w, p, m: m, base: base, prefix: prefix, freshPrefix: freshPrefix) }
        try g.finish(&w, &month)
    }

    /// One complaint of a customer: opened on a day of M (not before joining) in office hours, most
    /// closed after a log-normal ~20 h, billing complaints likelier after a bill drop; an `incident`
    /// complaint (a shifted city's extra one) is about the network more often than not.
    @inline(__always)
    static func complaint(_ r: inout Rng, customer ci: Int32, join: Int, m: MonthInfo, extraction: Int, dropped: Bool, k: Int, incident: Bool) -> ComplaintRecord {
        let day = max(join, m.firstDay + r.int(m.dayCount))
        var tod = 8 * 3600 + r.int(14 * 3600)
        if r.chance(0.3) { tod -= tod % 60 }
        let opened = day * 86400 + tod
        var closed = -1
        var hours = 0.0
        if !r.chance(0.08) {
            hours = min(600, Foundation.exp(Foundation.log(20.0) + 1.0 * r.normal()))
            let c = opened + Int(hours * 3600)
            if c < extraction { closed = c }
        }
        let cat = incident && r.chance(0.6) ? 0 : dropped && r.chance(0.5) ? 1 : r.weighted([0.35, 0.30, 0.15, 0.12, 0.08])
        let esc = r.chance(0.05 + (hours > 72 ? 0.2 : 0) + (closed < 0 ? 0.1 : 0))
        return ComplaintRecord(customer: ci, opened: opened, closed: closed, k: Int32(k), category: UInt8(cat), escalated: esc)
    }

    /// Writes one planted bad complaint row that fails first with `p.code`.
    static func plant(_ g: inout GeneratorRun, _ w: inout SourceWriter, _ p: Plant, m: MonthInfo, base: [Int32], prefix: [UInt8], freshPrefix: [UInt8]) {
        var r = w.r
        defer { w.r = r }
        let opened = (m.firstDay + r.int(m.dayCount)) * 86400 + 8 * 3600 + r.int(12 * 3600)
        var c = ComplaintRecord(customer: base[r.int(base.count)], opened: opened, closed: opened + 3600 * (1 + r.int(48)),
                                k: 0, category: UInt8(r.int(5)), escalated: r.chance(0.1))
        g.freshRow += 1
        var id = g.freshRow
        var idPrefix = freshPrefix
        if p.code == Code.duplicate { id = 1 + r.int(p.after + 1); idPrefix = prefix }
        var delta = 0
        var detail = ""
        if p.code == Code.wrongMonth {
            c.opened = (m.firstDay - 1 - r.int(20)) * 86400 + 9 * 3600 + r.int(10 * 3600)
            c.closed = r.chance(0.5) ? -1 : c.opened + 3600 * (1 + r.int(20))
            detail = "opened_at " + Fmt.string { Fmt.isoDateTime(&$0, c.opened) }
        }
        w.b.reset()
        c.render(&w.b, id: id, idPrefix: idPrefix, awk: false, &r)
        switch p.code {
        case Code.missing:
            switch r.int(3) {
            case 0: w.b.empty(2); detail = "opened_at empty"
            case 1: w.b.empty(3); detail = "category empty"
            default: w.b.empty(1); detail = "customer_id empty"
            }
        case Code.badDate:
            switch r.int(3) {
            case 0:
                let closed = c.opened - 3600 * (1 + r.int(48))
                w.b.dateTime(4, closed); detail = "closed_at before opened_at"
            case 1:
                let v = "\(m.year)-\(Fmt.two(m.month))-32 10:00:00"
                w.b.text(2, v); detail = "opened_at \(v)"
            default:
                let v = "\(m.year)-02-30 10:00:00"
                w.b.text(4, v); detail = "closed_at \(v)"
            }
        case Code.wrongMonth:
            break
        case Code.badEnum:
            if r.chance(0.5) {
                let v = r.pick(["weather", "天气"]); w.b.text(3, v); detail = "category \(v)"
            } else {
                let v = r.pick(["maybe", "unknown"]); w.b.text(5, v); detail = "escalated \(v)"
            }
        case Code.unknown:
            let cid = "C9" + Fmt.string { Fmt.padded(&$0, r.int(100_000_000), width: 8) }
            w.b.text(1, cid); detail = "customer_id \(cid)"
        case Code.duplicate:
            detail = "repeats complaint_id " + String(decoding: prefix, as: UTF8.self) + Fmt.string { Fmt.padded(&$0, id, width: 7) }
        default:
            w.r = r
            (delta, detail) = w.makeMalformed(textColumn: 0)
            r = w.r
        }
        w.emitPlant(p, fieldDelta: delta, detail: detail)
    }
}

/// One real complaint.
struct ComplaintRecord: NumberedRecord {
    var customer: Int32
    var opened: Int      // seconds since 1970-01-01 local
    var closed: Int      // -1 = open
    var k: Int32
    var category: UInt8
    var escalated: Bool

    func render(_ b: inout RowBuilder, id: Int, idPrefix: [UInt8], awk: Bool, _ r: inout Rng) {
        b.begin(0); b.bytes.append(contentsOf: idPrefix); Fmt.padded(&b.bytes, id, width: 7); b.end(0)
        if awk && r.chance(0.2) { b.alt(0, b.current(0), &r) }
        writeId(&b, 1, prefix: 67, Int(customer) + 1)
        if awk && r.chance(0.2) { b.alt(1, b.current(1), &r) }
        if awk && r.chance(0.4) { b.alt(2, Forms.dateTime(opened, &r), &r) } else { b.dateTime(2, opened) }
        let cat = Int(category)
        if awk && r.chance(0.4) {
            b.alt(3, r.chance(0.6) ? Vocabulary.categoriesZh[cat] : Forms.mixedCase(Vocabulary.categories[cat], &r), &r)
        } else { b.plain(3, Vocabulary.categoryBytes[cat]) }
        if closed >= 0 {
            if awk && r.chance(0.4) { b.alt(4, Forms.dateTime(closed, &r), &r) } else { b.dateTime(4, closed) }
        }
        if awk && r.chance(0.5) {
            b.alt(5, r.chance(0.15) ? "" : Forms.bool(escalated, &r), &r)
            if !escalated && b.current(5).isEmpty { b.empty(5) }
            if escalated && b.current(5).isEmpty { b.plain(5, Vocabulary.trueBytes) }
        } else {
            b.plain(5, escalated ? Vocabulary.trueBytes : Vocabulary.falseBytes)
        }
    }
}
