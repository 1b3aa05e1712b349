import Foundation
import PanoramaCore
#if canImport(Glibc)
import Glibc
#endif

/// An exclusive lock on the warehouse (flock on `<warehouse>/_lock`), held for a whole run. The file
/// holds the holder's pid so a second run can name it; the kernel drops a flock when its process
/// dies, so a lock left by a killed run is taken over (with a warning naming the dead pid).
public final class WarehouseLock {
    private let fd: Int32
    public let path: String
    /// The pid found in the lock file when it was taken over from a run that no longer exists.
    public private(set) var staleHolder: Int32?

    /// Takes the lock or throws exit 4 naming the holder.
    public init(warehouse: String) throws {
        try FileIO.makeDirectory(warehouse)
        path = warehouse + "/_lock"
        fd = open(path, O_RDWR | O_CREAT, 0o644)
        guard fd >= 0 else { throw PanoramaError.runtime("cannot open lock file \(path): \(String(cString: strerror(errno)))") }
        let previous = WarehouseLock.readPid(fd)
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            close(fd)
            let holder = previous.map { "pid \($0)" } ?? "an unknown process"
            throw PanoramaError(.locked, "another run (\(holder)) holds the warehouse lock \(path); wait for it to finish or check that process")
        }
        if let previous, previous != getpid(), kill(previous, 0) != 0 && errno == ESRCH {
            staleHolder = previous
        }
        ftruncate(fd, 0)
        let text = Array("\(getpid())\n".utf8)
        _ = text.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    }

    private static func readPid(_ fd: Int32) -> Int32? {
        var buf = [UInt8](repeating: 0, count: 32)
        let n = buf.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 32, 0) }
        guard n > 0 else { return nil }
        return Int32(String(decoding: buf[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Releases the lock (also released by the kernel when the process ends).
    public func release() {
        ftruncate(fd, 0)
        flock(fd, LOCK_UN)
        close(fd)
    }
}
