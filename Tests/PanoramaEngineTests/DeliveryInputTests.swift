import Foundation
import Testing
import PanoramaConfig
import PanoramaCore
@testable import PanoramaEngine

/// Deliveries that are not ordinary files of ordinary size get a message of their own (exit 3),
/// before anything is allocated or a FIFO is opened.
@Suite("Deliveries too large, or not regular files")
struct DeliveryInputTests {
    /// Replaces a delivered file by a sparse one of `size` bytes (nothing is written).
    func sparse(_ ws: Workspace, _ name: String, size: Int) -> Bool {
        let path = ws.path + "/input/2026-10/" + name
        FileIO.remove(path)
        let fd = open(path, O_WRONLY | O_CREAT, 0o644)
        defer { close(fd) }
        return fd >= 0 && ftruncate(fd, off_t(size)) == 0
    }

    @Test("a delivery over the default 8 GiB limit is refused before it is read (exit 3)")
    func overDefaultLimit() throws {
        let ws = Workspace()
        ws.writeMonth("2026-10")
        #expect(sparse(ws, "customers.csv", size: 9 << 30))
        let outcome = ws.run(try ws.config())
        #expect(outcome.exitCode == .dataQuality)
        #expect(outcome.error == "\(ws.path)/input/2026-10/customers.csv is 9663676416 bytes (9 GiB), over the limit of 8589934592 bytes (8 GiB) set by the default `max_delivery_size` (set it at the top of test.yaml); split the delivery, or raise the limit if the host has the memory")
    }

    @Test("max_delivery_size sets the limit; a file larger than the memory available is refused too")
    func configuredLimitAndMemory() throws {
        let ws = Workspace()
        ws.writeMonth("2026-10")
        let small = ws.run(try ws.config(extra: "max_delivery_size: 100\n"))
        #expect(small.exitCode == .dataQuality)
        #expect(small.error?.hasSuffix("bytes, over the limit of 100 bytes set by `max_delivery_size` in test.yaml; split the delivery, or raise the limit if the host has the memory") == true,
                "\(small.error ?? "")")
        let available = try #require(FileIO.availableMemory())
        #expect(sparse(ws, "usage.csv", size: available + (1 << 30)))
        let big = ws.run(try ws.config(extra: "max_delivery_size: 16TiB\n"))
        #expect(big.exitCode == .dataQuality)
        #expect(big.error?.contains("usage.csv is \(available + (1 << 30)) bytes") == true, "\(big.error ?? "")")
        #expect(big.error?.contains("of memory available to read it whole; run on a host with more memory, or split the delivery") == true, "\(big.error ?? "")")
    }

    @Test("a directory, a FIFO or a device in place of a delivery is named as such, and a FIFO is not opened")
    func notRegularFiles() throws {
        let cases: [(String, (String) throws -> Void, String)] = [
            ("customers.csv", { try FileManager.default.createDirectory(atPath: $0, withIntermediateDirectories: false) },
             "is a directory, not a file; a delivery is one CSV file"),
            ("usage.csv", { _ = mkfifo($0, 0o644) }, "is a named pipe (FIFO), not a file; deliver the CSV as a regular file"),
            ("surveys.csv", { try FileManager.default.createSymbolicLink(atPath: $0, withDestinationPath: "/dev/zero") },
             "is a device, not a file; deliver the CSV as a regular file"),
        ]
        for (name, make, message) in cases {
            let ws = Workspace()
            ws.writeMonth("2026-10")
            let path = ws.path + "/input/2026-10/" + name
            try FileManager.default.removeItem(atPath: path)
            try make(path)
            let outcome = ws.run(try ws.config())
            #expect(outcome.exitCode == .dataQuality, "\(name)")
            #expect(outcome.error == "\(path) \(message)", "\(outcome.error ?? "")")
        }
    }

    @Test("max_delivery_size must be a size; a config value is quoted in at most 200 characters")
    func configValues() throws {
        let ws = Workspace()
        for (extra, message) in [
            ("max_delivery_size: lots\n", "test.yaml:5:20: max_delivery_size must be a size such as 8GiB, 512MiB or a number of bytes, not `lots`"),
            ("max_delivery_size: 0\n", "test.yaml:5:20: max_delivery_size must be a size such as 8GiB, 512MiB or a number of bytes, not `0`"),
        ] {
            do {
                _ = try ws.config(extra: extra)
                Issue.record("accepted \(extra)")
            } catch let e as ConfigError {
                #expect(e.description == message)
            }
        }
        #expect(try ws.config(extra: "max_delivery_size: 512 MiB\n").maxDeliveryBytes == 512 << 20)
        #expect(try ws.config(extra: "max_delivery_size: 1000\n").maxDeliveryBytes == 1000)
        #expect(try ws.config().maxDeliveryBytes == 8 << 30)
        let long = String(repeating: "é", count: 5000)
        do {
            _ = try PipelineConfig.parse(text: "name: x\nmonth: \(long)\nstages:\n  - {id: ingest}\n", file: "p.yaml")
            Issue.record("accepted a 5000-character month")
        } catch let e as ConfigError {
            #expect(e.description == "p.yaml:2:8: month must be `previous` or YYYY-MM, not `\(String(repeating: "é", count: 200))…`")
        }
    }
}
