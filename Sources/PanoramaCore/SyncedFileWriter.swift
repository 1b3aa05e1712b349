#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file written as its content is produced, so a large output never sits whole in memory: small
/// pieces gather in a bounded buffer, large ones go straight to the file; every byte is hashed
/// (SHA-256) as it is written, large pieces with the write and the hash on two cores. `finish`
/// syncs and closes the file and returns its digest and size; on any failure, and on `discard`,
/// the file is removed.
///
/// One thread writes; `remove()` alone may be called from another (an immediate stop).
public final class SyncedFileWriter: @unchecked Sendable {
    public let path: String
    /// Bytes written so far (buffered ones included).
    public private(set) var count = 0
    private var fd: Int32
    private let buffer: UnsafeMutablePointer<UInt8>
    private let capacity: Int
    private var buffered = 0
    private var digest = SHA256Digest()
    private var failed = false

    /// Pieces at least this large are written and hashed at once, on two cores.
    static let direct = 1 << 20

    /// Creates (or truncates) `path` for writing, with a buffer of `capacity` bytes.
    public init(path: String, capacity: Int = 4 << 20) throws {
        self.path = path
        self.capacity = max(1 << 12, capacity)
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw PanoramaError.runtime("cannot write \(path): \(String(cString: strerror(errno)))") }
        buffer = .allocate(capacity: self.capacity)
    }

    deinit {
        if fd >= 0 { close(fd) }
        buffer.deallocate()
    }

    /// Appends bytes.
    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBufferPointer { try write($0) }
    }

    /// Appends bytes.
    public func write(_ bytes: UnsafeBufferPointer<UInt8>) throws {
        guard fd >= 0, !failed else { throw PanoramaError.runtime("cannot write \(path): the file is \(failed ? "removed after an error" : "closed")") }
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        count += bytes.count
        if bytes.count >= SyncedFileWriter.direct || bytes.count > capacity {
            try flush()
            try put(UnsafeBufferPointer(start: base, count: bytes.count))
            return
        }
        if buffered + bytes.count > capacity { try flush() }
        (buffer + buffered).update(from: base, count: bytes.count)
        buffered += bytes.count
    }

    /// Writes the buffered bytes and syncs and closes the file: its content is on disk once this
    /// returns. Returns the SHA-256 and size of everything written.
    public func finish() throws -> (sha256: String, bytes: Int) {
        guard fd >= 0, !failed else { throw PanoramaError.runtime("cannot write \(path): the file is \(failed ? "removed after an error" : "closed")") }
        try flush()
        if fsync(fd) != 0 { try fail(errno) }
        close(fd)
        fd = -1
        return (digest.finalizeHex(), count)
    }

    /// Closes the file if open and removes it.
    public func discard() {
        if fd >= 0 {
            close(fd)
            fd = -1
        }
        remove()
    }

    /// Removes the file (its descriptor, if open, stays valid until this writer is done with it).
    public func remove() { FileIO.remove(path) }

    private func flush() throws {
        guard buffered > 0 else { return }
        try put(UnsafeBufferPointer(start: buffer, count: buffered))
        buffered = 0
    }

    /// Writes and hashes a piece (a large one on two cores at once).
    private func put(_ piece: UnsafeBufferPointer<UInt8>) throws {
        if piece.count < SyncedFileWriter.direct {
            digest.update(piece)
            try writeAll(piece)
            return
        }
        var hash = digest
        let results = try parallelMap(2) { k -> Int32 in
            if k == 1 {
                hash.update(piece)
                return 0
            }
            return writeAll(fd, piece)
        }
        digest = hash
        if results[0] != 0 { try fail(results[0]) }
    }

    private func writeAll(_ piece: UnsafeBufferPointer<UInt8>) throws {
        let error = writeAll(fd, piece)
        if error != 0 { try fail(error) }
    }

    /// write(2) until the whole piece is written; the errno on failure, else 0.
    private func writeAll(_ fd: Int32, _ piece: UnsafeBufferPointer<UInt8>) -> Int32 {
        var offset = 0
        while offset < piece.count {
            let n = systemWrite(fd, piece.baseAddress! + offset, piece.count - offset)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return n < 0 ? errno : EIO }
            offset += n
        }
        return 0
    }

    private func fail(_ error: Int32) throws -> Never {
        failed = true
        close(fd)
        fd = -1
        remove()
        throw PanoramaError.runtime("cannot write \(path): \(String(cString: strerror(error)))")
    }
}

#if canImport(Glibc)
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int { Glibc.write(fd, buffer, count) }
#else
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int { Darwin.write(fd, buffer, count) }
#endif
