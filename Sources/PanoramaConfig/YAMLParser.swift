import PanoramaCore
import Foundation

/// Parser for the YAML subset used by Panorama pipeline files (`pipelines/*.yaml`).
///
/// Supported: block mappings and sequences (including a sequence at the same
/// indentation as its parent key, and compact `- key: value` items), flow
/// sequences `[a, b]` and flow mappings `{a: 1}` (which may span lines), plain,
/// single-quoted and double-quoted scalars, `#` comments, LF / CRLF / CR line
/// endings and a leading byte-order mark.
///
/// Not supported, and reported as errors with `file:line:column`: anchors (`&a`),
/// aliases (`*a`), tags (`!t`, `!!str`), directives (`%YAML`), document markers
/// (`---` and `...` at the start of any line, including a leading `---` on line 1),
/// block scalars (`|`, `>`), complex keys (`? `), non-scalar mapping keys,
/// duplicate keys, tabs in indentation, and scalars spanning several lines
/// (quoted scalars must close on the line they open on; a plain scalar ends at
/// the end of its line).
///
/// In flow collections a plain scalar ends at `,`, at the closing `]`/`}` of the
/// enclosing collection, at `#` preceded by whitespace, or at `:` followed by a
/// space, `,`, `]` or `}`. A `{`/`[` that appears in the middle of a plain scalar
/// (e.g. `data/input/{month}`) opens a nested group that belongs to the scalar up
/// to its matching `}`/`]`.
///
/// At most `maxDepth` collections may nest inside one another (block or flow, in any
/// mix); a deeper one is an error at its position, so hostile input cannot exhaust the stack.
public enum YAML {
    /// The deepest nesting of mappings and sequences a document may have (the top-level
    /// collection is level 1).
    public static let maxDepth = 64

    /// Parses `text` into a node tree; `file` is only used in locations.
    /// An empty document (only blanks and comments) yields an empty mapping.
    public static func parse(_ text: String, file: String) throws(ConfigError) -> YAMLNode {
        try parse(text, file: file, uncountedLevels: 0)
    }

    /// Parses `text` whose outermost `uncountedLevels` collections are a wrapper added by the
    /// caller (e.g. `value: ` around a `--set` value), so they do not count towards `maxDepth`.
    static func parse(_ text: String, file: String, uncountedLevels: Int) throws(ConfigError) -> YAMLNode {
        var parser = YAMLParser(text: text, file: file)
        parser.depth = -uncountedLevels
        return try parser.parseDocument()
    }
}

/// Recursive-descent parser over the document's Unicode scalars.
struct YAMLParser {
    let file: String
    /// Document scalars, line breaks normalized to `\n`, BOM removed.
    let chars: [Unicode.Scalar]
    /// Index in `chars` where each line starts.
    let lineStarts: [Int]
    var pos = 0
    /// How many collections enclose the current position (see `enterCollection`).
    var depth = 0

    init(text: String, file: String) {
        self.file = file
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(text.unicodeScalars.count)
        var previousWasCR = false
        for s in text.unicodeScalars {
            if s == "\r" {
                out.append("\n")
                previousWasCR = true
                continue
            }
            if s == "\n" && previousWasCR {
                previousWasCR = false
                continue
            }
            previousWasCR = false
            out.append(s)
        }
        if out.first == "\u{FEFF}" { out.removeFirst() }
        var starts = [0]
        for i in out.indices where out[i] == "\n" { starts.append(i + 1) }
        chars = out
        lineStarts = starts
    }

    // MARK: - Positions and errors

    var atEnd: Bool { pos >= chars.count }

    func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        let i = pos + offset
        return i < chars.count ? chars[i] : nil
    }

    func lineIndex(of index: Int) -> Int {
        var lo = 0
        var hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= index { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }

    func location(_ index: Int) -> SourceLocation {
        let line = lineIndex(of: index)
        return SourceLocation(file: file, line: line + 1, column: index - lineStarts[line] + 1)
    }

    /// 0-based column (indentation) of `index`.
    func column(_ index: Int) -> Int {
        index - lineStarts[lineIndex(of: index)]
    }

    func error(_ message: String, at index: Int) -> ConfigError {
        ConfigError(message, at: location(index))
    }

    static func isBlank(_ c: Unicode.Scalar?) -> Bool { c == " " || c == "\t" }

    static func isWhiteOrEnd(_ c: Unicode.Scalar?) -> Bool {
        c == nil || c == " " || c == "\t" || c == "\n"
    }

    static func isFlowIndicator(_ c: Unicode.Scalar?) -> Bool {
        c == "," || c == "[" || c == "]" || c == "{" || c == "}"
    }

    /// Counts one more level of nesting for a collection starting at `start`; each collection
    /// parser calls it on entry and decrements `depth` on exit. Throws on the first collection
    /// deeper than `YAML.maxDepth`, before recursing any further.
    mutating func enterCollection(_ kind: String, at start: Int) throws(ConfigError) {
        depth += 1
        if depth > YAML.maxDepth {
            throw error(
                "this \(kind) is nested \(depth) levels deep, but mappings and sequences (block or flow) may nest at most \(YAML.maxDepth) levels; flatten the value",
                at: start)
        }
    }

    /// The index in `chars` of a location produced by `location(_:)`.
    func index(of location: SourceLocation) -> Int {
        lineStarts[location.line - 1] + location.column - 1
    }

    func nullScalar(at index: Int) -> YAMLNode {
        .scalar(YAMLScalar(text: "", isQuoted: false, location: location(index), value: .null))
    }

    // MARK: - Whitespace

    mutating func skipInlineBlanks() {
        while let c = peek(), Self.isBlank(c) { pos += 1 }
    }

    mutating func skipToLineEnd() {
        while let c = peek(), c != "\n" { pos += 1 }
    }

    /// Whether `#` at the current position starts a comment (it must follow whitespace or start a line).
    var atComment: Bool {
        peek() == "#" && (pos == 0 || chars[pos - 1] == " " || chars[pos - 1] == "\t" || chars[pos - 1] == "\n")
    }

    /// From a line end (or the document start), skips blank lines, comment lines and
    /// indentation; stops on the first content character or at the end.
    mutating func skipToNextContent() {
        while let c = peek() {
            if c == " " || c == "\t" || c == "\n" {
                pos += 1
            } else if c == "#" {
                skipToLineEnd()
            } else {
                return
            }
        }
    }

    /// Skips spaces, line breaks and comments inside a flow collection.
    mutating func skipFlowSpace() {
        while let c = peek() {
            if c == " " || c == "\t" || c == "\n" {
                pos += 1
            } else if atComment {
                skipToLineEnd()
            } else {
                return
            }
        }
    }

    /// Requires that only blanks and an optional comment remain on the current line.
    mutating func expectEndOfLine() throws(ConfigError) {
        skipInlineBlanks()
        guard let c = peek(), c != "\n" else { return }
        if atComment {
            skipToLineEnd()
            return
        }
        throw error("unexpected '\(c)' after value", at: pos)
    }

    // MARK: - Pre-scan

    /// Rejects tabs in indentation and document markers, line by line.
    func prescan() throws(ConfigError) {
        for start in lineStarts {
            var i = start
            var firstTab: Int?
            while i < chars.count, chars[i] == " " || chars[i] == "\t" {
                if chars[i] == "\t" && firstTab == nil { firstTab = i }
                i += 1
            }
            if let tab = firstTab, i < chars.count, chars[i] != "\n", chars[i] != "#" {
                throw error("tab character used for indentation; indent with spaces", at: tab)
            }
            if start + 3 <= chars.count {
                let marker = String(String.UnicodeScalarView(chars[start..<start + 3]))
                if (marker == "---" || marker == "...")
                    && Self.isWhiteOrEnd(start + 3 < chars.count ? chars[start + 3] : nil) {
                    throw error(
                        "document marker '\(marker)' is not supported (one document per file, no '---' or '...')",
                        at: start)
                }
            }
        }
    }

    // MARK: - Block structure

    mutating func parseDocument() throws(ConfigError) -> YAMLNode {
        try prescan()
        skipToNextContent()
        if atEnd {
            return .mapping(YAMLMapping(entries: [], location: SourceLocation(file: file, line: 1, column: 1)))
        }
        let indent = column(pos)
        let node = try parseBlockNode(indent: indent)
        if !atEnd {
            let col = column(pos)
            if col != indent {
                throw error("bad indentation: found \(col) spaces, but the enclosing block is indented by \(indent)", at: pos)
            }
            throw error("unexpected content after the top-level \(node.kindName)", at: pos)
        }
        return node
    }

    var atSequenceEntry: Bool {
        peek() == "-" && Self.isWhiteOrEnd(peek(1))
    }

    /// Parses the block node starting at the current position (its first character,
    /// at column `indent`). Returns positioned at the next content line (or the end).
    mutating func parseBlockNode(indent: Int) throws(ConfigError) -> YAMLNode {
        if atSequenceEntry {
            return .sequence(try parseBlockSequence(indent: indent))
        }
        let (node, isKey) = try parseInlineNode()
        if isKey {
            guard case .scalar(let key) = node else {
                throw ConfigError("a mapping key must be a scalar, not a \(node.kindName)", at: node.location)
            }
            return .mapping(try parseBlockMapping(indent: indent, firstKey: key))
        }
        try expectEndOfLine()
        skipToNextContent()
        return node
    }

    /// Parses a scalar or flow collection on the current line. `isKey` is true when it
    /// is followed by a `:` mapping indicator, in which case the position is on the `:`.
    mutating func parseInlineNode() throws(ConfigError) -> (node: YAMLNode, isKey: Bool) {
        let node: YAMLNode
        switch peek() {
        case "[": node = .sequence(try parseFlowSequence())
        case "{": node = .mapping(try parseFlowMapping())
        case "\"", "'": node = .scalar(try parseQuoted())
        default: node = .scalar(try parsePlain(flow: false))
        }
        var i = pos
        while i < chars.count, Self.isBlank(chars[i]) { i += 1 }
        if i < chars.count, chars[i] == ":", Self.isWhiteOrEnd(i + 1 < chars.count ? chars[i + 1] : nil) {
            pos = i
            return (node, true)
        }
        return (node, false)
    }

    mutating func parseBlockMapping(indent: Int, firstKey: YAMLScalar) throws(ConfigError) -> YAMLMapping {
        try enterCollection("mapping", at: index(of: firstKey.location))
        defer { depth -= 1 }
        var entries: [(key: YAMLScalar, value: YAMLNode)] = []
        var seen: [String: SourceLocation] = [:]
        var key = firstKey
        while true {
            // Position is on the ':' after `key`.
            if let first = seen[key.text] {
                throw ConfigError(
                    "duplicate key '\(MessageText.excerpt(key.text))' (first defined at line \(first.line), column \(first.column))",
                    at: key.location)
            }
            seen[key.text] = key.location
            pos += 1
            let value = try parseBlockMappingValue(indent: indent, afterColon: pos)
            entries.append((key: key, value: value))

            if atEnd { break }
            let col = column(pos)
            if col < indent { break }
            if col > indent {
                throw error("bad indentation: found \(col) spaces, but this mapping's keys are indented by \(indent)", at: pos)
            }
            if atSequenceEntry {
                throw error("expected a mapping key, found a sequence entry '- '", at: pos)
            }
            let keyStart = pos
            let (node, isKey) = try parseInlineNode()
            guard isKey else {
                throw error("expected 'key: value' (a ':' followed by a space or line end)", at: keyStart)
            }
            guard case .scalar(let k) = node else {
                throw ConfigError("a mapping key must be a scalar, not a \(node.kindName)", at: node.location)
            }
            key = k
        }
        return YAMLMapping(entries: entries, location: firstKey.location)
    }

    mutating func parseBlockMappingValue(indent: Int, afterColon: Int) throws(ConfigError) -> YAMLNode {
        skipInlineBlanks()
        if atEnd || peek() == "\n" || atComment {
            skipToLineEnd()
            skipToNextContent()
            if !atEnd {
                let col = column(pos)
                if col > indent { return try parseBlockNode(indent: col) }
                if col == indent && atSequenceEntry {
                    return .sequence(try parseBlockSequence(indent: col))
                }
            }
            return nullScalar(at: afterColon)
        }
        if atSequenceEntry {
            throw error("a block sequence cannot start on the same line as its key; start it on the next line", at: pos)
        }
        let (node, isKey) = try parseInlineNode()
        if isKey {
            throw error("nested mappings cannot start on the same line as their key; start it on the next line", at: pos)
        }
        try expectEndOfLine()
        skipToNextContent()
        return node
    }

    mutating func parseBlockSequence(indent: Int) throws(ConfigError) -> YAMLSequence {
        let start = location(pos)
        try enterCollection("sequence", at: pos)
        defer { depth -= 1 }
        var items: [YAMLNode] = []
        while true {
            // Position is on '-'.
            let dash = pos
            pos += 1
            skipInlineBlanks()
            if atEnd || peek() == "\n" || atComment {
                skipToLineEnd()
                skipToNextContent()
                if !atEnd && column(pos) > indent {
                    items.append(try parseBlockNode(indent: column(pos)))
                } else {
                    items.append(nullScalar(at: dash + 1))
                }
            } else {
                items.append(try parseBlockNode(indent: column(pos)))
            }

            if atEnd { break }
            let col = column(pos)
            if col < indent { break }
            if col > indent {
                throw error("bad indentation: found \(col) spaces, but this sequence's entries are indented by \(indent)", at: pos)
            }
            if !atSequenceEntry { break }  // back to a parent mapping at the same indentation
        }
        return YAMLSequence(items: items, location: start)
    }

    // MARK: - Flow collections

    mutating func parseFlowNode() throws(ConfigError) -> YAMLNode {
        switch peek() {
        case "[": return .sequence(try parseFlowSequence())
        case "{": return .mapping(try parseFlowMapping())
        case "\"", "'": return .scalar(try parseQuoted())
        default: return .scalar(try parsePlain(flow: true))
        }
    }

    func unterminated(_ open: Int, _ kind: String, _ close: String) -> ConfigError {
        error("unterminated flow \(kind): missing '\(close)'", at: open)
    }

    mutating func parseFlowSequence() throws(ConfigError) -> YAMLSequence {
        let open = pos
        try enterCollection("flow sequence", at: open)
        defer { depth -= 1 }
        pos += 1
        var items: [YAMLNode] = []
        while true {
            skipFlowSpace()
            guard let c = peek() else { throw unterminated(open, "sequence", "]") }
            if c == "]" {
                pos += 1
                break
            }
            var item = try parseFlowNode()
            skipFlowSpace()
            // Single-pair mapping inside a flow sequence: `[a: 1]`.
            if peek() == ":" && (Self.isWhiteOrEnd(peek(1)) || peek(1) == "," || peek(1) == "]" || item.scalar?.isQuoted == true) {
                guard case .scalar(let key) = item else {
                    throw ConfigError("a mapping key must be a scalar, not a \(item.kindName)", at: item.location)
                }
                // The pair is a mapping one level below the sequence.
                try enterCollection("mapping", at: index(of: key.location))
                defer { depth -= 1 }
                let colon = pos
                pos += 1
                skipFlowSpace()
                let value: YAMLNode
                if peek() == nil { throw unterminated(open, "sequence", "]") }
                if peek() == "," || peek() == "]" {
                    value = nullScalar(at: colon + 1)
                } else {
                    value = try parseFlowNode()
                    skipFlowSpace()
                }
                item = .mapping(YAMLMapping(entries: [(key: key, value: value)], location: key.location))
            }
            items.append(item)
            guard let d = peek() else { throw unterminated(open, "sequence", "]") }
            if d == "," {
                pos += 1
                continue
            }
            if d == "]" {
                pos += 1
                break
            }
            throw error("expected ',' or ']' in the flow sequence opened at \(location(open)), found '\(d)'", at: pos)
        }
        return YAMLSequence(items: items, location: location(open))
    }

    mutating func parseFlowMapping() throws(ConfigError) -> YAMLMapping {
        let open = pos
        try enterCollection("flow mapping", at: open)
        defer { depth -= 1 }
        pos += 1
        var entries: [(key: YAMLScalar, value: YAMLNode)] = []
        var seen: [String: SourceLocation] = [:]
        while true {
            skipFlowSpace()
            guard let c = peek() else { throw unterminated(open, "mapping", "}") }
            if c == "}" {
                pos += 1
                break
            }
            if c == "[" || c == "{" {
                let kind = c == "[" ? "sequence" : "mapping"
                throw error("a mapping key must be a scalar, not a \(kind)", at: pos)
            }
            let key = (c == "\"" || c == "'") ? try parseQuoted() : try parsePlain(flow: true)
            if let first = seen[key.text] {
                throw ConfigError(
                    "duplicate key '\(MessageText.excerpt(key.text))' (first defined at line \(first.line), column \(first.column))",
                    at: key.location)
            }
            seen[key.text] = key.location
            skipFlowSpace()
            let value: YAMLNode
            if peek() == ":" {
                let colon = pos
                pos += 1
                skipFlowSpace()
                if peek() == nil { throw unterminated(open, "mapping", "}") }
                if peek() == "," || peek() == "}" {
                    value = nullScalar(at: colon + 1)
                } else {
                    value = try parseFlowNode()
                    skipFlowSpace()
                }
            } else {
                value = nullScalar(at: pos)
            }
            entries.append((key: key, value: value))
            guard let d = peek() else { throw unterminated(open, "mapping", "}") }
            if d == "," {
                pos += 1
                continue
            }
            if d == "}" {
                pos += 1
                break
            }
            throw error("expected ',' or '}' in the flow mapping opened at \(location(open)), found '\(d)'", at: pos)
        }
        return YAMLMapping(entries: entries, location: location(open))
    }

    // MARK: - Scalars

    /// Rejects characters that cannot start a plain scalar, with a specific message.
    func checkPlainStart(flow: Bool) throws(ConfigError) {
        guard let c = peek() else { return }
        switch c {
        case "&": throw error("anchors ('&name') are not supported", at: pos)
        case "*": throw error("aliases ('*name') are not supported", at: pos)
        case "!": throw error("tags ('!tag', '!!type') are not supported", at: pos)
        case "|", ">": throw error("block scalars ('|', '>') are not supported; use a quoted string", at: pos)
        case "%": throw error("directives ('%...') are not supported", at: pos)
        case "@", "`": throw error("'\(c)' is reserved and cannot start a plain scalar; quote the value", at: pos)
        case "#": throw error("'#' starts a comment only after whitespace; quote the value to use '#'", at: pos)
        case ",", "]", "}", "[", "{": throw error("unexpected '\(c)'", at: pos)
        case "-", "?", ":":
            let next = peek(1)
            if Self.isWhiteOrEnd(next) || (flow && Self.isFlowIndicator(next)) {
                switch c {
                case "-": throw error("a block sequence entry ('- ') is not allowed here", at: pos)
                case "?": throw error("complex mapping keys ('? ') are not supported", at: pos)
                default: throw error("missing mapping key before ':'", at: pos)
                }
            }
        default: break
        }
    }

    mutating func parsePlain(flow: Bool) throws(ConfigError) -> YAMLScalar {
        try checkPlainStart(flow: flow)
        let start = pos
        var end = pos                              // end of text, trailing blanks excluded
        var groups: [(open: Unicode.Scalar, at: Int)] = []  // `{`/`[` opened mid-scalar (flow only)
        var i = pos
        while i < chars.count {
            let c = chars[i]
            if c == "\n" { break }
            if c == " " || c == "\t" {
                i += 1
                continue
            }
            if c == "#" && i > start && Self.isBlank(chars[i - 1]) { break }
            if flow && !groups.isEmpty {
                if c == "{" || c == "[" {
                    groups.append((c, i))
                } else if c == "}" || c == "]" {
                    let last = groups.removeLast()
                    if (last.open == "{") != (c == "}") {
                        throw error("unclosed '\(last.open)' in plain scalar", at: last.at)
                    }
                }
                i += 1
                end = i
                continue
            }
            if c == ":" {
                let next: Unicode.Scalar? = i + 1 < chars.count ? chars[i + 1] : nil
                if Self.isWhiteOrEnd(next) || (flow && (next == "," || next == "]" || next == "}")) { break }
            }
            if flow {
                if c == "," || c == "]" || c == "}" { break }
                if c == "{" || c == "[" { groups.append((c, i)) }
            }
            i += 1
            end = i
        }
        if let open = groups.last {
            throw error("unclosed '\(open.open)' in plain scalar", at: open.at)
        }
        pos = end
        let text = String(String.UnicodeScalarView(chars[start..<end]))
        return YAMLScalar(text: text, isQuoted: false, location: location(start), value: try resolve(text, at: start))
    }

    mutating func parseQuoted() throws(ConfigError) -> YAMLScalar {
        let open = pos
        let quote = chars[pos]
        let kind = quote == "'" ? "single-quoted" : "double-quoted"
        pos += 1
        var out = String.UnicodeScalarView()
        while true {
            guard let c = peek(), c != "\n" else {
                throw error("unterminated \(kind) string (quoted strings must end on the line they start)", at: open)
            }
            if quote == "'" {
                if c == "'" {
                    if peek(1) == "'" {
                        out.append("'")
                        pos += 2
                        continue
                    }
                    pos += 1
                    break
                }
                out.append(c)
                pos += 1
            } else {
                if c == "\"" {
                    pos += 1
                    break
                }
                if c == "\\" {
                    try parseEscape(into: &out, open: open)
                    continue
                }
                out.append(c)
                pos += 1
            }
        }
        return YAMLScalar(text: String(out), isQuoted: true, location: location(open), value: .string(String(out)))
    }

    mutating func parseEscape(into out: inout String.UnicodeScalarView, open: Int) throws(ConfigError) {
        let backslash = pos
        pos += 1
        guard let e = peek(), e != "\n" else {
            throw error("unterminated double-quoted string (quoted strings must end on the line they start)", at: open)
        }
        pos += 1
        switch e {
        case "0": out.append("\u{0}")
        case "a": out.append("\u{7}")
        case "b": out.append("\u{8}")
        case "t", "\t": out.append("\t")
        case "n": out.append("\n")
        case "v": out.append("\u{B}")
        case "f": out.append("\u{C}")
        case "r": out.append("\r")
        case "e": out.append("\u{1B}")
        case " ": out.append(" ")
        case "\"": out.append("\"")
        case "/": out.append("/")
        case "\\": out.append("\\")
        case "N": out.append("\u{85}")
        case "_": out.append("\u{A0}")
        case "L": out.append("\u{2028}")
        case "P": out.append("\u{2029}")
        case "x", "u", "U":
            let digits = e == "x" ? 2 : (e == "u" ? 4 : 8)
            var value = try readHex(digits, escape: backslash)
            if e == "u" && (0xD800...0xDBFF).contains(value) {
                // Surrogate pair written as two \u escapes.
                guard peek() == "\\", peek(1) == "u" else {
                    throw error("invalid escape: unpaired UTF-16 surrogate", at: backslash)
                }
                let second = pos
                pos += 2
                let low = try readHex(4, escape: second)
                guard (0xDC00...0xDFFF).contains(low) else {
                    throw error("invalid escape: unpaired UTF-16 surrogate", at: backslash)
                }
                value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
            }
            guard let scalar = Unicode.Scalar(value) else {
                throw error("invalid escape: U+\(String(value, radix: 16, uppercase: true)) is not a Unicode scalar", at: backslash)
            }
            out.append(scalar)
        default:
            throw error("invalid escape sequence '\\\(e)'", at: backslash)
        }
    }

    mutating func readHex(_ count: Int, escape: Int) throws(ConfigError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<count {
            guard let c = peek(), let digit = hexValue(c) else {
                throw error("invalid escape: expected \(count) hexadecimal digits", at: escape)
            }
            value = value * 16 + digit
            pos += 1
        }
        return value
    }

    func hexValue(_ c: Unicode.Scalar) -> UInt32? {
        switch c.value {
        case 0x30...0x39: return c.value - 0x30
        case 0x41...0x46: return c.value - 0x41 + 10
        case 0x61...0x66: return c.value - 0x61 + 10
        default: return nil
        }
    }

    /// Resolves a plain scalar's text to a typed value (see `YAMLScalarValue`).
    func resolve(_ text: String, at index: Int) throws(ConfigError) -> YAMLScalarValue {
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .double(.infinity)
        case "-.inf", "-.Inf", "-.INF": return .double(-.infinity)
        case ".nan", ".NaN", ".NAN": return .double(.nan)
        default: break
        }
        let s = Array(text.utf8)
        var i = 0
        if i < s.count, s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-") { i += 1 }
        func digits(_ i: inout Int) -> Int {
            let from = i
            while i < s.count, s[i] >= UInt8(ascii: "0"), s[i] <= UInt8(ascii: "9") { i += 1 }
            return i - from
        }
        let intDigits = digits(&i)
        if intDigits > 0 && i == s.count {
            guard let v = Int(text) else {
                throw error("integer '\(MessageText.excerpt(text))' is out of range; quote it to use it as a string", at: index)
            }
            return .int(v)
        }
        var fraction = 0
        var hasDot = false
        if i < s.count, s[i] == UInt8(ascii: ".") {
            hasDot = true
            i += 1
            fraction = digits(&i)
        }
        guard intDigits + fraction > 0 else { return .string(text) }
        var hasExponent = false
        if i < s.count, s[i] == UInt8(ascii: "e") || s[i] == UInt8(ascii: "E") {
            i += 1
            if i < s.count, s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-") { i += 1 }
            guard digits(&i) > 0 else { return .string(text) }
            hasExponent = true
        }
        guard i == s.count, hasDot || hasExponent, let d = Double(text) else { return .string(text) }
        return .double(d)
    }
}
