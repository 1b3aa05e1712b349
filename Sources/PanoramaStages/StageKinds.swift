import PanoramaConfig
import PanoramaEngine

/// The stage kinds Panorama ships, in the order `panorama list` and the docs show them. A new kind
/// is a folder beside these and one line here.
public enum StageKinds {
    public static let registry = StageRegistry([
        IngestStage.self,
        CleanseStage.self,
        Customer360Stage.self,
        KPIStage.self,
        DriversStage.self,
        OutcomesStage.self,
        ReportStage.self,
    ])
}

extension StageKinds {
    /// Loads a pipeline file (with `--set` overrides) and validates every stage against the
    /// registry, without running anything: what `validate` checks and `run` checks first.
    public static func loadPipeline(path: String, overrides: [String] = []) throws -> PipelineConfig {
        let config = try PipelineConfig.load(path: path, overrides: overrides)
        try registry.validate(config)
        return config
    }

    /// Parses and validates pipeline text (`file` names it in errors).
    public static func parsePipeline(text: String, file: String, overrides: [String] = []) throws -> PipelineConfig {
        let config = try PipelineConfig.parse(text: text, file: file, overrides: overrides)
        try registry.validate(config)
        return config
    }
}
