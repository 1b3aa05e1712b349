import Foundation
import PanoramaCore
#if canImport(Glibc)
import Glibc
#endif

/// An exclusive lock on the warehouse, held for a whole run: flock on the warehouse folder itself, so
/// deleting a file cannot let a second run in (the kernel drops the lock when its process dies, so a
/// lock left by a killed run is taken over, with a warning naming the dead pid).
///
/// The holder's pid is kept in `<warehouse>/_lock`. That file is also flocked, briefly, as a mutex
/// around "take the folder lock and write the pid" and around "clear the pid and let go", so a
/// second run that finds the folder locked always reads the pid of the run that holds it.
public final class WarehouseLock {
    private let folderFD: Int32
    private let pidFD: Int32
    /// The pid file, `<warehouse>/_lock`.
    public let path: String
    /// The pid found in the lock file when it was taken over from a run that no longer exists.
    public let staleHolder: Int32?
    private var released = false

    /// The outcome of trying to take the lock without waiting.
    public enum Attempt {
        case acquired(WarehouseLock)
        /// Another process holds it (its pid when it could be found).
        case held(by: Int32?, path: String)
    }

    /// Takes the lock or throws exit 4 naming the holder.
    public convenience init(warehouse: String) throws {
        switch try WarehouseLock.acquire(warehouse) {
        case .success(let fds): self.init(folderFD: fds.folder, pidFD: fds.pid, path: warehouse + "/_lock", staleHolder: fds.stale)
        case .failure(let held): throw WarehouseLock.heldError(held.pid, held.path)
        }
    }

    private init(folderFD: Int32, pidFD: Int32, path: String, staleHolder: Int32?) {
        self.folderFD = folderFD
        self.pidFD = pidFD
        self.path = path
        self.staleHolder = staleHolder
    }

    private struct Held: Error {
        var pid: Int32?
        var path: String
    }

    /// The message of exit 4.
    public static func heldError(_ pid: Int32?, _ path: String) -> PanoramaError {
        let holder = pid.map { "pid \($0)" } ?? "a process whose pid could not be read"
        return PanoramaError(.locked, "another run (\(holder)) holds the warehouse lock \(path); wait for it to finish or check that process")
    }

    /// Tries to take the lock without waiting for another run (creating the warehouse folder).
    public static func attempt(warehouse: String) throws -> Attempt {
        switch try acquire(warehouse) {
        case .success(let fds):
            return .acquired(WarehouseLock(folderFD: fds.folder, pidFD: fds.pid, path: warehouse + "/_lock", staleHolder: fds.stale))
        case .failure(let held): return .held(by: held.pid, path: held.path)
        }
    }

    private static func acquire(_ warehouse: String) throws -> Result<(folder: Int32, pid: Int32, stale: Int32?), Held> {
        try FileIO.makeDirectory(warehouse)
        let path = warehouse + "/_lock"
        let pidFD = try openMutex(path)
        let folderFD = open(warehouse, O_RDONLY | O_DIRECTORY)
        guard folderFD >= 0 else {
            let reason = String(cString: strerror(errno))
            unlockMutex(pidFD)
            close(pidFD)
            throw PanoramaError.runtime("cannot open the warehouse folder \(warehouse) to lock it: \(reason)")
        }
        if flock(folderFD, LOCK_EX | LOCK_NB) != 0 {
            let holder = readPid(pidFD) ?? flockHolder(of: folderFD)
            unlockMutex(pidFD)
            close(pidFD)
            close(folderFD)
            return .failure(Held(pid: holder, path: path))
        }
        var stale: Int32?
        if let previous = readPid(pidFD), previous != getpid(), kill(previous, 0) != 0 && errno == ESRCH {
            stale = previous
        }
        ftruncate(pidFD, 0)
        let text = Array("\(getpid())\n".utf8)
        _ = text.withUnsafeBytes { pwrite(pidFD, $0.baseAddress, $0.count, 0) }
        unlockMutex(pidFD)
        return .success((folderFD, pidFD, stale))
    }

    /// Opens the pid file and flocks it as the short mutex; the file must still be the one at `path`
    /// once locked (it may have been deleted and created again meanwhile). Waits at most 5 s for the
    /// mutex (it is held for microseconds), then goes on without it.
    private static func openMutex(_ path: String) throws -> Int32 {
        for _ in 0..<1000 {
            let fd = open(path, O_RDWR | O_CREAT, 0o644)
            guard fd >= 0 else { throw PanoramaError.runtime("cannot open lock file \(path): \(String(cString: strerror(errno)))") }
            var waited = 0
            while flock(fd, LOCK_EX | LOCK_NB) != 0 && waited < 5000 {
                usleep(1000)
                waited += 1
            }
            var locked = stat(), named = stat()
            if fstat(fd, &locked) == 0, stat(path, &named) == 0, locked.st_ino == named.st_ino, locked.st_dev == named.st_dev {
                return fd
            }
            close(fd)
        }
        throw PanoramaError.runtime("cannot lock \(path): it keeps being replaced")
    }

    private static func unlockMutex(_ fd: Int32) { flock(fd, LOCK_UN) }

    private static func readPid(_ fd: Int32) -> Int32? {
        var buf = [UInt8](repeating: 0, count: 32)
        let n = buf.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 32, 0) }
        guard n > 0 else { return nil }
        return Int32(String(decoding: buf[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// The pid holding a flock on the file behind `fd`, from /proc/locks (Linux), for when the pid
    /// file was deleted under a running holder.
    private static func flockHolder(of fd: Int32) -> Int32? {
        var info = stat()
        guard fstat(fd, &info) == 0, let text = try? String(contentsOfFile: "/proc/locks", encoding: .utf8) else { return nil }
        let dev = UInt64(info.st_dev)
        let major = ((dev >> 8) & 0xfff) | ((dev >> 32) & ~UInt64(0xfff))
        let minor = (dev & 0xff) | ((dev >> 12) & ~UInt64(0xff))
        let wanted = String(format: "%02x:%02x:%llu", major, minor, UInt64(info.st_ino))
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 6, fields[1] == "FLOCK", fields[5] == wanted else { continue }
            return Int32(fields[4])
        }
        return nil
    }

    /// Releases the lock (also released by the kernel when the process ends). The pid is cleared
    /// under the mutex, so a run starting meanwhile never reads an empty pid while the folder is locked.
    public func release() {
        guard !released else { return }
        released = true
        var waited = 0
        while flock(pidFD, LOCK_EX | LOCK_NB) != 0 && waited < 5000 {
            usleep(1000)
            waited += 1
        }
        ftruncate(pidFD, 0)
        flock(folderFD, LOCK_UN)
        flock(pidFD, LOCK_UN)
        close(folderFD)
        close(pidFD)
    }
}
