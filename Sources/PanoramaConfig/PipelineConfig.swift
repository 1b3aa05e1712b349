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
    /// The largest delivery a stage reads (`max_delivery_size`, default 8 GiB): a larger file is
    /// refused with exit 3 before it is read.
    public var maxDeliveryBytes: Int = PipelineConfig.defaultMaxDeliveryBytes
    /// The stages in file order; ids are unique once the config is validated.
    public var stages: [StageConfig] {
        didSet { stageIndex = PipelineConfig.index(stages) }
    }
    /// Position in `stages` of each id (its first occurrence), so `stage(_:)` is a lookup.
    private var stageIndex: [String: Int] = [:]

    static let topKeys = ["name", "province", "month", "encoding", "paths", "max_delivery_size", "stages"]
    /// 8 GiB.
    public static let defaultMaxDeliveryBytes = 8 << 30
    static let pathKeys = ["input", "warehouse", "reports"]
    /// The keys every stage takes, whatever its kind.
    public static let stageKeys = ["id", "kind", "needs"]
    /// The delivery stems `encoding:` may name (SPEC §2; `contacts` is the optional §2.5 file).
    public static let sources = ["customers", "usage", "surveys", "complaints", "contacts"]

    /// The largest pipeline file `load` reads: a pipeline lists stages and parameters, never data.
    public static let maxFileBytes = 1 << 20
    /// Longest stage id; ids name manifest files and warehouse folders.
    public static let maxStageIdLength = 64
    /// The stage id rule as written in messages and docs.
    public static let stageIdRule = "[a-z0-9_-]{1,64}"

    /// Loads and validates a pipeline file, applying `--set stage.key=value` overrides.
    public static func load(path: String, overrides: [String] = []) throws -> PipelineConfig {
        let data = try readFile(path)
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(location: nil, message: "\(path) is not UTF-8 text")
        }
        return try parse(text: text, file: path, overrides: overrides)
    }

    /// The bytes of a pipeline file, refusing one over `maxFileBytes` before reading it whole
    /// (its size is checked first, and the read stops one byte past the limit in case the size
    /// was not known, e.g. for a pipe, or the file grew meanwhile).
    static func readFile(_ path: String) throws -> Data {
        let why = "a pipeline file lists stages and parameters, not data"
        if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size > maxFileBytes {
            throw ConfigError(location: nil, message: "pipeline file \(path) is \(size) bytes, over the 1 MiB limit (\(maxFileBytes) bytes); \(why)")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ConfigError(location: nil, message: "cannot read pipeline file \(path)")
        }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: maxFileBytes + 1) ?? Data()
        } catch {
            throw ConfigError(location: nil, message: "cannot read pipeline file \(path)")
        }
        if data.count > maxFileBytes {
            throw ConfigError(location: nil, message: "pipeline file \(path) is over the 1 MiB limit (reading stopped after \(maxFileBytes) bytes); \(why)")
        }
        return data
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
            else { throw ConfigError(location: m.location, message: "month must be `previous` or YYYY-MM, not `\(MessageText.excerpt(text))`") }
        }
        if let e = top.value(for: "encoding") { try config.readEncoding(e) }
        if let m = top.value(for: "max_delivery_size") { config.maxDeliveryBytes = try byteSize(m, "max_delivery_size") }
        if let p = top.value(for: "paths") {
            guard case .mapping(let paths) = p else { throw ConfigError(location: p.location, message: "paths must be a mapping {input, warehouse, reports}") }
            try checkKeys(paths, allowed: pathKeys, what: "paths")
            if let v = paths.value(for: "input") { config.inputPath = try string(v, "paths.input") }
            if let v = paths.value(for: "warehouse") { config.warehousePath = try string(v, "paths.warehouse") }
            if let v = paths.value(for: "reports") { config.reportsPath = try string(v, "paths.reports") }
        }
        guard let (stagesKey, stagesNode) = top.entry(for: "stages") else {
            throw ConfigError(location: root.location, message: "the pipeline has no `stages:` list")
        }
        if case .scalar(let s) = stagesNode, s.isNull {
            throw ConfigError(location: stagesKey.location, message: "`stages:` is empty; list at least one stage, e.g. `- {id: ingest}`")
        }
        guard case .sequence(let seq) = stagesNode else {
            throw ConfigError(location: stagesNode.location, message: "stages must be a list of {id: …, needs: […]} mappings")
        }
        if seq.items.isEmpty {
            throw ConfigError(location: stagesNode.location, message: "the `stages:` list is empty; list at least one stage, e.g. `- {id: ingest}`")
        }
        // Assigned once: each assignment to `stages` rebuilds the id index.
        config.stages = try seq.items.map { try stage($0) }
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
            throw ConfigError(location: node.location, message: "encoding must be utf-8 or gb18030, not `\(MessageText.excerpt(text))`")
        }
        return e
    }

    /// A size in bytes: an integer, or a number with `KiB`, `MiB`, `GiB` or `TiB` (`8GiB`, `512 MiB`).
    static func byteSize(_ node: YAMLNode, _ what: String) throws -> Int {
        let problem = ConfigError(location: node.location, message: "\(what) must be a size such as 8GiB, 512MiB or a number of bytes, not `\(MessageText.excerpt(node.scalar?.text ?? node.kindName))`")
        guard case .scalar(let s) = node else { throw problem }
        var bytes: Double
        switch s.value {
        case .int(let n): bytes = Double(n)
        case .double(let d): bytes = d
        default:
            let text = s.text.trimmingCharacters(in: .whitespaces)
            let units: [(String, Double)] = [("TiB", 1_099_511_627_776), ("GiB", 1_073_741_824), ("MiB", 1_048_576), ("KiB", 1024)]
            guard let (suffix, factor) = units.first(where: { text.hasSuffix($0.0) }),
                  let number = Double(text.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)) else { throw problem }
            bytes = number * factor
        }
        guard bytes >= 1, bytes < 9.0e18, bytes == bytes.rounded() else { throw problem }
        return Int(bytes)
    }

    static func stage(_ node: YAMLNode) throws -> StageConfig {
        guard case .mapping(let m) = node else {
            throw ConfigError(location: node.location, message: "a stage must be a mapping like {id: cleanse, needs: [ingest]}")
        }
        guard let idNode = m.value(for: "id") else { throw ConfigError(location: node.location, message: "a stage has no `id`") }
        let id = try string(idNode, "id")
        if !isValidStageId(id) {
            throw ConfigError(location: idNode.location, message: "stage id `\(shown(id))` is not allowed; \(stageIdRuleText)")
        }
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
            let items = n.sequence?.items ?? [n]
            for (need, item) in zip(needs, items) where !isValidStageId(need) {
                throw ConfigError(location: item.location, message: "stage `\(id)` needs `\(shown(need))`, which is not an allowed stage id; \(stageIdRuleText)")
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
            throw ConfigError(location: nil, message: "--set expects stage.key=value, got `\(MessageText.excerpt(override))`")
        }
        let stageId = String(override[..<dot])
        let key = String(override[override.index(after: dot)..<eq])
        let valueText = String(override[override.index(after: eq)...])
        if !PipelineConfig.isValidStageId(stageId) {
            throw ConfigError(location: nil, message: "--set \(PipelineConfig.shown(override)): `\(PipelineConfig.shown(stageId))` is not an allowed stage id; \(PipelineConfig.stageIdRuleText)")
        }
        guard let index = stageIndex[stageId] else {
            let hint = didYouMean(stageId, among: stages.map(\.id)).map { "; did you mean `\($0)`?" } ?? ""
            throw ConfigError(location: nil, message: "--set \(MessageText.excerpt(override)): no stage `\(MessageText.excerpt(stageId))` in \(file)\(hint)")
        }
        guard !key.isEmpty, !PipelineConfig.stageKeys.contains(key) else {
            throw ConfigError(location: nil, message: "--set \(MessageText.excerpt(override)): `\(MessageText.excerpt(key))` is not a parameter that can be set (id, kind and needs are fixed by the pipeline file)")
        }
        let prefix = "value: "
        let parsed: YAMLNode
        do {
            parsed = try YAML.parse(prefix + valueText, file: "--set \(stageId).\(key)", uncountedLevels: 1)
        } catch {
            // Point at the column in the value as typed, not in the text handed to the parser.
            var located = error
            if var l = error.location, l.line == 1 {
                l.column = max(1, l.column - prefix.count)
                located.location = l
            }
            throw located
        }
        guard case .mapping(let m) = parsed, let value = m.value(for: "value") else {
            throw ConfigError(location: nil, message: "--set \(override): cannot read the value")
        }
        stages[index].params.append(StageParameterEntry(key: key, keyLocation: nil, value: value, override: override))
    }

    /// Duplicate ids, `needs` naming no stage, and cycles; linear in stages plus needs.
    func checkGraph() throws {
        var seen: [String: SourceLocation] = [:]
        for s in stages {
            if let first = seen[s.id] {
                throw ConfigError(location: s.location, message: "duplicate stage id `\(s.id)` (first defined at \(first))")
            }
            seen[s.id] = s.location
        }
        for s in stages {
            for n in s.needs where seen[n] == nil {
                let hint = didYouMean(n, among: stages.map(\.id)).map { "; did you mean `\($0)`?" } ?? ""
                throw ConfigError(location: s.location, message: "stage `\(s.id)` needs `\(n)`, which is not a stage of this pipeline\(hint)")
            }
        }
        // Depth-first search in file order with an explicit stack (a chain of thousands of
        // stages must not exhaust the call stack). `path` holds the stages being visited, so
        // meeting one of them again closes a cycle, which is reported from that stage on.
        let needs = needIndices()
        var state = [UInt8](repeating: 0, count: stages.count)  // 0 new, 1 on the path, 2 done
        var path: [(stage: Int, next: Int)] = []
        var pathPosition = [Int](repeating: -1, count: stages.count)
        for root in stages.indices where state[root] == 0 {
            state[root] = 1
            pathPosition[root] = 0
            path.append((root, 0))
            while let (current, next) = path.last {
                if next == needs[current].count {
                    state[current] = 2
                    pathPosition[current] = -1
                    path.removeLast()
                    continue
                }
                path[path.count - 1].next += 1
                let n = needs[current][next]
                if state[n] == 1 {
                    let cycle = path[pathPosition[n]...].map { stages[$0.stage].id } + [stages[n].id]
                    throw ConfigError(location: stages[n].location, message: "the stages form a cycle: \(cycle.joined(separator: " → "))")
                }
                if state[n] == 0 {
                    state[n] = 1
                    pathPosition[n] = path.count
                    path.append((n, 0))
                }
            }
        }
    }

    /// For each stage, the positions in `stages` of the stages it needs (unknown ids skipped).
    private func needIndices() -> [[Int]] {
        stages.map { s in s.needs.compactMap { stageIndex[$0] } }
    }

    /// Stage ids in dependency order (upstream first; file order among independent stages).
    public var orderedStageIds: [String] {
        // Post-order depth-first search in file order, with an explicit stack.
        let needs = needIndices()
        var done = [Bool](repeating: false, count: stages.count)
        var out: [String] = []
        out.reserveCapacity(stages.count)
        var stack: [(stage: Int, next: Int)] = []
        for root in stages.indices where !done[root] {
            done[root] = true
            stack.append((root, 0))
            while let (current, next) = stack.last {
                if next == needs[current].count {
                    out.append(stages[current].id)
                    stack.removeLast()
                    continue
                }
                stack[stack.count - 1].next += 1
                let n = needs[current][next]
                if !done[n] {
                    done[n] = true
                    stack.append((n, 0))
                }
            }
        }
        return out
    }

    /// The stage with this id (the first one if ids repeat), found through an index.
    public func stage(_ id: String) -> StageConfig? { stageIndex[id].map { stages[$0] } }

    static func index(_ stages: [StageConfig]) -> [String: Int] {
        var index: [String: Int] = [:]
        index.reserveCapacity(stages.count)
        for (i, s) in stages.enumerated() where index[s.id] == nil { index[s.id] = i }
        return index
    }

    /// Whether `id` follows the stage id rule `[a-z0-9_-]{1,64}`.
    public static func isValidStageId(_ id: String) -> Bool {
        let bytes = id.utf8
        guard !bytes.isEmpty, bytes.count <= maxStageIdLength else { return false }
        return bytes.allSatisfy { b in
            (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9"))
                || b == UInt8(ascii: "_") || b == UInt8(ascii: "-")
        }
    }

    static let stageIdRuleText =
        "stage ids must match \(stageIdRule): 1 to \(maxStageIdLength) lowercase letters, digits, `_` or `-` (they name manifest files in the warehouse)"

    /// Text for a message, cut after 64 characters so a hostile value cannot flood the terminal.
    static func shown(_ text: String) -> String {
        text.count <= 64 ? MessageText.excerpt(text) : MessageText.excerpt(text, limit: 64) + " (\(text.count) characters)"
    }

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
            throw ConfigError(location: key.location, message: "unknown key `\(MessageText.excerpt(key.text))` in \(what) (\(known))\(hint)")
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
