import PanoramaConfig
import PanoramaCore

/// One parameter a stage kind accepts: what `panorama list` prints and what config validation
/// checks keys against.
public struct StageParameter: Sendable {
    public var name: String
    /// The default as it would be written in a pipeline file (or a sentence when it is computed).
    public var defaultValue: String
    public var help: String

    public init(_ name: String, default defaultValue: String, _ help: String) {
        self.name = name
        self.defaultValue = defaultValue
        self.help = help
    }
}

/// A stage kind: everything the engine needs to validate, run and describe one kind of stage.
/// Each kind lives in its own folder of `PanoramaStages` and is listed once in its registry.
public protocol StageKind {
    /// The kind's settings, parsed and validated from the pipeline file.
    associatedtype Settings: Sendable

    /// The name written as `kind:` (or as the id) in a pipeline file.
    static var name: String { get }
    /// One line for `panorama list`.
    static var abstract: String { get }
    /// The parameters the kind accepts.
    static var parameters: [StageParameter] { get }
    /// The warehouse tables the kind publishes (it may publish no other).
    static var tables: [TableSchema] { get }

    /// Typed, validated settings of one stage of this kind; every error is a `ConfigError` that
    /// points at the offending value (file:line:column, or the `--set` that gave it).
    static func settings(_ stage: StageConfig, in config: PipelineConfig) throws -> Settings

    /// Runs the stage for `io.month`: reads and publishes only through `io`.
    static func run(_ settings: Settings, _ io: StageIO) throws -> StageReport

    /// Invariants that must hold for the kind's published outputs of `io.month` at any size
    /// (checked by `panorama bench`); each a sentence and whether it held.
    static func invariants(_ io: StageIO) throws -> [(String, Bool)]

    /// Whether the kind's outputs are per customer and merge from bucket runs (docs/scale-out.md).
    static var mergesBuckets: Bool { get }

    /// In `panorama merge`: publishes the month's outputs by merging the bucket runs'
    /// (`io.bucketParts`) instead of computing them; called only when `mergesBuckets`.
    static func merge(_ settings: Settings, _ io: StageIO) throws -> StageReport
}

extension StageKind {
    public static func invariants(_ io: StageIO) throws -> [(String, Bool)] { [] }
    public static var mergesBuckets: Bool { false }
    public static func merge(_ settings: Settings, _ io: StageIO) throws -> StageReport {
        throw PanoramaError.runtime("stage kind `\(name)` does not merge bucket runs")
    }
}

/// What a stage reports for its manifest and the stderr summary. The tables it read and published
/// are recorded by its `StageIO`; `inputs` holds what the stage read outside the warehouse.
public struct StageReport {
    /// Deliveries (and other files outside the warehouse) the stage read.
    public var inputs: [LineageEntry] = []
    /// The kind's `ManifestQuality` in manifest form.
    public var quality: JSONValue = .object([])
    public var warnings: [String] = []
    /// One line for stderr (without the stage and month prefix).
    public var summary = ""
    /// A failure that still wrote a manifest (the quality gate): the run stops with this error.
    public var failure: PanoramaError?

    public init() {}
}

/// The stage kinds a pipeline may use, in the order `panorama list` shows them. The product's
/// registry is one array literal in `PanoramaStages`; the engine only ever asks it.
public struct StageRegistry: @unchecked Sendable {
    public let kinds: [any StageKind.Type]

    public init(_ kinds: [any StageKind.Type]) {
        var seen = Set<String>()
        for k in kinds { precondition(seen.insert(k.name).inserted, "stage kind `\(k.name)` is registered twice") }
        self.kinds = kinds
    }

    public var names: [String] { kinds.map { $0.name } }

    /// The kind registered under `name`.
    public func kind(named name: String) -> (any StageKind.Type)? { kinds.first { $0.name == name } }

    /// The kind that declares a table.
    public func producer(of table: String) -> (any StageKind.Type)? {
        kinds.first { $0.tables.contains { $0.name == table } }
    }

    /// Checks every stage of `config` without running anything: a known kind, known parameter
    /// names, and settings that parse (types and ranges). The first problem is thrown.
    public func validate(_ config: PipelineConfig) throws {
        for stage in config.stages {
            guard let kind = kind(named: stage.kind) else {
                let hint = didYouMean(stage.kind, among: names).map { "; did you mean `\($0)`?" } ?? ""
                throw ConfigError(location: stage.kindLocation,
                                  message: "stage `\(stage.id)` has unknown kind `\(MessageText.excerpt(stage.kind))` (known kinds: \(names.joined(separator: ", ")))\(hint)")
            }
            let allowed = kind.parameters.map(\.name)
            for entry in stage.params where !allowed.contains(entry.key) {
                let hint = didYouMean(entry.key, among: allowed).map { "; did you mean `\($0)`?" } ?? ""
                if let override = entry.override {
                    throw ConfigError(location: nil, message: "--set \(MessageText.excerpt(override)): stage kind `\(stage.kind)` has no parameter `\(MessageText.excerpt(entry.key))` (known: \(allowed.isEmpty ? "none" : allowed.joined(separator: ", ")))\(hint)")
                }
                let known = PipelineConfig.stageKeys + allowed
                throw ConfigError(location: entry.keyLocation,
                                  message: "unknown key `\(MessageText.excerpt(entry.key))` in stage `\(stage.id)` (kind \(stage.kind)) (known: \(known.joined(separator: ", ")))\(hint)")
            }
            _ = try kind.settings(stage, in: config)
        }
    }

    /// Parses one stage's settings and runs it.
    func execute(_ stage: StageConfig, _ io: StageIO) throws -> StageReport {
        guard let kind = kind(named: stage.kind) else {
            throw PanoramaError.usage("stage `\(stage.id)` has kind `\(stage.kind)`, which this version does not implement")
        }
        return try StageRegistry.run(kind, io)
    }

    private static func run<K: StageKind>(_ kind: K.Type, _ io: StageIO) throws -> StageReport {
        let settings = try K.settings(io.stage, in: io.config)
        if !io.bucketParts.isEmpty && K.mergesBuckets { return try K.merge(settings, io) }
        return try K.run(settings, io)
    }

    /// The parsed settings of a stage of kind `K` (nil when the stage is of another kind or its
    /// settings do not parse — validation has already reported that).
    func settings<K: StageKind>(_ kind: K.Type, of stage: StageConfig, in config: PipelineConfig) -> K.Settings? {
        guard stage.kind == K.name else { return nil }
        return try? K.settings(stage, in: config)
    }

    /// The invariants of a stage's published outputs.
    func invariants(_ stage: StageConfig, _ io: StageIO) throws -> [(String, Bool)] {
        guard let kind = kind(named: stage.kind) else { return [] }
        return try kind.invariants(io)
    }
}
