import PanoramaConfig
import PanoramaCore
import Testing
@testable import PanoramaEngine

/// The error `resolve` throws, or nil.
private func selectionError(_ selection: StageSelection, _ config: PipelineConfig) -> PanoramaError? {
    do {
        _ = try selection.resolve(config)
        return nil
    } catch {
        return error as? PanoramaError
    }
}

private let explanation = "no stage is in all of them (--stage takes the named stages, --from a stage and everything downstream of it, --until a stage and everything upstream of it)"

@Suite("Stage selection: empty selections and long pipelines", .timeLimit(.minutes(3)))
struct StageSelectionLimitsTests {
    let config = try! PipelineConfig.parse(text: """
        name: t
        stages:
          - {id: ingest}
          - {id: cleanse, needs: [ingest]}
          - {id: cleanse2, kind: cleanse, needs: [cleanse]}
          - {id: side, kind: cleanse, needs: [ingest]}
        """, file: "t.yaml")

    @Test("options that together select no stage are a usage error naming them")
    func emptySelection() throws {
        let fromAfterUntil = try #require(selectionError(StageSelection(from: "cleanse2", until: "ingest"), config))
        #expect(fromAfterUntil.exitCode == .usage)
        #expect(fromAfterUntil.message == "--from cleanse2 --until ingest select no stage: \(explanation)")
        let sideBranch = try #require(selectionError(StageSelection(stages: ["side"], from: "cleanse"), config))
        #expect(sideBranch.exitCode == .usage)
        #expect(sideBranch.message == "--stage side --from cleanse select no stage: \(explanation)")
        #expect(try StageSelection(stages: ["side"], until: "side").resolve(config) == ["side"])
    }

    // Measured: about 2 s in a debug build, most of it parsing the chain; the selections take well
    // under a second. Before, `--from` went over every stage once per stage it added and `--until`
    // searched the stage list for each upstream stage: over 5 minutes here.
    @Test("--from and --until on a 50,000-stage chain select the right halves")
    func longChain() throws {
        let n = 50_000
        // Listed last stage first, the order in which each stage's upstream is furthest away.
        var lines = ["stages:"]
        for i in stride(from: n - 1, through: 1, by: -1) { lines.append("  - {id: s\(i), kind: cleanse, needs: [s\(i - 1)]}") }
        lines.append("  - {id: s0, kind: ingest}")
        let chain = try PipelineConfig.parse(text: lines.joined(separator: "\n"), file: "chain.yaml")
        #expect(try StageSelection(from: "s25000").resolve(chain) == (25_000..<n).map { "s\($0)" })
        #expect(try StageSelection(until: "s24999").resolve(chain) == (0..<25_000).map { "s\($0)" })
        #expect(try StageSelection(from: "s10", until: "s20").resolve(chain) == (10...20).map { "s\($0)" })
        #expect(selectionError(StageSelection(from: "s49999", until: "s0"), chain)?.exitCode == .usage)
    }
}
