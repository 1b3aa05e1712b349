import Dispatch
import Foundation
import PanoramaCore
#if canImport(Glibc)
import Glibc
#endif

/// Stop requests for a run (SIGTERM from a scheduler, SIGINT from Ctrl-C), acted on at safe points:
/// between stages, whenever a stage reads or stages outputs, and just before a publish is committed.
/// A publish in progress is never cut: its commit holds `gate`, and a stop either waits for it or
/// comes before it (and the staged files are discarded).
///
/// If the run does not reach a safe point within `grace` seconds of the signal (a long computation),
/// or a second signal arrives, `emergencyStop` runs on the signal queue: it waits for any commit to
/// finish, then the runner discards the staged files, writes the run log and ends the process.
public final class RunControl: @unchecked Sendable {
    /// The error thrown at a safe point once a stop was requested.
    public struct Stop: Error, CustomStringConvertible {
        public let signal: Int32
        public var exitCode: ExitCode { signal == SIGINT ? .interrupted : .terminated }
        public var name: String { signal == SIGINT ? "SIGINT" : "SIGTERM" }
        public var description: String { "stopped by \(name)" }
    }

    private let lock = NSLock()
    private var signal: Int32?
    private var aborting = false
    private var sources: [DispatchSourceSignal] = []
    /// Held while a publish is committed.
    let gate = NSLock()
    /// Seconds a run has to reach a safe point after a signal before it is stopped at once.
    public var grace: Double = 10
    /// Writes what a stopped run must leave behind (set by the runner while it runs; nil otherwise,
    /// and then a late timer does nothing).
    private var emergencyStop: ((Stop) -> Void)?

    /// Sets (or clears) what an immediate stop does before the process ends.
    func setEmergencyStop(_ body: ((Stop) -> Void)?) {
        lock.withLock { emergencyStop = body }
    }

    public init() {}

    /// The stop requested so far, if any.
    public var requested: Stop? { lock.withLock { signal.map(Stop.init) } }

    /// Throws `Stop` once a stop was requested.
    public func checkpoint() throws {
        if let stop = requested { throw stop }
    }

    /// Asks the run to stop at its next safe point (what the signal handlers call).
    public func request(_ sig: Int32) {
        let second: Bool = lock.withLock {
            if signal == nil {
                signal = sig
                return false
            }
            return true
        }
        if second {
            stopNow()
        } else {
            DispatchQueue.global().asyncAfter(deadline: .now() + grace) { [weak self] in self?.stopNow() }
        }
    }

    /// Runs `body` (a commit) unless a stop was requested; a stop arriving meanwhile waits for it.
    func committing<T>(_ body: () throws -> T) throws -> T {
        gate.lock()
        defer { gate.unlock() }
        try checkpoint()
        return try body()
    }

    private func stopNow() {
        let action: ((Stop) -> Void)? = lock.withLock {
            guard signal != nil, !aborting, let emergencyStop else { return nil }
            aborting = true
            return emergencyStop
        }
        guard let action, let stop = requested else { return }
        gate.lock()  // never in the middle of a commit; held until the process ends
        action(stop)
        exit(stop.exitCode.rawValue)
    }

    /// Replaces the default actions of SIGTERM and SIGINT by a stop request (the first signal) and
    /// an immediate stop (a second one). For the command line; tests call `request` directly.
    public func installSignalHandlers() {
        for sig in [SIGTERM, SIGINT] {
            ignore(sig)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: DispatchQueue.global())
            source.setEventHandler { [weak self] in self?.request(sig) }
            source.resume()
            sources.append(source)
        }
    }
}

#if canImport(Glibc)
private func ignore(_ sig: Int32) { Glibc.signal(sig, SIG_IGN) }
#else
private func ignore(_ sig: Int32) { Darwin.signal(sig, SIG_IGN) }
#endif
