import PanoramaConfig
import PanoramaCore
import PanoramaStages

/// Stage `drivers`: reads fact_survey of the window and customer_360 of M, publishes the `drivers`
/// and `driver_model` tables of SPEC §5.
struct DriversExecutor: StageExecutor {
    func execute(_ context: StageContext) throws -> StageReport {
        let settings = try Self.settings(context.stage)
        let month = context.month
        let warehouse = context.warehouse
        var report = StageReport()

        // customer_360 of M gives the segment members; without it the segments would silently
        // shrink to nothing, so its absence is an upstream error, not an empty result.
        // Checked first: customer360 runs after cleanse, so naming it covers both.
        let basePath = warehouse.partitionPath("customer_360", month)
        guard FileIO.exists(basePath) else {
            throw missingUpstream(context, kind: "customer360", table: "customer_360")
        }

        // Surveys of the window, oldest month first. M's partition is required (cleanse has not run
        // otherwise); earlier months are used when present, as SPEC §5 says.
        var responses: [DriverResponse] = []
        var monthsRead: [Month] = []
        var monthsMissing: [Month] = []
        var surveyInputs: [JSONValue] = []
        for m in settings.window(endingAt: month) {
            let path = warehouse.partitionPath("fact_survey", m)
            guard FileIO.exists(path) else {
                if m == month { throw missingUpstream(context, kind: "cleanse", table: "fact_survey") }
                monthsMissing.append(m)
                continue
            }
            let bytes = try FileIO.read(path)
            let table = try CSVTable.parse(bytes, name: path)
            responses += try DriverResponse.read(factSurvey: table, name: path)
            monthsRead.append(m)
            surveyInputs.append(Self.input("fact_survey", m, path, bytes, rows: table.rowCount))
        }
        let baseBytes = try FileIO.read(basePath)
        let base = try DriverMembers.read(customer360: baseBytes, name: basePath,
                                          respondents: Set(responses.map(\.customerId)))
        report.inputs = surveyInputs + [Self.input("customer_360", month, basePath, baseBytes, rows: base.rows)]
        if !monthsMissing.isEmpty {
            report.warnings.append("fact_survey missing for \(monthsMissing.map(\.description).joined(separator: ", ")); "
                + "the \(settings.windowMonths)-month window uses \(monthsRead.map(\.description).joined(separator: ", ")) only")
        }

        let output = try Drivers(month: month, province: context.config.province, settings: settings)
            .run(responses: responses, members: base.members)
        for s in output.segments where s.outcome == .singular {
            report.warnings.append("\(s.dimension)=\(s.member): no model (\(s.warnings.joined(separator: "|")), n=\(s.n))")
        }
        report.outputs = try context.publish([
            TableOutput(table: "drivers", csv: output.drivers),
            TableOutput(table: "driver_model", csv: output.driverModel),
        ])

        let total = output.segments[0]
        let fitted = output.segments.filter { $0.outcome == .fitted }.count
        let singular = output.segments.filter { $0.outcome == .singular }.count
        let omitted = output.segments.filter { $0.outcome == .belowMinN }
        report.quality = .object([
            ("window", .array(settings.window(endingAt: month).map { .string($0.description) })),
            ("months_read", .array(monthsRead.map { .string($0.description) })),
            ("responses", .int(output.responses)),
            ("n", .int(total.n)),
            ("dropped", .int(total.dropped)),
            ("segments_fitted", .int(fitted)),
            ("segments_singular", .int(singular)),
            ("min_n", .int(settings.minN)),
            // Omitted segments leave no row anywhere else; listing them here lets a reader tell
            // "too few respondents" from "not configured".
            ("below_min_n", .array(omitted.map { s in
                .object([("segment_dim", .string(s.dimension)), ("segment", .string(s.member)), ("n", .int(s.n))])
            })),
        ])
        let window = monthsRead.count == 1 ? month.description : "\(monthsRead[0])..\(month) (\(monthsRead.count) months)"
        report.summary = "\(window): n=\(total.n) of \(output.responses) responses (\(total.dropped) dropped); "
            + "models: \(fitted) fitted, \(singular) singular; \(omitted.count) segments below min_n \(settings.minN)"
        return report
    }

    /// Typed, validated settings; every error points at the offending value in the pipeline file.
    static func settings(_ stage: StageConfig) throws -> DriversSettings {
        var s = DriversSettings()
        s.windowMonths = try stage.int("window_months", default: s.windowMonths)
        if !(1...DriversSettings.maxWindowMonths).contains(s.windowMonths) {
            throw ConfigError(location: stage.param("window_months")?.location,
                              message: "\(stage.id).window_months must be between 1 and \(DriversSettings.maxWindowMonths) (1 = the run month only, 3 = M-2..M), not \(s.windowMonths)")
        }
        s.minN = try stage.int("min_n", default: s.minN)
        if s.minN < 1 {
            throw ConfigError(location: stage.param("min_n")?.location,
                              message: "\(stage.id).min_n must be at least 1, not \(s.minN)")
        }
        s.drivers = try names(stage, "drivers", default: SurveyDimension.allCases, limit: DriversSettings.maxDrivers,
                              allowEmpty: false)
        s.segmentBy = try names(stage, "segment_by", default: [.brand, .value_tier], limit: nil, allowEmpty: true)
        return s
    }

    /// A list parameter of enum names: each known (with a "did you mean"), none twice.
    private static func names<T: RawRepresentable & CaseIterable>(
        _ stage: StageConfig, _ key: String, default defaultValue: [T], limit: Int?, allowEmpty: Bool
    ) throws -> [T] where T.RawValue == String {
        guard let node = stage.param(key) else { return defaultValue }
        let known = T.allCases.map(\.rawValue)
        let items: [YAMLNode]
        switch node {
        case .sequence(let seq): items = seq.items
        case .scalar: items = [node]
        case .mapping: throw ConfigError(location: node.location, message: "\(stage.id).\(key) must be a list like [\(known.prefix(2).joined(separator: ", "))]")
        }
        if items.isEmpty && !allowEmpty {
            throw ConfigError(location: node.location, message: "\(stage.id).\(key) must name at least one of \(known.joined(separator: ", "))")
        }
        if let limit, items.count > limit {
            throw ConfigError(location: node.location, message: "\(stage.id).\(key) lists \(items.count) names; at most \(limit) are allowed")
        }
        var out: [T] = []
        for item in items {
            guard case .scalar(let s) = item else {
                throw ConfigError(location: item.location, message: "\(stage.id).\(key) must list plain names")
            }
            guard let value = T(rawValue: s.text) else {
                let hint = didYouMean(s.text, among: known).map { "; did you mean `\($0)`?" } ?? ""
                throw ConfigError(location: s.location, message: "\(stage.id).\(key): unknown name `\(s.text)` (known: \(known.joined(separator: ", ")))\(hint)")
            }
            if out.contains(where: { $0.rawValue == value.rawValue }) {
                throw ConfigError(location: s.location, message: "\(stage.id).\(key) lists `\(s.text)` twice")
            }
            out.append(value)
        }
        return out
    }

    private static func input(_ table: String, _ month: Month, _ path: String, _ bytes: [UInt8], rows: Int) -> JSONValue {
        .object([
            ("table", .string(table)), ("month", .string(month.description)), ("path", .string(path)),
            ("sha256", .string(ChecksumCache.shared.sha256(of: bytes, at: path))), ("rows", .int(rows)),
        ])
    }

    /// The exit-2 error for a missing upstream partition, naming the stage to run first.
    private func missingUpstream(_ context: StageContext, kind: String, table: String) -> PanoramaError {
        let stage = context.upstream(kind: kind)?.id ?? context.config.stages.first { $0.kind == kind }?.id ?? kind
        return PanoramaError.usage(
            "stage `\(context.stage.id)` for \(context.month) needs \(table) of \(context.month) (\(context.warehouse.partitionPath(table, context.month))), which is missing; "
                + "run `panorama run \(context.config.file) --month \(context.month) --until \(stage)` first")
    }
}
