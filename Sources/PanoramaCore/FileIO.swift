import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// File reads and atomic writes (temp file + fsync + rename), so a reader never sees half a file.
public enum FileIO {
    /// What a path names, for reading it and for messages about it.
    public enum Kind: Equatable, Sendable {
        case missing
        case regular(size: Int)
        case directory, fifo, device, socket
    }

    /// What `path` names (symbolic links followed).
    public static func kind(_ path: String) -> Kind {
        var info = stat()
        guard stat(path, &info) == 0 else { return .missing }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .regular(size: Int(info.st_size))
        case S_IFDIR: return .directory
        case S_IFIFO: return .fifo
        case S_IFCHR, S_IFBLK: return .device
        case S_IFSOCK: return .socket
        default: return .device
        }
    }

    /// Reads a whole regular file; a missing, unreadable or unsuitable input is exit 3 with a message
    /// that says which: a directory, FIFO, device or socket is named as such (and never opened, so a
    /// FIFO cannot block the run); a file larger than `limit` bytes, or than the memory available to
    /// this process, is refused before anything is allocated.
    public static func read(_ path: String, limit: (bytes: Int, setting: String)? = nil) throws -> [UInt8] {
        let (fd, size) = try openForReading(path, limit: limit)
        defer { close(fd) }
        var failure: Int32 = 0
        var bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            count = 0
            while count < size {
                let n = systemRead(fd, buffer.baseAddress! + count, size - count)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 {
                    if n < 0 { failure = errno }
                    break
                }
                count += n
            }
        }
        if failure != 0 { throw PanoramaError.input("cannot read \(path): \(String(cString: strerror(failure)))") }
        // A file that grew while it was read: take the rest too (its size is then checked again).
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress, 65536) }
            if n <= 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
            if let limit, bytes.count > limit.bytes {
                throw PanoramaError.input("\(path) grew past the limit of \(describeBytes(limit.bytes)) set by \(limit.setting) while it was read")
            }
        }
        return bytes
    }

    /// Opens a regular file for reading after the checks `read` makes (what the path names, the
    /// limit, the memory available), returning the descriptor and the file's size; the caller closes it.
    static func openForReading(_ path: String, limit: (bytes: Int, setting: String)? = nil) throws -> (fd: Int32, size: Int) {
        let size: Int
        switch kind(path) {
        case .missing: throw PanoramaError.input("input file \(path) does not exist")
        case .directory: throw PanoramaError.input("\(path) is a directory, not a file; a delivery is one CSV file")
        case .fifo: throw PanoramaError.input("\(path) is a named pipe (FIFO), not a file; deliver the CSV as a regular file")
        case .device: throw PanoramaError.input("\(path) is a device, not a file; deliver the CSV as a regular file")
        case .socket: throw PanoramaError.input("\(path) is a socket, not a file; deliver the CSV as a regular file")
        case .regular(let n): size = n
        }
        if let limit, size > limit.bytes {
            throw PanoramaError.input("\(path) is \(describeBytes(size)), over the limit of \(describeBytes(limit.bytes)) set by \(limit.setting); "
                + "split the delivery, or raise the limit if the host has the memory")
        }
        if let available = availableMemory(), size > available {
            throw PanoramaError.input("\(path) is \(describeBytes(size)), more than the \(describeBytes(available)) of memory available to read it whole; "
                + "run on a host with more memory, or split the delivery")
        }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            throw PanoramaError.input("cannot read \(path): \(reason)\(errno == EACCES ? "; check its permissions" : "")")
        }
        return (fd, size)
    }

    /// Bytes of memory this process can still take: MemAvailable, and the cgroup's limit less its
    /// use when one is set (containers); nil when neither can be read (then no check is made).
    public static func availableMemory() -> Int? {
        var best: Int?
        if let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8),
           let line = text.split(separator: "\n").first(where: { $0.hasPrefix("MemAvailable:") }),
           let kib = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") {
            best = kib * 1024
        }
        if let maxText = try? String(contentsOfFile: "/sys/fs/cgroup/memory.max", encoding: .utf8),
           let max = Int(maxText.trimmingCharacters(in: .whitespacesAndNewlines)),
           let usedText = try? String(contentsOfFile: "/sys/fs/cgroup/memory.current", encoding: .utf8),
           let used = Int(usedText.trimmingCharacters(in: .whitespacesAndNewlines)) {
            let room = Swift.max(0, max - used)
            best = best.map { Swift.min($0, room) } ?? room
        }
        return best
    }

    /// `4294967296 bytes (4 GiB)`: the exact count, and a rounded binary size for people.
    public static func describeBytes(_ n: Int) -> String {
        let units = ["KiB", "MiB", "GiB", "TiB", "PiB"]
        var value = Double(n), unit = -1
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        guard unit >= 0 else { return "\(n) bytes" }
        let shown = value >= 100 ? String(Int(value.rounded())) : (formatNumber((value * 10).rounded() / 10) ?? "")
        return "\(n) bytes (\(shown) \(units[unit]))"
    }

    public static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    /// Creates a directory and its parents.
    public static func makeDirectory(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw PanoramaError.runtime("cannot create directory \(path): \(error.localizedDescription)")
        }
    }

    /// Writes `bytes` to a temp file beside `path`, syncs it, renames it over `path` and syncs the
    /// folder, so the new file survives a power cut once this returns.
    public static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        try makeDirectory(folder)
        let tmp = path + ".tmp-\(getpid())"
        try writeSynced(bytes, to: tmp)
        do {
            try rename(tmp, path)
        } catch {
            unlink(tmp)
            throw error
        }
        syncDirectory(folder)
    }

    /// Writes `bytes` to `path` (created or truncated) and syncs it to disk; removes it on failure.
    /// `fault` names the injection point the write counts as (see `FaultInjection`).
    public static func writeSynced(_ bytes: [UInt8], to path: String, fault: FaultInjection.Point? = nil) throws {
        if let fault, let injected = FaultInjection.shared.hit(fault) {
            throw PanoramaError.runtime("cannot write \(path): \(String(cString: strerror(injected)))")
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw PanoramaError.runtime("cannot write \(path): \(String(cString: strerror(errno)))") }
        var offset = 0
        let ok = bytes.withUnsafeBytes { raw -> Bool in
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n <= 0 { return false }
                offset += n
            }
            return true
        }
        if !ok || fsync(fd) != 0 {
            let reason = String(cString: strerror(errno))
            close(fd)
            unlink(path)
            throw PanoramaError.runtime("cannot write \(path): \(reason)")
        }
        close(fd)
    }

    /// rename(2), counted by `FaultInjection`; an error names both paths and the reason.
    public static func rename(_ from: String, _ to: String) throws {
        if let injected = FaultInjection.shared.hit(.rename) {
            throw PanoramaError.runtime("cannot rename \(from) to \(to): \(String(cString: strerror(injected)))")
        }
        guard systemRename(from, to) == 0 else {
            throw PanoramaError.runtime("cannot rename \(from) to \(to): \(String(cString: strerror(errno)))")
        }
    }

    /// A second name for a file (a hard link), so the old content is kept when the first name is
    /// replaced; where links are not supported the bytes are copied and synced instead.
    public static func keepCopy(of path: String, as copy: String) throws {
        unlink(copy)
        if link(path, copy) == 0 { return }
        try writeSynced(try read(path), to: copy)
    }

    /// Syncs a folder, so renames and removals inside it are on disk (best effort: some file
    /// systems refuse fsync on a folder).
    public static func syncDirectory(_ path: String) {
        let fd = open(path.isEmpty ? "." : path, O_RDONLY | O_DIRECTORY)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }

    /// Writes UTF-8 text atomically.
    public static func writeAtomically(_ text: String, to path: String) throws {
        try writeAtomically(Array(text.utf8), to: path)
    }

    /// Removes a file if present.
    public static func remove(_ path: String) {
        unlink(path)
    }
}

#if canImport(Glibc)
private func systemRename(_ from: String, _ to: String) -> Int32 { Glibc.rename(from, to) }
#else
private func systemRename(_ from: String, _ to: String) -> Int32 { Darwin.rename(from, to) }
#endif

#if canImport(Glibc)
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int { Glibc.read(fd, buffer, count) }
#else
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int { Darwin.read(fd, buffer, count) }
#endif
