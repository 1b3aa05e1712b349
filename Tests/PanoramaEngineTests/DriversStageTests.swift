import Foundation
import Testing
import PanoramaStages
import PanoramaTestSupport
import PanoramaConfig
import PanoramaCore
@testable import PanoramaEngine

/// A hand-made warehouse for October 2026: fact_survey partitions (SPEC §3.1) and customer_360 of
/// M (SPEC §3.2), with the 2⁴-factorial survey data of the PanoramaStages Drivers tests: its model is
/// exactly fitted = −1 + network − hall + 0.5·hotline + billing, with residuals ±1.
struct DriversWarehouse {
    static let month = Month(key: "2026-10")!
    static let surveyHeader = "survey_id,customer_id,survey_date,channel,touchpoint,nps,overall_sat,network,hall,hotline,billing,new_business,promotion,communication"
    static let baseHeader = "month,customer_id,msisdn_masked,city,county,brand,vip_level,gender,age,tenure_months,arpu,mou,data_gb,call_forward_ratio,offnet_ratio,points_balance,arpu_prev,arpu_3m_avg,arpu_change_pct,value_tier,high_value,churned_in_month,nps,overall_sat,nps_category,complaints_3m,open_complaints,flag_bill_drop,flag_call_forward,flag_offnet,flag_complaint,flag_detractor,churn_risk_score,risk_level,care_birthday,care_anniversary_years"

    let dir = TempDir()
    var warehouse: String { dir.path + "/warehouse" }

    /// The factorial's 32 responses as (customer id, nps, four scores), ids `c00`…`c31`.
    static func factorial() -> [(id: String, nps: Int, x: [Int])] {
        let low = [2, 6, 4, 7], spread = [3, 4, 2, 2], step = [3, -4, 1, 2]
        var out: [(id: String, nps: Int, x: [Int])] = []
        for cell in 0..<16 {
            let z = (0..<4).map { (cell >> $0) & 1 }
            let fitted = 4 + (0..<4).reduce(0) { $0 + step[$1] * z[$1] }
            let noise = fitted == 0 || fitted == 10 ? 0 : 1
            for sign in [1, -1] {
                let k = out.count
                out.append((id: "c" + (k < 10 ? "0" : "") + String(k), nps: fitted + sign * noise,
                            x: (0..<4).map { low[$0] + spread[$0] * z[$0] }))
            }
        }
        return out
    }

    /// Writes fact_survey partitions: response k goes to the month `months[k % months.count]`.
    func writeSurveys(_ months: [String]) {
        var texts = [String](repeating: Self.surveyHeader + "\n", count: months.count)
        for (k, r) in Self.factorial().enumerated() {
            let m = k % months.count
            texts[m] += "S\(k),\(r.id),\(months[m])-15,sms,,\(r.nps),7,\(r.x[0]),\(r.x[1]),\(r.x[2]),\(r.x[3]),,,\n"
        }
        for (m, text) in zip(months, texts) { dir.write("warehouse/fact_survey/month=\(m)/part-0.csv", text) }
    }

    /// customer_360 of M: even-numbered customers gotone, odd mzone (16 each).
    func writeBase() {
        var text = Self.baseHeader + "\n"
        for (k, r) in Self.factorial().enumerated() {
            let brand = k % 2 == 0 ? "gotone" : "mzone"
            text += "2026-10,\(r.id),138****0000,石家庄,,\(brand),none,,40,60,100,,,,,,,100,,C,false,false,,,,0,0,false,false,false,false,false,0,low,false,\n"
        }
        dir.write("warehouse/customer_360/month=2026-10/part-0.csv", text)
    }

    func configText(_ stageParams: String) -> String {
        """
        name: test
        province: 河北
        month: 2026-10
        paths: {input: \(dir.path)/input/{month}, warehouse: \(warehouse), reports: \(dir.path)/reports/{month}}
        stages:
          - {id: drivers\(stageParams.isEmpty ? "" : ", " + stageParams)}
        """
    }

    /// What one stage run reported, with the lineage the engine recorded for it.
    struct Execution {
        var report: StageReport
        var inputs: [LineageEntry]
        var outputs: [LineageEntry]
        var quality: JSONValue { report.quality }
        var warnings: [String] { report.warnings }
        var summary: String { report.summary }
    }

    /// Runs the stage directly (no upstream manifests needed) on the hand-made warehouse.
    func execute(_ stageParams: String) throws -> Execution {
        let config = try PipelineConfig.parse(text: configText(stageParams), file: "test.yaml")
        let runner = PipelineRunner(config: config, options: RunOptions(), log: RunLogger(quiet: true, sink: { _ in }),
                                    registry: StageKinds.registry)
        let (report, reads, published) = try runner.executeStage("drivers", month: Self.month)
        return Execution(report: report, inputs: report.inputs + reads, outputs: published)
    }

    func table(_ name: String) -> String? { dir.read("warehouse/\(name)/month=2026-10/part-0.csv") }
}

/// The reference `drivers` rows of the factorial for one segment (numpy/scipy; see DriversTests).
private func factorialDriverRows(_ dim: String, _ segment: String) -> String {
    """
    2026-10,\(dim),\(segment),network,1,0.120014,8.332381,0,0.518321,1,0.268657,30,2,35,improve_first,21.875
    2026-10,\(dim),\(segment),hall,-1,0.09001,-11.109841,0,-0.691095,1,0.477612,53.333333,1,80,keep_strength,-12.5
    2026-10,\(dim),\(segment),hotline,0.5,0.180021,2.77746,0.00984,0.172774,1,0.029851,3.333333,4,50,watch,10.9375
    2026-10,\(dim),\(segment),billing,1,0.180021,5.554921,0.000007,0.345547,1,0.119403,13.333333,3,80,low_priority,21.875

    """
}

private let driversHeader = "month,segment_dim,segment,driver,coef,std_err,t,p_value,std_beta,vif,importance,importance_pct,rank,performance,quadrant,nps_lift_1pt\n"
private let modelHeader = "month,segment_dim,segment,n,dropped,r2,adj_r2,f_stat,f_p_value,rmse,intercept,warnings\n"
private let fourDrivers = "drivers: [network, hall, hotline, billing]"

@Suite("drivers stage: reading the warehouse, publishing, settings")
struct DriversStageTests {
    @Test("window_months 3 pools the three fact_survey partitions M-2..M and lists each as an input")
    func threeMonthWindow() throws {
        let w = DriversWarehouse()
        w.writeSurveys(["2026-08", "2026-09", "2026-10"])
        w.writeBase()
        let report = try w.execute("window_months: 3, min_n: 30, \(fourDrivers)")
        // All 32 rows pooled reproduce the reference model exactly, for the total and for value tier
        // C (every customer is tier C).
        let modelRow = "0.895522,0.880044,57.857143,0,0.935414,-1,n<10p|negative_coef:hall\n"
        #expect(w.table("drivers") == driversHeader + factorialDriverRows("total", "河北") + factorialDriverRows("value_tier", "C"))
        #expect(w.table("driver_model") == modelHeader + "2026-10,total,河北,32,0," + modelRow + "2026-10,value_tier,C,32,0," + modelRow)
        #expect(report.inputs.map { "\($0.name) \($0.month) \($0.rows!)" } == [
            "fact_survey 2026-08 11", "fact_survey 2026-09 11", "fact_survey 2026-10 10", "customer_360 2026-10 32",
        ])
        #expect(report.inputs.allSatisfy { $0.sha256.count == 64 && $0.kind == .table })
        #expect(report.outputs.map(\.name) == ["drivers", "driver_model"])
        #expect(report.quality["months_read"]?.arrayValue?.count == 3)
        #expect(report.warnings.isEmpty)
        // Both brands (16 each) are below min_n 30 and are listed, not fitted.
        #expect(report.quality["below_min_n"]?.arrayValue?.map { $0["segment"]!.stringValue! } == ["gotone", "mzone"])
        #expect(report.summary == "2026-08..2026-10 (3 months): n=32 of 32 responses (0 dropped); models: 2 fitted, 0 singular; 2 segments below min_n 30")
    }

    @Test("window_months 1 (the default) reads M only; a missing earlier month of a window is a warning")
    func windowDefaultsAndGaps() throws {
        let w = DriversWarehouse()
        w.writeSurveys(["2026-08", "2026-09", "2026-10"])
        w.writeBase()
        let one = try w.execute("min_n: 11, \(fourDrivers)")
        #expect(one.quality["n"]?.intValue == 10)
        #expect(one.inputs.count == 2)
        // The 10 October respondents (c02, c05, …, c29) split 5/5 by brand and are all value tier C:
        // every segment is below min_n 11, so only the total is written.
        #expect(w.table("driver_model")!.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false)[0...4].joined(separator: ",") } == [
            "month,segment_dim,segment,n,dropped", "2026-10,total,河北,10,0",
        ])
        #expect(one.quality["below_min_n"]?.arrayValue?.count == 3)

        w.dir.remove("warehouse/fact_survey/month=2026-09")
        let gap = try w.execute("window_months: 3, \(fourDrivers)")
        #expect(gap.quality["months_read"] == .array([.string("2026-08"), .string("2026-10")]))
        #expect(gap.quality["n"]?.intValue == 21)
        #expect(gap.warnings == ["fact_survey missing for 2026-09; the 3-month window uses 2026-08, 2026-10 only"])
    }

    @Test("segments come from customer_360 of M, with the defaults brand then value_tier")
    func defaultSegments() throws {
        let w = DriversWarehouse()
        w.writeSurveys(["2026-10"])
        w.writeBase()
        _ = try w.execute("min_n: 16, \(fourDrivers)")
        let segments = w.table("driver_model")!.split(separator: "\n").dropFirst().map {
            $0.split(separator: ",", omittingEmptySubsequences: false)[1...4].joined(separator: ",")
        }
        #expect(segments == ["total,河北,32,0", "brand,gotone,16,0", "brand,mzone,16,0", "value_tier,C,32,0"])
    }

    @Test("a missing customer_360 or fact_survey of M is a usage error naming the stage and month to run first")
    func missingUpstream() throws {
        let w = DriversWarehouse()
        w.writeSurveys(["2026-10"])
        do {
            _ = try w.execute("")
            Issue.record("should fail without customer_360")
        } catch let e as PanoramaError {
            #expect(e.exitCode == .usage)
            #expect(e.message.contains("customer_360` of 2026-10"))
            #expect(e.message.contains("--month 2026-10 --until customer360"))
        }
        w.writeBase()
        w.dir.remove("warehouse/fact_survey")
        do {
            _ = try w.execute("")
            Issue.record("should fail without fact_survey")
        } catch let e as PanoramaError {
            #expect(e.exitCode == .usage)
            #expect(e.message.contains("fact_survey` of 2026-10") && e.message.contains("--until cleanse"))
        }
        #expect(w.table("drivers") == nil)
    }

    @Test("settings are validated with the file position: unknown names with a suggestion, duplicates, ranges")
    func settingsValidation() throws {
        let w = DriversWarehouse()
        w.writeSurveys(["2026-10"])
        w.writeBase()
        func message(_ params: String) -> String {
            do {
                _ = try w.execute(params)
                return "no error"
            } catch {
                return "\(error)"
            }
        }
        #expect(message("drivers: [network, netwrok]").contains("unknown name `netwrok`"))
        #expect(message("drivers: [network, netwrok]").contains("did you mean `network`?"))
        #expect(message("drivers: [network, netwrok]").hasPrefix("test.yaml:6:"))
        #expect(message("drivers: [hall, network, hall]").contains("drivers lists `hall` twice"))
        #expect(message("drivers: []").contains("must name at least one"))
        #expect(message("segment_by: [brand, region]").contains("unknown name `region`"))
        #expect(message("segment_by: [brand, brand]").contains("segment_by lists `brand` twice"))
        #expect(message("window_months: 0").contains("window_months must be between 1 and 12"))
        #expect(message("window_months: 1.5").contains("window_months must be an integer"))
        #expect(message("min_n: 0").contains("min_n must be at least 1"))
        // A name from the file is cut to an excerpt in the message, however long it is.
        let long = String(repeating: "y", count: 10_000)
        #expect(message("drivers: [network, \(long)]").hasPrefix("test.yaml:6:"))
        #expect(message("drivers: [network, \(long)]").count < 400)
        #expect(message("drivers: [\(long), \(long)]").count < 400)
        // A single name is a one-element list; segment_by may be empty (total only).
        #expect(message("drivers: hall, segment_by: []") == "no error")
        #expect(w.table("drivers")!.split(separator: "\n").count == 2)
        // Unknown keys are rejected by validation against the stage registry.
        #expect(throws: ConfigError.self) { try StageKinds.parsePipeline(text: w.configText("min_N: 5"), file: "test.yaml") }
    }

    @Test("through the runner: manifest ok with parameters and inputs, and a re-run rewrites byte-identical partitions")
    func runnerDeterminism() throws {
        let w = DriversWarehouse()
        w.writeSurveys(["2026-08", "2026-09", "2026-10"])
        w.writeBase()
        let config = try PipelineConfig.parse(text: w.configText("window_months: 3, min_n: 16, \(fourDrivers)"), file: "test.yaml")
        let runner = PipelineRunner(config: config, options: RunOptions(months: .one(DriversWarehouse.month)),
                                    log: RunLogger(quiet: true, sink: { _ in }), registry: StageKinds.registry)
        let first = runner.run()
        #expect(first.exitCode == .ok)
        let drivers = w.table("drivers"), model = w.table("driver_model")
        let manifest = Warehouse(root: w.warehouse).manifest(DriversWarehouse.month, stage: "drivers")
        #expect(manifest?.status == .ok)
        #expect(manifest?.parameters["window_months"]?.intValue == 3)
        #expect(manifest?.inputs.count == 4)
        #expect(runner.run().exitCode == .ok)
        #expect(w.table("drivers") == drivers && w.table("driver_model") == model)
        #expect(model?.split(separator: "\n").count == 1 + 4)
        #expect(drivers?.split(separator: "\n").count == 1 + 4 * 4)
        // With all seven default drivers the three dimensions nobody answered drop every row.
        _ = try w.execute("")
        #expect(w.table("driver_model") == modelHeader + "2026-10,total,河北,0,10,,,,,,,singular\n")
    }
}
