import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Remembers the SHA-256 of files already hashed or written (one cache per warehouse, owned by the engine), keyed by path and checked
/// against the file's size and modification time, so a partition published by one stage and read
/// by the next in the same run is not hashed twice.
public final class ChecksumCache: @unchecked Sendable {
    public init() {}

    private struct Entry {
        var size: Int
        var seconds: Int
        var nanoseconds: Int
        var sha256: String
    }

    private let lock = NSLock()
    private var entries: [String: Entry] = [:]

    /// The digest of `bytes`, the current content of `path`: reused when the file is unchanged.
    public func sha256(of bytes: [UInt8], at path: String) -> String {
        let stamp = ChecksumCache.stamp(path)
        lock.lock()
        let cached = entries[path]
        lock.unlock()
        if let cached, let stamp, cached.size == bytes.count, cached.size == stamp.size,
           cached.seconds == stamp.seconds, cached.nanoseconds == stamp.nanoseconds {
            return cached.sha256
        }
        let digest = SHA256Digest.hex(bytes)
        remember(digest, for: path)
        return digest
    }

    /// The digest of the file now at `path` (read and hashed unless this process already hashed the
    /// unchanged file), or nil when there is no such file.
    public func sha256(ofFileAt path: String) -> String? {
        guard let stamp = ChecksumCache.stamp(path) else { return nil }
        lock.lock()
        let cached = entries[path]
        lock.unlock()
        if let cached, cached.size == stamp.size, cached.seconds == stamp.seconds, cached.nanoseconds == stamp.nanoseconds {
            return cached.sha256
        }
        guard let bytes = try? FileIO.read(path) else { return nil }
        return sha256(of: bytes, at: path)
    }

    /// The digest remembered for `path` when the file still has `stamp` (taken from the open file
    /// about to be read), else nil.
    public func digest(of path: String, stamp: FileStamp) -> String? {
        lock.lock()
        let cached = entries[path]
        lock.unlock()
        guard let cached, cached.size == stamp.size, cached.seconds == stamp.seconds, cached.nanoseconds == stamp.nanoseconds else { return nil }
        return cached.sha256
    }

    /// Records the digest of the content a file had with `stamp` (hashed as it was read).
    public func remember(_ sha256: String, for path: String, stamp: FileStamp) {
        lock.lock()
        entries[path] = Entry(size: stamp.size, seconds: stamp.seconds, nanoseconds: stamp.nanoseconds, sha256: sha256)
        lock.unlock()
    }

    /// Records the digest of the file now at `path` (called right after writing it).
    public func remember(_ sha256: String, for path: String) {
        guard let stamp = ChecksumCache.stamp(path) else { return }
        lock.lock()
        entries[path] = Entry(size: stamp.size, seconds: stamp.seconds, nanoseconds: stamp.nanoseconds, sha256: sha256)
        lock.unlock()
    }

    private static func stamp(_ path: String) -> (size: Int, seconds: Int, nanoseconds: Int)? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return (Int(info.st_size), Int(info.st_mtim.tv_sec), Int(info.st_mtim.tv_nsec))
    }
}

/// A file's size and modification time, as `fstat` gives them: what the checksum cache checks.
public struct FileStamp: Equatable, Sendable {
    public var size: Int
    public var seconds: Int
    public var nanoseconds: Int

    init(_ info: stat) {
        size = Int(info.st_size)
        seconds = Int(info.st_mtim.tv_sec)
        nanoseconds = Int(info.st_mtim.tv_nsec)
    }
}
