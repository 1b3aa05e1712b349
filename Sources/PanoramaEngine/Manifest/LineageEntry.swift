import PanoramaCore

/// One file a stage read or wrote, in the one shape every manifest uses: what it is, which month,
/// where, how many rows and its SHA-256.
public struct LineageEntry: Sendable, Equatable {
    /// What kind of file the entry describes.
    public enum Kind: String, Sendable {
        /// A delivered input file (`name` is its source, e.g. `customers`).
        case delivery
        /// A warehouse partition (`name` is the table).
        case table
        /// A file written outside the warehouse, such as a report (`name` is the file name).
        case file
    }

    public var kind: Kind
    public var name: String
    public var month: Month
    public var path: String
    /// Data rows (without the header); nil for files that have no rows (HTML, XML).
    public var rows: Int?
    public var sha256: String

    /// An entry from its values.
    public init(kind: Kind, name: String, month: Month, path: String, rows: Int?, sha256: String) {
        self.kind = kind
        self.name = name
        self.month = month
        self.path = path
        self.rows = rows
        self.sha256 = sha256
    }

    /// The manifest form; keys in a fixed order.
    public var json: JSONValue {
        var pairs: [(String, JSONValue)] = [
            ("kind", .string(kind.rawValue)), ("name", .string(name)), ("month", .string(month.description)),
            ("path", .string(path)),
        ]
        if let rows { pairs.append(("rows", .int(rows))) }
        pairs.append(("sha256", .string(sha256)))
        return .object(pairs)
    }

    /// Reads the manifest form; nil when a field is missing or malformed.
    public init?(json: JSONValue) {
        guard let kindText = json["kind"]?.stringValue, let kind = Kind(rawValue: kindText),
              let name = json["name"]?.stringValue, let monthText = json["month"]?.stringValue,
              let month = Month(key: monthText), let path = json["path"]?.stringValue,
              let sha = json["sha256"]?.stringValue else { return nil }
        self.init(kind: kind, name: name, month: month, path: path, rows: json["rows"]?.intValue, sha256: sha)
    }
}

/// An input a stage looked for and did not find (an optional partition or delivery). Recorded in
/// the manifest so that the stage reads as stale once the input appears.
public struct MissingInput: Sendable, Equatable {
    public var kind: LineageEntry.Kind
    public var name: String
    public var month: Month
    public var path: String

    public init(kind: LineageEntry.Kind, name: String, month: Month, path: String) {
        self.kind = kind
        self.name = name
        self.month = month
        self.path = path
    }

    /// The manifest form; keys in a fixed order.
    public var json: JSONValue {
        .object([("kind", .string(kind.rawValue)), ("name", .string(name)), ("month", .string(month.description)), ("path", .string(path))])
    }

    /// Reads the manifest form; nil when a field is missing or malformed.
    public init?(json: JSONValue) {
        guard let kindText = json["kind"]?.stringValue, let kind = LineageEntry.Kind(rawValue: kindText),
              let name = json["name"]?.stringValue, let monthText = json["month"]?.stringValue,
              let month = Month(key: monthText), let path = json["path"]?.stringValue else { return nil }
        self.init(kind: kind, name: name, month: month, path: path)
    }
}
