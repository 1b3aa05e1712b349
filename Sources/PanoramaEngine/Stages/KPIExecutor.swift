import PanoramaConfig
import PanoramaCore
import PanoramaStages

/// Stage `kpi`: the KPI panorama of M with month-over-month change against the published kpi of M-1.
struct KPIExecutor: StageExecutor {
    static func settings(_ stage: StageConfig, province: String) throws -> KPISettings {
        var s = KPISettings()
        s.province = province
        let ids = KPICatalogue.ids
        for (k, v) in try stage.numberMap("thresholds", allowed: ids) { s.thresholds[k] = v }
        if let node = stage.param("min_base") {
            if case .mapping = node {
                for (k, v) in try stage.numberMap("min_base", allowed: ids) { s.minBase[k] = Int(v) }
            } else {
                let all = try stage.int("min_base", default: 1)
                for id in ids { s.minBase[id] = all }
            }
        }
        if let node = stage.param("retention_snapshot") {
            guard case .scalar(let sc) = node, let m = Month(key: sc.text) else {
                throw ConfigError(location: node.location, message: "\(stage.id).retention_snapshot must be a month YYYY-MM")
            }
            s.retentionSnapshot = m
        }
        _ = try stage.choice("arrow_colors", ["cn", "western"], default: "cn")
        if let node = stage.param("targets") {
            guard case .mapping(let m) = node else {
                throw ConfigError(location: node.location, message: "\(stage.id).targets must map KPI ids to a number or {default: n, <member>: n}")
            }
            for (key, value) in m.entries {
                guard ids.contains(key.text) else {
                    let hint = didYouMean(key.text, among: ids).map { "; did you mean `\($0)`?" } ?? ""
                    throw ConfigError(location: key.location, message: "unknown KPI `\(key.text)` in \(stage.id).targets\(hint)")
                }
                switch value {
                case .mapping(let per):
                    var all: Double?
                    var members: [String: Double] = [:]
                    for (mk, mv) in per.entries {
                        guard case .scalar(let sc) = mv, let v = sc.numberValue else {
                            throw ConfigError(location: mv.location, message: "target for \(key.text)/\(mk.text) must be a number")
                        }
                        if mk.text == "default" { all = v } else { members[mk.text] = v }
                    }
                    s.targets[key.text] = (all, members)
                case .scalar(let sc):
                    guard let v = sc.numberValue else {
                        throw ConfigError(location: value.location, message: "target for \(key.text) must be a number")
                    }
                    s.targets[key.text] = (v, [:])
                case .sequence:
                    throw ConfigError(location: value.location, message: "target for \(key.text) must be a number or a mapping")
                }
            }
        }
        return s
    }

    func execute(_ context: StageContext) throws -> StageReport {
        let settings = try KPIExecutor.settings(context.stage, province: context.config.province)
        let m = context.month
        var report = StageReport()
        let (c360, i0) = try context.requiredColumns("customer_360", m, producedBy: "customer360", KPIRollup.customerColumns)
        let (surveys, i1) = try context.requiredTable("fact_survey", m, producedBy: "cleanse")
        let (complaints, i2) = try context.requiredTable("fact_complaint", m, producedBy: "cleanse")
        report.inputs = [i0, i1, i2]
        let prev = try context.optionalTable("kpi", m.previous)
        if let p = prev { report.inputs.append(p.1) } else { report.warnings.append("no kpi partition for \(m.previous): prev_value and mom_change are empty") }
        let rollup = KPIRollup(settings: settings)
        let s = rollup.snapshotMonth(for: m)
        var snapshot: ColumnarTable?
        var retentionNote = "hv_retention uses snapshot month \(s)"
        if s > m {
            retentionNote = "no hv_retention rows: the snapshot month \(s) is after \(m)"
        } else if let snap = try context.optionalColumns("customer_360", s, KPIRollup.snapshotColumns) {
            snapshot = snap.0
            if s != m { report.inputs.append(snap.1) }
        } else {
            retentionNote = "no hv_retention rows: customer_360 for the snapshot month \(s) is missing (run customer360 for \(s), or set retention_snapshot)"
        }
        if snapshot == nil { report.warnings.append(retentionNote) }
        let out = try rollup.run(KPIInputs(month: m, customer360: c360, surveys: surveys, complaints: complaints,
                                           previous: prev?.0, snapshot: snapshot))
        report.outputs = try context.publish([TableOutput(table: "kpi", csv: out.csv)])
        let alerts = out.rows.filter { $0.alert != "none" }.count
        report.quality = .object([
            ("rows", .int(out.rows.count)), ("alerts", .int(alerts)),
            ("retention_snapshot", .string(s.description)), ("hv_retention", .string(retentionNote)),
        ])
        report.summary = "\(out.rows.count) kpi rows, \(alerts) alerts"
        return report
    }
}

extension YAMLScalar {
    /// The scalar as a number, if it is one.
    var numberValue: Double? {
        switch value {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }
}
