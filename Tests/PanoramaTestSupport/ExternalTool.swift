import Foundation

/// Programs the tests run as child processes: Debian tools (xmllint, chromium) and the built
/// `panorama` binary.
public enum ExternalTool {
    /// The repository root, found from this file's location.
    public static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// The first of `names` found on PATH.
    public static func find(_ names: [String]) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for name in names {
            for dir in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") {
                return "\(dir)/\(name)"
            }
        }
        return nil
    }

    /// The `panorama` binary of the current build (debug or release), or nil before `swift build`.
    public static var panorama: String? {
        for config in ["debug", "release"] {
            let dir = repositoryRoot + "/.build/" + config
            if FileManager.default.isExecutableFile(atPath: dir + "/panorama") { return dir + "/panorama" }
        }
        return nil
    }

    /// Runs the built `panorama` with `args` in `dir` (the repository root by default); nil when it
    /// has not been built (the caller records that as an issue).
    public static func runPanorama(_ args: [String], in dir: String? = nil, environment: [String: String]? = nil,
                                   timeout: Double = 600) throws -> Result? {
        guard let binary = panorama else { return nil }
        return try run(binary, args, cwd: dir ?? repositoryRoot, environment: environment, timeout: timeout)
    }

    /// The message a test records when the binary has not been built.
    public static let notBuilt = "no built panorama binary under .build; `swift build` first"

    /// The result of a child process.
    public struct Result: Sendable {
        public var status: Int32
        public var out: String
        public var err: String
        /// Whether the process was ended by a signal (then `status` is the signal number).
        public var signaled: Bool
    }

    /// Runs a program and waits for it; it is terminated after `timeout` seconds.
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String], cwd: String? = nil, environment: [String: String]? = nil,
                           timeout: Double = 120) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let cwd { process.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        if let environment { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let watchdog = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
        // Read both pipes at once so a chatty child cannot block on a full pipe.
        final class Box: @unchecked Sendable { var data = Data() }
        let errBox = Box()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errBox.data = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        let errData = errBox.data
        process.waitUntilExit()
        watchdog.cancel()
        return Result(status: process.terminationStatus, out: String(decoding: outData, as: UTF8.self),
                      err: String(decoding: errData, as: UTF8.self), signaled: process.terminationReason == .uncaughtSignal)
    }
}

/// Validation of XML against the committed feed schema with `xmllint --schema`.
public enum XMLSchema {
    /// `reports/schema/panorama.xsd` in the repository.
    public static let path = ExternalTool.repositoryRoot + "/reports/schema/panorama.xsd"

    /// The message a test records when xmllint is missing (CI installs it).
    public static let missing = "xmllint is not installed: install libxml2-utils (apt-get install -y libxml2-utils); CI must install it"

    /// Validates an XML file; nil when xmllint is not installed.
    public static func validate(file: String) throws -> (status: Int32, output: String)? {
        guard let xmllint = ExternalTool.find(["xmllint"]) else { return nil }
        let r = try ExternalTool.run(xmllint, ["--noout", "--schema", path, file], timeout: 60)
        return (r.status, r.out + r.err)
    }

    /// Validates XML text (written into `dir` as `name`); nil when xmllint is not installed.
    public static func validate(_ xml: String, in dir: TempDir, name: String = "panorama.xml") throws -> (status: Int32, output: String)? {
        dir.write(name, xml)
        return try validate(file: dir.url(name))
    }
}
