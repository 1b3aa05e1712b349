import Testing
import PanoramaCore
import PanoramaTestSupport
@testable import PanoramaStages

/// The lookups the consumer stages share: rows by key (sorted or not), member codes, cell values.
@Suite("finding rows by key, coding members and reading cells as the consumer stages do")
struct KeyedRowsTests {
    /// ids 0000…(n-1) zero-padded, optionally shuffled, optionally with row 3's id repeated at the end.
    static func ids(_ n: Int, shuffled: Bool = false, repeatThird: Bool = false) -> ColumnarTable {
        var keys = (0..<n).map { i -> String in let s = String(i); return String(repeating: "0", count: 6 - s.count) + s }
        if shuffled {
            var g = SystemRandomNumberGenerator()
            keys.shuffle(using: &g)
        }
        if repeatThird { keys.append(keys[3]) }
        return ColumnarTable.fixture(header: ["customer_id", "row"], cells: keys.enumerated().flatMap { [$0.element, String($0.offset)] })
    }

    func row(_ rows: KeyedRows, _ key: String) -> Int? {
        var k = key
        return k.withUTF8 { rows.row($0) }
    }

    /// The first row of each key, the slow and obvious way.
    static func firstRows(_ t: ColumnarTable) -> [String: Int] {
        var first: [String: Int] = [:]
        for r in 0..<t.rowCount where first[t.string(r, 0)] == nil { first[t.string(r, 0)] = r }
        return first
    }

    @Test("sorted ids are searched, unsorted or repeated ones indexed; both give the (first) row of every key and nil for others")
    func lookups() throws {
        for (table, ascending) in [(Self.ids(70_000), true), (Self.ids(70_000, shuffled: true), false),
                                   (Self.ids(1_000, repeatThird: true), false), (Self.ids(1), true), (Self.ids(0), true)] {
            let rows = KeyedRows(table, column: 0)
            #expect(rows.ascending == ascending)
            let first = Self.firstRows(table)
            for r in stride(from: 0, to: table.rowCount, by: 97) {
                let key = table.string(r, 0)
                #expect(row(rows, key) == first[key])
            }
            // The repeated id's second row is never the answer.
            if table.rowCount == 1_001 { #expect(row(rows, table.string(1_000, 0)) == first[table.string(1_000, 0)]) }
            #expect(row(rows, "") == nil)
            #expect(row(rows, "999999") == nil)
            #expect(row(rows, "0000005") == nil)
        }
    }

    @Test("a join of two tables is the same row for row whether either side is sorted, in one chunk or many, probes in key order or not")
    func joins() {
        let sorted = Self.ids(70_000), shuffled = Self.ids(70_000, shuffled: true), small = Self.ids(500, shuffled: true)
        let repeated = Self.ids(1_000, repeatThird: true)
        for (right, left) in [(sorted, shuffled), (shuffled, sorted), (sorted, sorted), (small, sorted), (sorted, small),
                              (repeated, sorted), (sorted, repeated)] {
            let first = Self.firstRows(right)
            let expected = (0..<left.rowCount).map { Int32(first[left.string($0, 0)] ?? -1) }
            #expect(KeyedRows(right, column: 0).matches(left, 0) == expected)
            #expect(KeyedRows(right, column: 0).matchesInKeyOrder(left, 0) == expected)
        }
    }

    @Test("a cursor gives the same rows for keys in order, out of order and missing")
    func cursor() {
        let rows = KeyedRows(Self.ids(5_000), column: 0)
        var cursor = KeyedRows.Cursor(rows)
        for key in ["000001", "000002", "000002", "004999", "000000", "000003", "005000", "000004", "0000035", "000010"] {
            var k = key
            let found = k.withUTF8 { cursor.row($0) }
            #expect(found == Int(key).flatMap { key.count == 6 && $0 < 5_000 ? $0 : nil })
        }
    }

    @Test("member codes number values in first-seen order: short, empty and long values, and many of them")
    func memberCodes() {
        var codes = MemberCodes()
        func code(_ s: String) -> Int { var t = s; return t.withUTF8 { codes.code($0) } }
        let long = "克孜勒苏柯尔克孜自治州"   // 33 bytes: past the packed form
        #expect(code("石家庄") == 0)
        #expect(code("") == 1)
        #expect(code(long) == 2)
        #expect(code("石家庄") == 0 && code("") == 1 && code(long) == 2)
        // Values that differ only in length or in a byte past the eighth are different members.
        #expect(code("a") == 3 && code("a\u{0}") == 4 && code("123456789012345") == 5 && code("123456789012346") == 6)
        // Enough values to grow the table several times; every one keeps its code.
        let many = (0..<1_000).map { "城市\($0)" }
        let first = many.map(code)
        #expect(first == Array(7..<1_007))
        #expect(many.map(code) == first)
        #expect(codes.string(2) == long && codes.string(0) == "石家庄" && codes.count == 1_007)
        // Joining another dictionary maps its codes into this one's, adding what is new.
        var other = MemberCodes()
        for s in ["new", "石家庄", long] { var t = s; _ = t.withUTF8 { other.code($0) } }
        #expect(codes.merge(other) == [1_007, 0, 2])
    }

    @Test("cells read on the short path exactly as ValueParser and ColumnarTable read them")
    func cellValues() {
        let numbers = ["0", "7", "120", "80.5", "0.000001", "99999.99", "123456789012345", "1234567890123456", "12345678.1234567",
                       "-3", "-0.25", "1,234.50", ".5", "5.", "1.2.3", "abc", "+1", "00012.50", "3.14159265358979", "1e5", " 1"]
        for text in numbers {
            let bytes = Array(text.utf8)
            let fast = bytes.withUnsafeBufferPointer { CellValues.number($0) }
            let slow = bytes.withUnsafeBufferPointer { ValueParser.number($0) }
            #expect(fast?.bitPattern == slow?.bitPattern, "\(text)")
        }
        #expect(Array("".utf8).withUnsafeBufferPointer { CellValues.number($0) } == nil)
        let dates = ["2026-03-31", "2024-02-29", "2026-02-29", "2026-13-01", "2026-00-10", "0000-01-01", "2026/03/31", "20260331",
                     "2026-3-31", "2026年3月31日", "2026-03-3x", "", "2026-03-310"]
        for text in dates {
            let bytes = Array(text.utf8)
            let fast = bytes.withUnsafeBufferPointer { CellValues.date($0) }
            let slow = ColumnarTable.fixture("d\n\"\(text)\"\n").date(0, 0)
            #expect(fast == slow, "\(text)")
        }
    }
}
