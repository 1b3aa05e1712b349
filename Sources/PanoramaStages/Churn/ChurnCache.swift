import Foundation
import PanoramaCore
import PanoramaStats

// What the churn stage keeps between nights (docs/churn-model.md, "What the stage keeps between
// nights"). Each night's window overlaps the last one in all but one month, so the stage keeps, under
// the warehouse's `_cache/churn/`:
//  - the training rows of each month pair (`pair-YYYY-MM.bin`, named by t+1), so that the pairs of
//    earlier months are neither parsed nor matched again;
//  - M's extracted features (`features-YYYY-MM.bin`), for the next night's pair (M, M+1) and its
//    backtest evaluation;
//  - each production fit with its pairs' segment counts (`fit-YYYY-MM-<key>.json`), which is the
//    next night's backtest fit (the same pairs), so the backtest pairs are not even read.
// All are keyed by what they were made from — the sha256 that customer360's manifest lists for the
// partition, the partition file's size and modification time, and this program's sha256 — and are
// checked whole before use (a checksum over every byte), so a changed partition, a rebuilt program, a
// torn or edited file is a miss and the stage parses and fits as if the cache were empty. Nothing of
// the run month M comes from the cache: M is the night's new data, so its features are always parsed
// and its production fit always made (and then kept for the next night).

/// Where one earlier month's customer_360 partition is, and what it is: the cache key.
struct ChurnPartitionKey: Equatable {
    var month: Month
    /// The sha256 customer360's manifest lists for the partition.
    var sha256: String
    var size: Int
    var seconds: Int
    var nanoseconds: Int

    /// The key of the partition file at `path` as published with `sha256`; nil when it cannot be stat'ed.
    init?(month: Month, path: String, sha256: String) {
        var info = stat()
        guard !sha256.isEmpty, stat(path, &info) == 0 else { return nil }
        self.month = month
        self.sha256 = sha256
        size = Int(info.st_size)
        seconds = Int(info.st_mtim.tv_sec)
        nanoseconds = Int(info.st_mtim.tv_nsec)
    }
}

/// The folder `_cache/churn` of a warehouse.
struct ChurnCache {
    let folder: String
    /// sha256 of the running program: a rebuilt program never reads what another build kept.
    let program: String

    static let magic = Array("panorama churn features 1\n".utf8)

    init(warehouse: String, program: String) {
        folder = warehouse + "/_cache/churn"
        self.program = program
    }

    func featuresPath(_ month: Month) -> String { folder + "/features-\(month).bin" }
    func pairPath(_ next: Month) -> String { folder + "/pair-\(next).bin" }
    static let pairMagic = Array("panorama churn pair 2\n".utf8)

    // MARK: - Pairs

    /// The training rows of the pair (t, t+1) as kept, or nil when there are none for exactly these
    /// two partitions and this program. The file is mapped, not read: the fit reads the rows from
    /// the page cache (checked whole first, then row by row by `LogisticRows(restoring:)`).
    func pair(_ t: ChurnPartitionKey, _ next: ChurnPartitionKey) -> ChurnPair? {
        guard !program.isEmpty, let file = MappedFile(pairPath(next.month)) else { return nil }
        return try? Self.decodePair(file, t, next, program: program)
    }

    /// Keeps a pair formed from the months t and t+1: its packed rows, as the fit stores them, and
    /// its segment counts.
    func keep(_ pair: ChurnPair, _ tKey: ChurnPartitionKey, _ nextKey: ChurnPartitionKey) -> String? {
        guard !program.isEmpty, let rates = pair.rates else { return nil }
        let rows = pair.rows
        do {
            try Self.writeStreaming(to: pairPath(nextKey.month)) { out in
                var head = CacheBytes()
                head.append(Self.pairMagic)
                head.text(program)
                for key in [tKey, nextKey] { head.key(key) }
                head.integer(rows.count)
                head.integer(rows.runs.count)
                for run in rows.runs {
                    head.integer(run.start)
                    head.integer(run.end)
                    head.integer(run.pattern)
                    head.integer(run.zeroColumns)
                }
                head.text(rates.json.serialized(pretty: false))
                try out.write(head.bytes)
                // Each section starts at a multiple of 8 bytes, so that the mapped file is read in place.
                try out.aligned(UnsafeRawBufferPointer(rows.storage.y), count: rows.storage.y.count)
                try out.aligned(UnsafeRawBufferPointer(rows.storage.bits), count: rows.storage.bits.count)
                try out.aligned(UnsafeRawBufferPointer(rows.storage.numbers), count: rows.storage.numbers.count)
            }
            return nil
        } catch {
            return "the churn cache could not keep the pair \(tKey.month)/\(nextKey.month): \(error)"
        }
    }

    static func decodePair(_ file: MappedFile, _ t: ChurnPartitionKey, _ next: ChurnPartitionKey, program: String) throws -> ChurnPair {
        let bytes = file.bytes
        guard bytes.count >= pairMagic.count + 8, bytes.starts(with: pairMagic) else { throw CacheMiss() }
        let end = bytes.count - 8
        guard bytes.loadUnaligned(fromByteOffset: end, as: UInt64.self) == checksum(bytes, end) else { throw CacheMiss() }
        var r = CacheReader(bytes: bytes, at: pairMagic.count, end: end)
        guard try r.text() == program, try r.matches(t), try r.matches(next) else { throw CacheMiss() }
        let n = try r.integer()
        var runs: [LogisticRows.Run] = []
        for _ in 0..<max(0, try r.integer()) {
            runs.append(LogisticRows.Run(start: try r.integer(), end: try r.integer(), pattern: try r.integer(), zeroColumns: try r.integer()))
        }
        guard let rates = SegmentRates(json: JSONValue.parse(Array(try r.text().utf8))) else { throw CacheMiss() }
        let y: UnsafeBufferPointer<UInt8> = try r.aligned()
        let bits: UnsafeBufferPointer<UInt16> = try r.aligned()
        let numbers: UnsafeBufferPointer<Double> = try r.aligned()
        guard r.atEnd, y.count == n else { throw CacheMiss() }
        let storage = RowStorage(y: y, bits: bits, numbers: numbers, owner: file)
        let rows = try LogisticRows(restoring: storage, runs: runs, numericCount: ChurnFeatures.numericCount, predictors: ChurnFeatures.predictors)
        return ChurnPair(kept: t.month, rows: rows, rates: rates)
    }

    // MARK: - Month features

    /// The month's features as kept, or nil when there are none for exactly this partition and program.
    func features(_ key: ChurnPartitionKey) -> ChurnMonth? {
        guard !program.isEmpty, let file = MappedFile(featuresPath(key.month)) else { return nil }
        return try? Self.decode(file.bytes, key: key, program: program)
    }

    /// Keeps a month's features (written to a temporary file and renamed, so a reader never sees half
    /// a file); failures are returned for the log, never thrown — the cache only saves time.
    func keep(_ month: ChurnMonth, _ key: ChurnPartitionKey) -> String? {
        guard !program.isEmpty else { return nil }
        do {
            try Self.writeStreaming(to: featuresPath(key.month)) { try Self.encode(month, key: key, program: program, into: &$0) }
            return nil
        } catch {
            return "the churn cache could not keep the features of \(key.month): \(error)"
        }
    }

    /// Streams a month's features to `out`: the arrays are written from where they are, not copied
    /// into one buffer first.
    static func encode(_ m: ChurnMonth, key: ChurnPartitionKey, program: String, into out: inout CacheFileWriter) throws {
        var head = CacheBytes()
        head.append(magic)
        head.text(program)
        head.key(key)
        head.integer(m.count)
        head.integer((m.idsAscending ? 1 : 0) | (m.idsStrictlyAscending ? 2 : 0))
        head.values(m.segmentValues)
        try out.write(head.bytes)
        try m.churned.withUnsafeBytes { try out.array($0, count: m.count) }
        try m.bits.withUnsafeBytes { try out.array($0, count: m.bits.count) }
        try m.numbers.withUnsafeBytes { try out.array($0, count: m.numbers.count) }
        try m.segmentCodes.withUnsafeBytes { try out.array($0, count: m.segmentCodes.count) }
        try m.riskScores.withUnsafeBytes { try out.array($0, count: m.riskScores.count) }
        // The ids as a one-column CSV, read back by the partition reader (quoting as in the partition).
        var ids = CSVWriter(header: ["customer_id"])
        if let table = m.table {
            ids.reserve(m.count * 12)
            for r in 0..<m.count {
                ids.field(bytes: table.bytes(r, 0))
                ids.endRow()
            }
        }
        try ids.bytes.withUnsafeBytes { try out.array($0, count: ids.bytes.count) }
    }

    static func decode(_ raw: UnsafeRawBufferPointer, key: ChurnPartitionKey, program: String) throws -> ChurnMonth {
        do {
        guard raw.count >= magic.count + 8, raw.starts(with: magic) else { throw CacheMiss() }
        let end = raw.count - 8
        guard raw.loadUnaligned(fromByteOffset: end, as: UInt64.self) == checksum(raw, end) else { throw CacheMiss() }
        var r = CacheReader(bytes: raw, at: magic.count, end: end)
        guard try r.text() == program, try r.matches(key) else { throw CacheMiss() }
        let n = try r.integer(), flags = try r.integer()
        let segmentValues = try r.values()
        // Bool is stored as one byte 0 or 1.
        let churned: [UInt8] = try r.array()
        let bits: [UInt16] = try r.array()
        let numbers: [Double] = try r.array()
        let codes: [UInt8] = try r.array()
        let risk: [Double] = try r.array()
        let ids: [UInt8] = try r.array()
        guard r.atEnd, churned.count == n, bits.count == n, numbers.count == n * ChurnFeatures.numericCount,
              codes.count == n * segmentValues.count, risk.count == n else { throw CacheMiss() }
        let table = try ColumnarTable.parse(ids, name: "churn cache of \(key.month)", columns: ["customer_id"])
        guard table.rowCount == n else { throw CacheMiss() }
        return ChurnMonth(month: key.month, table: table, count: n, idsAscending: flags & 1 != 0, idsStrictlyAscending: flags & 2 != 0,
                          churned: churned.map { $0 != 0 }, bits: bits, numbers: numbers, segmentCodes: codes,
                          segmentValues: segmentValues, riskScores: risk)
        }
    }

    /// A 64-bit checksum of every byte, in four lanes of eight bytes (about 8 GB/s): it catches a
    /// torn, truncated or edited file, not an adversary.
    static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        bytes.withUnsafeBytes { checksum($0, $0.count) }
    }

    /// The checksum of the first `count` bytes of `raw`.
    static func checksum(_ raw: UnsafeRawBufferPointer, _ count: Int) -> UInt64 {
        var c = StreamingChecksum()
        c.add(UnsafeRawBufferPointer(rebasing: raw[0..<count]))
        return c.value
    }

    // MARK: - Fits

    /// The name of the fit over `pairs` (each with the keys of its two partitions) with `ridge`.
    func fitPath(_ pairs: [(ChurnPartitionKey, ChurnPartitionKey)], ridge: Double) -> String {
        var text = "panorama churn fit 1\n\(program)\n\(ridge.bitPattern)\n"
        for (t, next) in pairs {
            for k in [t, next] { text += "\(k.month) \(k.sha256) \(k.size) \(k.seconds) \(k.nanoseconds)\n" }
        }
        let end = pairs.last.map { "\($0.1.month)" } ?? "none"
        return folder + "/fit-\(end)-\(SHA256Digest.hex(Array(text.utf8)).prefix(32)).json"
    }

    /// A fit kept by an earlier run over exactly these pairs and ridge, or nil.
    func fit(_ pairs: [(ChurnPartitionKey, ChurnPartitionKey)], ridge: Double) -> ChurnModel.KeptBacktest? {
        guard !program.isEmpty, !pairs.isEmpty, let bytes = try? FileIO.read(fitPath(pairs, ridge: ridge)),
              let json = JSONValue.parse(bytes), let fit = ChurnFit(json: json["fit"] ?? .null),
              let rates = SegmentRates(json: json["segment_counts"]) else { return nil }
        return ChurnModel.KeptBacktest(fit: fit, pairMonths: pairs.map(\.0.month), rates: rates)
    }

    /// Keeps a production fit and its pairs' segment counts for the next night (whose backtest fit
    /// it is).
    func keep(_ kept: ChurnModel.KeptBacktest, _ pairs: [(ChurnPartitionKey, ChurnPartitionKey)], ridge: Double) -> String? {
        guard !program.isEmpty, !pairs.isEmpty else { return nil }
        let json = JSONValue.object([("fit", kept.fit.json), ("segment_counts", kept.rates.json)])
        do {
            try Self.write(Array((json.serialized() + "\n").utf8), to: fitPath(pairs, ridge: ridge))
            return nil
        } catch {
            return "the churn cache could not keep the production fit: \(error)"
        }
    }

    /// Writes `bytes` as they are (no checksum), like `writeStreaming`.
    static func write(_ bytes: [UInt8], to path: String) throws {
        try writeStreaming(to: path, checksummed: false) { try $0.write(bytes) }
    }

    /// Streams a file through `body` to a temporary file beside `path`, ends it with the checksum of
    /// everything before it (when `checksummed`), and renames it over `path`: a reader sees the old
    /// file or the new one. Not synced to disk — a file torn by a power cut fails its checksum
    /// (or, for a fit, its parse) and is a miss.
    static func writeStreaming(to path: String, checksummed: Bool = true, _ body: (inout CacheFileWriter) throws -> Void) throws {
        try FileIO.makeDirectory((path as NSString).deletingLastPathComponent)
        let tmp = path + ".tmp-\(ProcessInfo.processInfo.processIdentifier)"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw PanoramaError.runtime("cannot write \(tmp): \(String(cString: strerror(errno)))") }
        var out = CacheFileWriter(fd: fd, path: tmp)
        do {
            try body(&out)
            if checksummed { try out.finish() }
            close(fd)
        } catch {
            close(fd)
            unlink(tmp)
            throw error
        }
        if Foundation.rename(tmp, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(tmp)
            throw PanoramaError.runtime("cannot write \(path): \(reason)")
        }
    }

    /// Removes what neither a re-run of `month` nor the next night needs: features of months before
    /// M-1, pairs ending before M − train_months + 1 (a re-run's first production pair), fits whose
    /// pairs end before M-1 (a re-run's backtest fit is M-1's production fit, the next night's is
    /// M's), and temporary files a killed run left. Months after M (an older month re-run) are left
    /// alone.
    func prune(after month: Month, trainMonths: Int) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        func named(_ name: String, _ prefix: String) -> Month? {
            name.hasPrefix(prefix) ? Month(key: String(name.dropFirst(prefix.count).prefix(7))) : nil
        }
        for name in names {
            let path = folder + "/" + name
            if name.contains(".tmp-") {
                FileIO.remove(path)
            } else if let m = named(name, "features-"), m < month.previous {
                FileIO.remove(path)
            } else if let m = named(name, "pair-"), m < month.adding(-trainMonths + 1) {
                FileIO.remove(path)
            } else if let m = named(name, "fit-"), m < month.previous {
                FileIO.remove(path)
            }
        }
    }
}

/// Keeps files on a background thread, in the order submitted, once the stage starts it; `finish`
/// waits for them and returns what could not be kept.
final class ChurnCacheWriter: @unchecked Sendable {
    /// Jobs wait until `start`: the stage starts them once its own work is done, so that they use a
    /// core the stages after it leave idle rather than one the fit needs.
    private let queue = DispatchQueue(label: "panorama.churn.cache", attributes: .initiallyInactive)
    private let group = DispatchGroup()
    private let lock = NSLock()
    private var notes: [String] = []
    private var started = false
    private var abandoned = false

    /// Lets the jobs run (once; `finish` starts them too).
    func start() {
        let first = lock.withLock {
            defer { started = true }
            return !started
        }
        if first { queue.activate() }
    }

    /// Runs `work` (which returns a note when it could not keep something) after the earlier jobs.
    /// What it captures must not change until `finish` returns.
    func submit(_ work: @escaping () -> String?) {
        let job = Job(work)
        queue.async(group: group) { [self] in
            guard !lock.withLock({ abandoned }) else { return }
            if let note = job.work() { lock.withLock { notes.append(note) } }
        }
    }

    /// Starts the jobs if need be and waits for every one; the notes of those that failed.
    func finish() -> [String] {
        start()
        group.wait()
        return lock.withLock { notes }
    }

    /// For a stage that failed or was stopped: jobs not yet begun are dropped (the one running, if
    /// any, is waited for), so that a stop is not held up by files kept only to save time.
    func abandon() {
        lock.withLock { abandoned = true }
        _ = finish()
    }

    private final class Job: @unchecked Sendable {
        let work: () -> String?
        init(_ work: @escaping () -> String?) { self.work = work }
    }
}

/// The cache files' checksum, fed in pieces: 32-byte words into four multiply-xor lanes, the last
/// bytes one at a time, then the length.
struct StreamingChecksum {
    private var lanes: (UInt64, UInt64, UInt64, UInt64) = (1, 2, 3, 4)
    private var carry: [UInt8] = []
    private var total = 0
    private static let prime: UInt64 = 0x9E37_79B9_7F4A_7C15

    mutating func add(_ raw: UnsafeRawBufferPointer) {
        total += raw.count
        var rest = raw
        if !carry.isEmpty {
            let take = min(32 - carry.count, rest.count)
            carry += rest[0..<take]
            rest = UnsafeRawBufferPointer(rebasing: rest[take...])
            if carry.count < 32 { return }
            carry.withUnsafeBytes { words($0) }
            carry = []
        }
        let whole = rest.count / 32 * 32
        words(UnsafeRawBufferPointer(rebasing: rest[0..<whole]))
        carry = Array(rest[whole...])
    }

    private mutating func words(_ raw: UnsafeRawBufferPointer) {
        let prime = Self.prime
        var l = lanes
        for k in 0..<(raw.count / 32) {
            let p = raw.baseAddress! + k * 32
            l.0 = (l.0 ^ p.loadUnaligned(as: UInt64.self)) &* prime
            l.1 = (l.1 ^ p.loadUnaligned(fromByteOffset: 8, as: UInt64.self)) &* prime
            l.2 = (l.2 ^ p.loadUnaligned(fromByteOffset: 16, as: UInt64.self)) &* prime
            l.3 = (l.3 ^ p.loadUnaligned(fromByteOffset: 24, as: UInt64.self)) &* prime
        }
        lanes = l
    }

    var value: UInt64 {
        var h = lanes.0 ^ (lanes.1 &* 31) ^ (lanes.2 &* 961) ^ (lanes.3 &* 29791) ^ UInt64(total)
        for b in carry { h = (h ^ UInt64(b)) &* Self.prime }
        return h ^ (h >> 29)
    }
}

/// Writes a cache file in pieces, tracking the offset (for 8-byte alignment) and the checksum;
/// small pieces are gathered, large arrays written from where they are.
struct CacheFileWriter {
    let fd: Int32
    let path: String
    private(set) var offset = 0
    private var checksum = StreamingChecksum()

    init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    mutating func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    mutating func write(_ raw: UnsafeRawBufferPointer) throws {
        checksum.add(raw)
        var done = 0
        while done < raw.count {
            let n = Foundation.write(fd, raw.baseAddress! + done, raw.count - done)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { throw PanoramaError.runtime("cannot write \(path): \(String(cString: strerror(n < 0 ? errno : EIO)))") }
            done += n
        }
        offset += raw.count
    }

    mutating func integer(_ v: Int) throws {
        try withUnsafeBytes(of: Int64(v).littleEndian) { try write($0) }
    }

    /// An array as `CacheBytes.array` writes it: its element count, then its bytes.
    mutating func array(_ raw: UnsafeRawBufferPointer, count: Int) throws {
        try integer(count)
        try write(raw)
    }

    /// An array as `CacheBytes.aligned` writes it: its count, its bytes from a multiple of 8, padding.
    mutating func aligned(_ raw: UnsafeRawBufferPointer, count: Int) throws {
        try pad()
        try integer(count)
        try write(raw)
        try pad()
    }

    private mutating func pad() throws {
        if offset % 8 != 0 { try write([UInt8](repeating: 0, count: 8 - offset % 8)) }
    }

    /// The checksum of everything written.
    mutating func finish() throws {
        try integer(Int(bitPattern: UInt(checksum.value)))
    }
}

/// A kept file that does not match: read as "not in the cache".
struct CacheMiss: Error {}

/// What the stage uses of a logistic fit, exactly (coefficients as their bit patterns when kept).
struct ChurnFit: Equatable {
    var coefficients: [Double]
    var n: Int
    var events: Int
    var iterations: Int
    var converged: Bool
    var warnings: [String]

    init(_ fit: LogisticFit) {
        coefficients = fit.coefficients
        n = fit.n
        events = fit.events
        iterations = fit.iterations
        converged = fit.converged
        warnings = fit.warnings.map(\.description)
    }

    var json: JSONValue {
        .object([
            ("coefficients", .array(coefficients.map { .string(String($0.bitPattern, radix: 16)) })),
            ("n", .int(n)), ("events", .int(events)), ("iterations", .int(iterations)), ("converged", .bool(converged)),
            ("warnings", .array(warnings.map { .string($0) })),
        ])
    }

    init?(json: JSONValue) {
        guard let words = json["coefficients"]?.arrayValue, !words.isEmpty, let n = json["n"]?.intValue,
              let events = json["events"]?.intValue, let iterations = json["iterations"]?.intValue,
              case .bool(let converged)? = json["converged"], let warnings = json["warnings"]?.arrayValue else { return nil }
        var coefficients: [Double] = []
        for w in words {
            guard let s = w.stringValue, let bits = UInt64(s, radix: 16) else { return nil }
            coefficients.append(Double(bitPattern: bits))
        }
        guard coefficients.count == ChurnStage.features.count + 1, coefficients.allSatisfy(\.isFinite) else { return nil }
        self.coefficients = coefficients
        self.n = n
        self.events = events
        self.iterations = iterations
        self.converged = converged
        self.warnings = warnings.compactMap(\.stringValue)
    }
}

/// Appends the cache's fields: integers as 8 bytes, text and arrays with their length first.
private struct CacheBytes {
    var bytes: [UInt8] = []

    mutating func append(_ b: [UInt8]) { bytes += b }
    mutating func integer(_ v: Int) { withUnsafeBytes(of: Int64(v).littleEndian) { bytes += $0 } }
    mutating func text(_ s: String) { array(Array(s.utf8)) }
    mutating func key(_ k: ChurnPartitionKey) {
        text(k.month.description)
        text(k.sha256)
        integer(k.size)
        integer(k.seconds)
        integer(k.nanoseconds)
    }
    mutating func values(_ v: [[String]]) {
        integer(v.count)
        for values in v {
            integer(values.count)
            for value in values { text(value) }
        }
    }
    mutating func array<T: BitwiseCopyable>(_ a: [T]) {
        integer(a.count)
        a.withUnsafeBytes { bytes += $0 }
    }
}

/// Reads what `CacheBytes` wrote; every length is checked against the bytes left.
struct CacheReader {
    let bytes: UnsafeRawBufferPointer
    private(set) var offset: Int
    let end: Int

    init(bytes: UnsafeRawBufferPointer, at offset: Int, end: Int) {
        self.bytes = bytes
        self.offset = offset
        self.end = end
    }

    var atEnd: Bool { offset == end }

    mutating func integer() throws -> Int {
        guard offset + 8 <= end else { throw CacheMiss() }
        let v = Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: Int64.self))
        offset += 8
        return Int(v)
    }

    mutating func text() throws -> String { String(decoding: try array() as [UInt8], as: UTF8.self) }

    mutating func matches(_ k: ChurnPartitionKey) throws -> Bool {
        try text() == k.month.description && text() == k.sha256 && integer() == k.size && integer() == k.seconds
            && integer() == k.nanoseconds
    }

    mutating func values() throws -> [[String]] {
        var out: [[String]] = []
        for _ in 0..<max(0, try integer()) {
            var values: [String] = []
            for _ in 0..<max(0, try integer()) { values.append(try text()) }
            out.append(values)
        }
        return out
    }

    /// A copy of an array written by `CacheBytes.array`.
    mutating func array<T: BitwiseCopyable>() throws -> [T] {
        let count = try integer()
        let size = MemoryLayout<T>.stride
        guard count >= 0, count <= (end - offset) / max(size, 1) else { throw CacheMiss() }
        let start = offset
        offset += count * size
        return [T](unsafeUninitializedCapacity: count) { buffer, n in
            UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[start..<start + count * size]))
            n = count
        }
    }

    /// The values written by `CacheFileWriter.aligned`, in place (valid while `bytes` is).
    mutating func aligned<T: BitwiseCopyable>() throws -> UnsafeBufferPointer<T> {
        while offset % 8 != 0 { offset += 1 }
        let count = try integer()
        let size = MemoryLayout<T>.stride
        guard count >= 0, count <= (end - offset) / max(size, 1), offset % MemoryLayout<T>.alignment == 0 else { throw CacheMiss() }
        let start = offset
        offset += count * size
        while offset % 8 != 0 { offset += 1 }
        guard offset <= end else { throw CacheMiss() }
        return UnsafeBufferPointer(start: (bytes.baseAddress! + start).assumingMemoryBound(to: T.self), count: count)
    }
}

/// A whole file mapped read-only; unmapped when the last reference goes.
final class MappedFile: @unchecked Sendable {
    let bytes: UnsafeRawBufferPointer

    init?(_ path: String) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_size > 0 else { return nil }
        let size = Int(info.st_size)
        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else { return nil }
        bytes = UnsafeRawBufferPointer(start: base, count: size)
    }

    deinit { munmap(UnsafeMutableRawPointer(mutating: bytes.baseAddress), bytes.count) }
}
