import Foundation
import PanoramaCore

/// Progress and summaries on stderr, as text for people or one JSON object per line for schedulers.
public final class RunLogger: @unchecked Sendable {
    public enum Format: String, Sendable { case text, json }
    public let format: Format
    public let quiet: Bool
    private let sink: (String) -> Void

    /// `sink` receives whole lines (tests capture them; the CLI writes them to stderr).
    public init(format: Format = .text, quiet: Bool = false, sink: @escaping (String) -> Void = { line in
        FileHandle.standardError.write((line + "\n").data(using: .utf8)!)
    }) {
        self.format = format
        self.quiet = quiet
        self.sink = sink
    }

    /// A progress line (suppressed by --quiet).
    public func progress(_ month: Month?, _ stage: String?, _ message: String) {
        if quiet { return }
        emit("progress", month, stage, message, [])
    }

    /// A stage's one-line summary.
    public func summary(_ month: Month?, _ stage: String?, status: String, seconds: Double, _ message: String) {
        if quiet && status == "ok" { return }
        emit("summary", month, stage, "\(status) \(formatSeconds(seconds)) \(message)",
             [("status", .string(status)), ("seconds", .double((seconds * 1000).rounded() / 1000))])
    }

    /// Phase timings for profiling, printed only when PANORAMA_TRACE is set.
    public func trace(_ stage: String, _ phase: String, since start: ContinuousClock.Instant) {
        guard RunLogger.tracing else { return }
        let d = ContinuousClock.now - start
        let ms = Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
        sink("trace \(stage) \(phase): \(Int(ms)) ms")
    }

    static let tracing = ProcessInfo.processInfo.environment["PANORAMA_TRACE"] != nil

    public func warning(_ month: Month?, _ stage: String?, _ message: String) {
        emit("warning", month, stage, "warning: " + message, [])
    }

    public func error(_ month: Month?, _ stage: String?, _ message: String) {
        emit("error", month, stage, "error: " + message, [])
    }

    private func emit(_ event: String, _ month: Month?, _ stage: String?, _ message: String, _ extra: [(String, JSONValue)]) {
        switch format {
        case .text:
            var prefix = ""
            if let month { prefix += "[\(month)] " }
            if let stage { prefix += "\(stage): " }
            sink(prefix + message)
        case .json:
            var pairs: [(String, JSONValue)] = [("event", .string(event)), ("time", .string(RunLogger.timestamp()))]
            if let month { pairs.append(("month", .string(month.description))) }
            if let stage { pairs.append(("stage", .string(stage))) }
            pairs.append(("message", .string(message)))
            pairs.append(contentsOf: extra)
            sink(JSONValue.object(pairs).serialized(pretty: false))
        }
    }

    private func formatSeconds(_ s: Double) -> String { (formatNumber((s * 100).rounded() / 100) ?? "0") + "s" }

    /// Local wall-clock time `YYYY-MM-DD HH:MM:SS` (SPEC §1 datetime form).
    public static func timestamp(_ date: Date = Date()) -> String {
        var t = time_t(date.timeIntervalSince1970)
        var parts = tm()
        localtime_r(&t, &parts)
        let day = Day(year: Int(parts.tm_year) + 1900, month: Int(parts.tm_mon) + 1, day: Int(parts.tm_mday))
        return DateTime(day: day, hour: Int(parts.tm_hour), minute: Int(parts.tm_min), second: Int(parts.tm_sec)).description
    }

    /// The current local month.
    public static func currentMonth(_ date: Date = Date()) -> Month {
        var t = time_t(date.timeIntervalSince1970)
        var parts = tm()
        localtime_r(&t, &parts)
        return Month(year: Int(parts.tm_year) + 1900, month: Int(parts.tm_mon) + 1)
    }
}
