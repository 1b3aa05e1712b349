import Foundation
import Testing
@testable import PanoramaCore

@Suite("Partition reads: chunks cut anywhere, hashing while parsing, damaged records")
struct PartitionParserTests {
    func parse(_ csv: String, columns: [String]? = nil, chunks: Int? = nil) throws -> ColumnarTable {
        try PartitionParser.parse(ByteStore(copying: Array(csv.utf8)), name: "t.csv", columns: columns, hash: false, chunks: chunks).table
    }

    /// The message of the error `body` throws (nil when it throws none).
    func message(_ body: () throws -> Any) -> String? {
        do { _ = try body() } catch let error as PanoramaError { return error.message } catch { return "\(error)" }
        return nil
    }

    /// Every cell of a table as text, row by row.
    func cells(_ t: ColumnarTable) -> [[String]] {
        (0..<t.rowCount).map { r in (0..<t.header.count).map { t.string(r, $0) } }
    }

    /// A file where most records hold a quoted line break and doubled quotes, so that many cuts
    /// fall inside a quoted field and the chunk after them must be parsed again.
    func awkwardFile(rows: Int) -> (bytes: [UInt8], expected: [[String]]) {
        var w = CSVWriter(header: ["id", "note", "n", "tail"])
        var expected: [[String]] = []
        for i in 0..<rows {
            let note = i % 5 == 4 ? "plain \(i)" : "line \(i)\nsaid \"hi\", twice\n\n\"\(i)\""
            let tail = i % 3 == 0 ? "" : "t\(i)"
            w.field("C\(i)"); w.field(note); w.integer(i); w.field(tail)
            w.endRow()
            expected.append(["C\(i)", note, "\(i)", tail])
        }
        return (w.bytes, expected)
    }

    @Test("cut into any number of chunks, a file with quoted line breaks reads exactly as in one pass")
    func anyCuts() throws {
        let (bytes, expected) = awkwardFile(rows: 400)
        for chunks in [1, 2, 3, 5, 8, 13, 64, 199, 1000, bytes.count] {
            let t = try PartitionParser.parse(ByteStore(copying: bytes), name: "t", columns: nil, hash: false, chunks: chunks).table
            #expect(t.rowCount == 400, "\(chunks) chunks")
            #expect(cells(t) == expected, "\(chunks) chunks")
            let picked = try PartitionParser.parse(ByteStore(copying: bytes), name: "t", columns: ["tail", "id", "tail"], hash: false,
                                                   chunks: chunks).table
            #expect(cells(picked) == expected.map { [$0[3], $0[0], $0[3]] }, "\(chunks) chunks, picked")
        }
    }

    @Test("empty lines are skipped, CR LF and a missing final line break read as LF; one column keeps empty cells")
    func lineEnds() throws {
        let lf = try parse("a,b\n1,x\n\n2,\"y\"\n3,z")
        #expect(cells(lf) == [["1", "x"], ["2", "y"], ["3", "z"]])
        let crlf = try parse("a,b\r\n1,x\r\n\r\n2,\"y\"\r\n3,z\r\n")
        #expect(cells(crlf) == cells(lf))
        let single = try parse("id\nA\n\nB\n")
        #expect(cells(single) == [["A"], [""], ["B"]])
        let headerOnly = try parse("a,b\n")
        #expect(headerOnly.rowCount == 0 && headerOnly.header == ["a", "b"])
        let empty = try parse("", columns: ["a"])
        #expect(empty.rowCount == 0 && empty.header == ["a"])
    }

    @Test("a damaged record is an error naming the file, its line and what is wrong")
    func damaged() throws {
        let cases: [(String, String)] = [
            ("a,b,c\n1,2,3\n4,5\n", "t.csv is damaged at line 3 (byte 12): it has 2 fields where the header has 3; re-run the stage that wrote it"),
            ("a,b\n1,2\n3,4,5\n", "t.csv is damaged at line 3 (byte 8): it has 3 fields where the header has 2; re-run the stage that wrote it"),
            ("a,b\n1,x\"y\n", "t.csv is damaged at line 2 (byte 4): a quote stands inside an unquoted field; re-run the stage that wrote it"),
            ("a,b\n1,\"x\"y\n", "t.csv is damaged at line 2 (byte 4): text follows a closing quote; re-run the stage that wrote it"),
            ("a,b\n1,2\n3,\"open\n", "t.csv is damaged at line 3 (byte 8): the file ends inside a quoted field; re-run the stage that wrote it"),
            ("a,b\n1,\"two\nlines\",3\n", "t.csv is damaged at line 2 (byte 4): it has 3 fields where the header has 2; re-run the stage that wrote it"),
        ]
        for (csv, message) in cases {
            for chunks in [1, 3] {
                #expect(self.message { try parse(csv, chunks: chunks) } == message, "\(chunks) chunks")
            }
        }
        #expect(message { try parse("a,b\n1,2\n", columns: ["z"]) } == "t.csv has no column `z` (columns: a, b); re-run the stage that wrote it")
    }

    @Test("the header follows the rules of a record: quotes only around a whole name, a CR inside quotes is text, no name twice")
    func header() throws {
        let cases: [(String, String)] = [
            ("a,b\"c\n1,2\n", "t.csv is damaged at line 1: its header has a quote inside unquoted column 2; re-run the stage that wrote it"),
            ("a,\"b\"x\n1,2\n", "t.csv is damaged at line 1: its header has text after the closing quote of column 2; re-run the stage that wrote it"),
            ("a,a\n1,2\n", "t.csv is damaged at line 1: its header names column `a` twice; re-run the stage that wrote it"),
            ("a,\"b\n", "t.csv is damaged at line 1: the file ends inside its quoted header; re-run the stage that wrote it"),
        ]
        for (csv, text) in cases {
            #expect(message { try parse(csv) } == text)
            #expect(message { try parse(csv, columns: ["a"]) } == text)
        }
        // A CR inside quotes belongs to the name; the CR of a CR LF line end does not.
        #expect(try parse("a,\"b\r\"\n1,2\n").header == ["a", "b\r"])
        #expect(try parse("a,\"b\"\r\n1,2\r\n").header == ["a", "b"])
        #expect(try parse("a,b\r\n1,2\r\n").header == ["a", "b"])
        #expect(cells(try parse("a,\"b,c\"\n1,2\n")) == [["1", "2"]])
        #expect(try parse("a,\"b,c\"\n1,2\n").header == ["a", "b,c"])
    }

    @Test("a damaged record past a cut is found whichever chunk holds it")
    func damagedLate() throws {
        var (bytes, _) = awkwardFile(rows: 300)
        bytes += Array("C300,short\n".utf8)
        for chunks in [1, 2, 7, 50] {
            let error = message { try PartitionParser.parse(ByteStore(copying: bytes), name: "t", columns: nil, hash: false, chunks: chunks) }
            #expect(error?.hasSuffix("it has 2 fields where the header has 4; re-run the stage that wrote it") == true, "\(chunks) chunks: \(error ?? "no error")")
        }
    }

    @Test("a partition read from disk is hashed as read (before unescaping) and the digest is reused while the file is unchanged")
    func readAndHash() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("partition-\(UUID().uuidString)").path
        try FileIO.makeDirectory(folder)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/part-0.csv"
        let (bytes, expected) = awkwardFile(rows: 25_000)
        #expect(bytes.count > 1 << 20)   // large enough to be cut into chunks and hashed alongside
        try FileIO.writeAtomically(bytes, to: path)
        let cache = ChecksumCache()
        let (table, sha256) = try ColumnarTable.read(path, columns: ["note", "id"], checksums: cache)
        #expect(sha256 == SHA256Digest.hex(bytes))
        #expect(table.rowCount == 25_000)
        for r in [0, 1, 4, 9_999, 24_999] { #expect(table.string(r, 0) == expected[r][1] && table.string(r, 1) == expected[r][0]) }
        // The second read of the unchanged file takes the digest remembered for it.
        cache.remember("remembered", for: path, stamp: try stamp(path))
        #expect(try ColumnarTable.read(path, columns: ["id"], checksums: cache).sha256 == "remembered")
        // A changed file is hashed again.
        let changed = bytes + Array("C25000,x,1,y\n".utf8)
        try FileIO.writeAtomically(changed, to: path)
        let again = try ColumnarTable.read(path, columns: ["id"], checksums: cache)
        #expect(again.sha256 == SHA256Digest.hex(changed) && again.table.rowCount == 25_001)
        #expect(message { try ColumnarTable.read(folder + "/missing.csv", columns: nil, checksums: cache) } == "input file \(folder)/missing.csv does not exist")
    }

    func stamp(_ path: String) throws -> FileStamp {
        var info = stat()
        guard stat(path, &info) == 0 else { throw PanoramaError.runtime("no \(path)") }
        return FileStamp(info)
    }

    @Test("the word scanner finds exactly the commas, line feeds and quotes of every byte position")
    func scanner() {
        var bytes: [UInt8] = []
        for k in 0..<512 { bytes.append([0x2C, 0x0A, 0x22, 0x41, 0x2B, 0x0B, 0xAC, 0x8A, 0xA2, 0x00, 0x2D, 0x21][k * 7 % 12]) }
        bytes += [UInt8](repeating: 0, count: 8)
        bytes.withUnsafeBufferPointer { b in
            for offset in 0..<(b.count - 8) {
                let mask = PartitionParser.specials(b.baseAddress!, offset)
                for k in 0..<8 {
                    let hit = mask & (0x80 << (8 * UInt64(k))) != 0
                    #expect(hit == [0x2C, 0x0A, 0x22].contains(b[offset + k]), "offset \(offset) byte \(k)")
                }
                #expect(mask & ~0x8080_8080_8080_8080 == 0)
            }
        }
    }
}
