import Foundation

/// contacts.csv (SPEC §2.5): the call centre's follow-up contacts of M. During M it works the lists
/// of M-1 (SPEC §3.3, as `FollowUpLists` mirrors them): most listed customers who are not held out
/// get a contact of the matching program (churn_watch ↔ retention, detractor_repair ↔ repair,
/// care_calendar ↔ birthday/anniversary), some unreached or refused, a few with a wrong program; a few
/// held-out customers are contacted anyway; and some base customers get `other` contacts.
///
/// The contacts have a known effect (`ContactsSource.model`): a retention contact that reaches the
/// customer halves their churn probability of M; a repair contact that reaches them raises the scores
/// of their surveys of M. Last month's detractors get a follow-up survey, so that the repair is measurable.
enum ContactsSource: DeliverySource {
    static let name = "contacts"
    static let columns = ["contact_id", "customer_id", "contacted_at", "program", "channel", "outcome"]
    static let codes = [Code.missing, Code.badDate, Code.wrongMonth, Code.badEnum, Code.unknown, Code.duplicate, Code.malformed]
    static let plantKey: UInt64 = 5
    static let fileStream = Stream.contactsFile

    /// The call centre and the effect of its contacts: a reached retention contact halves the month's
    /// churn probability; a reached repair contact raises every score of the month's surveys by a
    /// point, which raises the predicted nps by Σ coefficients = 1.0.
    static let model: ContactModel = {
        let boost = 1.0
        return ContactModel(
            delivered: true, holdoutPct: FollowUpLists.defaultHoldoutPct, contactRate: 0.85, holdoutContactedRate: 0.05,
            wrongProgramRate: 0.03, backgroundRate: 0.004, secondAttemptRate: 0.5, retentionChurnFactor: 0.5,
            repairScoreBoost: boost, repairNpsLift: (1e9 * boost * SyntheticDeliveryGenerator.npsCoefficients.reduce(0, +)).rounded() / 1e9,
            followUpSurveyRate: 0.8)
    }()

    static let programs = ["repair", "retention", "birthday", "anniversary", "other"]
    static let programsZh = ["贬损者修复", "离网挽留", "生日关怀", "在网周年", "其他"]
    static let channels = ["sms", "phone", "visit", "app", "mail"]
    static let channelsZh = [["短信"], ["电话", "外呼"], ["上门", "到厅"], ["APP"], ["邮寄"]]
    static let outcomes = ["reached", "unreached", "refused", "resolved"]
    static let outcomesZh = ["已触达", "未触达", "拒绝", "已解决"]
    static let programBytes = Vocabulary.bytes(programs), channelBytes = Vocabulary.bytes(channels), outcomeBytes = Vocabulary.bytes(outcomes)

    enum Program { static let repair: UInt8 = 0, retention: UInt8 = 1, birthday: UInt8 = 2, anniversary: UInt8 = 3, other: UInt8 = 4 }
    enum Outcome { static let reached: UInt8 = 0, unreached: UInt8 = 1, refused: UInt8 = 2, resolved: UInt8 = 3 }
    /// Why a contact was made (for the truth's counts).
    enum Reason { static let matching: UInt8 = 0, holdout: UInt8 = 1, wrongProgram: UInt8 = 2, background: UInt8 = 3 }

    // MARK: planning (before the month's other steps)

    /// Marks last month's list customers, plans the month's contacts and sets who they reach.
    static func prepare(_ g: inout GeneratorRun, _ month: inout MonthState) throws {
        let m = month.info
        var r = Rng(seed: g.seed, stream: Stream.contacts.rawValue, month: m.index)
        var f = FollowUpMonth()
        let first = Int32(m.firstDay)
        func mark(_ ci: Int32, _ bit: UInt8) {
            if g.pop.followUp[Int(ci)] == 0 { f.marked.append(ci) }
            g.pop.followUp[Int(ci)] |= bit
        }
        if let lists = g.lists {
            // A customer who left before M is not called (detractor_repair keeps M-1's churners).
            for ci in lists.churnWatch where g.pop.churnDay[Int(ci)] >= first { mark(ci, FollowUp.churnWatch) }
            for ci in lists.detractorRepair where g.pop.churnDay[Int(ci)] >= first { mark(ci, FollowUp.detractorRepair) }
            for c in lists.care where g.pop.churnDay[Int(c.customer)] >= first {
                mark(c.customer, c.birthday ? FollowUp.careBirthday : FollowUp.careAnniversary)
            }
            for (k, ci) in lists.churnWatch.enumerated() where g.pop.churnDay[Int(ci)] >= first {
                plan(&r, &f, ci, Program.retention, heldOut: lists.churnWatchHoldout[k], marks: g.pop.followUp[Int(ci)])
            }
            for (k, ci) in lists.detractorRepair.enumerated() where g.pop.churnDay[Int(ci)] >= first {
                plan(&r, &f, ci, Program.repair, heldOut: lists.detractorRepairHoldout[k], marks: g.pop.followUp[Int(ci)])
                // The follow-up survey does not depend on the contact, so holdout and contacted compare.
                if r.chance(model.followUpSurveyRate) { g.pop.followUp[Int(ci)] |= FollowUp.followUpSurvey }
            }
            for c in lists.care where g.pop.churnDay[Int(c.customer)] >= first {
                plan(&r, &f, c.customer, c.birthday ? Program.birthday : Program.anniversary, heldOut: false,
                     marks: g.pop.followUp[Int(c.customer)])
            }
        }
        // Background: service calls to any base customer.
        for ci in month.base where r.chance(model.backgroundRate) {
            var c = ContactRecord(customer: ci, seq: Int32(f.contacts.count), program: Program.other,
                                  channel: UInt8(r.weighted(channelWeights(Program.other))), outcome: 0, reason: Reason.background)
            c.outcome = outcome(&r, c)
            f.contacts.append(c)
        }
        // Who was reached, and by which program.
        for c in f.contacts where c.outcome == Outcome.reached || c.outcome == Outcome.resolved {
            switch c.program {
            case Program.retention: mark(c.customer, FollowUp.retentionReached)
            case Program.repair: mark(c.customer, FollowUp.repairReached)
            case Program.birthday, Program.anniversary: mark(c.customer, FollowUp.careReached)
            default: break
            }
        }
        month.followUp = f
    }

    /// Plans the contact(s) of one list customer: tried at `contactRate` (held out: at
    /// `holdoutContactedRate`, always with the matching program), sometimes with a wrong program, an
    /// unreached first attempt sometimes tried again.
    static func plan(_ r: inout Rng, _ f: inout FollowUpMonth, _ ci: Int32, _ program: UInt8, heldOut: Bool, marks: UInt8) {
        guard r.chance(heldOut ? model.holdoutContactedRate : model.contactRate) else { return }
        var p = program
        var reason = heldOut ? Reason.holdout : Reason.matching
        if !heldOut && r.chance(model.wrongProgramRate) {
            // a program that matches none of the customer's lists
            let wrong = (0..<UInt8(programs.count)).filter { q in
                q != program && !(q == Program.retention && marks & FollowUp.churnWatch != 0)
                    && !(q == Program.repair && marks & FollowUp.detractorRepair != 0)
                    && !(q == Program.birthday && marks & FollowUp.careBirthday != 0)
                    && !(q == Program.anniversary && marks & FollowUp.careAnniversary != 0)
            }
            p = wrong[r.int(wrong.count)]
            reason = Reason.wrongProgram
        }
        var c = ContactRecord(customer: ci, seq: Int32(f.contacts.count), program: p, channel: UInt8(r.weighted(channelWeights(p))),
                              outcome: 0, reason: reason)
        c.outcome = outcome(&r, c)
        f.contacts.append(c)
        if c.outcome == Outcome.unreached && r.chance(model.secondAttemptRate) {
            var again = ContactRecord(customer: ci, seq: Int32(f.contacts.count), program: p, channel: 1, outcome: 0, reason: reason)
            again.attempt = 1
            again.outcome = outcome(&r, again)
            f.contacts.append(again)
        }
    }

    /// Channel weights (sms, phone, visit, app, mail) of a program.
    static func channelWeights(_ program: UInt8) -> [Double] {
        switch program {
        case Program.retention: return [0.10, 0.75, 0.15, 0, 0]
        case Program.repair: return [0, 0.80, 0.10, 0.10, 0]
        case Program.birthday, Program.anniversary: return [0.60, 0.25, 0, 0.05, 0.10]
        default: return [0.30, 0.60, 0, 0.10, 0]
        }
    }

    /// Outcome of a contact: calls and visits reach about 70 % (repair calls resolve more), messages 90 %.
    static func outcome(_ r: inout Rng, _ c: ContactRecord) -> UInt8 {
        if c.channel == 1 || c.channel == 2 {
            return UInt8(r.weighted(c.program == Program.repair ? [0.40, 0.20, 0.10, 0.30] : [0.55, 0.20, 0.10, 0.15]))
        }
        return r.chance(0.9) ? Outcome.reached : Outcome.unreached
    }

    // MARK: the file (after churn and surveys, which bound the contact dates)

    static func run(_ g: inout GeneratorRun, _ month: inout MonthState) throws {
        let m = month.info
        var t = Rng(seed: SplitMix64.mix(g.seed, 0xC0DA7E), stream: Stream.contacts.rawValue, month: m.index)
        var recs = month.followUp.contacts
        // Dates: a customer is contacted before leaving and before their first survey of the month
        // when a repair reached them; a second attempt comes after the first.
        var previous: (customer: Int32, time: Int) = (-1, 0)
        for k in recs.indices {
            let i = Int(recs[k].customer)
            let lo = max(m.firstDay, Int(g.pop.joinDay[i]))
            var cap = m.lastDay
            let churn = Int(g.pop.churnDay[i])
            if churn <= m.lastDay { cap = min(cap, churn) }
            if let s = month.followUp.firstSurveyDay[recs[k].customer] { cap = min(cap, Int(s)) }
            if recs[k].attempt == 1 && previous.customer == recs[k].customer {
                let d0 = previous.time / 86400
                let day = d0 + t.int(cap - d0 + 1)
                recs[k].time = day == d0 ? previous.time + 3600 + t.int(3 * 3600) : day * 86400 + 9 * 3600 + t.int(10 * 3600)
            } else {
                recs[k].time = (lo + t.int(cap - lo + 1)) * 86400 + 9 * 3600 + t.int(6 * 3600)
            }
            previous = (recs[k].customer, recs[k].time)
        }
        recs.sort { ($0.time, $0.customer, $0.seq) < ($1.time, $1.customer, $1.seq) }
        month.followUp.rows = recs.count
        guard g.o.contacts else { return }

        var pr = g.planRng(ContactsSource.self, m)
        var w = try g.openFile(ContactsSource.self, month, realRows: recs.count, plan: &pr)
        let prefix = Array("CT\(m.year)\(Fmt.two(m.month))".utf8)
        let freshPrefix = prefix + Array("X".utf8)
        // Planted rows number their own fresh ids, so that delivering contacts or not moves no other file.
        var fresh = 0
        try w.writeNumbered(recs, idPrefix: prefix) { w, p in plant(&fresh, &w, p, m: m, base: month.base, prefix: prefix, freshPrefix: freshPrefix) }
        try g.finish(&w, &month)
    }

    /// Writes one planted bad contact row that fails first with `p.code`.
    static func plant(_ fresh: inout Int, _ w: inout SourceWriter, _ p: Plant, m: MonthInfo, base: [Int32], prefix: [UInt8], freshPrefix: [UInt8]) {
        var r = w.r
        defer { w.r = r }
        var c = ContactRecord(customer: base[r.int(base.count)], seq: 0, program: UInt8(r.int(programs.count)),
                              channel: UInt8(r.int(channels.count)), outcome: UInt8(r.int(outcomes.count)), reason: Reason.background)
        c.time = (m.firstDay + r.int(m.dayCount)) * 86400 + 9 * 3600 + r.int(10 * 3600)
        fresh += 1
        var id = fresh
        var idPrefix = freshPrefix
        if p.code == Code.duplicate { id = 1 + r.int(p.after + 1); idPrefix = prefix }
        var detail = ""
        if p.code == Code.wrongMonth {
            c.time = r.chance(0.6) ? (m.firstDay - 1 - r.int(20)) * 86400 + 10 * 3600 : (m.lastDay + 1 + r.int(20)) * 86400 + 10 * 3600
            detail = "contacted_at " + Fmt.string { Fmt.isoDateTime(&$0, c.time) }
        }
        w.b.reset()
        c.render(&w.b, id: id, idPrefix: idPrefix, awk: false, &r)
        var delta = 0
        switch p.code {
        case Code.missing:
            let column = r.int(6)
            w.b.empty(column); detail = "\(columns[column]) empty"
        case Code.badDate:
            let v = r.pick(["\(m.year)-\(Fmt.two(m.month))-32 10:00:00", "\(m.year)-13-01 09:30", "\(m.year)-02-30 10:00:00", "昨天 10:00"])
            w.b.text(2, v); detail = "contacted_at \(v)"
        case Code.wrongMonth:
            break
        case Code.badEnum:
            switch r.int(3) {
            case 0: let v = r.pick(["vip_care", "回访"]); w.b.text(3, v); detail = "program \(v)"
            case 1: let v = r.pick(["wechat", "微信"]); w.b.text(4, v); detail = "channel \(v)"
            default: let v = r.pick(["pending", "待定"]); w.b.text(5, v); detail = "outcome \(v)"
            }
        case Code.unknown:
            let cid = "C9" + Fmt.string { Fmt.padded(&$0, r.int(100_000_000), width: 8) }
            w.b.text(1, cid); detail = "customer_id \(cid)"
        case Code.duplicate:
            detail = "repeats contact_id " + String(decoding: prefix, as: UTF8.self) + Fmt.string { Fmt.padded(&$0, id, width: 7) }
        default:
            w.r = r
            (delta, detail) = w.makeMalformed(textColumn: 0)
            r = w.r
        }
        w.emitPlant(p, fieldDelta: delta, detail: detail)
    }

    // MARK: end of the month

    /// Records the outcome of last month's lists (SPEC §5.1 groups and the design's expected rates),
    /// builds this month's lists for next month's call centre, and clears the month's marks.
    static func endOfMonth(_ g: inout GeneratorRun, _ month: inout MonthState) throws {
        let m = month.info
        let f = month.followUp
        var counts = ContactCounts(rows: f.contacts.count, matching: 0, holdout: 0, wrongProgram: 0, background: 0)
        for c in f.contacts {
            switch c.reason {
            case Reason.matching: counts.matching += 1
            case Reason.holdout: counts.holdout += 1
            case Reason.wrongProgram: counts.wrongProgram += 1
            default: counts.background += 1
            }
        }
        var churnWatch: ListOutcome? = nil, detractorRepair: ListOutcome? = nil, careCalendar: ListOutcome? = nil
        if let lists = g.lists {
            let first = Int32(m.firstDay)
            let cohort = lists.month.key
            // churn_watch: churn probability of M by group
            var cw = ListOutcome(cohortMonth: cohort, customers: 0, holdout: 0, contacted: 0, notContacted: 0)
            var sums = (contacted: 0.0, holdout: 0.0)
            for (k, ci) in lists.churnWatch.enumerated() where g.pop.churnDay[Int(ci)] >= first {
                cw.customers += 1
                let p = f.churnProb[ci] ?? 0
                if lists.churnWatchHoldout[k] { cw.holdout += 1; sums.holdout += p }
                else if g.pop.followUp[Int(ci)] & FollowUp.retentionReached != 0 { cw.contacted += 1; sums.contacted += p }
                else { cw.notContacted += 1 }
            }
            cw.setExpected(sums.contacted, cw.contacted, sums.holdout, cw.holdout)
            churnWatch = cw
            // detractor_repair: probability that the latest survey of M has nps ≥ 7, over the resurveyed
            var dr = ListOutcome(cohortMonth: cohort, customers: 0, holdout: 0, contacted: 0, notContacted: 0,
                                 resurveyedContacted: 0, resurveyedHoldout: 0)
            var rs = (contacted: 0.0, holdout: 0.0)
            for (k, ci) in lists.detractorRepair.enumerated() where g.pop.churnDay[Int(ci)] >= first {
                dr.customers += 1
                let p = f.repairProb[ci]
                if lists.detractorRepairHoldout[k] {
                    dr.holdout += 1
                    if let p { dr.resurveyedHoldout! += 1; rs.holdout += p }
                } else if g.pop.followUp[Int(ci)] & FollowUp.repairReached != 0 {
                    dr.contacted += 1
                    if let p { dr.resurveyedContacted! += 1; rs.contacted += p }
                } else { dr.notContacted += 1 }
            }
            dr.setExpected(rs.contacted, dr.resurveyedContacted!, rs.holdout, dr.resurveyedHoldout!)
            detractorRepair = dr
            // care_calendar: distinct customers, contacted by a birthday or anniversary contact
            var cc = ListOutcome(cohortMonth: cohort, customers: 0, holdout: 0, contacted: 0, notContacted: 0)
            var seen = Set<Int32>()
            for c in lists.care where g.pop.churnDay[Int(c.customer)] >= first && seen.insert(c.customer).inserted {
                cc.customers += 1
                if g.pop.followUp[Int(c.customer)] & FollowUp.careReached != 0 { cc.contacted += 1 } else { cc.notContacted += 1 }
            }
            careCalendar = cc
        }
        let next = FollowUpLists(month: m, base: month.base, pop: g.pop, birthNulled: f.birthNulled, holdoutPct: g.o.holdoutPct)
        let sizes = ListSizes(churnWatch: next.churnWatch.count, churnWatchHoldout: next.churnWatchHoldout.filter { $0 }.count,
                              detractorRepair: next.detractorRepair.count,
                              detractorRepairHoldout: next.detractorRepairHoldout.filter { $0 }.count, careCalendar: next.care.count)
        month.followUpTruth = FollowUpTruth(lists: sizes, contacts: counts, churnWatch: churnWatch, detractorRepair: detractorRepair,
                                            careCalendar: careCalendar)
        g.lists = next
        for ci in f.marked { g.pop.followUp[Int(ci)] = 0 }
    }
}

extension ListOutcome {
    /// Expected rates (in %) from the sums of the groups' probabilities, and their difference in pt.
    mutating func setExpected(_ contactedSum: Double, _ contactedN: Int, _ holdoutSum: Double, _ holdoutN: Int) {
        expectedRateContacted = contactedN > 0 ? 100 * contactedSum / Double(contactedN) : nil
        expectedRateHoldout = holdoutN > 0 ? 100 * holdoutSum / Double(holdoutN) : nil
        if let a = expectedRateContacted, let b = expectedRateHoldout { expectedEffectPt = a - b }
    }
}

/// Bits of `Population.followUp`: what last month's lists and this month's contacts mean for a customer.
enum FollowUp {
    /// A retention contact reached them this month: they churn less.
    static let retentionReached: UInt8 = 1
    /// A repair contact reached them this month: their surveys of the month score higher.
    static let repairReached: UInt8 = 2
    /// On last month's detractor_repair and surveyed again this month.
    static let followUpSurvey: UInt8 = 4
    /// On last month's churn_watch.
    static let churnWatch: UInt8 = 8
    /// On last month's detractor_repair.
    static let detractorRepair: UInt8 = 16
    /// On last month's care_calendar for a birthday / an anniversary.
    static let careBirthday: UInt8 = 32
    static let careAnniversary: UInt8 = 64
    /// A birthday or anniversary contact reached them this month.
    static let careReached: UInt8 = 128
}

/// What the follow-up steps of one month share.
struct FollowUpMonth {
    /// The month's real contacts (times set when the file is written).
    var contacts: [ContactRecord] = []
    /// Customers whose `followUp` marks are set this month.
    var marked: [Int32] = []
    /// Reached-by-repair customers: the day of their first survey of M.
    var firstSurveyDay: [Int32: Int32] = [:]
    /// Last month's churn_watch customers: their churn probability of M.
    var churnProb: [Int32: Double] = [:]
    /// Last month's detractor_repair customers surveyed in M: the probability that their latest
    /// survey has nps ≥ 7.
    var repairProb: [Int32: Double] = [:]
    /// Customers whose birth_date customers.csv spells invalidly this month (index order).
    var birthNulled: [Int32] = []
    /// Real contact rows written (or that would have been).
    var rows = 0
}

/// One real contact.
struct ContactRecord: NumberedRecord {
    var customer: Int32
    /// Seconds since 1970-01-01 local, set when the file is written.
    var time = 0
    /// Order of planning (a tie-break that keeps the file deterministic).
    var seq: Int32
    var program: UInt8
    var channel: UInt8
    var outcome: UInt8
    var reason: UInt8
    /// 0 first attempt, 1 second.
    var attempt: UInt8 = 0

    init(customer: Int32, seq: Int32, program: UInt8, channel: UInt8, outcome: UInt8, reason: UInt8) {
        self.customer = customer
        self.seq = seq
        self.program = program
        self.channel = channel
        self.outcome = outcome
        self.reason = reason
    }

    func render(_ b: inout RowBuilder, id: Int, idPrefix: [UInt8], awk: Bool, _ r: inout Rng) {
        b.begin(0); b.bytes.append(contentsOf: idPrefix); Fmt.padded(&b.bytes, id, width: 7); b.end(0)
        if awk && r.chance(0.2) { b.alt(0, b.current(0), &r) }
        writeId(&b, 1, prefix: 67, Int(customer) + 1)
        if awk && r.chance(0.2) { b.alt(1, b.current(1), &r) }
        if awk && r.chance(0.4) { b.alt(2, Forms.dateTime(time, &r), &r) } else { b.dateTime(2, time) }
        let p = Int(program), ch = Int(channel), o = Int(outcome)
        if awk && r.chance(0.4) {
            b.alt(3, r.chance(0.6) ? ContactsSource.programsZh[p] : Forms.mixedCase(ContactsSource.programs[p], &r), &r)
        } else { b.plain(3, ContactsSource.programBytes[p]) }
        if awk && r.chance(0.4) {
            b.alt(4, r.chance(0.6) ? r.pick(ContactsSource.channelsZh[ch]) : Forms.mixedCase(ContactsSource.channels[ch], &r), &r)
        } else { b.plain(4, ContactsSource.channelBytes[ch]) }
        if awk && r.chance(0.4) {
            b.alt(5, r.chance(0.6) ? ContactsSource.outcomesZh[o] : Forms.mixedCase(ContactsSource.outcomes[o], &r), &r)
        } else { b.plain(5, ContactsSource.outcomeBytes[o]) }
    }
}
