import PanoramaCore

/// A small argument reader: positional values and `--flag value` options, with clear errors.
struct Arguments {
    private var items: [String]
    private(set) var positional: [String] = []

    init(_ items: [String]) { self.items = items }

    /// Splits `items` into options (consumed by `take`) and positionals.
    mutating func parse(options: Set<String>, flags: Set<String>) throws -> [(String, String?)] {
        var out: [(String, String?)] = []
        var i = 0
        while i < items.count {
            let a = items[i]
            if a.hasPrefix("--") {
                var name = a
                var inline: String?
                if let eq = a.firstIndex(of: "=") {
                    name = String(a[..<eq])
                    inline = String(a[a.index(after: eq)...])
                }
                if flags.contains(name) {
                    out.append((name, nil))
                } else if options.contains(name) {
                    if let inline { out.append((name, inline)) } else {
                        guard i + 1 < items.count else { throw PanoramaError.usage("\(name) needs a value") }
                        out.append((name, items[i + 1]))
                        i += 1
                    }
                } else {
                    let known = (options.union(flags)).sorted()
                    let hint = known.min { editDistance(name, $0) < editDistance(name, $1) }.map { "; did you mean \($0)?" } ?? ""
                    throw PanoramaError.usage("unknown option \(name)\(hint)")
                }
            } else {
                positional.append(a)
            }
            i += 1
        }
        return out
    }
}

/// Levenshtein distance, for option suggestions.
func editDistance(_ a: String, _ b: String) -> Int {
    let x = Array(a), y = Array(b)
    var row = Array(0...y.count)
    for i in 1...max(1, x.count) where !x.isEmpty {
        var prev = row[0]
        row[0] = i
        for j in 1...max(1, y.count) where !y.isEmpty {
            let tmp = row[j]
            row[j] = min(row[j] + 1, row[j - 1] + 1, prev + (x[i - 1] == y[j - 1] ? 0 : 1))
            prev = tmp
        }
    }
    return row[y.count]
}
