import Foundation
import PanoramaConfig
import PanoramaCore

/// What a stage's outputs were made from besides its input files: its own parameters, the parameters
/// of every stage upstream of it (a stage may read them, as the report reads the kpi stage's
/// thresholds), the pipeline-wide settings stages read (province, encodings), the version and the
/// program itself. `run` skips a stage whose recorded fingerprint and input checksums equal today's;
/// `plan` names the first difference.
public struct StageFingerprint: Sendable, Equatable {
    /// The stage's parameters as written (file and `--set`), in file order.
    public var parameters: JSONValue
    /// `{upstream-id: parameters}` for the stages upstream of it, in run order.
    public var upstreamParameters: JSONValue
    /// `{province, encoding}`.
    public var pipeline: JSONValue
    public var version: String
    /// SHA-256 of the executable, so that a rebuilt program re-makes what an older build made.
    public var program: String

    public init(parameters: JSONValue = .object([]), upstreamParameters: JSONValue = .object([]), pipeline: JSONValue = .object([]),
                version: String = "", program: String = "") {
        self.parameters = parameters
        self.upstreamParameters = upstreamParameters
        self.pipeline = pipeline
        self.version = version
        self.program = program
    }

    /// The fingerprint a stage would record if it ran now with `config` and this program.
    public init(_ stage: StageConfig, in config: PipelineConfig) {
        var upstream = Set<String>()
        var queue = stage.needs
        while let id = queue.popLast() {
            guard upstream.insert(id).inserted, let s = config.stage(id) else { continue }
            queue += s.needs
        }
        let ups: [(String, JSONValue)] = config.orderedStageIds.filter(upstream.contains).compactMap { id in
            config.stage(id).map { (id, $0.parametersJSON) }
        }
        var encodings: [(String, JSONValue)] = [("default", .string(config.encoding.rawValue))]
        for source in config.sourceEncodings.keys.sorted() {
            encodings.append((source, .string(config.sourceEncodings[source]!.rawValue)))
        }
        self.init(parameters: stage.parametersJSON, upstreamParameters: .object(ups),
                  pipeline: .object([("province", .string(config.province)), ("encoding", .object(encodings))]),
                  version: PanoramaVersion.current, program: StageFingerprint.currentProgram)
    }

    /// SHA-256 of the running executable ("" when it cannot be read).
    public static let currentProgram: String = {
        let candidates = ["/proc/self/exe", Bundle.main.executablePath ?? ""]
        for path in candidates where !path.isEmpty {
            if let data = FileManager.default.contents(atPath: path) { return SHA256Digest.hex([UInt8](data)) }
        }
        return ""
    }()

    /// The first way `self` (now) differs from `recorded`, as a sentence; nil when they are equal.
    public func difference(from recorded: StageFingerprint, stage: String) -> String? {
        if version != recorded.version {
            return "made by panorama \(recorded.version.isEmpty ? "of an older version" : recorded.version), this is \(version)"
        }
        if program != recorded.program {
            return "made by another build of panorama (program sha256 \(recorded.program.prefix(12)) → \(program.prefix(12)))"
        }
        if let change = StageFingerprint.firstChange(recorded.parameters, parameters) {
            return "parameter `\(stage).\(change.key)` changed (\(change.was) → \(change.now))"
        }
        let before = StageFingerprint.pairs(recorded.upstreamParameters), now = StageFingerprint.pairs(upstreamParameters)
        for (id, params) in now {
            guard let old = before.first(where: { $0.0 == id })?.1 else {
                return "stage `\(id)` is upstream of it now and was not when it ran"
            }
            if let change = StageFingerprint.firstChange(old, params) {
                return "parameter `\(id).\(change.key)` of upstream stage `\(id)` changed (\(change.was) → \(change.now))"
            }
        }
        if let gone = before.first(where: { old in !now.contains { $0.0 == old.0 } }) {
            return "stage `\(gone.0)` was upstream of it when it ran and is not now"
        }
        if let change = StageFingerprint.firstChange(recorded.pipeline, pipeline) {
            return "pipeline setting `\(change.key)` changed (\(change.was) → \(change.now))"
        }
        return nil
    }

    static func pairs(_ value: JSONValue) -> [(String, JSONValue)] {
        if case .object(let pairs) = value { return pairs }
        return []
    }

    /// The first key (in today's order, then keys no longer set) whose value differs; values are
    /// compared as written in JSON, so key order and `120` against `120.0` do not count.
    static func firstChange(_ recorded: JSONValue, _ now: JSONValue) -> (key: String, was: String, now: String)? {
        let old = pairs(recorded), new = pairs(now)
        func shown(_ v: JSONValue?) -> String {
            guard let v else { return "unset" }
            return MessageText.excerpt(v.serialized(pretty: false), limit: 60)
        }
        func flat(_ v: JSONValue?) -> String? { v.map { canonical($0) } }
        for (key, value) in new where flat(old.first { $0.0 == key }?.1) != flat(value) {
            return (key, shown(old.first { $0.0 == key }?.1), shown(value))
        }
        for (key, value) in old where !new.contains(where: { $0.0 == key }) {
            return (key, shown(value), "unset")
        }
        return nil
    }

    /// JSON text with object keys sorted, so `{a: 1, b: 2}` equals `{b: 2, a: 1}`.
    static func canonical(_ value: JSONValue) -> String {
        switch value {
        case .object(let pairs):
            return "{" + pairs.sorted { $0.0 < $1.0 }.map { JSONValue.string($0.0).serialized(pretty: false) + ":" + canonical($0.1) }
                .joined(separator: ",") + "}"
        case .array(let items):
            return "[" + items.map(canonical).joined(separator: ",") + "]"
        default:
            return value.serialized(pretty: false)
        }
    }
}
