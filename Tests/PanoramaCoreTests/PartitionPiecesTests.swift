import Foundation
import Testing
@testable import PanoramaCore

/// A partition read piece by piece gives the cells a whole read gives, row for row, and keeps the
/// asked-for columns in a table of their own.
@Suite("Partition pieces: the same cells as a whole read, the kept columns copied out")
struct PartitionPiecesTests {
    let parser = PartitionParserTests()

    /// Every piece's cells, placed at their rows.
    func cells(_ pieces: PartitionPieces) throws -> [[String]] {
        let parts = try pieces.map { piece, first in (first, parser.cells(piece)) }
        var rows: [[String]] = []
        for (first, cells) in parts {
            #expect(first == rows.count, "pieces come in row order without gaps")
            rows += cells
        }
        return rows
    }

    @Test("cut into any number of pieces, quoted line breaks and doubled quotes read as in one pass")
    func anyCuts() throws {
        let (bytes, expected) = parser.awkwardFile(rows: 300)
        for chunks in [1, 2, 3, 7, 64, 299, bytes.count] {
            let pieces = try PartitionPieces(ByteStore(copying: bytes), name: "t", columns: ["tail", "id", "note", "tail"],
                                             keeping: [2, 1], hash: true, chunks: chunks)
            #expect(pieces.rowCount == 300, "\(chunks) pieces")
            #expect(pieces.sha256 == SHA256Digest.hex(bytes))
            #expect(pieces.kept.header == ["note", "id"])
            #expect(parser.cells(pieces.kept) == expected.map { [$0[1], $0[0]] }, "\(chunks) pieces, kept")
            #expect(try cells(pieces) == expected.map { [$0[3], $0[0], $0[1], $0[3]] }, "\(chunks) pieces")
            // The kept table stands alone once the pieces are gone.
            let kept = pieces.kept
            #expect(kept.string(299, 1) == "C299")
        }
    }

    @Test("a header-only file has no rows; a missing column names the columns there are")
    func edges() throws {
        let headerOnly = try PartitionPieces(ByteStore(copying: Array("a,b\n".utf8)), name: "t", columns: ["b", "a"], keeping: [1], hash: false)
        #expect(headerOnly.rowCount == 0 && headerOnly.kept.rowCount == 0 && headerOnly.kept.header == ["a"])
        #expect(try cells(headerOnly).isEmpty)
        let missing = parser.message {
            try PartitionPieces(ByteStore(copying: Array("a,b\n1,2\n".utf8)), name: "t.csv", columns: ["a", "c"], keeping: [0], hash: false)
        }
        #expect(missing?.contains("t.csv has no column `c` (columns: a, b)") == true)
        let damaged = parser.message {
            try PartitionPieces(ByteStore(copying: Array("a,b\n1,2\n3\n".utf8)), name: "t.csv", columns: ["a"], keeping: [0], hash: false)
        }
        #expect(damaged?.contains("t.csv is damaged at line 3") == true)
    }

    @Test("an error in one piece's reader is the read's error")
    func readerError() throws {
        let (bytes, _) = parser.awkwardFile(rows: 100)
        let pieces = try PartitionPieces(ByteStore(copying: bytes), name: "t", columns: ["id"], keeping: [0], hash: false, chunks: 5)
        let error = parser.message {
            try pieces.map { piece, first -> Int in
                if first > 0 { throw PanoramaError.runtime("piece at row \(first) refused") }
                return piece.rowCount
            }
        }
        #expect(error?.contains("refused") == true)
    }
}
