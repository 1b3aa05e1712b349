import Foundation

/// Input encodings a delivery may declare (SPEC §2).
public enum InputEncoding: String, Sendable, Codable, CaseIterable {
    case utf8 = "utf-8"
    case gb18030 = "gb18030"

    /// Accepts the usual spellings (`utf8`, `UTF-8`, `gbk`, `GB18030`).
    public init?(name: String) {
        switch name.lowercased() {
        case "utf-8", "utf8": self = .utf8
        case "gb18030", "gbk", "gb2312": self = .gb18030
        default: return nil
        }
    }
}

/// A delivered file as UTF-8: the text is `bytes[start...]`. For a UTF-8 file `bytes` is the file
/// itself and `start` skips its byte-order mark, so nothing is copied.
public struct DecodedText: Sendable {
    public var bytes: [UInt8]
    public var start: Int
}

/// Turns a delivered file into UTF-8 bytes, or says at which byte it stops being valid.
public enum TextDecoding {
    /// Foundation's GB18030 encoding on Linux (CFStringEncoding kCFStringEncodingGB_18030_2000).
    public static let gb18030 = String.Encoding(rawValue: 0x80000632)

    /// Decodes `data` declared as `encoding`; throws with the byte offset of the first invalid byte.
    public static func utf8Bytes(of data: [UInt8], encoding: InputEncoding, file: String) throws -> [UInt8] {
        let text = try decode(data, encoding: encoding, file: file)
        return text.start == 0 ? text.bytes : Array(text.bytes[text.start...])
    }

    /// Decodes `data` declared as `encoding` without copying a UTF-8 file; throws with the byte
    /// offset of the first invalid byte.
    public static func decode(_ data: [UInt8], encoding: InputEncoding, file: String) throws -> DecodedText {
        switch encoding {
        case .utf8:
            if let offset = firstInvalidUTF8(data) {
                throw PanoramaError.input(
                    "\(file) is not valid UTF-8 at byte offset \(offset); if the file is GBK/GB18030, set `encoding: gb18030` for the pipeline or this source")
            }
            let bom = data.count >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF
            return DecodedText(bytes: data, start: bom ? 3 : 0)
        case .gb18030:
            if let offset = firstInvalidGB18030(data) {
                throw PanoramaError.input(
                    "\(file) is not valid GB18030 at byte offset \(offset); if the file is UTF-8, set `encoding: utf-8` for the pipeline or this source")
            }
            let bom = data.count >= 4 && data[0] == 0x84 && data[1] == 0x31 && data[2] == 0x95 && data[3] == 0x33
            let body = data[(bom ? 4 : 0)...]
            if isASCII(body) { return DecodedText(bytes: data, start: body.startIndex) }
            // Foundation needs its own copy of the bytes; it is dropped as soon as the text is built.
            let decoded: String? = String(data: Data(body), encoding: gb18030)
            guard let text = decoded else {
                throw PanoramaError.input("\(file) could not be decoded as GB18030; check the file's encoding setting")
            }
            var utf8: [UInt8] = []
            utf8.reserveCapacity(text.utf8.count)
            utf8.append(contentsOf: text.utf8)
            return DecodedText(bytes: utf8, start: 0)
        }
    }

    /// Whether every byte is below 0x80, eight at a time.
    static func isASCII(_ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.withUnsafeBytes { p in
            var i = 0
            let n = p.count
            var any: UInt64 = 0
            while i + 8 <= n {
                any |= p.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                i += 8
            }
            while i < n { any |= UInt64(p[i]); i += 1 }
            return any & 0x8080_8080_8080_8080 == 0
        }
    }

    /// Offset of the first byte that breaks UTF-8 (overlongs and surrogates included), or nil.
    public static func firstInvalidUTF8(_ b: [UInt8]) -> Int? {
        b.withUnsafeBufferPointer { p -> Int? in
            let n = p.count
            var i = 0
            let raw = UnsafeRawPointer(p.baseAddress)
            while i < n {
                // Runs of ASCII are skipped eight bytes at a time.
                if let raw {
                    while i + 8 <= n && raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 { i += 8 }
                    if i >= n { break }
                }
                let c = p[i]
                if c < 0x80 { i += 1; continue }
                var need = 0
                var lo: UInt8 = 0x80, hi: UInt8 = 0xBF
                switch c {
                case 0xC2...0xDF: need = 1
                case 0xE0: need = 2; lo = 0xA0
                case 0xE1...0xEC, 0xEE...0xEF: need = 2
                case 0xED: need = 2; hi = 0x9F
                case 0xF0: need = 3; lo = 0x90
                case 0xF1...0xF3: need = 3
                case 0xF4: need = 3; hi = 0x8F
                default: return i
                }
                if i + need >= n { return i }
                if p[i + 1] < lo || p[i + 1] > hi { return i }
                var k = 2
                while k <= need {
                    if p[i + k] < 0x80 || p[i + k] > 0xBF { return i }
                    k += 1
                }
                i += need + 1
            }
            return nil
        }
    }

    /// Offset of the first byte sequence that is not GB18030 (one, two or four bytes), or nil.
    public static func firstInvalidGB18030(_ b: [UInt8]) -> Int? {
        let n = b.count
        var i = 0
        while i < n {
            let c = b[i]
            if c < 0x80 { i += 1; continue }
            guard c >= 0x81 && c <= 0xFE, i + 1 < n else { return i }
            let c1 = b[i + 1]
            if (c1 >= 0x40 && c1 <= 0x7E) || (c1 >= 0x80 && c1 <= 0xFE) { i += 2; continue }
            if c1 >= 0x30 && c1 <= 0x39, i + 3 < n,
               b[i + 2] >= 0x81 && b[i + 2] <= 0xFE, b[i + 3] >= 0x30 && b[i + 3] <= 0x39 {
                i += 4
                continue
            }
            return i
        }
        return nil
    }
}
