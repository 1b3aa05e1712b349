import PanoramaConfig
import PanoramaCore

/// Whether a stage's outputs for a month are current: made by this program, with today's
/// parameters, from inputs whose checksums are today's (SPEC §8 `plan`; `run` skips such a stage).
public struct Freshness: Sendable {
    public enum State: String, Sendable {
        /// Made from today's inputs, parameters and program: `run` skips it.
        case current
        /// Something it was made from changed (the reason says what).
        case stale
        /// Never published for the month.
        case missing
        /// The last run of the stage failed (the quality gate).
        case failed
        /// A publish of the stage was interrupted; the next `run` or `plan` completes or undoes it.
        case publishing
    }

    public var state: State
    /// One sentence: what changed, or which run made the current outputs.
    public var reason: String
    /// The stage's manifest for the month, when there is one.
    public var manifest: StageManifest?
}

extension Warehouse {
    /// The freshness of a stage's outputs for a month in this warehouse (a sandbox's own outputs
    /// only; the inputs it records may lie in the configured warehouse).
    public func freshness(of stage: StageConfig, month: Month, config: PipelineConfig) -> Freshness {
        if publishPending(month, stage: stage.id) {
            return Freshness(state: .publishing, reason: "its publish was interrupted; the next `panorama run` or `panorama plan` completes or undoes it")
        }
        guard let manifest = manifest(month, stage: stage.id) else {
            return Freshness(state: .missing, reason: "no manifest for \(month)")
        }
        func stale(_ reason: String) -> Freshness { Freshness(state: .stale, reason: reason, manifest: manifest) }
        if manifest.status != .ok {
            return Freshness(state: .failed, reason: manifest.error ?? "the last run of this stage failed", manifest: manifest)
        }
        if let change = StageFingerprint(stage, in: config).difference(from: manifest.fingerprint, stage: stage.id) {
            return stale(change)
        }
        for input in manifest.inputs {
            guard let sha = sha256(ofFileAt: input.path) else { return stale("input \(input.path) is gone since run \(manifest.runId)") }
            if sha != input.sha256 { return stale("input \(input.path) changed since run \(manifest.runId)") }
        }
        for absent in manifest.missingInputs {
            let appeared = absent.kind == .table ? hasPartition(absent.name, absent.month) : FileIO.exists(absent.path)
            if appeared { return stale("input \(absent.path), missing at run \(manifest.runId), now exists") }
        }
        for output in manifest.outputs where sha256(ofFileAt: output.path) != output.sha256 {
            return stale("output \(output.path) was modified or removed")
        }
        return Freshness(state: .current, reason: "run \(manifest.runId) at \(manifest.finished)", manifest: manifest)
    }
}

extension Warehouse {
    /// Hashes, on all cores, every file the manifests of `stages` × `months` list (inputs and
    /// outputs), so that the freshness checks that follow find their digests cached: a night with
    /// nothing new is then bounded by reading the files once in parallel.
    func prefetchDigests(stages: [String], months: [Month]) {
        var paths: [String] = []
        var seen = Set<String>()
        for month in months {
            for id in stages {
                guard let m = manifest(month, stage: id) else { continue }
                for e in m.inputs + m.outputs where seen.insert(e.path).inserted { paths.append(e.path) }
            }
        }
        _ = try? parallelMap(paths.count) { sha256(ofFileAt: paths[$0]) }
    }
}
