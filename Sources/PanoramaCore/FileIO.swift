import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// File reads and atomic writes (temp file + fsync + rename), so a reader never sees half a file.
public enum FileIO {
    /// Reads a whole file; a missing or unreadable input is exit 3.
    public static func read(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            if FileManager.default.fileExists(atPath: path) {
                throw PanoramaError.input("cannot read \(path): check its permissions")
            }
            throw PanoramaError.input("input file \(path) does not exist")
        }
        return [UInt8](data)
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
