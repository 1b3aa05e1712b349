import Foundation

/// A position in a source file: 1-based line and column.
///
/// Columns count Unicode scalars from the start of the line (so `北京` occupies
/// two columns); a byte-order mark and the `\r` of CRLF line endings are not counted.
public struct SourceLocation: Sendable, Equatable, CustomStringConvertible {
    /// The file name as given to the parser (used verbatim in messages).
    public var file: String
    /// 1-based line number.
    public var line: Int
    /// 1-based column number (in Unicode scalars).
    public var column: Int

    /// Creates a location.
    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:column`.
    public var description: String { "\(file):\(line):\(column)" }
}

/// An error in a configuration file, optionally tied to a source location.
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    /// Where the problem is; `nil` when it is not tied to a position.
    public var location: SourceLocation?
    /// Human-readable explanation (without the location prefix).
    public var message: String

    /// Creates an error with a message and an optional location.
    public init(_ message: String, at location: SourceLocation? = nil) {
        self.message = message
        self.location = location
    }

    /// `file:line:column: message`, or just `message` when there is no location.
    public var description: String {
        if let location { return "\(location): \(message)" }
        return message
    }
}

/// The resolved value of a scalar.
///
/// Quoted scalars are always `.string`. Plain scalars resolve as:
/// empty, `~`, `null`/`Null`/`NULL` → `.null`;
/// `true`/`True`/`TRUE`/`false`/`False`/`FALSE` → `.bool` (`yes`/`no`/`on`/`off` stay strings);
/// optional sign + decimal digits → `.int`;
/// decimals such as `0.05`, `-1.5`, `.5`, `1e3`, and `.inf`/`-.inf`/`.nan` → `.double`;
/// everything else (including `2026-10`, `0x1F`, `1.2.3`) → `.string`.
public enum YAMLScalarValue: Sendable, Equatable {
    /// `null`, `Null`, `NULL`, `~` or an empty plain scalar.
    case null
    /// `true`/`false` in lower, capitalized or upper case.
    case bool(Bool)
    /// An optionally signed decimal integer that fits in `Int`.
    case int(Int)
    /// A decimal with a fraction and/or exponent, or `.inf`/`.nan`.
    case double(Double)
    /// Any other plain scalar, and every quoted scalar.
    case string(String)
}

/// A scalar with its source text and location.
public struct YAMLScalar: Sendable, Equatable {
    /// The scalar's content: for plain scalars the text as written (trimmed);
    /// for quoted scalars the text after removing quotes and processing escapes.
    public var text: String
    /// Whether the scalar was written in single or double quotes.
    public var isQuoted: Bool
    /// Location of the scalar's first character (the opening quote for quoted scalars).
    public var location: SourceLocation
    /// The resolved value (see `YAMLScalarValue`).
    public var value: YAMLScalarValue

    /// Creates a scalar.
    public init(text: String, isQuoted: Bool, location: SourceLocation, value: YAMLScalarValue) {
        self.text = text
        self.isQuoted = isQuoted
        self.location = location
        self.value = value
    }

    /// `true` when the value is `.null`.
    public var isNull: Bool { value == .null }
}

/// A mapping (block or flow) whose entries keep document order.
public struct YAMLMapping: Sendable {
    /// The entries in document order; keys are unique (by `text`).
    public var entries: [(key: YAMLScalar, value: YAMLNode)]
    /// Location of the first key for block mappings, or of `{` for flow mappings.
    public var location: SourceLocation

    /// Creates a mapping.
    public init(entries: [(key: YAMLScalar, value: YAMLNode)], location: SourceLocation) {
        self.entries = entries
        self.location = location
    }

    /// The keys' texts in document order.
    public var keys: [String] { entries.map { $0.key.text } }

    /// The value stored under `key` (compared with the key's `text`), if any.
    public func value(for key: String) -> YAMLNode? {
        entries.first(where: { $0.key.text == key })?.value
    }

    /// The key scalar and value stored under `key`, if any.
    public func entry(for key: String) -> (key: YAMLScalar, value: YAMLNode)? {
        entries.first(where: { $0.key.text == key })
    }

    /// Throws an error at the first key (in document order) that is not in `allowed`,
    /// with a "did you mean" suggestion when one is close enough.
    public func rejectUnknownKeys(allowed: [String]) throws(ConfigError) {
        for entry in entries where !allowed.contains(entry.key.text) {
            let name = entry.key.text
            if let suggestion = didYouMean(name, among: allowed) {
                throw ConfigError("unknown key '\(name)' (did you mean '\(suggestion)'?)", at: entry.key.location)
            }
            throw ConfigError(
                "unknown key '\(name)' (expected one of: \(allowed.joined(separator: ", ")))",
                at: entry.key.location)
        }
    }
}

/// A sequence (block or flow).
public struct YAMLSequence: Sendable {
    /// The items in document order.
    public var items: [YAMLNode]
    /// Location of the first `-` for block sequences, or of `[` for flow sequences.
    public var location: SourceLocation

    /// Creates a sequence.
    public init(items: [YAMLNode], location: SourceLocation) {
        self.items = items
        self.location = location
    }
}

/// A node of the parsed document tree.
public indirect enum YAMLNode: Sendable {
    /// A plain or quoted scalar.
    case scalar(YAMLScalar)
    /// A block or flow mapping.
    case mapping(YAMLMapping)
    /// A block or flow sequence.
    case sequence(YAMLSequence)

    /// Where the node starts.
    public var location: SourceLocation {
        switch self {
        case .scalar(let s): return s.location
        case .mapping(let m): return m.location
        case .sequence(let s): return s.location
        }
    }

    /// The scalar payload, if this node is a scalar.
    public var scalar: YAMLScalar? {
        if case .scalar(let s) = self { return s }
        return nil
    }

    /// The mapping payload, if this node is a mapping.
    public var mapping: YAMLMapping? {
        if case .mapping(let m) = self { return m }
        return nil
    }

    /// The sequence payload, if this node is a sequence.
    public var sequence: YAMLSequence? {
        if case .sequence(let s) = self { return s }
        return nil
    }

    /// `"scalar"`, `"mapping"` or `"sequence"`, for error messages.
    public var kindName: String {
        switch self {
        case .scalar: return "scalar"
        case .mapping: return "mapping"
        case .sequence: return "sequence"
        }
    }
}

/// The candidate closest to `word` by Levenshtein distance, or `nil` if none is close enough.
///
/// A candidate qualifies when its distance is at most `max(2, n / 3)`, `n` being the word's length
/// counted up to `didYouMeanPrefix` characters;
/// ties go to the candidate that comes first in `candidates`.
///
/// The work per candidate is bounded so a hostile name cannot hang an error message: only the
/// first `didYouMeanPrefix` characters of each string are compared (so the limit is at most 21),
/// and a candidate whose length differs from the word's by more than the limit is skipped without
/// comparing (its distance could not be within the limit).
public func didYouMean(_ word: String, among candidates: [String]) -> String? {
    let w = Array(word.prefix(didYouMeanPrefix))
    let wordLength = word.count
    let limit = max(2, w.count / 3)
    var best: (candidate: String, distance: Int)?
    for candidate in candidates {
        if abs(candidate.count - wordLength) > limit { continue }
        let d = levenshtein(w, Array(candidate.prefix(didYouMeanPrefix)), limit: limit)
        if d <= limit, best == nil || d < best!.distance {
            best = (candidate, d)
        }
    }
    return best?.candidate
}

/// How many leading characters of each string `didYouMean` compares.
let didYouMeanPrefix = 64

/// Edit distance (insertions, deletions, substitutions) between two character arrays; once every
/// entry of a row exceeds `limit` the distance must too, and `limit + 1` is returned.
func levenshtein(_ a: [Character], _ b: [Character], limit: Int = .max) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        var rowMinimum = i
        for j in 1...b.count {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            rowMinimum = min(rowMinimum, current[j])
        }
        if rowMinimum > limit { return limit + 1 }
        swap(&previous, &current)
    }
    return previous[b.count]
}
