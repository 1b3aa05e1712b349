import Foundation
import PanoramaCore

/// How the run month is chosen when the command line does not name one.
public enum MonthSetting: Sendable, Equatable {
    /// The calendar month before today's (the nightly default).
    case previous
    case fixed(Month)
}

/// One parameter of a stage as written: its key, where the key stands, its value, and the
/// `--set` text when it came from the command line rather than the file.
public struct StageParameterEntry: Sendable {
    public var key: String
    public var keyLocation: SourceLocation?
    public var value: YAMLNode
    /// `stage.key=value` when the parameter was set with `--set`.
    public var override: String?
}

/// One stage of the pipeline: its id, kind, upstream ids and its kind-specific parameters.
public struct StageConfig: Sendable {
    public var id: String
    public var kind: String
    /// Where the kind is named (the `kind:` value, or the id when the kind defaults to it).
    public var kindLocation: SourceLocation
    public var needs: [String]
    /// Kind-specific keys in file order (id, kind and needs excluded), then `--set` overrides.
    public var params: [StageParameterEntry]
    public var location: SourceLocation

    /// The node of a parameter, if set (the last setting wins, so `--set` overrides the file).
    public func param(_ key: String) -> YAMLNode? { params.last { $0.key == key }?.value }
}

/// A pipeline file (SPEC §7), checked for its generic shape: known top-level keys, stages with ids
/// and needs forming a DAG. Stage kinds and their parameters are checked by the engine's stage
/// registry, which knows the kinds.
public struct PipelineConfig: Sendable {
    public var file: String
    /// SHA-256 of the file text plus any `--set` overrides, for lineage.
    public var hash: String
    public var name: String
    public var province: String
    public var month: MonthSetting
    /// Default input encoding and per-source overrides (`encoding: {default: utf-8, customers: gb18030}`).
    public var encoding: InputEncoding
    public var sourceEncodings: [String: InputEncoding]
    public var inputPath: String
    public var warehousePath: String
    public var reportsPath: String
    public var stages: [StageConfig]

    static let topKeys = ["name", "province", "month", "encoding", "paths", "stages"]
    static let pathKeys = ["input", "warehouse", "reports"]
    /// The keys every stage takes, whatever its kind.
    public static let stageKeys = ["id", "kind", "needs"]
    public static let sources = ["customers", "usage", "surveys", "complaints"]

    /// Loads and validates a pipeline file, applying `--set stage.key=value` overrides.
    public static func load(path: String, overrides: [String] = []) throws -> PipelineConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(location: nil, message: "cannot read pipeline file \(path)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(location: nil, message: "\(path) is not UTF-8 text")
        }
        return try parse(text: text, file: path, overrides: overrides)
    }

    /// Parses pipeline text (`file` names it in errors).
    public static func parse(text: String, file: String, overrides: [String] = []) throws -> PipelineConfig {
        let root = try YAML.parse(text, file: file)
        guard case .mapping(let top) = root else {
            throw ConfigError(location: root.location, message: "a pipeline file must be a mapping of keys (name, province, stages, …)")
        }
        try checkKeys(top, allowed: topKeys, what: "pipeline")
        var config = PipelineConfig(
            file: file, hash: "", name: "pipeline", province: "", month: .previous, encoding: .utf8,
            sourceEncodings: [:], inputPath: "data/input/{month}", warehousePath: "data/warehouse",
            reportsPath: "reports/{month}", stages: [])
        if let n = top.value(for: "name") { config.name = try string(n, "name") }
        if let p = top.value(for: "province") { config.province = try string(p, "province") }
        if let m = top.value(for: "month") {
            let text = try string(m, "month")
            if text == "previous" { config.month = .previous }
            else if let month = Month(key: text) { config.month = .fixed(month) }
            else { throw ConfigError(location: m.location, message: "month must be `previous` or YYYY-MM, not `\(text)`") }
        }
        if let e = top.value(for: "encoding") { try config.readEncoding(e) }
        if let p = top.value(for: "paths") {
            guard case .mapping(let paths) = p else { throw ConfigError(location: p.location, message: "paths must be a mapping {input, warehouse, reports}") }
            try checkKeys(paths, allowed: pathKeys, what: "paths")
            if let v = paths.value(for: "input") { config.inputPath = try string(v, "paths.input") }
            if let v = paths.value(for: "warehouse") { config.warehousePath = try string(v, "paths.warehouse") }
            if let v = paths.value(for: "reports") { config.reportsPath = try string(v, "paths.reports") }
        }
        guard let stagesNode = top.value(for: "stages") else {
            throw ConfigError(location: root.location, message: "the pipeline has no `stages:` list")
        }
        guard case .sequence(let seq) = stagesNode else {
            throw ConfigError(location: stagesNode.location, message: "stages must be a list of {id: …, needs: […]} mappings")
        }
        for item in seq.items { config.stages.append(try stage(item)) }
        for override in overrides { try config.apply(override: override) }
        try config.checkGraph()
        config.hash = SHA256Digest.hex(Array((text + "\n" + overrides.joined(separator: "\n")).utf8))
        return config
    }

    private mutating func readEncoding(_ node: YAMLNode) throws {
        switch node {
        case .mapping(let m):
            try PipelineConfig.checkKeys(m, allowed: ["default"] + PipelineConfig.sources, what: "encoding")
            for (key, value) in m.entries {
                let enc = try PipelineConfig.encodingValue(value)
                if key.text == "default" { encoding = enc } else { sourceEncodings[key.text] = enc }
            }
        default:
            encoding = try PipelineConfig.encodingValue(node)
        }
    }

    static func encodingValue(_ node: YAMLNode) throws -> InputEncoding {
        let text = try string(node, "encoding")
        guard let e = InputEncoding(name: text) else {
            throw ConfigError(location: node.location, message: "encoding must be utf-8 or gb18030, not `\(text)`")
        }
        return e
    }

    static func stage(_ node: YAMLNode) throws -> StageConfig {
        guard case .mapping(let m) = node else {
            throw ConfigError(location: node.location, message: "a stage must be a mapping like {id: cleanse, needs: [ingest]}")
        }
        guard let idNode = m.value(for: "id") else { throw ConfigError(location: node.location, message: "a stage has no `id`") }
        let id = try string(idNode, "id")
        var kind = id
        var kindLocation = idNode.location
        if let k = m.value(for: "kind") { kind = try string(k, "kind"); kindLocation = k.location }
        var needs: [String] = []
        if let n = m.value(for: "needs") {
            switch n {
            case .sequence(let s): needs = try s.items.map { try string($0, "needs") }
            case .scalar: needs = [try string(n, "needs")]
            default: throw ConfigError(location: n.location, message: "needs must be a list of stage ids")
            }
        }
        let params = m.entries.filter { !stageKeys.contains($0.key.text) }.map {
            StageParameterEntry(key: $0.key.text, keyLocation: $0.key.location, value: $0.value, override: nil)
        }
        return StageConfig(id: id, kind: kind, kindLocation: kindLocation, needs: needs, params: params, location: node.location)
    }

    /// Applies `stage.key=value` (value read as a YAML flow value, e.g. `0.1`, `[a, b]`, `{x: 1}`).
    mutating func apply(override: String) throws {
        guard let eq = override.firstIndex(of: "="), let dot = override[..<eq].firstIndex(of: ".") else {
            throw ConfigError(location: nil, message: "--set expects stage.key=value, got `\(override)`")
        }
        let stageId = String(override[..<dot])
        let key = String(override[override.index(after: dot)..<eq])
        let valueText = String(override[override.index(after: eq)...])
        guard let index = stages.firstIndex(where: { $0.id == stageId }) else {
            let hint = didYouMean(stageId, among: stages.map(\.id)).map { "; did you mean `\($0)`?" } ?? ""
            throw ConfigError(location: nil, message: "--set \(override): no stage `\(stageId)` in \(file)\(hint)")
        }
        guard !key.isEmpty, !PipelineConfig.stageKeys.contains(key) else {
            throw ConfigError(location: nil, message: "--set \(override): `\(key)` is not a parameter that can be set (id, kind and needs are fixed by the pipeline file)")
        }
        let parsed = try YAML.parse("value: " + valueText, file: "--set \(stageId).\(key)")
        guard case .mapping(let m) = parsed, let value = m.value(for: "value") else {
            throw ConfigError(location: nil, message: "--set \(override): cannot read the value")
        }
        stages[index].params.append(StageParameterEntry(key: key, keyLocation: nil, value: value, override: override))
    }

    func checkGraph() throws {
        var seen: [String: SourceLocation] = [:]
        for s in stages {
            if seen[s.id] != nil {
                throw ConfigError(location: s.location, message: "duplicate stage id `\(s.id)` (first defined at \(seen[s.id]!))")
            }
            seen[s.id] = s.location
        }
        for s in stages {
            for n in s.needs where seen[n] == nil {
                let hint = didYouMean(n, among: stages.map(\.id)).map { "; did you mean `\($0)`?" } ?? ""
                throw ConfigError(location: s.location, message: "stage `\(s.id)` needs `\(n)`, which is not a stage of this pipeline\(hint)")
            }
        }
        // Cycle detection by depth-first search in file order.
        var state: [String: Int] = [:]  // 1 visiting, 2 done
        let byId = Dictionary(uniqueKeysWithValues: stages.map { ($0.id, $0) })
        func visit(_ id: String, _ path: [String]) throws {
            if state[id] == 2 { return }
            if state[id] == 1 {
                let cycle = path[path.firstIndex(of: id)!...] + [id]
                throw ConfigError(location: byId[id]!.location, message: "the stages form a cycle: \(cycle.joined(separator: " → "))")
            }
            state[id] = 1
            for n in byId[id]!.needs { try visit(n, path + [id]) }
            state[id] = 2
        }
        for s in stages { try visit(s.id, []) }
    }

    /// Stage ids in dependency order (upstream first; file order among independent stages).
    public var orderedStageIds: [String] {
        var done = Set<String>()
        var out: [String] = []
        let byId = Dictionary(uniqueKeysWithValues: stages.map { ($0.id, $0) })
        func visit(_ id: String) {
            if done.contains(id) { return }
            done.insert(id)
            for n in byId[id]!.needs { visit(n) }
            out.append(id)
        }
        for s in stages { visit(s.id) }
        return out
    }

    public func stage(_ id: String) -> StageConfig? { stages.first { $0.id == id } }

    /// The encoding of a source (per-source override, else the pipeline default).
    public func encoding(for source: String) -> InputEncoding { sourceEncodings[source] ?? encoding }

    /// Replaces `{month}` in a configured path.
    public static func resolve(_ path: String, month: Month) -> String {
        path.replacingOccurrences(of: "{month}", with: month.description)
    }

    static func checkKeys(_ m: YAMLMapping, allowed: [String], what: String) throws {
        for (key, _) in m.entries where !allowed.contains(key.text) {
            let hint = didYouMean(key.text, among: allowed).map { "; did you mean `\($0)`?" } ?? ""
            let known = allowed.isEmpty ? "it takes none" : "known: \(allowed.joined(separator: ", "))"
            throw ConfigError(location: key.location, message: "unknown key `\(key.text)` in \(what) (\(known))\(hint)")
        }
    }

    static func string(_ node: YAMLNode, _ what: String) throws -> String {
        guard case .scalar(let s) = node else {
            throw ConfigError(location: node.location, message: "\(what) must be a single value")
        }
        if case .null = s.value { throw ConfigError(location: s.location, message: "\(what) is empty") }
        return s.text
    }
}
