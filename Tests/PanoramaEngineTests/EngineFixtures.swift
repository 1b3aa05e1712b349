import Foundation
import PanoramaConfig
import PanoramaCore
import PanoramaEngine
import PanoramaStages
import PanoramaTestSupport

/// A temporary project folder (inputs, warehouse, config) removed when released.
final class Workspace {
    let dir = TempDir("engine")
    var path: String { dir.path }
    var lines: [String] = []

    func write(_ name: String, _ text: String) { dir.write(name, text) }
    func read(_ name: String) -> [UInt8]? { dir.bytes(name) }
    func exists(_ name: String) -> Bool { dir.exists(name) }

    /// The pipeline text with paths inside this workspace.
    func config(stages: String = "  - {id: ingest}\n  - {id: cleanse, needs: [ingest], max_reject_rate: 0.3}\n", extra: String = "") throws -> PipelineConfig {
        let text = """
        name: test
        province: 河北
        month: 2026-10
        paths: {input: \(path)/input/{month}, warehouse: \(path)/warehouse, reports: \(path)/reports/{month}}
        \(extra)stages:
        \(stages)
        """
        return try PipelineConfig.parse(text: text, file: "test.yaml")
    }

    /// Runs the pipeline, capturing stderr lines.
    func run(_ config: PipelineConfig, _ options: RunOptions = RunOptions(), beforePublish: (() throws -> Void)? = nil) -> RunOutcome {
        var runner = PipelineRunner(config: config, options: options, log: RunLogger(sink: { [weak self] in self?.lines.append($0) }),
                                    registry: StageKinds.registry)
        runner.beforePublish = beforePublish
        return runner.run()
    }

    /// A small clean delivery for a month (one bad usage row: 1 of 4 read).
    func writeMonth(_ month: String, extraCustomer: String = "") {
        write("input/\(month)/customers.csv", """
        customer_id,msisdn,city,county,brand,vip_level,gender,birth_date,join_date,status,churn_date
        C1,13800138000,石家庄,长安区,gotone,gold,M,1980-05-06,2010-01-01,active,
        C2,13800138001,唐山,,mzone,none,F,1995-01-01,2015-03-04,active,
        C3,13800138002,保定,,easyown,silver,,,2020-01-01,active,
        \(extraCustomer)
        """)
        write("input/\(month)/usage.csv", """
        customer_id,month,arpu,mou,data_gb,call_forward_ratio,offnet_ratio,points_balance
        C1,\(month),150.5,300,2.5,0,0.1,500
        C2,\(month),60,100,1,0,0,0
        C3,\(month),30,,,,,
        C9,\(month),30,,,,,
        """)
        write("input/\(month)/surveys.csv", """
        survey_id,customer_id,survey_date,channel,touchpoint,nps,overall_sat,network,hall,hotline,billing,new_business,promotion,communication
        S1-\(month),C1,\(month)-05,sms,,9,8,9,8,7,6,5,4,3
        """)
        write("input/\(month)/complaints.csv", """
        complaint_id,customer_id,opened_at,category,closed_at,escalated
        K1-\(month),C2,\(month)-05 08:30,network,,
        """)
    }
}
