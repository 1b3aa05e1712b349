import Foundation

/// Errors thrown by the generator.
public enum GeneratorError: Error, CustomStringConvertible, Sendable {
    /// An option is out of its domain (message names it).
    case invalidOption(String)
    /// A character could not be encoded in the requested encoding.
    case encodingFailed(String)

    /// A human-readable message.
    public var description: String {
        switch self {
        case .invalidOption(let m): return "invalid generator option: \(m)"
        case .encodingFailed(let m): return "encoding failed: \(m)"
        }
    }
}

/// The GB18030 encoding as Foundation names it (kCFStringEncodingGB_18030_2000).
let gb18030Encoding = String.Encoding(rawValue: 0x8000_0632)

/// Converts UTF-8 bytes to GB18030, scalar by scalar. Each distinct non-ASCII scalar is encoded once
/// with Foundation's GB18030 encoder and cached (GB18030 is stateless, so the result equals encoding
/// the whole text at once).
final class GB18030Transcoder {
    private var cache: [UInt32: [UInt8]] = [:]

    func transcode(_ input: [UInt8]) throws -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(input.count + input.count / 8)
        var i = 0
        let n = input.count
        while i < n {
            let b = input[i]
            if b < 0x80 { out.append(b); i += 1; continue }
            var v: UInt32
            var len: Int
            if b >= 0xF0 { v = UInt32(b & 0x07); len = 4 } else if b >= 0xE0 { v = UInt32(b & 0x0F); len = 3 } else { v = UInt32(b & 0x1F); len = 2 }
            guard i + len <= n else { throw GeneratorError.encodingFailed("truncated UTF-8 at \(i)") }
            for k in 1..<len { v = (v << 6) | UInt32(input[i + k] & 0x3F) }
            i += len
            if let enc = cache[v] { out.append(contentsOf: enc); continue }
            guard let scalar = Unicode.Scalar(v), let data = String(Character(scalar)).data(using: gb18030Encoding) else {
                throw GeneratorError.encodingFailed(String(format: "U+%04X cannot be encoded as gb18030", v))
            }
            let enc = [UInt8](data)
            cache[v] = enc
            out.append(contentsOf: enc)
        }
        return out
    }
}

/// One output file, written through a byte buffer that is flushed in large chunks.
struct OutFile {
    var buf: [UInt8] = []
    private let handle: FileHandle
    private let transcoder: GB18030Transcoder?
    /// The physical line number the next line will have (the header is line 1).
    var nextLine = 1
    let lineEnd: [UInt8]

    init(url: URL, gb18030: Bool, bom: Bool, crlf: Bool) throws {
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        guard let h = FileHandle(forWritingAtPath: url.path) else {
            throw GeneratorError.invalidOption("cannot open \(url.path) for writing")
        }
        try h.truncate(atOffset: 0)
        handle = h
        transcoder = gb18030 ? GB18030Transcoder() : nil
        lineEnd = crlf ? [13, 10] : [10]
        buf.reserveCapacity(1 << 22)
        if bom && !gb18030 { buf.append(contentsOf: [0xEF, 0xBB, 0xBF]) }
    }

    /// Ends a physical line.
    @inline(__always) mutating func endLine() {
        buf.append(contentsOf: lineEnd)
        nextLine += 1
    }

    /// Writes the buffer out when it is large (call only between records).
    @inline(__always) mutating func maybeFlush() throws {
        if buf.count >= 1 << 22 { try flush() }
    }

    mutating func flush() throws {
        if buf.isEmpty { return }
        let bytes = try transcoder?.transcode(buf) ?? buf
        try handle.write(contentsOf: bytes)
        buf.removeAll(keepingCapacity: true)
    }

    mutating func close() throws {
        try flush()
        try handle.close()
    }
}

/// Builds one CSV record: each logical column's final (already quoted if needed) bytes are kept in a
/// scratch buffer, then emitted in the file's column order.
struct RowBuilder {
    var bytes: [UInt8] = []
    var starts: [Int]
    var ends: [Int]
    /// Line breaks inside quoted fields of the current row.
    var embeddedNewlines = 0

    init(columns: Int) {
        starts = Array(repeating: 0, count: columns)
        ends = Array(repeating: 0, count: columns)
        bytes.reserveCapacity(512)
    }

    mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        for i in 0..<starts.count { starts[i] = 0; ends[i] = 0 }
        embeddedNewlines = 0
    }

    @inline(__always) mutating func begin(_ c: Int) { starts[c] = bytes.count }
    @inline(__always) mutating func end(_ c: Int) { ends[c] = bytes.count }

    /// Sets a column to empty.
    @inline(__always) mutating func empty(_ c: Int) { starts[c] = 0; ends[c] = 0 }

    /// Bytes that never need quoting.
    @inline(__always) mutating func plain(_ c: Int, _ b: [UInt8]) {
        begin(c); bytes.append(contentsOf: b); end(c)
    }

    @inline(__always) mutating func int(_ c: Int, _ v: Int) {
        begin(c); Fmt.int(&bytes, v); end(c)
    }

    /// Fixed-point value with `scale` decimals, trailing zeros kept (e.g. cents → `123.40`).
    @inline(__always) mutating func fixed(_ c: Int, _ v: Int, decimals: Int) {
        begin(c); Fmt.fixed(&bytes, v, decimals: decimals); end(c)
    }

    @inline(__always) mutating func date(_ c: Int, _ day: Int) {
        begin(c); Fmt.isoDate(&bytes, day); end(c)
    }

    @inline(__always) mutating func dateTime(_ c: Int, _ seconds: Int) {
        begin(c); Fmt.isoDateTime(&bytes, seconds); end(c)
    }

    /// Any text; quoted (with doubled quotes) when it holds a comma, quote or line break.
    mutating func text(_ c: Int, _ s: String) {
        begin(c)
        let u = Array(s.utf8)
        if u.contains(where: { $0 == 44 || $0 == 34 || $0 == 10 || $0 == 13 }) {
            bytes.append(34)
            for b in u {
                if b == 34 { bytes.append(34) }
                if b == 10 { embeddedNewlines += 1 }
                bytes.append(b)
            }
            bytes.append(34)
        } else {
            bytes.append(contentsOf: u)
        }
        end(c)
    }

    /// Text written exactly as given (used for planted malformed fields).
    mutating func raw(_ c: Int, _ s: String) {
        begin(c); bytes.append(contentsOf: Array(s.utf8)); end(c)
    }

    /// The column's current text (unquoted form is not reconstructed; used for planted edits).
    func current(_ c: Int) -> String {
        String(decoding: bytes[starts[c]..<ends[c]], as: UTF8.self)
    }

    /// Appends the record to the file. `fieldDelta` −1 drops the last field, +1 adds one.
    /// Returns the line number the record starts on.
    @discardableResult
    func emit(_ out: inout OutFile, order: [Int], fieldDelta: Int = 0) -> Int {
        let line = out.nextLine
        let n = fieldDelta < 0 ? order.count - 1 : order.count
        for k in 0..<n {
            if k > 0 { out.buf.append(44) }
            let c = order[k]
            if ends[c] > starts[c] { out.buf.append(contentsOf: bytes[starts[c]..<ends[c]]) }
        }
        if fieldDelta > 0 { out.buf.append(contentsOf: Array(",extra".utf8)) }
        out.nextLine += embeddedNewlines
        out.endLine()
        return line
    }
}

/// Writes `C00000123` (or another one-letter prefix) into column c.
@inline(__always) func writeId(_ b: inout RowBuilder, _ c: Int, prefix: UInt8, _ n: Int) {
    b.begin(c); b.bytes.append(prefix); Fmt.padded(&b.bytes, n, width: 8); b.end(c)
}

/// Fast byte formatting of numbers and dates.
enum Fmt {
    @inline(__always) static func int(_ b: inout [UInt8], _ v0: Int) {
        var v = v0
        if v < 0 { b.append(45); v = -v }
        if v < 10 { b.append(UInt8(48 + v)); return }
        var digits = 0
        var t = v
        while t > 0 { digits += 1; t /= 10 }
        let base = b.count
        for _ in 0..<digits { b.append(48) }
        var i = base + digits - 1
        while v > 0 { b[i] = UInt8(48 + v % 10); v /= 10; i -= 1 }
    }

    @inline(__always) static func padded(_ b: inout [UInt8], _ v: Int, width: Int) {
        var p = 10
        var w = 1
        while w < width { if v < p { b.append(48) }; p *= 10; w += 1 }
        int(&b, v)
    }

    @inline(__always) static func fixed(_ b: inout [UInt8], _ v: Int, decimals: Int) {
        var scale = 1
        for _ in 0..<decimals { scale *= 10 }
        if v < 0 { b.append(45) }
        let a = abs(v)
        int(&b, a / scale)
        if decimals > 0 {
            b.append(46)
            padded(&b, a % scale, width: decimals)
        }
    }

    @inline(__always) static func isoDate(_ b: inout [UInt8], _ day: Int) {
        let (y, m, d) = Civil.date(day)
        padded(&b, y, width: 4); b.append(45); padded(&b, m, width: 2); b.append(45); padded(&b, d, width: 2)
    }

    @inline(__always) static func isoDateTime(_ b: inout [UInt8], _ seconds: Int) {
        let day = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
        let s = seconds - day * 86400
        isoDate(&b, day)
        b.append(32)
        padded(&b, s / 3600, width: 2); b.append(58); padded(&b, (s / 60) % 60, width: 2); b.append(58); padded(&b, s % 60, width: 2)
    }

    static func string(_ f: (inout [UInt8]) -> Void) -> String {
        var b = [UInt8]()
        f(&b)
        return String(decoding: b, as: UTF8.self)
    }

    static func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
}

/// Awkward-but-valid textual forms (slow path, used on a few percent of rows).
enum Forms {
    /// Full-width digits/letters and `-.,:/%`; everything else unchanged.
    static func fullWidth(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            let v = u.value
            let convertible = (v >= 48 && v <= 57) || (v >= 65 && v <= 90) || (v >= 97 && v <= 122)
                || v == 45 || v == 46 || v == 44 || v == 58 || v == 47 || v == 37
            if convertible, let f = Unicode.Scalar(v + 0xFEE0) { out.append(f) } else { out.append(u) }
        }
        return String(out)
    }

    static let pads = [" ", "  ", "\t", "\u{3000}", " \u{3000}"]

    /// Surrounds with spaces, tabs or U+3000 (only for fields that will not be quoted).
    static func pad(_ s: String, _ rng: inout Rng) -> String {
        switch rng.int(3) {
        case 0: return rng.pick(pads) + s
        case 1: return s + rng.pick(pads)
        default: return rng.pick(pads) + s + rng.pick(pads)
        }
    }

    static func date(_ day: Int, _ rng: inout Rng) -> String {
        let (y, m, d) = Civil.date(day)
        switch rng.int(9) {
        case 0: return "\(y)/\(Fmt.two(m))/\(Fmt.two(d))"
        case 1: return "\(y)/\(m)/\(d)"
        case 2: return "\(y)\(Fmt.two(m))\(Fmt.two(d))"
        case 3: return "\(y)年\(m)月\(d)日"
        case 4: return "\(y)-\(m)-\(d)"
        case 5: return fullWidth("\(y)-\(Fmt.two(m))-\(Fmt.two(d))")
        case 6: return fullWidth("\(y)/\(m)/\(d)")
        case 7: return "\(y)年\(Fmt.two(m))月\(Fmt.two(d))日"
        default: return "\(y)-\(Fmt.two(m))-\(Fmt.two(d))"
        }
    }

    static func dateTime(_ seconds: Int, _ rng: inout Rng) -> String {
        let day = seconds / 86400
        let s = seconds - day * 86400
        let hh = Fmt.two(s / 3600), mm = Fmt.two((s / 60) % 60), ss = Fmt.two(s % 60)
        let time = (s % 60 == 0 && rng.chance(0.5)) ? "\(hh):\(mm)" : "\(hh):\(mm):\(ss)"
        let (y, m, d) = Civil.date(day)
        switch rng.int(7) {
        case 0: return "\(y)-\(Fmt.two(m))-\(Fmt.two(d))T\(time)"
        case 1: return "\(y)/\(Fmt.two(m))/\(Fmt.two(d)) \(time)"
        case 2: return "\(y)/\(m)/\(d) \(time)"
        case 3: return "\(y)\(Fmt.two(m))\(Fmt.two(d)) \(time)"
        case 4: return "\(y)年\(m)月\(d)日 \(time)"
        case 5: return fullWidth("\(y)-\(Fmt.two(m))-\(Fmt.two(d)) \(time)")
        default:
            if s == 0 { return "\(y)-\(Fmt.two(m))-\(Fmt.two(d))" }  // bare date = 00:00:00
            return "\(y)-\(Fmt.two(m))-\(Fmt.two(d)) \(time)"
        }
    }

    static func month(_ mi: MonthInfo, _ rng: inout Rng) -> String {
        let y = mi.year, m = mi.month
        switch rng.int(6) {
        case 0: return "\(y)\(Fmt.two(m))"
        case 1: return "\(y)/\(Fmt.two(m))"
        case 2: return "\(y)年\(m)月"
        case 3: return "\(y)-\(m)"
        case 4: return fullWidth("\(y)-\(Fmt.two(m))")
        default: return "\(y)/\(m)"
        }
    }

    /// Money in cents: `¥1,234.50`, `123.45元`, `1,234.50`, `￥88.00`, full-width, whole yuan.
    static func money(_ cents: Int, _ rng: inout Rng) -> String {
        let plain = Fmt.string { Fmt.fixed(&$0, cents, decimals: 2) }
        let yuan = cents / 100
        var grouped = plain
        if yuan >= 1000 {
            let digits = String(yuan)
            var g = ""
            for (i, ch) in digits.enumerated() {
                if i > 0 && (digits.count - i) % 3 == 0 { g.append(",") }
                g.append(ch)
            }
            grouped = g + "." + Fmt.two(cents % 100)
        }
        switch rng.int(8) {
        case 0: return "¥" + grouped
        case 1: return plain + "元"
        case 2: return grouped
        case 3: return "￥" + plain
        case 4: return fullWidth(plain)
        case 5: return cents % 100 == 0 ? String(yuan) : plain + "0"
        case 6: return fullWidth(grouped)
        default: return "¥" + plain
        }
    }

    /// Ratio in thousandths: `35%`, `３５％`, `0.350`, full-width decimals.
    static func ratio(_ milli: Int, _ rng: inout Rng) -> String {
        let pct = milli % 10 == 0 ? "\(milli / 10)%" : "\(milli / 10).\(milli % 10)%"
        switch rng.int(4) {
        case 0: return pct
        case 1: return fullWidth(pct)
        case 2: return Fmt.string { Fmt.fixed(&$0, milli, decimals: 3) }
        default: return fullWidth(Fmt.string { Fmt.fixed(&$0, milli, decimals: 3) })
        }
    }

    /// Integer as `12.0` or full-width.
    static func integer(_ v: Int, _ rng: inout Rng) -> String {
        switch rng.int(3) {
        case 0: return "\(v).0"
        case 1: return fullWidth("\(v)")
        default: return fullWidth("\(v).0")
        }
    }

    /// Decimal (e.g. GB with 2 decimals) as full-width or trimmed.
    static func decimal(_ v: Int, decimals: Int, _ rng: inout Rng) -> String {
        let s = Fmt.string { Fmt.fixed(&$0, v, decimals: decimals) }
        return rng.chance(0.5) ? fullWidth(s) : s + "0"
    }

    /// 11-digit msisdn with prefixes/separators.
    static func msisdn(_ digits: String, _ rng: inout Rng) -> String {
        let a = Array(digits)
        let p1 = String(a[0..<3]), p2 = String(a[3..<7]), p3 = String(a[7..<11])
        switch rng.int(8) {
        case 0: return "+86 \(p1)-\(p2)-\(p3)"
        case 1: return "+86" + digits
        case 2: return "0086" + digits
        case 3: return "86" + digits
        case 4: return "\(p1) \(p2) \(p3)"
        case 5: return "\(p1)-\(p2)-\(p3)"
        case 6: return fullWidth(digits)
        default: return "+86-\(p1) \(p2) \(p3)"
        }
    }

    /// Boolean in one of the accepted spellings.
    static func bool(_ v: Bool, _ rng: inout Rng) -> String {
        let t = ["true", "TRUE", "1", "yes", "Yes", "Y", "y", "是"]
        let f = ["false", "False", "0", "no", "NO", "N", "n", "否"]
        return v ? rng.pick(t) : rng.pick(f)
    }

    /// Mixed case of an ASCII enum value (`GoTone`, `SMS`, `Hall_Visit`).
    static func mixedCase(_ s: String, _ rng: inout Rng) -> String {
        switch rng.int(3) {
        case 0: return s.uppercased()
        case 1: return s.split(separator: "_", omittingEmptySubsequences: false)
            .map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: "_")
        default: return fullWidth(s)
        }
    }
}
