import PanoramaConfig
import PanoramaCore

/// `--stage`, `--from`, `--until` (SPEC §8): each given option narrows the set; `--from` adds
/// everything downstream of its stage, `--until` everything upstream.
public struct StageSelection: Sendable {
    public var stages: [String] = []
    public var from: String?
    public var until: String?

    public init(stages: [String] = [], from: String? = nil, until: String? = nil) {
        self.stages = stages
        self.from = from
        self.until = until
    }

    /// Selected stage ids in dependency order; linear in stages plus needs. Throws a usage error
    /// for an unknown stage id and when the options together select no stage.
    public func resolve(_ config: PipelineConfig) throws -> [String] {
        let ids = config.orderedStageIds
        let known = Set(ids)
        func check(_ id: String, _ option: String) throws {
            if !known.contains(id) {
                let hint = didYouMean(id, among: ids).map { "; did you mean `\($0)`?" } ?? ""
                throw PanoramaError.usage("\(option) \(id): no such stage in \(config.file) (stages: \(ids.joined(separator: ", ")))\(hint)")
            }
        }
        var selected = known
        if !stages.isEmpty {
            for s in stages { try check(s, "--stage") }
            selected.formIntersection(stages)
        }
        if let from {
            try check(from, "--from")
            var downstream: [String: [String]] = [:]
            for s in config.stages {
                for n in s.needs { downstream[n, default: []].append(s.id) }
            }
            selected.formIntersection(Self.reach(from) { downstream[$0] ?? [] })
        }
        if let until {
            try check(until, "--until")
            selected.formIntersection(Self.reach(until) { config.stage($0)?.needs ?? [] })
        }
        let out = ids.filter(selected.contains)
        if out.isEmpty {
            throw PanoramaError.usage(
                "\(describe()) select no stage: no stage is in all of them (--stage takes the named stages, "
                    + "--from a stage and everything downstream of it, --until a stage and everything upstream of it)")
        }
        return out
    }

    /// `start` and every id reachable from it through `next`, each visited once.
    static func reach(_ start: String, _ next: (String) -> [String]) -> Set<String> {
        var seen: Set<String> = [start]
        var queue = [start]
        while let id = queue.popLast() {
            for n in next(id) where seen.insert(n).inserted { queue.append(n) }
        }
        return seen
    }

    /// The given options as typed, e.g. `--from report --until ingest`.
    func describe() -> String {
        var parts = stages.map { "--stage \($0)" }
        if let from { parts.append("--from \(from)") }
        if let until { parts.append("--until \(until)") }
        return parts.joined(separator: " ")
    }
}
