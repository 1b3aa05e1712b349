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

@Suite("Nesting is limited to 64 levels, so deep input is an error and never a stack overflow", .timeLimit(.minutes(1)))
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
}
@Suite("\"Did you mean\" looks at no more than 64 characters of each name", .timeLimit(.minutes(1)))
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
        #expect(configError("stages:\n  - {id: cleanse, \(key): 1}\n").hasPrefix("p.yaml:2:19: unknown key `kkkk"))
    }
}
