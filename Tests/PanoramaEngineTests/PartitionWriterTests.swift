import Foundation
import Testing
import PanoramaConfig
import PanoramaCore
import PanoramaTestSupport
@testable import PanoramaEngine

/// A stage kind that streams one partition through `StageIO.partitionWriter` and publishes a small
/// one from memory beside it, and fails where its `mode` says.
enum StreamingStage: StageKind {
    struct Settings: Sendable {
        var mode: String
        var rows: Int
    }

    static let name = "streaming"
    static let abstract = "writes a streamed partition and a small one (tests)"
    static let parameters = [
        StageParameter("mode", default: "ok", "ok, fail_after_write, fail_after_publish or unpublished"),
        StageParameter("rows", default: "10", "rows of the streamed partition"),
    ]
    static let big = TableSchema("streamed_big", producer: name, columns: ["id", "value", "note"])
    static let small = TableSchema("streamed_small", producer: name, columns: ["rows"])
    static let tables = [big, small]

    static func settings(_ stage: StageConfig, in config: PipelineConfig) throws -> Settings {
        Settings(mode: try stage.choice("mode", ["ok", "fail_after_write", "fail_after_publish", "unpublished"], default: "ok"),
                 rows: try stage.int("rows", default: 10))
    }

    /// The streamed partition's rows `first..<first + count`, as one headerless piece.
    static func rows(_ range: Range<Int>, month: Month) -> CSVWriter {
        var w = CSVWriter(header: [])
        for i in range {
            w.field("C\(i)"); w.number(Double(i) / 8); w.field(i % 9 == 0 ? "a, \"quoted\"\nnote \(month)" : "plain \(month)")
            w.endRow()
        }
        return w
    }

    static func run(_ settings: Settings, _ io: StageIO) throws -> StageReport {
        let writer = try io.partitionWriter(big)
        // Pieces of every size: single rows (buffered), and a large one written past the buffer.
        var next = 0
        for size in [1, 1, 7, max(0, settings.rows - 9)] where next < settings.rows {
            let count = min(size, settings.rows - next)
            try writer.append(rowsFrom: rows(next..<(next + count), month: io.month))
            next += count
        }
        if settings.mode == "fail_after_write" { throw PanoramaError.runtime("failed after writing") }
        if settings.mode == "unpublished" {
            var report = StageReport()
            report.summary = "wrote \(writer.rows) rows, published nothing"
            return report
        }
        var small = CSVWriter(header: small.columns)
        small.integer(writer.rows)
        small.endRow()
        try io.publish([TableOutput(writer), TableOutput(Self.small, small)])
        if settings.mode == "fail_after_publish" { throw PanoramaError.runtime("failed after publishing") }
        var report = StageReport()
        report.summary = "\(writer.rows) rows"
        return report
    }
}

@Suite("A streamed partition is published with the stage's other outputs, or not at all", .serialized)
struct PartitionWriterTests {
    static let month = Month(key: "2026-10")!
    let dir = TempDir("stream")

    func run(_ mode: String, rows: Int, beforePublish: (() throws -> Void)? = nil) throws -> RunOutcome {
        let config = try PipelineConfig.parse(text: """
            name: test
            province: 河北
            month: 2026-10
            paths: {input: \(dir.path)/input/{month}, warehouse: \(dir.path)/warehouse, reports: \(dir.path)/reports/{month}}
            stages:
              - {id: stream, kind: streaming, mode: \(mode), rows: \(rows)}
            """, file: "test.yaml")
        var runner = PipelineRunner(config: config, options: RunOptions(force: true), log: RunLogger(quiet: true, sink: { _ in }),
                                    registry: StageRegistry([StreamingStage.self]))
        runner.beforePublish = beforePublish
        return runner.run()
    }

    var bigPath: String { "warehouse/streamed_big/month=2026-10/part-0.csv" }
    var smallPath: String { "warehouse/streamed_small/month=2026-10/part-0.csv" }

    /// The streamed partition as an in-memory writer renders it.
    func expected(_ rows: Int) -> [UInt8] {
        var w = CSVWriter(header: StreamingStage.big.columns)
        w.append(StreamingStage.rows(0..<rows, month: Self.month))
        return w.bytes
    }

    /// Staged (`.tmp-`) or kept (`.prev-`) files anywhere in the warehouse.
    func leftovers() -> [String] {
        let root = dir.path + "/warehouse"
        let all = (FileManager.default.enumerator(atPath: root)?.allObjects as? [String]) ?? []
        return all.filter { $0.contains(".tmp-") || $0.contains(".prev-") }
    }

    @Test("the streamed file holds exactly what an in-memory writer renders, and the manifest lists its digest and rows")
    func published() throws {
        // 60,000 rows: about 1.8 MB; the small pieces are buffered, the last one (over 1 MiB) is written
        // and hashed at once.
        let outcome = try run("ok", rows: 60_000)
        #expect(outcome.exitCode == .ok, "\(outcome.error ?? "")")
        let bytes = dir.bytes(bigPath) ?? []
        #expect(bytes == expected(60_000))
        #expect(bytes.count > 1 << 20)
        #expect(dir.text(smallPath) == "rows\n60000\n")
        let manifest = try #require(Warehouse(root: dir.path + "/warehouse").manifest(Self.month, stage: "stream"))
        let entry = try #require(manifest.outputs.first { $0.name == "streamed_big" })
        #expect(entry.sha256 == SHA256Digest.hex(bytes) && entry.rows == 60_000)
        #expect(manifest.outputs.map(\.name) == ["streamed_big", "streamed_small"])
        #expect(leftovers().isEmpty)
    }

    @Test("a stage that fails after streaming or after publishing leaves the previous partitions and no staged file")
    func failureKeepsThePreviousVersion() throws {
        #expect(try run("ok", rows: 20).exitCode == .ok)
        let before = (dir.bytes(bigPath), dir.bytes(smallPath))
        #expect(before.0 == expected(20))
        for mode in ["fail_after_write", "fail_after_publish"] {
            let outcome = try run(mode, rows: 50_000)
            #expect(outcome.exitCode == .runtime, "\(mode)")
            #expect(dir.bytes(bigPath) == before.0 && dir.bytes(smallPath) == before.1, "\(mode)")
            #expect(leftovers().isEmpty, "\(mode): \(leftovers())")
        }
        // An I/O error while publishing (after the streamed file was synced): the same.
        let outcome = try run("ok", rows: 50_000, beforePublish: { throw PanoramaError.runtime("injected") })
        #expect(outcome.exitCode == .runtime)
        #expect(dir.bytes(bigPath) == before.0 && dir.bytes(smallPath) == before.1)
        #expect(leftovers().isEmpty, "\(leftovers())")
    }

    @Test("a writer the stage never publishes is removed and its table is not published")
    func unpublished() throws {
        let outcome = try run("unpublished", rows: 30)
        #expect(outcome.exitCode == .ok, "\(outcome.error ?? "")")
        #expect(!dir.exists(bigPath) && !dir.exists(smallPath))
        #expect(leftovers().isEmpty, "\(leftovers())")
        let manifest = try #require(Warehouse(root: dir.path + "/warehouse").manifest(Self.month, stage: "stream"))
        #expect(manifest.outputs.isEmpty)
    }
}
