import Foundation
import PanoramaCore

/// What the last line of a run says.
public struct RunSummary: Sendable {
    public var runId: String
    /// `ok`, `failed` or `terminated`.
    public var status: String
    public var months: [Month]
    public var ok = 0, skipped = 0, failed = 0, notRun = 0
    public var seconds: Double
    public var runLog: String
    public var exitCode: Int32
}

/// Progress and summaries on stderr, as text for people or one JSON object per line for schedulers.
public final class RunLogger: @unchecked Sendable {
    public enum Format: String, Sendable { case text, json }
    public let format: Format
    public let quiet: Bool
    private let sink: (String) -> Void
    private let lock = NSLock()
    private var currentRunId: String?

    /// The run every JSON event names from now on (`run_id`).
    public var runId: String? {
        get { lock.withLock { currentRunId } }
        set { lock.withLock { currentRunId = newValue } }
    }

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
        emit("progress", "info", month, stage, message, [])
    }

    /// A stage's one-line summary.
    public func summary(_ month: Month?, _ stage: String?, status: String, seconds: Double, _ message: String) {
        if quiet && status == "ok" { return }
        emit("summary", status == "ok" ? "info" : "error", month, stage, "\(status) \(formatSeconds(seconds)) \(message)",
             [("status", .string(status)), ("seconds", .double((seconds * 1000).rounded() / 1000))])
    }

    /// The line of a stage whose outputs are current and which was not run (suppressed by --quiet).
    public func skipped(_ month: Month, _ stage: String, _ reason: String) {
        if quiet { return }
        emit("summary", "info", month, stage, "skipped (current)", [("status", .string("skipped")), ("reason", .string(reason))])
    }

    /// The one line a run ends with: run id, months, stages ok / skipped / failed, wall time and the
    /// run log's path (printed even with --quiet).
    public func runSummary(_ s: RunSummary) {
        let months = s.months.isEmpty ? "no month" : s.months.count == 1 ? "month \(s.months[0])" : "months \(s.months[0])..\(s.months.last!)"
        var text = "run \(s.runId) \(s.status): \(months); stages \(s.ok) ok, \(s.skipped) skipped, \(s.failed) failed"
        if s.notRun > 0 { text += ", \(s.notRun) not run" }
        text += "; \(formatSeconds(s.seconds)); run log \(s.runLog)"
        emit("run", s.status == "ok" ? "info" : "error", nil, nil, text, [
            ("status", .string(s.status)), ("months", .array(s.months.map { .string($0.description) })),
            ("stages_ok", .int(s.ok)), ("stages_skipped", .int(s.skipped)), ("stages_failed", .int(s.failed)),
            ("stages_not_run", .int(s.notRun)), ("seconds", .double((s.seconds * 1000).rounded() / 1000)),
            ("run_log", .string(s.runLog)), ("exit_code", .int(Int(s.exitCode))),
        ])
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
        emit("warning", "warning", month, stage, "warning: " + message, [])
    }

    public func error(_ month: Month?, _ stage: String?, _ message: String) {
        emit("error", "error", month, stage, "error: " + message, [])
    }

    private func emit(_ event: String, _ level: String, _ month: Month?, _ stage: String?, _ message: String, _ extra: [(String, JSONValue)]) {
        switch format {
        case .text:
            var prefix = ""
            if let month { prefix += "[\(month)] " }
            if let stage { prefix += "\(stage): " }
            sink(prefix + message)
        case .json:
            var pairs: [(String, JSONValue)] = [("event", .string(event)), ("level", .string(level)), ("time", .string(RunLogger.timestamp()))]
            if let runId { pairs.append(("run_id", .string(runId))) }
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
