import PanoramaConfig

/// `panorama list`: the stage kinds a registry knows, with their parameters, defaults and the
/// tables they write, and a pipeline's stages in the order they run.
public enum StageListing {
    /// The kinds, one block each.
    public static func kinds(_ registry: StageRegistry) -> String {
        var out = "stage kinds:\n"
        for kind in registry.kinds {
            out += "\n  \(kind.name) — \(kind.abstract)\n"
            if kind.parameters.isEmpty {
                out += "    parameters: none\n"
            } else {
                out += "    parameters:\n"
                for p in kind.parameters {
                    out += "      \(p.name): \(p.help) (default: \(p.defaultValue))\n"
                }
            }
            let tables = kind.tables.map(\.name)
            out += "    writes: \(tables.isEmpty ? "no warehouse table" : tables.joined(separator: ", "))\n"
        }
        return out
    }

    /// The stages of a pipeline in dependency order, each with its kind, needs and parameters as set.
    public static func stages(_ config: PipelineConfig) -> String {
        var out = "stages of \(config.file) (pipeline `\(config.name)`), in the order they run:\n"
        for (k, id) in config.orderedStageIds.enumerated() {
            guard let stage = config.stage(id) else { continue }
            var line = "  \(k + 1). \(id)"
            if stage.kind != id { line += " (kind \(stage.kind))" }
            if !stage.needs.isEmpty { line += " ← needs \(stage.needs.joined(separator: ", "))" }
            out += line + "\n"
            var keys: [String] = []
            for p in stage.params where !keys.contains(p.key) { keys.append(p.key) }
            for key in keys {
                out += "       \(key): \(stage.parametersJSON[key]?.serialized(pretty: false) ?? "")\n"
            }
        }
        return out
    }
}
