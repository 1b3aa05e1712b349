#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file's bytes at a fixed address for the life of the tables that point into it, read straight
/// from the file into the store's own memory (no intermediate array). `padding` zero bytes follow
/// the content, so a scanner may load a whole machine word at any offset before `count`.
final class ByteStore: @unchecked Sendable {
    /// Zero bytes after the content.
    static let padding = 64

    let base: UnsafeMutablePointer<UInt8>
    private(set) var count: Int

    /// An uninitialised store of `count` bytes (the padding is zeroed).
    init(count: Int) throws {
        base = try LargeBuffer.allocate(bytes: count + ByteStore.padding).assumingMemoryBound(to: UInt8.self)
        self.count = count
        (base + count).initialize(repeating: 0, count: ByteStore.padding)
    }

    /// A store holding a copy of `bytes`.
    convenience init(copying bytes: [UInt8]) throws {
        try self.init(count: bytes.count)
        bytes.withUnsafeBufferPointer { if let b = $0.baseAddress { base.update(from: b, count: bytes.count) } }
    }

    deinit { free(base) }

    /// The content as a buffer.
    var buffer: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

    /// Reads the whole regular file at `path` into a new store, in pieces on all cores (each core
    /// copies its own part from the page cache and takes its own page faults), and returns it with
    /// the stamp (size, modification time) the file had when it was opened. A file that grew while
    /// it was read is taken whole.
    static func read(_ path: String) throws -> (ByteStore, FileStamp) {
        let (fd, _) = try FileIO.openForReading(path)
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw PanoramaError.input("cannot read \(path): \(String(cString: strerror(errno)))") }
        let stamp = FileStamp(info)
        let size = stamp.size
        let store = try ByteStore(count: size)
        let piece = 8 << 20
        let pieces = max(1, (size + piece - 1) / piece)
        let failures = try parallelMap(pieces) { k -> Int32 in
            var offset = k * piece
            let end = min(size, offset + piece)
            while offset < end {
                let n = pread(fd, store.base + offset, end - offset, off_t(offset))
                if n < 0 && errno == EINTR { continue }
                if n < 0 { return errno }
                if n == 0 { return EIO }   // the file shrank while it was read
                offset += n
            }
            return 0
        }
        if let failure = failures.first(where: { $0 != 0 }) {
            throw PanoramaError.input("cannot read \(path): \(failure == EIO ? "it shrank while it was read" : String(cString: strerror(failure)))")
        }
        // A file that grew while it was read: take the rest too.
        var probe: UInt8 = 0
        if pread(fd, &probe, 1, off_t(size)) == 1 {
            return (try grown(fd, from: store, path: path), stamp)
        }
        return (store, stamp)
    }

    /// The store's bytes followed by whatever the file holds after them.
    private static func grown(_ fd: Int32, from store: ByteStore, path: String) throws -> ByteStore {
        var bytes = Array(store.buffer)
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 65536, off_t(bytes.count)) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { throw PanoramaError.input("cannot read \(path): \(String(cString: strerror(errno)))") }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return try ByteStore(copying: bytes)
    }
}

/// The cell offsets of a parsed partition (see `ColumnarTable`), in one buffer of their own.
final class SpanStore: @unchecked Sendable {
    let base: UnsafeMutablePointer<UInt32>
    let count: Int

    /// An uninitialised store of `count` offsets.
    init(count: Int) throws {
        base = try LargeBuffer.allocate(bytes: count * MemoryLayout<UInt32>.stride).assumingMemoryBound(to: UInt32.self)
        self.count = count
    }

    /// Takes over offsets already in a buffer from `LargeBuffer.allocate` (freed with the store).
    init(adopting base: UnsafeMutablePointer<UInt32>, count: Int) {
        self.base = base
        self.count = count
    }

    deinit { free(base) }
}

/// Large working buffers on the C heap: aligned to 2 MiB when large and advised for transparent
/// huge pages on Linux, so filling a multi-hundred-MB buffer takes a few hundred page faults
/// rather than tens of thousands. Freed with `free`.
enum LargeBuffer {
    static let hugePage = 2 << 20

    static func allocate(bytes: Int) throws -> UnsafeMutableRawPointer {
        let count = max(1, bytes)
        var pointer: UnsafeMutableRawPointer?
        if count >= 2 * hugePage {
            if posix_memalign(&pointer, hugePage, count) == 0, let pointer {
                #if os(Linux)
                _ = madvise(pointer, count, MADV_HUGEPAGE)
                #endif
                return pointer
            }
        } else if let small = malloc(count) {
            return small
        }
        throw PanoramaError.runtime("cannot allocate \(FileIO.describeBytes(count)) of memory; run on a host with more memory")
    }
}
