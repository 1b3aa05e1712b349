import PanoramaCore

extension ColumnarTable {
    /// A table from CSV text written in a test (a header row, then rows).
    public static func fixture(_ csv: String, name: String = "fixture") -> ColumnarTable {
        try! ColumnarTable.parse(Array(csv.utf8), name: name)
    }

    /// A table from a header and row-major cells (quoted as needed).
    public static func fixture(header: [String], cells: [String]) -> ColumnarTable {
        var w = CSVWriter(header: header)
        for (k, cell) in cells.enumerated() {
            w.field(cell)
            if (k + 1) % header.count == 0 { w.endRow() }
        }
        return try! ColumnarTable.parse(w.bytes, name: "fixture")
    }
}
