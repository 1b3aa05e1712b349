/// A warehouse table, declared once by the stage kind that produces it: its name, the producing
/// kind and its columns in order. Writers and readers both use the declaration, so a column list is
/// never spelled twice.
public struct TableSchema: Sendable, Hashable, CustomStringConvertible {
    /// The table's folder name under the warehouse (`<name>/month=YYYY-MM/part-0.csv`).
    public let name: String
    /// The name of the stage kind that publishes the table.
    public let producer: String
    /// The columns in file order.
    public let columns: [String]

    /// Declares a table.
    public init(_ name: String, producer: String, columns: [String]) {
        self.name = name
        self.producer = producer
        self.columns = columns
    }

    public var description: String { name }

    /// `names`, each checked against the declaration: asking a table for a column it does not
    /// declare is a programming error, caught the first time the code runs.
    public func pick(_ names: [String]) -> [String] {
        for n in names {
            precondition(columns.contains(n), "table \(name) declares no column `\(n)`")
        }
        return names
    }
}
