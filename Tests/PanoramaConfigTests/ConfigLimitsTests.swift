import Foundation
import Testing
@testable import PanoramaConfig

/// The error `PipelineConfig.parse` throws for `text`, as printed (`file:line:column: message`).
private func configError(_ text: String, overrides: [String] = []) -> String {
    do {
        _ = try PipelineConfig.parse(text: text, file: "p.yaml", overrides: overrides)
        return "no error"
    } catch {
        return "\(error)"
    }
}

private let idRule = "stage ids must match [a-z0-9_-]{1,64}: 1 to 64 lowercase letters, digits, `_` or `-`"

@Suite("Stage ids follow [a-z0-9_-]{1,64} wherever they are written")
struct StageIdRuleTests {
    @Test("an id that is a path is refused at its position, naming the rule")
    func pathId() {
        #expect(configError("stages:\n  - {id: ../../x}\n")
            == "p.yaml:2:10: stage id `../../x` is not allowed; \(idRule) (they name manifest files in the warehouse)")
        #expect(configError("stages:\n  - id: a/b\n    kind: ingest\n").hasPrefix("p.yaml:2:9: stage id `a/b` is not allowed; \(idRule)"))
    }

    @Test("upper case, other scripts, empty and over-long ids are refused; 64 characters are accepted")
    func characterSetAndLength() throws {
        #expect(configError("stages:\n  - {id: Ingest}\n").hasPrefix("p.yaml:2:10: stage id `Ingest` is not allowed"))
        #expect(configError("stages:\n  - {id: 北京, kind: ingest}\n").hasPrefix("p.yaml:2:10: stage id `北京` is not allowed"))
        #expect(configError("stages:\n  - {id: '', kind: ingest}\n").hasPrefix("p.yaml:2:10: stage id `` is not allowed"))
        #expect(configError("stages:\n  - {id: 'a b', kind: ingest}\n").hasPrefix("p.yaml:2:10: stage id `a b` is not allowed"))
        let longest = String(repeating: "a", count: 63) + "_"
        let c = try PipelineConfig.parse(text: "stages:\n  - {id: \(longest), kind: ingest}\n  - {id: clean-2, kind: cleanse, needs: [\(longest)]}\n", file: "p.yaml")
        #expect(c.orderedStageIds == [longest, "clean-2"])
        #expect(configError("stages:\n  - {id: \(longest)x, kind: ingest}\n").hasPrefix("p.yaml:2:10: stage id `\(longest)… (65 characters)` is not allowed"))
    }

    @Test("a very long id is shown cut to 64 characters with its length")
    func longIdShownShort() {
        let id = String(repeating: "A", count: 70_000)
        #expect(configError("stages:\n  - {id: \(id), kind: ingest}\n")
            .hasPrefix("p.yaml:2:10: stage id `\(String(repeating: "A", count: 64))… (70000 characters)` is not allowed"))
    }

    @Test("each needs entry is checked at its own position, in list and single-value form")
    func needsEntries() {
        #expect(configError("stages:\n  - {id: ingest}\n  - {id: cleanse, needs: [ingest, ../x]}\n")
            .hasPrefix("p.yaml:3:35: stage `cleanse` needs `../x`, which is not an allowed stage id; \(idRule)"))
        #expect(configError("stages:\n  - {id: ingest}\n  - {id: cleanse, needs: ../x}\n")
            .hasPrefix("p.yaml:3:26: stage `cleanse` needs `../x`, which is not an allowed stage id; \(idRule)"))
    }

    @Test("a --set stage name outside the rule is an error, not a crash or a slow search")
    func setStageName() {
        let text = "stages:\n  - {id: ingest}\n  - {id: cleanse, needs: [ingest]}\n"
        #expect(configError(text, overrides: ["Cleanse.max_reject_rate=0.1"])
            == "--set Cleanse.max_reject_rate=0.1: `Cleanse` is not an allowed stage id; \(idRule) (they name manifest files in the warehouse)")
        #expect(configError(text, overrides: ["../x.max_reject_rate=0.1"]).hasPrefix("--set ../x.max_reject_rate=0.1: `` is not an allowed stage id"))
        let huge = String(repeating: "x", count: 70_000) + "!.max_reject_rate=1"
        #expect(configError(text, overrides: [huge]).contains("(70001 characters)` is not an allowed stage id"))
    }

    @Test("pipelines/nightly.yaml follows the rule and still validates")
    func nightly() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let c = try PipelineConfig.load(path: root.appendingPathComponent("pipelines/nightly.yaml").path)
        #expect(c.orderedStageIds == ["ingest", "cleanse", "customer360", "kpi", "drivers", "outcomes", "churn", "report"])
        #expect(c.stages.allSatisfy { PipelineConfig.isValidStageId($0.id) })
    }
}

/// Documents nested `levels` deep in one form; the 65th collection's position is what errors name.
enum Nesting: String, CaseIterable, Sendable {
    case blockMapping, blockSequence, flowSequence, flowMapping, flowPair, mixed

    func text(levels n: Int) -> String {
        switch self {
        case .blockMapping:
            // Each level indents one more space, so the text grows with the square of the depth.
            return (0..<n).map { String(repeating: " ", count: $0) + "a:\n" }.joined()
        case .blockSequence:
            return String(repeating: "- ", count: n) + "x\n"
        case .flowSequence:
            return String(repeating: "[", count: n) + String(repeating: "]", count: n) + "\n"
        case .flowMapping:
            return String(repeating: "{a: ", count: n) + "1" + String(repeating: "}", count: n) + "\n"
        case .flowPair:
            // `[a: [a: …]]`: a sequence holding a one-pair mapping, two levels per `[a: `.
            return String(repeating: "[a: ", count: n / 2) + "1" + String(repeating: "]", count: n / 2) + "\n"
        case .mixed:
            // 10 block mappings, 20 block sequences, then flow mappings and sequences alternating.
            let mappings = (0..<10).map { String(repeating: " ", count: $0) + "k\($0):\n" }.joined()
            let flow = n - 30
            return mappings + String(repeating: " ", count: 10) + String(repeating: "- ", count: 20)
                + String(repeating: "{a: [", count: flow / 2) + "x" + String(repeating: "]}", count: flow / 2) + "\n"
        }
    }

    /// `line:column` and kind of the 65th collection.
    var tooDeep: (at: String, kind: String) {
        switch self {
        case .blockMapping: return ("65:65", "mapping")
        case .blockSequence: return ("1:129", "sequence")
        case .flowSequence: return ("1:65", "flow sequence")
        case .flowMapping: return ("1:257", "flow mapping")
        case .flowPair: return ("1:129", "flow sequence")  // the 33rd `[`, below 32 sequences and 32 pairs
        case .mixed: return ("11:136", "flow mapping")   // the 18th `{a: [`'s `{`
        }
    }
}

private func parseFailure(_ text: String) -> ConfigError? {
    do {
        _ = try YAML.parse(text, file: "p.yaml")
        return nil
    } catch {
        return error
    }
}

@Suite("Nesting is limited to 64 levels, so deep input is an error and never a stack overflow", .timeLimit(.minutes(3)))
struct NestingDepthTests {
    @Test("64 levels parse in every form", arguments: Nesting.allCases)
    func atTheLimit(_ form: Nesting) throws {
        var node = try YAML.parse(form.text(levels: 64), file: "p.yaml")
        var depth = 1
        while true {
            if let m = node.mapping, let first = m.entries.first?.value, first.scalar == nil { node = first }
            else if let s = node.sequence, let first = s.items.first, first.scalar == nil { node = first }
            else { break }
            depth += 1
        }
        #expect(depth == 64)
    }

    @Test("100 levels fail at the 65th collection with file:line:column", arguments: Nesting.allCases)
    func hundredLevels(_ form: Nesting) throws {
        let error = try #require(parseFailure(form.text(levels: 100)))
        let location = try #require(error.location)
        #expect("\(location.line):\(location.column)" == form.tooDeep.at)
        #expect(error.message == "this \(form.tooDeep.kind) is nested 65 levels deep, but mappings and sequences (block or flow) may nest at most 64 levels; flatten the value")
    }

    // Without the limit, ~1,300 block mappings, ~9,000 `{a: `, ~12,000 `[` or ~13,000 `- ` overflowed
    // the stack (SIGSEGV). Block mappings indent one space per level, so 3,000 of them (4.5 MB of text)
    // stand in for 100,000.
    @Test("100,000 levels (3,000 for block mappings) fail the same way, promptly", arguments: Nesting.allCases)
    func hundredThousandLevels(_ form: Nesting) throws {
        let error = try #require(parseFailure(form.text(levels: form == .blockMapping ? 3_000 : 100_000)))
        let location = try #require(error.location)
        #expect("\(location.line):\(location.column)" == form.tooDeep.at)
        #expect(error.message.hasPrefix("this \(form.tooDeep.kind) is nested 65 levels deep"))
    }

    @Test("a --set value goes through the same limit, located in the value as typed")
    func setValue() throws {
        let text = "stages:\n  - {id: ingest}\n  - {id: cleanse, needs: [ingest]}\n"
        for levels in [100, 100_000] {
            let value = String(repeating: "[", count: levels)
            #expect(configError(text, overrides: ["cleanse.max_reject_rate=" + value])
                == "--set cleanse.max_reject_rate:1:65: this flow sequence is nested 65 levels deep, but mappings and sequences (block or flow) may nest at most 64 levels; flatten the value")
        }
        let ok = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        let c = try PipelineConfig.parse(text: text, file: "p.yaml", overrides: ["cleanse.max_reject_rate=" + ok])
        #expect(c.stage("cleanse")?.param("max_reject_rate")?.sequence != nil)
        #expect(configError(text, overrides: ["cleanse.max_reject_rate=[1, x"]) == "--set cleanse.max_reject_rate:1:1: unterminated flow sequence: missing ']'")
    }
}

/// A chain of `n` stages, s0 ← s1 ← … ← s(n-1), listed last stage first so every lookup of
/// upstream stages walks the whole chain.
private func chainText(_ n: Int, closingCycle: Bool = false) -> String {
    var lines = ["name: chain", "stages:"]
    lines.reserveCapacity(n + 2)
    for i in stride(from: n - 1, through: 1, by: -1) {
        lines.append("  - {id: s\(i), kind: cleanse, needs: [s\(i - 1)]}")
    }
    lines.append(closingCycle ? "  - {id: s0, kind: ingest, needs: [s\(n - 1)]}" : "  - {id: s0, kind: ingest}")
    return lines.joined(separator: "\n") + "\n"
}

@Suite("The dependency check is linear in stages and needs", .timeLimit(.minutes(3)))
struct DependencyGraphTests {
    @Test("a cycle names its path from the stage where it closes, not the stages leading into it")
    func cyclePath() {
        #expect(configError("stages:\n  - {id: x, kind: ingest, needs: [a]}\n  - {id: a, kind: cleanse, needs: [b]}\n  - {id: b, kind: cleanse, needs: [c]}\n  - {id: c, kind: cleanse, needs: [a]}\n")
            == "p.yaml:3:5: the stages form a cycle: a → b → c → a")
        #expect(configError("stages:\n  - {id: a, kind: ingest, needs: [a]}\n") == "p.yaml:2:5: the stages form a cycle: a → a")
        // A diamond is not a cycle.
        #expect(configError("stages:\n  - {id: r, kind: report, needs: [k, d]}\n  - {id: k, kind: kpi, needs: [i]}\n  - {id: d, kind: drivers, needs: [i]}\n  - {id: i, kind: ingest}\n") == "no error")
    }

    @Test("dependency order puts upstream first and keeps file order among independent stages")
    func order() throws {
        let c = try PipelineConfig.parse(text: "stages:\n  - {id: r, kind: report, needs: [k, d]}\n  - {id: side, kind: ingest}\n  - {id: k, kind: kpi, needs: [i]}\n  - {id: d, kind: drivers, needs: [i]}\n  - {id: i, kind: ingest}\n", file: "p.yaml")
        #expect(c.orderedStageIds == ["i", "k", "d", "r", "side"])
    }

    // Measured: about 1.7 s in a debug build on a shared 2-core machine, nearly all of it in the YAML
    // parser (dependency check ~0.2 s, ordering ~0.1 s), with the test process peaking near 120 MB.
    // The recursive check it replaces copied its path at every level: 5.5 GB, then a crash.
    @Test("a 50,000-stage chain parses, validates and orders")
    func longChain() throws {
        let n = 50_000
        let c = try PipelineConfig.parse(text: chainText(n), file: "chain.yaml")
        let order = c.orderedStageIds
        #expect(order.count == n)
        #expect(order == (0..<n).map { "s\($0)" })
        #expect(c.stage("s0")?.needs == [])
        #expect(c.stage("s49999")?.needs == ["s49998"])
        #expect(c.stage("s50000") == nil)
    }

    @Test("a 50,000-stage cycle is found and listed in full")
    func longCycle() {
        let message = configError(chainText(50_000, closingCycle: true))
        #expect(message.hasPrefix("p.yaml:3:5: the stages form a cycle: s49999 → s49998 → "))
        #expect(message.hasSuffix(" → s1 → s0 → s49999"))
        #expect(message.components(separatedBy: " → ").count == 50_001)
    }

    @Test("stage(_:) follows changes to the stage list")
    func indexFollowsStages() throws {
        var c = try PipelineConfig.parse(text: "stages:\n  - {id: ingest}\n", file: "p.yaml")
        var extra = try #require(c.stage("ingest"))
        extra.id = "second"
        c.stages.insert(extra, at: 0)
        #expect(c.stage("second")?.id == "second")
        #expect(c.stage("ingest")?.id == "ingest")
        c.stages.removeAll { $0.id == "ingest" }
        #expect(c.stage("ingest") == nil)
        #expect(c.orderedStageIds == ["second"])
    }
}

@Suite("\"Did you mean\" looks at no more than 64 characters of each name", .timeLimit(.minutes(3)))
struct BoundedSuggestionTests {
    @Test("two 70,000-character names are compared promptly")
    func longNames() {
        let word = String(repeating: "a", count: 70_000)
        #expect(didYouMean(word, among: [String(repeating: "a", count: 69_999) + "b"]) == String(repeating: "a", count: 69_999) + "b")
        #expect(didYouMean(word, among: [String(repeating: "b", count: 70_000)]) == nil)
        // Only the first 64 characters are compared, so a difference after them goes unseen.
        #expect(didYouMean("b" + word, among: ["c" + word]) == "c" + word)
    }

    @Test("a candidate whose length differs by more than the threshold is not suggested")
    func lengthDifference() {
        let word = String(repeating: "a", count: 70_000)
        #expect(didYouMean(word, among: [String(repeating: "a", count: 35_000), "aaa"]) == nil)
        #expect(didYouMean(word, among: [String(repeating: "a", count: 69_979)]) == String(repeating: "a", count: 69_979))  // 21 shorter
        #expect(didYouMean(word, among: [String(repeating: "a", count: 69_978)]) == nil)                                   // 22 shorter
        #expect(didYouMean("cleanse", among: ["c"]) == nil)
    }

    @Test("an unknown 70,000-character key is reported promptly, with no suggestion")
    func longUnknownKey() {
        let key = String(repeating: "k", count: 70_000)
        #expect(configError("\(key): 1\nstages:\n  - {id: cleanse}\n").hasPrefix("p.yaml:1:1: unknown key `kkkk"))
    }
}

@Suite("A pipeline file is at most 1 MiB")
struct PipelineFileSizeTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("panorama-config-size-\(UUID().uuidString)")

    /// A valid pipeline of exactly `bytes` bytes: a long comment, then the stages (so a file
    /// read short would fail to parse).
    func pipelineFile(bytes: Int) throws -> String {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let tail = "\nstages:\n  - {id: ingest}\n"
        let text = "#" + String(repeating: "x", count: bytes - tail.utf8.count - 1) + tail
        let path = directory.appendingPathComponent("p\(bytes).yaml").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("1 MiB loads; one byte more is refused naming the file, its size and the limit")
    func limit() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let ok = try pipelineFile(bytes: 1 << 20)
        #expect(try PipelineConfig.load(path: ok).orderedStageIds == ["ingest"])
        let big = try pipelineFile(bytes: (1 << 20) + 1)
        do {
            _ = try PipelineConfig.load(path: big)
            Issue.record("expected an error")
        } catch {
            #expect("\(error)" == "pipeline file \(big) is 1048577 bytes, over the 1 MiB limit (1048576 bytes); a pipeline file lists stages and parameters, not data")
        }
    }

    @Test("a file whose size is not known up front is read only up to the limit")
    func endlessFile() {
        do {
            _ = try PipelineConfig.load(path: "/dev/zero")
            Issue.record("expected an error")
        } catch {
            #expect("\(error)" == "pipeline file /dev/zero is over the 1 MiB limit (reading stopped after 1048576 bytes); a pipeline file lists stages and parameters, not data")
        }
    }

    @Test("a missing file is still reported as unreadable")
    func missing() {
        let path = directory.appendingPathComponent("none.yaml").path
        do {
            _ = try PipelineConfig.load(path: path)
            Issue.record("expected an error")
        } catch {
            #expect("\(error)" == "cannot read pipeline file \(path)")
        }
    }
}

@Suite("A pipeline has at least one stage")
struct EmptyStagesTests {
    @Test("an empty flow list is an error at the list")
    func emptyFlowList() {
        #expect(configError("name: x\nstages: []\n") == "p.yaml:2:9: the `stages:` list is empty; list at least one stage, e.g. `- {id: ingest}`")
    }

    @Test("a `stages:` key with nothing under it is an error at the key")
    func nothingUnderKey() {
        #expect(configError("name: x\nstages:\n") == "p.yaml:2:1: `stages:` is empty; list at least one stage, e.g. `- {id: ingest}`")
        #expect(configError("stages:   # none yet\n\nname: x\n") == "p.yaml:1:1: `stages:` is empty; list at least one stage, e.g. `- {id: ingest}`")
    }
}
