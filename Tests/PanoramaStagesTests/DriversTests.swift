import Testing
import PanoramaEngine
import PanoramaTestSupport
import PanoramaCore
@testable import PanoramaStages
import PanoramaStats

/// Hand-made key-driver data whose statistics are known in closed form.
///
/// A 2⁴ factorial in network, hall, hotline, billing (every combination of a low and a high score,
/// so the drivers are exactly uncorrelated: VIF 1, LMG share = the driver's own r²), each cell
/// answered twice with nps = fitted ± 1 (0 at the cells whose fitted value is 0 or 10, to stay in
/// 0–10). fitted = −1 + 1·network − 1·hall + 0.5·hotline + 1·billing. The lows and spreads are
/// chosen so the four drivers fall into the four quadrants:
///
/// | driver  | scores | coef | importance_pct | performance | quadrant      |
/// |---------|--------|------|----------------|-------------|---------------|
/// | network | 2 / 5  | 1    | 30             | 35          | improve_first |
/// | hall    | 6 / 10 | −1   | 53.33          | 80          | keep_strength |
/// | hotline | 4 / 6  | 0.5  | 3.33           | 50          | watch         |
/// | billing | 7 / 9  | 1    | 13.33          | 80          | low_priority  |
///
/// (means: importance_pct 25, performance 61.25). The expected rows below were computed
/// independently with numpy/scipy (lstsq, all 24 orderings for LMG, scipy.stats t and F).
enum Factorial {
    static let drivers: [SurveyDimension] = [.network, .hall, .hotline, .billing]
    static let month = Month(key: "2026-10")!

    /// 32 responses with customer ids `<prefix>00` … `<prefix>31`; the three dimensions not in the
    /// model stay unanswered, which must not drop any row (listwise deletion is over the x only).
    static func responses(prefix: String) -> [DriverResponse] {
        let low = [2.0, 6, 4, 7], spread = [3.0, 4, 2, 2], step = [3, -4, 1, 2]
        var out: [DriverResponse] = []
        for cell in 0..<16 {
            let z = (0..<4).map { (cell >> $0) & 1 }
            let x = (0..<4).map { low[$0] + spread[$0] * Double(z[$0]) }
            let fitted = 4 + (0..<4).reduce(0) { $0 + step[$1] * z[$1] }
            let noise = fitted == 0 || fitted == 10 ? 0 : 1
            for sign in [1, -1] {
                let id = prefix + (out.count < 10 ? "0" : "") + String(out.count)
                out.append(DriverResponse(customerId: id, nps: Double(fitted + sign * noise),
                                          scores: [x[0], x[1], x[2], x[3], nil, nil, nil]))
            }
        }
        return out
    }

    /// The `drivers` rows of the factorial model for one segment (numpy/scipy reference).
    static func driverRows(_ dim: String, _ segment: String) -> String {
        """
        2026-10,\(dim),\(segment),network,1,0.120014,8.332381,0,0.518321,1,0.268657,30,2,35,improve_first,21.875
        2026-10,\(dim),\(segment),hall,-1,0.09001,-11.109841,0,-0.691095,1,0.477612,53.333333,1,80,keep_strength,-12.5
        2026-10,\(dim),\(segment),hotline,0.5,0.180021,2.77746,0.00984,0.172774,1,0.029851,3.333333,4,50,watch,10.9375
        2026-10,\(dim),\(segment),billing,1,0.180021,5.554921,0.000007,0.345547,1,0.119403,13.333333,3,80,low_priority,21.875

        """
    }

    /// The `driver_model` row of the factorial model (numpy/scipy reference); n = 32 < 10·4 and the
    /// negative hall coefficient give the two warnings.
    static func modelRow(_ dim: String, _ segment: String, dropped: Int = 0) -> String {
        "2026-10,\(dim),\(segment),32,\(dropped),0.895522,0.880044,57.857143,0,0.935414,-1,n<10p|negative_coef:hall\n"
    }

    static func members(_ ids: [String], brand: String, tier: String, city: String = "石家庄") -> [String: DriverMembers] {
        var out: [String: DriverMembers] = [:]
        for id in ids { out[id] = DriverMembers(brand: brand, valueTier: tier, city: city, vipLevel: "none") }
        return out
    }

    static func text(_ csv: CSVWriter) -> String { String(decoding: csv.bytes, as: UTF8.self) }

    static func run(_ responses: [DriverResponse], _ members: [String: DriverMembers],
                    _ settings: DriversSettings) throws -> (drivers: String, model: String, out: DriversOutput) {
        let out = try Drivers(month: month, province: "河北", settings: settings).run(responses: responses, members: members)
        return (text(out.drivers), text(out.driverModel), out)
    }
}

@Suite("Drivers: NPS key-driver tables of SPEC §5")
struct DriversTests {
    @Test("the hand-made factorial gives the exact columns, numbers, ranks, quadrants and lifts")
    func tableLayoutAndRules() throws {
        let settings = DriversSettings(drivers: Factorial.drivers, segmentBy: [])
        let (drivers, model, _) = try Factorial.run(Factorial.responses(prefix: "c"), [:], settings)
        #expect(drivers == """
            month,segment_dim,segment,driver,coef,std_err,t,p_value,std_beta,vif,importance,importance_pct,rank,performance,quadrant,nps_lift_1pt

            """ + Factorial.driverRows("total", "河北"))
        #expect(model == """
            month,segment_dim,segment,n,dropped,r2,adj_r2,f_stat,f_p_value,rmse,intercept,warnings

            """ + Factorial.modelRow("total", "河北"))
    }

    @Test("nps_lift_1pt counts respondents crossing 6→7 and 8→9 at whole points, and halves them at half points")
    func liftRule() throws {
        let responses = Factorial.responses(prefix: "c")
        let (_, _, out) = try Factorial.run(responses, [:], DriversSettings(drivers: Factorial.drivers, segmentBy: []))
        #expect(out.segments.map(\.outcome) == [.fitted])
        // Independent count. +1 (network, billing) turns every 6 into a passive 7 and every 8 into a
        // promoter 9; −1 (hall) turns every 9 into an 8 and every 7 into a detractor 6; +0.5
        // (hotline) moves a 6 or an 8 half-way (D(6.5) = 0.5, P(8.5) = 0.5) and a 7 nowhere.
        let y = responses.map(\.nps)
        func count(_ v: Double) -> Double { Double(y.filter { $0 == v }.count) }
        #expect(count(6) + count(8) == 7 && count(7) + count(9) == 4)
        #expect(KeyDriver.npsLift(nps: y, coefficient: 1) == 100 * (count(6) + count(8)) / 32)  // 21.875
        #expect(KeyDriver.npsLift(nps: y, coefficient: -1) == -100 * (count(7) + count(9)) / 32)  // −12.5
        #expect(KeyDriver.npsLift(nps: y, coefficient: 0.5) == 50 * (count(6) + count(8)) / 32)  // 10.9375
    }

    @Test("segments: total first, then segment_by in order with members in byte order; a respondent outside the base counts only in total; below min_n is omitted")
    func segmentsAndOmission() throws {
        var responses = Factorial.responses(prefix: "m") + Factorial.responses(prefix: "g")
        var members = Factorial.members(responses.filter { $0.customerId.hasPrefix("g") }.map(\.customerId),
                                        brand: "gotone", tier: "B", city: "Zhuozhou")
        members.merge(Factorial.members(responses.filter { $0.customerId.hasPrefix("m") }.map(\.customerId),
                                        brand: "mzone", tier: "A", city: "北京"), uniquingKeysWith: { a, _ in a })
        // Incomplete rows: two gotone/B missing hall, one mzone/A missing network.
        responses.append(DriverResponse(customerId: "g90", nps: 9, scores: [5, nil, 5, 5, 5, 5, 5]))
        responses.append(DriverResponse(customerId: "g91", nps: 3, scores: [5, nil, nil, 5, nil, nil, nil]))
        responses.append(DriverResponse(customerId: "m90", nps: 7, scores: [nil, 5, 5, 5, nil, nil, nil]))
        members.merge(Factorial.members(["g90", "g91"], brand: "gotone", tier: "B", city: "Zhuozhou"), uniquingKeysWith: { a, _ in a })
        members.merge(Factorial.members(["m90"], brand: "mzone", tier: "A", city: "北京"), uniquingKeysWith: { a, _ in a })
        // One complete easyown/C respondent (n = 1 < min_n) and one complete respondent not in the base.
        responses.append(DriverResponse(customerId: "e01", nps: 8, scores: [6, 7, 8, 9, nil, nil, nil]))
        members["e01"] = DriverMembers(brand: "easyown", valueTier: "C", city: "baoding", vipLevel: "gold")
        responses.append(DriverResponse(customerId: "churned-last-month", nps: 2, scores: [3, 3, 3, 3, 3, 3, 3]))

        let settings = DriversSettings(minN: 30, drivers: Factorial.drivers, segmentBy: [.brand, .value_tier, .city])
        let (drivers, model, out) = try Factorial.run(responses, members, settings)
        // Order: total; brand easyown (omitted), gotone, mzone; value_tier A, B, C (omitted);
        // city by UTF-8 bytes: "Zhuozhou" (Z = 0x5A) < "baoding" (omitted) < "北京" (0xE5…).
        #expect(out.segments.map { "\($0.dimension)=\($0.member):\($0.n)/\($0.dropped):\($0.outcome.rawValue)" } == [
            "total=河北:66/3:fitted",
            "brand=easyown:1/0:below_min_n", "brand=gotone:32/2:fitted", "brand=mzone:32/1:fitted",
            "value_tier=A:32/1:fitted", "value_tier=B:32/2:fitted", "value_tier=C:1/0:below_min_n",
            "city=Zhuozhou:32/2:fitted", "city=baoding:1/0:below_min_n", "city=北京:32/1:fitted",
        ])
        // Each fitted segment holds exactly one copy of the factorial, so its numbers are the
        // reference ones; only `dropped` differs.
        let modelLines = model.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(modelLines.count == 1 + 7 + 1)
        #expect(modelLines[1].hasPrefix("2026-10,total,河北,66,3,"))
        #expect(modelLines[2...].joined(separator: "\n") == Factorial.modelRow("brand", "gotone", dropped: 2)
            + Factorial.modelRow("brand", "mzone", dropped: 1) + Factorial.modelRow("value_tier", "A", dropped: 1)
            + Factorial.modelRow("value_tier", "B", dropped: 2) + Factorial.modelRow("city", "Zhuozhou", dropped: 2)
            + Factorial.modelRow("city", "北京", dropped: 1))
        let driverLines = drivers.split(separator: "\n").map(String.init)
        #expect(driverLines.count == 1 + 7 * 4)
        #expect(driverLines[5...].joined(separator: "\n") + "\n" == Factorial.driverRows("brand", "gotone")
            + Factorial.driverRows("brand", "mzone") + Factorial.driverRows("value_tier", "A")
            + Factorial.driverRows("value_tier", "B") + Factorial.driverRows("city", "Zhuozhou")
            + Factorial.driverRows("city", "北京"))
    }

    @Test("listwise deletion counts only the configured drivers; driver rows follow the configured order")
    func listwiseAndDriverOrder() throws {
        var responses = Factorial.responses(prefix: "c")
        // Missing hotline: dropped when hotline is a driver, kept when it is not.
        responses.append(DriverResponse(customerId: "x1", nps: 10, scores: [9, 9, nil, 9, 9, 9, 9]))
        let all = try Factorial.run(responses, [:], DriversSettings(drivers: Factorial.drivers, segmentBy: []))
        #expect(all.out.segments[0].n == 32 && all.out.segments[0].dropped == 1)
        let two = try Factorial.run(responses, [:], DriversSettings(drivers: [.billing, .network], segmentBy: []))
        #expect(two.out.segments[0].n == 33 && two.out.segments[0].dropped == 0)
        #expect(two.drivers.split(separator: "\n").dropFirst().map { $0.split(separator: ",")[3] } == ["billing", "network"])
    }

    @Test("a singular segment writes one driver_model row with n, dropped and warnings only, and no drivers rows")
    func singularSegment() throws {
        // 40 easyown respondents who all gave hall 5: hall is a multiple of the intercept.
        var responses: [DriverResponse] = []
        var members: [String: DriverMembers] = [:]
        for i in 0..<40 {
            let id = "e\(i)"
            responses.append(DriverResponse(customerId: id, nps: Double(i % 11),
                                            scores: [Double(1 + i % 10), 5, Double(1 + (i * 7) % 10), Double(1 + (i * 3) % 10), nil, nil, nil]))
            members[id] = DriverMembers(brand: "easyown", valueTier: "D", city: "邢台", vipLevel: "none")
        }
        responses.append(DriverResponse(customerId: "e99", nps: 4, scores: [nil, 5, 5, 5, nil, nil, nil]))
        members["e99"] = DriverMembers(brand: "easyown", valueTier: "D", city: "邢台", vipLevel: "none")
        // The total also has the factorial, so hall varies there and it fits.
        responses += Factorial.responses(prefix: "c")
        let (drivers, model, out) = try Factorial.run(responses, members, DriversSettings(minN: 30, drivers: Factorial.drivers, segmentBy: [.brand]))
        let lines = model.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines[2] == "2026-10,brand,easyown,40,1,,,,,,,singular:hall")
        #expect(!drivers.contains(",easyown,"))
        #expect(drivers.split(separator: "\n").count == 1 + 4)
        #expect(out.segments.map(\.outcome) == [.fitted, .singular])
    }

    @Test("the total is fitted however small: too few rows or no rows give `singular`, constant nps `singular:nps`")
    func thinTotal() throws {
        let three = Array(Factorial.responses(prefix: "c").prefix(3))
        let (d3, m3, _) = try Factorial.run(three, [:], DriversSettings(minN: 100, drivers: Factorial.drivers))
        #expect(m3.hasSuffix("\n2026-10,total,河北,3,0,,,,,,,singular\n"))
        #expect(d3 == DriversStage.drivers.columns.joined(separator: ",") + "\n")
        let (_, m0, _) = try Factorial.run([], [:], DriversSettings())
        #expect(m0.hasSuffix("\n2026-10,total,河北,0,0,,,,,,,singular\n"))
        let flat = Factorial.responses(prefix: "c").map { DriverResponse(customerId: $0.customerId, nps: 8, scores: $0.scores) }
        let (_, mf, _) = try Factorial.run(flat, [:], DriversSettings(drivers: Factorial.drivers))
        #expect(mf.hasSuffix("\n2026-10,total,河北,32,0,,,,,,,singular:nps\n"))
    }

    @Test("customer_360 gives respondents their members, the first row of a repeated id winning; a dimension not read is empty, no customer_id a clear error")
    func readMembers() throws {
        // Sorted ids (as customer360 writes them) are searched; a repeated id puts the table out of
        // strict order, so it is indexed instead, and the first of the two rows counts either way.
        let sorted = """
            month,customer_id,city,brand,vip_level,value_tier,nps
            2026-10,a,"北京, 东城",gotone,gold,A,9
            2026-10,b,保定,mzone,none,D,
            2026-10,c,唐山,easyown,none,C,

            """
        let read = try DriverMembers.read(customer360: ColumnarTable.fixture(sorted), respondents: ["a", "c", "zz"])
        #expect(read == ["a": DriverMembers(brand: "gotone", valueTier: "A", city: "北京, 东城", vipLevel: "gold"),
                         "c": DriverMembers(brand: "easyown", valueTier: "C", city: "唐山", vipLevel: "none")])
        let repeated = sorted + "2026-10,a,邢台,mzone,none,B,\n"
        let first = try DriverMembers.read(customer360: ColumnarTable.fixture(repeated), respondents: ["a"])
        #expect(first == ["a": DriverMembers(brand: "gotone", valueTier: "A", city: "北京, 东城", vipLevel: "gold")])
        // Only the configured segment_by columns are read: the others stay empty.
        #expect(DriverMembers.columns(for: [.value_tier, .city]) == ["customer_id", "value_tier", "city"])
        let brandOnly = try DriverMembers.read(customer360: ColumnarTable.fixture("customer_id,brand\na,gotone\n"), respondents: ["a"])
        #expect(brandOnly == ["a": DriverMembers(brand: "gotone", valueTier: "", city: "", vipLevel: "")])
        #expect(throws: PanoramaError.self) {
            try DriverMembers.read(customer360: ColumnarTable.fixture("id,brand\na,gotone\n"), respondents: ["a"])
        }
    }

    @Test("settings: window months end at M; problems are listed for bad values")
    func settings() {
        #expect(DriversSettings(windowMonths: 3).window(endingAt: Month(key: "2026-01")!).map(\.description)
            == ["2025-11", "2025-12", "2026-01"])
        #expect(DriversSettings().problems().isEmpty)
        #expect(DriversSettings(windowMonths: 0, minN: 0, drivers: [.hall, .hall], segmentBy: [.city, .city]).problems() == [
            "window_months must be between 1 and 12, not 0", "min_n must be at least 1, not 0",
            "drivers lists `hall` twice", "segment_by lists `city` twice",
        ])
    }
}
