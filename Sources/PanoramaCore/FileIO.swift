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

    /// Writes `bytes` to a temp file beside `path`, syncs it, then renames it over `path`.
    public static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        try makeDirectory((path as NSString).deletingLastPathComponent)
        let tmp = path + ".tmp-\(getpid())"
        try writeSynced(bytes, to: tmp)
        guard rename(tmp, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(tmp)
            throw PanoramaError.runtime("cannot rename \(tmp) to \(path): \(reason)")
        }
    }

    /// Writes `bytes` to `path` (created or truncated) and syncs it to disk; removes it on failure.
    public static func writeSynced(_ bytes: [UInt8], to path: String) throws {
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

    /// Writes UTF-8 text atomically.
    public static func writeAtomically(_ text: String, to path: String) throws {
        try writeAtomically(Array(text.utf8), to: path)
    }

    /// Removes a file if present.
    public static func remove(_ path: String) {
        unlink(path)
    }
}
