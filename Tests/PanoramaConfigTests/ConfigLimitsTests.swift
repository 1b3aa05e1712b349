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
