import Foundation
import PanoramaCore

/// How the run month is chosen when the command line does not name one.
public enum MonthSetting: Sendable, Equatable {
    /// The calendar month before today's (the nightly default).
    case previous
    case fixed(Month)
}

/// One stage of the pipeline: its id, kind, upstream ids and its kind-specific parameters.
public struct StageConfig: Sendable {
    public var id: String
    public var kind: String
    public var needs: [String]
    /// Kind-specific keys in file order (id, kind and needs excluded).
    public var params: [(key: String, value: YAMLNode)]
    public var location: SourceLocation

    /// The node of a parameter, if set.
    public func param(_ key: String) -> YAMLNode? { params.last { $0.key == key }?.value }
}

/// A pipeline file (SPEC §7), validated: known keys, known kinds, a DAG of needs.
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
    static let stageKeys = ["id", "kind", "needs"]
    public static let sources = ["customers", "usage", "surveys", "complaints"]

    /// Parameters each stage kind accepts (SPEC §7 and docs/configuration.md).
    public static let kindKeys: [String: [String]] = [
        "ingest": [],
        "cleanse": ["max_reject_rate"],
        "customer360": ["high_value_arpu", "tiers", "thresholds", "weights", "risk_levels"],
        "kpi": ["arrow_colors", "targets", "thresholds", "min_base", "retention_snapshot"],
        "drivers": ["window_months", "min_n", "drivers", "segment_by"],
        "report": ["lang", "arrow_colors", "history_months"],
    ]

    /// Kinds in the order the docs list them.
    public static var knownKinds: [String] { ["ingest", "cleanse", "customer360", "kpi", "drivers", "report"].filter { kindKeys[$0] != nil } }

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
        guard let allowed = kindKeys[kind] else {
            let hint = didYouMean(kind, among: knownKinds).map { "; did you mean `\($0)`?" } ?? ""
            throw ConfigError(location: kindLocation, message: "stage `\(id)` has unknown kind `\(kind)` (known kinds: \(knownKinds.joined(separator: ", ")))\(hint)")
        }
        try checkKeys(m, allowed: stageKeys + allowed, what: "stage `\(id)` (kind \(kind))")
        var needs: [String] = []
        if let n = m.value(for: "needs") {
            switch n {
            case .sequence(let s): needs = try s.items.map { try string($0, "needs") }
            case .scalar: needs = [try string(n, "needs")]
            default: throw ConfigError(location: n.location, message: "needs must be a list of stage ids")
            }
        }
        let params = m.entries.filter { !stageKeys.contains($0.key.text) }.map { (key: $0.key.text, value: $0.value) }
        return StageConfig(id: id, kind: kind, needs: needs, params: params, location: node.location)
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
        let allowed = PipelineConfig.kindKeys[stages[index].kind] ?? []
        guard allowed.contains(key) else {
            let hint = didYouMean(key, among: allowed).map { "; did you mean `\($0)`?" } ?? ""
            throw ConfigError(location: nil, message: "--set \(override): stage kind `\(stages[index].kind)` has no parameter `\(key)` (known: \(allowed.joined(separator: ", ")))\(hint)")
        }
        let parsed = try YAML.parse("value: " + valueText, file: "--set \(stageId).\(key)")
        guard case .mapping(let m) = parsed, let value = m.value(for: "value") else {
            throw ConfigError(location: nil, message: "--set \(override): cannot read the value")
        }
        stages[index].params.append((key: key, value: value))
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
