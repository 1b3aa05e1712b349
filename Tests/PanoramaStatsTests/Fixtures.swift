// Test-only helpers: loading the committed R data-set fixtures and comparing with printed figures.
import Foundation
import Testing

/// A numeric CSV fixture with R row names in the `rownames` column.
struct Fixture {
    /// Row names, in file order.
    let rowNames: [String]
    /// Columns by header name (looked up by name only; never iterated, so hash order is moot).
    private let columns: [String: [Double]]

    /// The fixtures are this test target's resources (Resources/: the R data sets as CSV, and a
    /// README with the published figures and their sources).
    static let directory: URL = Bundle.module.bundleURL.appendingPathComponent("Resources", isDirectory: true)

    /// Loads `<name>.csv` from the fixture directory.
    static func load(_ name: String) throws -> Fixture {
        let url = directory.appendingPathComponent("\(name).csv")
        let text = try String(contentsOf: url, encoding: .utf8)
        var lines = text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
            .map(String.init).filter { !$0.isEmpty }
        let header = splitCSVLine(lines.removeFirst())
        var names: [String] = []
        var values = [[Double]](repeating: [], count: header.count)
        for line in lines {
            let fields = splitCSVLine(line)
            try #require(fields.count == header.count, "ragged row in \(name).csv: \(line)")
            for (i, field) in fields.enumerated() {
                if header[i] == "rownames" {
                    names.append(field)
                } else {
                    values[i].append(try #require(Double(field), "non-numeric \(field) in \(name).csv"))
                }
            }
        }
        var columns: [String: [Double]] = [:]
        for (i, h) in header.enumerated() where h != "rownames" { columns[h] = values[i] }
        return Fixture(rowNames: names, columns: columns)
    }

    /// The named column; fails the test if it does not exist.
    func column(_ name: String) throws -> [Double] {
        try #require(columns[name], "no column \(name)")
    }

    /// Several named columns, in the order given.
    func columns(_ names: [String]) throws -> [[Double]] {
        try names.map { try column($0) }
    }
}

/// Splits one CSV line, honouring double-quoted fields ("" is an escaped quote).
func splitCSVLine(_ line: String) -> [String] {
    var fields: [String] = []
    var current = ""
    var inQuotes = false
    var chars = Array(line)[...]
    while let c = chars.popFirst() {
        if inQuotes {
            if c == "\"" {
                if chars.first == "\"" { current.append("\""); chars.removeFirst() } else { inQuotes = false }
            } else {
                current.append(c)
            }
        } else if c == "\"" {
            inQuotes = true
        } else if c == "," {
            fields.append(current)
            current = ""
        } else {
            current.append(c)
        }
    }
    fields.append(current)
    return fields
}

/// True when `value` rounds to the figure as printed (same number of decimals), i.e. it lies
/// within half a unit of the printed last digit.
func matchesPrinted(_ value: Double, _ printed: String) -> Bool {
    guard let target = Double(printed) else { return false }
    let decimals = printed.split(separator: ".").dropFirst().first?.count ?? 0
    let halfUnit = 0.5 * pow(10, -Double(decimals))
    return abs(value - target) <= halfUnit * (1 + 1e-9)
}

/// Relative closeness |a − b| ≤ tol·max(|b|, tiny).
func isClose(_ a: Double, _ b: Double, rel tol: Double) -> Bool {
    abs(a - b) <= tol * max(abs(b), 1e-300)
}

/// Element-wise `isClose` for equal-length arrays.
func allClose(_ a: [Double], _ b: [Double], rel tol: Double) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { isClose($0, $1, rel: tol) }
}
