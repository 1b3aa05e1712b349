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

@Suite("Key joins: merge on sorted keys, hash otherwise")
struct KeyJoinTests {
    func table(_ keys: [String]) -> ColumnarTable {
        try! ColumnarTable.parse(Array(("id\n" + keys.map { $0 + "\n" }.joined()).utf8), name: "fixture")
    }

    @Test("both paths find the first row of each key, and -1 for keys missing on the right")
    func firstMatches() {
        let left = table(["A1", "A2", "A3", "B", "C10", "C9"])
        let sortedRight = table(["A0", "A2", "A2", "B", "C10", "D"])
        let shuffledRight = table(["D", "A2", "C10", "B", "A0", "A2"])
        #expect(KeyJoin.isAscending(left, 0, strictly: true))
        #expect(KeyJoin.isAscending(sortedRight, 0) && !KeyJoin.isAscending(sortedRight, 0, strictly: true))
        #expect(KeyJoin.firstMatches(left, 0, leftAscending: true, sortedRight, 0) == [-1, 1, -1, 3, 4, -1])
        #expect(KeyJoin.firstMatches(left, 0, leftAscending: true, shuffledRight, 0) == [-1, 1, -1, 3, 2, -1])
        #expect(KeyJoin.firstMatches(left, 0, leftAscending: false, sortedRight, 0) == [-1, 1, -1, 3, 4, -1])
    }

    @Test("keys compare by bytes: a prefix sorts first, UTF-8 by code point")
    func compare() {
        let t = table(["C1", "C10", "C2", "石家庄", "沧州"])
        func cmp(_ a: Int, _ b: Int) -> Int { KeyJoin.compare(t.bytes(a, 0), t.bytes(b, 0)) }
        #expect(cmp(0, 1) < 0 && cmp(1, 2) < 0 && cmp(2, 2) == 0)
        #expect((cmp(3, 4) < 0) == ("石家庄".unicodeScalars.first!.value < "沧州".unicodeScalars.first!.value))
    }
}
