import Foundation
import Testing
@testable import PanoramaCore

@Suite("Files written in bounded pieces, hashed as written")
struct SyncedFileWriterTests {
    func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("synced-\(UUID().uuidString)").path
        try FileIO.makeDirectory(path)
        return path
    }

    @Test("pieces of every size land in order: buffered, flushed when the buffer is full, or written directly; the digest is the file's")
    func pieces() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/out.csv"
        let w = try SyncedFileWriter(path: path, capacity: 4096)
        var all: [UInt8] = []
        var state: UInt32 = 7
        // Sizes 0…5000 bytes around the 4 KiB buffer, then two pieces over the 1 MiB direct threshold.
        for size in [0, 1, 100, 4095, 4096, 4097, 3000, 3000, 5000, 1 << 20, 17, 3 << 20, 5] {
            let piece = (0..<size).map { _ -> UInt8 in state = state &* 1_103_515_245 &+ 12345; return UInt8(truncatingIfNeeded: state >> 16) }
            try w.write(piece)
            all += piece
        }
        #expect(w.count == all.count)
        let (sha256, bytes) = try w.finish()
        #expect(bytes == all.count && sha256 == SHA256Digest.hex(all))
        #expect(try FileIO.read(path) == all)
        #expect(throws: PanoramaError.self) { try w.write([1, 2, 3]) }
    }

    @Test("a discarded file is removed; a file that cannot be created is an error naming it")
    func discard() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let w = try SyncedFileWriter(path: dir + "/gone.csv")
        try w.write(Array("a,b\n".utf8))
        w.discard()
        #expect(!FileIO.exists(dir + "/gone.csv"))
        do {
            _ = try SyncedFileWriter(path: dir + "/no/such/folder/x.csv")
            Issue.record("no error")
        } catch let error as PanoramaError {
            #expect(error.message == "cannot write \(dir)/no/such/folder/x.csv: No such file or directory")
        }
    }
}
