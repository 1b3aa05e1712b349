import Foundation

/// A temporary folder for one test, removed when the value is released.
public final class TempDir: @unchecked Sendable {
    public let path: String

    public init(_ label: String = "test") {
        path = NSTemporaryDirectory() + "panorama-\(label)-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// The absolute path of a name inside the folder.
    public func url(_ name: String) -> String { path + "/" + name }

    /// Writes UTF-8 text, creating parent folders.
    public func write(_ name: String, _ text: String) { write(name, Array(text.utf8)) }

    /// Writes bytes, creating parent folders.
    public func write(_ name: String, _ bytes: [UInt8]) {
        let full = url(name)
        try! FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: full, contents: Data(bytes))
    }

    /// A file's text, or nil when it does not exist.
    public func read(_ name: String) -> String? {
        FileManager.default.contents(atPath: url(name)).map { String(decoding: $0, as: UTF8.self) }
    }

    /// A file's text, or "" when it does not exist.
    public func text(_ name: String) -> String { read(name) ?? "" }

    /// A file's bytes, or nil when it does not exist.
    public func bytes(_ name: String) -> [UInt8]? { FileManager.default.contents(atPath: url(name)).map { [UInt8]($0) } }

    public func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: url(name)) }

    public func remove(_ name: String) { try? FileManager.default.removeItem(atPath: url(name)) }
}
