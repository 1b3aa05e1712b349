import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Faults injected on purpose, so that tests can fail a real `panorama` process at every rename and
/// every manifest write and check what the next command finds. Inert unless the environment variable
/// `PANORAMA_FAULT` is set (docs/operations.md):
///
///     PANORAMA_FAULT=rename:3            the 3rd rename() of the process fails with EIO
///     PANORAMA_FAULT=manifest:2          the 2nd manifest write fails with EIO
///     PANORAMA_FAULT=rename:3:kill       the process SIGKILLs itself just before its 3rd rename()
///     PANORAMA_FAULT=rename:3:term       the process sends itself SIGTERM just before its 3rd rename()
///                                        (`int` likewise with SIGINT); the rename then goes ahead
///     PANORAMA_FAULT=rename:3:stop       the process stops itself (SIGSTOP) just before its 3rd rename(),
///                                        holding the warehouse lock, until it gets SIGCONT
///
/// Several rules are separated by commas. Calls are counted across the whole process, from 1.
public final class FaultInjection: @unchecked Sendable {
    /// What is counted.
    public enum Point: String, Sendable, CaseIterable {
        /// Every rename() made through `FileIO` (partitions, report files, manifests, journal records, run logs).
        case rename
        /// Every write of a stage manifest's staged file.
        case manifest
    }

    /// What happens at the counted call.
    enum Action: String, Sendable {
        case eio, kill, term, int, stop
    }

    struct Rule: Sendable {
        var point: Point
        var call: Int
        var action: Action
    }

    /// The process-wide injector, read from `PANORAMA_FAULT` once.
    public static let shared = FaultInjection(spec: ProcessInfo.processInfo.environment["PANORAMA_FAULT"])

    /// The variable's text, or nil when unset.
    public let spec: String?
    /// Why the variable could not be read (nil when it is unset or valid).
    public let problem: String?
    private let rules: [Rule]
    private let lock = NSLock()
    private var counts: [Point: Int] = [:]
    private var injected: [String] = []

    /// Reads a specification (nil or empty: no faults).
    public init(spec: String?) {
        self.spec = spec
        var rules: [Rule] = []
        var problem: String?
        for item in (spec ?? "").split(separator: ",") {
            let parts = item.split(separator: ":").map(String.init)
            guard (2...3).contains(parts.count), let point = Point(rawValue: parts[0]), let call = Int(parts[1]), call >= 1,
                  let action = parts.count == 3 ? Action(rawValue: parts[2]) : .eio else {
                problem = "PANORAMA_FAULT: cannot read `\(item)`; expected POINT:N[:ACTION] with POINT rename or manifest, N ≥ 1 and ACTION eio, kill, term, int or stop"
                break
            }
            rules.append(Rule(point: point, call: call, action: action))
        }
        self.rules = problem == nil ? rules : []
        self.problem = problem
    }

    /// Whether any rule is set.
    public var isActive: Bool { !rules.isEmpty }

    /// Counts one call at `point`; returns the errno the call must fail with, or nil to go ahead.
    /// A `kill` rule ends the process here; `term`/`int` raise the signal and let the call go ahead.
    public func hit(_ point: Point) -> Int32? {
        guard !rules.isEmpty else { return nil }
        lock.lock()
        let n = (counts[point] ?? 0) + 1
        counts[point] = n
        let rule = rules.first { $0.point == point && $0.call == n }
        if let rule { injected.append("\(point.rawValue):\(n):\(rule.action.rawValue)") }
        lock.unlock()
        guard let rule else { return nil }
        switch rule.action {
        case .eio: return EIO
        case .kill:
            kill(getpid(), SIGKILL)
            return EIO  // not reached
        case .term, .int:
            kill(getpid(), rule.action == .term ? SIGTERM : SIGINT)
            usleep(50_000)  // let the handler see it before the call goes ahead, as if it came meanwhile
            return nil
        case .stop:
            kill(getpid(), SIGSTOP)
            return nil
        }
    }

    /// One line for stderr when faults are active: the calls counted and what was injected, so that
    /// a test can first count the calls of a run and then fail each in turn.
    public var summary: String? {
        guard isActive else { return nil }
        lock.lock()
        defer { lock.unlock() }
        let counted = Point.allCases.map { "\($0.rawValue) \(counts[$0] ?? 0)" }.joined(separator: ", ")
        return "PANORAMA_FAULT=\(spec ?? ""): calls counted: \(counted); injected: \(injected.isEmpty ? "none" : injected.joined(separator: ", "))"
    }
}
