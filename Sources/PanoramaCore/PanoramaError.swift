/// The process exit codes of SPEC §8; every error the pipeline raises maps to exactly one.
public enum ExitCode: Int32, Sendable, Codable {
    case ok = 0
    /// A runtime failure (I/O error, bug).
    case runtime = 1
    /// A usage or config error, or a missing upstream partition.
    case usage = 2
    /// The data-quality gate failed, or an input is missing or unreadable.
    case dataQuality = 3
    /// Another run holds the warehouse lock.
    case locked = 4
    /// Stopped by SIGINT (128 + 2, as shells report it).
    case interrupted = 130
    /// Stopped by SIGTERM (128 + 15).
    case terminated = 143
}

/// An error a person can act on: what happened, where, and which exit code it maps to.
public struct PanoramaError: Error, Sendable, CustomStringConvertible {
    public var exitCode: ExitCode
    public var message: String

    public init(_ exitCode: ExitCode, _ message: String) {
        self.exitCode = exitCode
        self.message = message
    }

    public var description: String { message }

    /// A usage or configuration error (exit 2).
    public static func usage(_ message: String) -> PanoramaError { PanoramaError(.usage, message) }
    /// Missing or unreadable input, or a failed quality gate (exit 3).
    public static func input(_ message: String) -> PanoramaError { PanoramaError(.dataQuality, message) }
    /// A runtime failure (exit 1).
    public static func runtime(_ message: String) -> PanoramaError { PanoramaError(.runtime, message) }
}
