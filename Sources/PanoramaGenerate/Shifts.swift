import Foundation

/// Real changes planted in the data, for SPEC §4.1 to find: from a month on, the customers of one
/// cell (a city, a survey channel, a brand or a value tier) answer, complain or churn differently.
///
/// A shift changes only what its cell's customers deliver in that month: the other rows of the month
/// keep their random draws (every extra draw a shift needs comes from its own stream, and churn of a
/// month follows the state the month before left), so a run with shifts differs from one without only
/// in the shifted cells up to and including the month of the first shift. Later months differ more widely, as a real
/// change would make them: extra churners leave the base, and the follow-up lists that come from the
/// shifted answers change.
struct Shift: Equatable {
    enum Kind: Int, CaseIterable {
        /// A city's network scores drop (a degraded radio network).
        case networkDrop
        /// Every score of the surveys answered through one channel drops (a new survey vendor).
        case channelFall
        /// A city's complaint probability jumps (a billing or network incident that lasts).
        case complaintJump
        /// The churn probability of a brand or value tier rises (a competitor's offer aimed at it).
        case churnUp
    }

    let kind: Kind
    /// Month ordinal (0 = the first month written) from which the shift applies; ≥ 1.
    let ordinal: Int
    /// City, channel, brand or value-tier index, as the kind says.
    let member: Int
    /// churnUp only: `member` is a value tier (0 = A … 3 = D) rather than a brand.
    let byTier: Bool
    /// Score points subtracted (networkDrop, channelFall) or the factor on a probability.
    let size: Double
}

/// Chooses the shifts of a run, and their sizes: large enough to come out `confirmed` at the demo
/// size (6 months × 20,000 customers; see docs/generator.md for the arithmetic), within what a real
/// operator sees after an incident.
enum ShiftPlan {
    /// Score points the network score of a city loses.
    static let networkDrop = 1.5
    /// Cities that may lose network scores: those with a weight ≥ 6 (≥ ~65 respondents a month at the demo size).
    static let networkCities = 0..<8
    /// Score points every dimension loses, per channel that may fall (sms, phone).
    static let channelFall: [Double] = [0.5, 0.6]
    /// Factor on the complaint probability of a city.
    static let complaintFactor = 3.0
    /// Cities whose complaint rate may jump: the three largest (≥ ~35 complaints a month at the demo size).
    static let complaintCities = 0..<3
    /// Factor on the churn probability.
    static let churnFactor = 2.0
    /// Brands and value tiers whose churn may rise: the large ones (mzone, easyown; tiers C, D).
    static let churnCells: [(byTier: Bool, member: Int)] = [(false, 1), (false, 2), (true, 2), (true, 3)]

    /// Every cell a shift may be planted in, as a shift of month 0.
    static var candidates: [Shift] {
        var out: [Shift] = []
        for c in networkCities { out.append(Shift(kind: .networkDrop, ordinal: 0, member: c, byTier: false, size: networkDrop)) }
        for (ch, d) in channelFall.enumerated() { out.append(Shift(kind: .channelFall, ordinal: 0, member: ch, byTier: false, size: d)) }
        for c in complaintCities { out.append(Shift(kind: .complaintJump, ordinal: 0, member: c, byTier: false, size: complaintFactor)) }
        for (t, m) in churnCells { out.append(Shift(kind: .churnUp, ordinal: 0, member: m, byTier: t, size: churnFactor)) }
        return out
    }

    /// 4–8 shifts in distinct cells (one churn shift at most), each kind once before any twice, spread over the months after the first (each shift goes to a month
    /// with the fewest shifts so far, preferring one without a shift of its kind; none when there is one
    /// month). Drawn from their own stream, so that planting them moves no other random draw.
    static func make(seed: UInt64, start: MonthInfo, months: Int) -> [Shift] {
        guard months >= 2 else { return [] }
        var r = Rng(seed: seed, stream: Stream.shiftPlan.rawValue, month: start.index)
        var left = candidates
        var out: [Shift] = []
        // Kinds in a shuffled round, so that every run has each kind once before any twice.
        var round = Shift.Kind.allCases
        for k in stride(from: round.count - 1, to: 0, by: -1) { round.swapAt(k, r.int(k + 1)) }
        for j in 0..<(4 + r.int(5)) {
            var kind = round[j % round.count]
            if !left.contains(where: { $0.kind == kind }) {
                let kinds = Shift.Kind.allCases.filter { k in left.contains { $0.kind == k } }
                kind = kinds[r.int(kinds.count)]
            }
            let cells = left.indices.filter { left[$0].kind == kind }
            let c = left.remove(at: cells[r.int(cells.count)])
            // One churn shift at most: two would push the churn of half the base up for good.
            if kind == .churnUp { left.removeAll { $0.kind == .churnUp } }
            func load(_ o: Int) -> (Int, Int) {
                (out.filter { $0.ordinal == o && $0.kind == kind }.count, out.filter { $0.ordinal == o }.count)
            }
            let best = (1..<months).map(load).min { $0 < $1 }!
            let fits = (1..<months).filter { load($0) == best }
            out.append(Shift(kind: c.kind, ordinal: fits[r.int(fits.count)], member: c.member, byTier: c.byTier, size: c.size))
        }
        return sorted(out)
    }

    /// Shifts in month order, then kind, then member.
    static func sorted(_ shifts: [Shift]) -> [Shift] {
        shifts.sorted { ($0.ordinal, $0.kind.rawValue, $0.byTier ? 1 : 0, $0.member) < ($1.ordinal, $1.kind.rawValue, $1.byTier ? 1 : 0, $1.member) }
    }

    /// What `_truth.json` says about a shift.
    static func truth(_ s: Shift, start: MonthInfo) -> PlantedShift {
        let month = MonthInfo(index: start.index + s.ordinal).key
        func moves(_ pairs: [(String, String)]) -> [ShiftMove] { pairs.map { ShiftMove(kpi: $0.0, direction: $0.1) } }
        switch s.kind {
        case .networkDrop:
            let city = Vocabulary.cities[s.member].name
            return PlantedShift(
                kind: "network_drop", month: month, dimension: "city", member: city, kpi: "sat_network", direction: "down",
                moves: moves([("sat_network", "down"), ("sat_index", "down"), ("sat_overall", "down"), ("nps", "down"),
                              ("promoter_share", "down"), ("detractor_share", "up")]),
                size: s.size, unit: "score_points", expectedMoMChange: -19.5,
                change: "from \(month) on, the network score of every survey answered by a customer of \(city) is \(s.size) points lower before rounding; nps and overall_sat follow through the score model")
        case .channelFall:
            let channel = Vocabulary.channels[s.member]
            return PlantedShift(
                kind: "channel_fall", month: month, dimension: "channel", member: channel, kpi: "nps", direction: "down",
                moves: moves([("nps", "down"), ("promoter_share", "down"), ("detractor_share", "up"), ("sat_index", "down"),
                              ("sat_overall", "down")] + Vocabulary.dimensions.map { ("sat_" + $0, "down") }),
                size: s.size, unit: "score_points", expectedMoMChange: s.member == 0 ? -21.6 : -26.0,
                change: "from \(month) on, every dimension score of every survey answered through \(channel) is \(s.size) points lower before rounding; nps and overall_sat follow through the score model")
        case .complaintJump:
            let city = Vocabulary.cities[s.member].name
            return PlantedShift(
                kind: "complaint_jump", month: month, dimension: "city", member: city, kpi: "complaint_rate", direction: "up",
                moves: moves([("complaint_rate", "up")]), size: s.size, unit: "factor", expectedMoMChange: 100 * (s.size - 1),
                change: "from \(month) on, the monthly complaint probability of every customer of \(city) is \(s.size) times as high (the extra complaints mostly about the network)")
        case .churnUp:
            let dimension = s.byTier ? "value_tier" : "brand"
            let member = s.byTier ? ["A", "B", "C", "D"][s.member] : Vocabulary.brands[s.member]
            return PlantedShift(
                kind: "churn_up", month: month, dimension: dimension, member: member, kpi: "churn_rate", direction: "up",
                moves: moves([("churn_rate", "up")]), size: s.size, unit: "factor", expectedMoMChange: 100 * (s.size - 1),
                change: "from \(month) on, the monthly churn probability of every customer of \(dimension) \(member) (as of that month) is \(s.size) times as high (capped at 0.6)")
        }
    }
}

/// The shifts in force in one month, as the steps read them.
struct ShiftEffects {
    /// Score points off the network score, per city.
    var networkDrop = [Double](repeating: 0, count: Vocabulary.cities.count)
    /// Score points off every dimension, per survey channel.
    var channelDrop = [Double](repeating: 0, count: Vocabulary.channels.count)
    /// Factor on the complaint probability, per city.
    var complaintFactor = [Double](repeating: 1, count: Vocabulary.cities.count)
    /// Factor on the churn probability, per brand and per value tier (they multiply).
    var churnFactorBrand = [Double](repeating: 1, count: Vocabulary.brands.count)
    var churnFactorTier = [Double](repeating: 1, count: 4)
    var surveys = false, complaints = false, churn = false

    init() {}

    /// The shifts of `shifts` that apply in month `ordinal` (a shift lasts from its month to the end).
    init(_ shifts: [Shift], ordinal: Int) {
        for s in shifts where s.ordinal <= ordinal {
            switch s.kind {
            case .networkDrop: networkDrop[s.member] += s.size; surveys = true
            case .channelFall: channelDrop[s.member] += s.size; surveys = true
            case .complaintJump: complaintFactor[s.member] *= s.size; complaints = true
            case .churnUp:
                if s.byTier { churnFactorTier[s.member] *= s.size } else { churnFactorBrand[s.member] *= s.size }
                churn = true
            }
        }
    }
}
