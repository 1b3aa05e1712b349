import PanoramaCore

/// A follow-up list of SPEC §3.3 as published (its own header and text cells).
public struct FollowUpList: Sendable {
    /// The three lists in report order.
    public static let names = Customer360Stage.lists.map(\.name)

    /// `churn_watch`, `detractor_repair` or `care_calendar`.
    public var name: String
    public var table: ColumnarTable

    /// A list from its partition.
    public init(name: String, table: ColumnarTable) {
        self.name = name
        self.table = table
    }

    public var count: Int { table.rowCount }
}

