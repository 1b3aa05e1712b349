import Testing
import PanoramaConfig

/// One malformed document and where/what the error must be.
struct YAMLErrorCase: Sendable, CustomTestStringConvertible {
    var text: String
    var line: Int
    var column: Int
    var fragment: String

    init(_ text: String, _ line: Int, _ column: Int, _ fragment: String) {
        self.text = text
        self.line = line
        self.column = column
        self.fragment = fragment
    }

    var testDescription: String { "\(text.debugDescription) -> \(line):\(column) \(fragment)" }
}

private func parseFailure(_ text: String, file: String = "p.yaml") -> ConfigError? {
    do {
        _ = try YAML.parse(text, file: file)
        return nil
    } catch {
        return error
    }
}

private let errorCases: [YAMLErrorCase] = [
    // duplicate keys
    YAMLErrorCase("a: 1\nb: 2\na: 3\n", 3, 1, "duplicate key 'a' (first defined at line 1, column 1)"),
    YAMLErrorCase("m: {x: 1, x: 2}", 1, 11, "duplicate key 'x'"),
    YAMLErrorCase("stages:\n  - id: a\n    id: b\n", 3, 5, "duplicate key 'id'"),
    YAMLErrorCase("'a': 1\n\"a\": 2", 2, 1, "duplicate key 'a'"),
    YAMLErrorCase("名称: 北京\n名称: x", 2, 1, "duplicate key '名称'"),
    // anchors, aliases, tags, directives, block scalars
    YAMLErrorCase("a: &anc 1", 1, 4, "anchors"),
    YAMLErrorCase("&anc a: 1", 1, 1, "anchors"),
    YAMLErrorCase("省份: &a 北京", 1, 5, "anchors"),
    YAMLErrorCase("a: 1\r\nb: &x 2\r\n", 2, 4, "anchors"),
    YAMLErrorCase("a: 1\nb: *a", 2, 4, "aliases"),
    YAMLErrorCase("- *x", 1, 3, "aliases"),
    YAMLErrorCase("a: !!str 5", 1, 4, "tags"),
    YAMLErrorCase("a: !custom x", 1, 4, "tags"),
    YAMLErrorCase("l: [a, !t b]", 1, 8, "tags"),
    YAMLErrorCase("%YAML 1.2\na: 1", 1, 1, "directives"),
    YAMLErrorCase("a: |\n  text", 1, 4, "block scalars"),
    YAMLErrorCase("a: @x", 1, 4, "reserved"),
    // multiple documents (a leading '---' is rejected too)
    YAMLErrorCase("a: 1\n---\nb: 2", 2, 1, "document marker '---'"),
    YAMLErrorCase("---\na: 1", 1, 1, "document marker '---'"),
    YAMLErrorCase("a: 1\n...\n", 2, 1, "document marker '...'"),
    // indentation
    YAMLErrorCase("a: 1\n  b: 2", 2, 3, "bad indentation"),
    YAMLErrorCase("a:\n    b: 1\n  c: 2", 3, 3, "bad indentation"),
    YAMLErrorCase("- a\n  - b", 2, 3, "bad indentation"),
    YAMLErrorCase("a:\n  - x\n  y: 1", 3, 3, "bad indentation"),
    YAMLErrorCase("a:\n\tb: 1", 2, 1, "tab"),
    YAMLErrorCase("a:\n  \tb: 1", 2, 3, "tab"),
    YAMLErrorCase("a: 1\nfoo\n", 2, 1, "expected 'key: value'"),
    YAMLErrorCase("a: 1\n- b", 2, 1, "found a sequence entry"),
    YAMLErrorCase("a: - b", 1, 4, "block sequence cannot start on the same line"),
    YAMLErrorCase("a: b: c", 1, 5, "nested mappings cannot start on the same line"),
    // unterminated quotes and flow collections
    YAMLErrorCase("a: \"abc\nb: 1", 1, 4, "unterminated double-quoted string"),
    YAMLErrorCase("a: 'abc", 1, 4, "unterminated single-quoted string"),
    YAMLErrorCase("a: 'it''s", 1, 4, "unterminated single-quoted string"),
    YAMLErrorCase("a: [1, 2", 1, 4, "unterminated flow sequence"),
    YAMLErrorCase("a: {x: 1", 1, 4, "unterminated flow mapping"),
    YAMLErrorCase("p: {in: data/{month}", 1, 4, "unterminated flow mapping"),
    YAMLErrorCase("a: [1, 2\nb: 3", 2, 1, "expected ',' or ']' in the flow sequence opened at p.yaml:1:4"),
    YAMLErrorCase("p: [data/{month]", 1, 10, "unclosed '{' in plain scalar"),
    YAMLErrorCase("a: [,]", 1, 5, "unexpected ','"),
    YAMLErrorCase("a: [1, 2] x", 1, 11, "unexpected 'x' after value"),
    // non-scalar keys
    YAMLErrorCase("[a, b]: 1", 1, 1, "mapping key must be a scalar"),
    YAMLErrorCase("{a: 1}: x", 1, 1, "mapping key must be a scalar"),
    YAMLErrorCase("m: {[a]: 1}", 1, 5, "mapping key must be a scalar"),
    YAMLErrorCase("l: [[a]: 1]", 1, 5, "mapping key must be a scalar"),
    YAMLErrorCase("? complex\n: x", 1, 1, "complex mapping keys"),
    // scalars
    YAMLErrorCase("a: \"\\q\"", 1, 5, "invalid escape sequence '\\q'"),
    YAMLErrorCase("a: \"x\\u12\"", 1, 6, "4 hexadecimal digits"),
    YAMLErrorCase("a: 99999999999999999999", 1, 4, "out of range"),
]

@Suite("YAML subset parser errors")
struct YAMLErrorTests {
    @Test("each malformed document fails with the offending line and column", arguments: errorCases)
    func errorPositions(_ c: YAMLErrorCase) throws {
        let error = try #require(parseFailure(c.text), "expected a parse error")
        let location = try #require(error.location)
        #expect(location.file == "p.yaml")
        #expect(location.line == c.line)
        #expect(location.column == c.column)
        #expect(error.message.contains(c.fragment), "message was: \(error.message)")
    }

    @Test("the error description is file:line:column: message")
    func errorDescription() throws {
        let error = try #require(parseFailure("a: 1\nb: 2\na: 3\n", file: "pipelines/x.yaml"))
        #expect(error.description == "pipelines/x.yaml:3:1: duplicate key 'a' (first defined at line 1, column 1)")
    }
}
