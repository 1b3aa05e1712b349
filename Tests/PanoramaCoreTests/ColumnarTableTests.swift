import Testing
@testable import PanoramaCore

@Suite("Columnar partition reads and the byte-key index")
struct ColumnarTableTests {
    @Test("cells read back as text, numbers, dates and booleans; quoted cells unescaped")
    func cells() throws {
        let csv = "id,n,d,flag,note\nA,1.5,2026-10-05,true,\"x,\"\"y\"\"\"\nB,,2026-1-5,false,plain\n\nC,-2,,true,\"two\nlines\"\n"
        let t = try ColumnarTable.parse(Array(csv.utf8), name: "t")
        #expect(t.rowCount == 3)
        #expect(t.string(0, 0) == "A" && t.string(2, 0) == "C")
        #expect(t.double(0, 1) == 1.5 && t.double(1, 1) == nil && t.int(2, 1) == -2)
        #expect(t.date(0, 2) == Day(year: 2026, month: 10, day: 5))
        #expect(t.isTrue(0, 3) && !t.isTrue(1, 3) && t.isEmpty(2, 2))
        #expect(t.string(0, 4) == "x,\"y\"")
        #expect(Array(t.bytes(0, 4)) == Array("x,\"y\"".utf8))     // keys hash the unescaped text
        #expect(t.string(2, 4) == "two\nlines")
        let picked = try ColumnarTable.parse(Array(csv.utf8), name: "t", columns: ["note", "id"])
        #expect(picked.string(1, 0) == "plain" && picked.string(1, 1) == "B")
    }

    @Test("the index gives dense entries in first-insertion order and finds every key")
    func index() {
        var index = ByteKeyIndex()
        var keys: [String] = []
        for i in 0..<5000 { keys.append("C\(i * 7919 % 10007)") }
        for (i, k) in keys.enumerated() {
            var copy = k
            let (entry, inserted) = copy.withUTF8 { index.insert($0) }
            #expect(inserted && entry == i)
        }
        for (i, k) in keys.enumerated() { #expect(index.find(k) == i) }
        #expect(index.find("nope") == nil)
        #expect(index.key(42) == keys[42])
        var again = "C0"
        #expect(again.withUTF8 { index.insert($0) }.inserted == false)
    }
}
