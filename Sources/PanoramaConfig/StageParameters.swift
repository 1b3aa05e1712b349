import PanoramaCore

/// Typed reads of a stage's parameters, with file:line:column errors.
extension StageConfig {
    /// A number parameter (integers accepted), or `defaultValue` when unset.
    public func double(_ key: String, default defaultValue: Double) throws -> Double {
        guard let node = param(key) else { return defaultValue }
        return try StageConfig.number(node, "\(id).\(key)")
    }

    /// An integer parameter.
    public func int(_ key: String, default defaultValue: Int) throws -> Int {
        guard let node = param(key) else { return defaultValue }
        guard case .scalar(let s) = node, case .int(let v) = s.value else {
            throw ConfigError(location: node.location, message: "\(id).\(key) must be an integer")
        }
        return v
    }

    /// A text parameter restricted to `allowed` values.
    public func choice(_ key: String, _ allowed: [String], default defaultValue: String) throws -> String {
        guard let node = param(key) else { return defaultValue }
        guard case .scalar(let s) = node, allowed.contains(s.text) else {
            throw ConfigError(location: node.location, message: "\(id).\(key) must be one of \(allowed.joined(separator: ", "))")
        }
        return s.text
    }

    /// A list of strings (a single scalar is a one-element list).
    public func strings(_ key: String, default defaultValue: [String]) throws -> [String] {
        guard let node = param(key) else { return defaultValue }
        switch node {
        case .sequence(let seq):
            return try seq.items.map { item in
                guard case .scalar(let s) = item else { throw ConfigError(location: item.location, message: "\(id).\(key) must list plain values") }
                return s.text
            }
        case .scalar(let s): return [s.text]
        case .mapping: throw ConfigError(location: node.location, message: "\(id).\(key) must be a list")
        }
    }

    /// A mapping of names to numbers, each name checked against `allowed` (nil = any).
    public func numberMap(_ key: String, allowed: [String]?) throws -> [(String, Double)] {
        guard let node = param(key) else { return [] }
        guard case .mapping(let m) = node else { throw ConfigError(location: node.location, message: "\(id).\(key) must be a mapping like {name: 1.5}") }
        var out: [(String, Double)] = []
        for (k, v) in m.entries {
            if let allowed, !allowed.contains(k.text) {
                let hint = didYouMean(k.text, among: allowed).map { "; did you mean `\($0)`?" } ?? ""
                throw ConfigError(location: k.location, message: "unknown key `\(MessageText.excerpt(k.text))` in \(id).\(key) (known: \(allowed.joined(separator: ", ")))\(hint)")
            }
            out.append((k.text, try StageConfig.number(v, "\(id).\(key).\(k.text)")))
        }
        return out
    }

    static func number(_ node: YAMLNode, _ what: String) throws -> Double {
        guard case .scalar(let s) = node else { throw ConfigError(location: node.location, message: "\(what) must be a number") }
        switch s.value {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: throw ConfigError(location: node.location, message: "\(what) must be a number, not `\(MessageText.excerpt(s.text))`")
        }
    }

    /// Parameters as JSON for manifests: file order, each key once with its effective value
    /// (a `--set` override replaces the file's value in place).
    public var parametersJSON: JSONValue {
        var keys: [String] = []
        for p in params where !keys.contains(p.key) { keys.append(p.key) }
        return .object(keys.map { key in (key, StageConfig.json(param(key)!)) })
    }

    static func json(_ node: YAMLNode) -> JSONValue {
        switch node {
        case .scalar(let s):
            switch s.value {
            case .null: return .null
            case .bool(let b): return .bool(b)
            case .int(let i): return .int(i)
            case .double(let d): return .double(d)
            case .string(let t): return .string(t)
            }
        case .sequence(let seq): return .array(seq.items.map(json))
        case .mapping(let m): return .object(m.entries.map { ($0.key.text, json($0.value)) })
        }
    }
}

extension ConfigError {
    /// A config error at a location (nil when not tied to a position).
    public init(location: SourceLocation?, message: String) {
        self.init(message, at: location)
    }
}
