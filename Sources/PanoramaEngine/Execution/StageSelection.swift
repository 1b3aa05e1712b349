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

    /// Selected stage ids in dependency order.
    public func resolve(_ config: PipelineConfig) throws -> [String] {
        let ids = config.orderedStageIds
        func check(_ id: String, _ option: String) throws {
            if !ids.contains(id) {
                let hint = didYouMean(id, among: ids).map { "; did you mean `\($0)`?" } ?? ""
                throw PanoramaError.usage("\(option) \(id): no such stage in \(config.file) (stages: \(ids.joined(separator: ", ")))\(hint)")
            }
        }
        var selected = Set(ids)
        if !stages.isEmpty {
            for s in stages { try check(s, "--stage") }
            selected.formIntersection(stages)
        }
        if let from {
            try check(from, "--from")
            var down: Set<String> = [from]
            var changed = true
            while changed {
                changed = false
                for s in config.stages where !down.contains(s.id) && s.needs.contains(where: down.contains) {
                    down.insert(s.id)
                    changed = true
                }
            }
            selected.formIntersection(down)
        }
        if let until {
            try check(until, "--until")
            var up: Set<String> = [until]
            var queue = [until]
            while let id = queue.popLast() {
                for n in config.stage(id)?.needs ?? [] where up.insert(n).inserted { queue.append(n) }
            }
            selected.formIntersection(up)
        }
        return ids.filter(selected.contains)
    }
}
