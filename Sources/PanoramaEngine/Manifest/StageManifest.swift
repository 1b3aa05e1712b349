import PanoramaCore

/// What a stage kind records about its run in the manifest's `quality` entry. Each kind declares its
/// own type; readers of another stage's manifest get it back typed, never by walking JSON.
public protocol ManifestQuality: Sendable {
    /// Reads the manifest form; nil when the entry is not of this type.
    init?(json: JSONValue)
    /// The manifest form, keys in a fixed order.
    var json: JSONValue { get }
}

/// `_manifests/YYYY-MM/<stage-id>.json`: what one stage did for one month (SPEC §8).
public struct StageManifest: Sendable {
    /// `ok` or `failed` (the quality gate writes a failed manifest).
    public enum Status: String, Sendable {
        case ok, failed
    }

    public var stage: String
    public var kind: String
    public var month: Month
    public var runId: String
    public var started: String
    public var finished: String
    public var status: Status
    /// The stage's parameters as written in the pipeline file (and `--set`), in file order.
    public var parameters: JSONValue
    public var configSha256: String
    public var version: String
    /// The parameters of the stages upstream of this one, by id (a stage may read them).
    public var upstreamParameters: JSONValue
    /// The pipeline-wide settings stages read (province, encodings).
    public var pipelineSettings: JSONValue
    /// SHA-256 of the program that made the outputs.
    public var programSha256: String
    public var inputs: [LineageEntry]
    /// Optional inputs the stage looked for and did not find.
    public var missingInputs: [MissingInput]
    public var outputs: [LineageEntry]
    /// The stage kind's own record (see `ManifestQuality`); read it with `quality(_:)`.
    public var qualityJSON: JSONValue
    public var warnings: [String]
    public var error: String?

    /// A manifest from its values; `fingerprint` gives the parameters, version and what else the
    /// outputs were made from.
    public init(stage: String, kind: String, month: Month, runId: String, started: String, finished: String,
                status: Status, fingerprint: StageFingerprint, configSha256: String,
                inputs: [LineageEntry], missingInputs: [MissingInput], outputs: [LineageEntry], qualityJSON: JSONValue,
                warnings: [String], error: String?) {
        self.stage = stage
        self.kind = kind
        self.month = month
        self.runId = runId
        self.started = started
        self.finished = finished
        self.status = status
        self.parameters = fingerprint.parameters
        self.configSha256 = configSha256
        self.version = fingerprint.version
        self.upstreamParameters = fingerprint.upstreamParameters
        self.pipelineSettings = fingerprint.pipeline
        self.programSha256 = fingerprint.program
        self.inputs = inputs
        self.missingInputs = missingInputs
        self.outputs = outputs
        self.qualityJSON = qualityJSON
        self.warnings = warnings
        self.error = error
    }

    /// What the outputs were made from besides the input files, as recorded.
    public var fingerprint: StageFingerprint {
        StageFingerprint(parameters: parameters, upstreamParameters: upstreamParameters, pipeline: pipelineSettings,
                         version: version, program: programSha256)
    }

    /// The kind's quality record, typed; nil when absent or of another type.
    public func quality<Q: ManifestQuality>(_ type: Q.Type) -> Q? { Q(json: qualityJSON) }

    /// The manifest file's content; keys in a fixed order.
    public var json: JSONValue {
        .object([
            ("stage", .string(stage)),
            ("kind", .string(kind)),
            ("month", .string(month.description)),
            ("run_id", .string(runId)),
            ("started", .string(started)),
            ("finished", .string(finished)),
            ("status", .string(status.rawValue)),
            ("parameters", parameters),
            ("config_sha256", .string(configSha256)),
            ("version", .string(version)),
            ("program_sha256", .string(programSha256)),
            ("upstream_parameters", upstreamParameters),
            ("pipeline", pipelineSettings),
            ("inputs", .array(inputs.map(\.json))),
            ("missing_inputs", .array(missingInputs.map(\.json))),
            ("outputs", .array(outputs.map(\.json))),
            ("quality", qualityJSON),
            ("warnings", .array(warnings.map { .string($0) })),
            ("error", error.map { .string($0) } ?? .null),
        ])
    }

    /// Reads a manifest file's content; nil when it is not a manifest this version can read.
    public init?(json: JSONValue) {
        guard let stage = json["stage"]?.stringValue, let kind = json["kind"]?.stringValue,
              let monthText = json["month"]?.stringValue, let month = Month(key: monthText),
              let statusText = json["status"]?.stringValue, let status = Status(rawValue: statusText) else { return nil }
        func entries(_ key: String) -> [LineageEntry]? {
            guard let items = json[key]?.arrayValue else { return nil }
            let parsed = items.compactMap(LineageEntry.init(json:))
            return parsed.count == items.count ? parsed : nil
        }
        guard let inputs = entries("inputs"), let outputs = entries("outputs") else { return nil }
        let fingerprint = StageFingerprint(parameters: json["parameters"] ?? .object([]),
                                           upstreamParameters: json["upstream_parameters"] ?? .object([]),
                                           pipeline: json["pipeline"] ?? .object([]), version: json["version"]?.stringValue ?? "",
                                           program: json["program_sha256"]?.stringValue ?? "")
        self.init(stage: stage, kind: kind, month: month, runId: json["run_id"]?.stringValue ?? "",
                  started: json["started"]?.stringValue ?? "", finished: json["finished"]?.stringValue ?? "",
                  status: status, fingerprint: fingerprint, configSha256: json["config_sha256"]?.stringValue ?? "",
                  inputs: inputs, missingInputs: (json["missing_inputs"]?.arrayValue ?? []).compactMap(MissingInput.init(json:)),
                  outputs: outputs, qualityJSON: json["quality"] ?? .object([]),
                  warnings: json["warnings"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                  error: json["error"]?.stringValue)
    }
}
