import Foundation
import Testing
import PanoramaTestSupport
import PanoramaCore
@testable import PanoramaEngine

/// Work a stage hands over (the churn cache's files): run once each, waited for in order, and what
/// it reports said as warnings of the stage and month that handed it over.
@Suite("Lingering work: waited for once, in order, its notes said as warnings")
struct LingeringWorkTests {
    @Test("finish waits for every job handed over, in order, logs their notes and forgets them")
    func finishWaits() {
        let lines = Recorded(), done = Recorded()
        let log = RunLogger(quiet: true, sink: { lines.add($0) })
        let work = LingeringWork()
        let march = Month(key: "2026-03")!, april = Month(key: "2026-04")!
        work.add(march, "churn", kind: "churn") {
            Thread.sleep(forTimeInterval: 0.05)
            done.add("march")
            return ["could not keep the pair"]
        }
        work.add(april, "churn", kind: "churn") {
            done.add("april")
            return []
        }
        #expect(done.all.isEmpty)
        work.finish(log)
        #expect(done.all == ["march", "april"])
        #expect(lines.all == ["[2026-03] churn: warning: could not keep the pair"])
        work.finish(log)
        #expect(done.all == ["march", "april"])
        #expect(lines.all.count == 1)
    }

    @Test("finish for one kind waits for that kind's jobs only and keeps the others in order")
    func finishOneKind() {
        let done = Recorded()
        let log = RunLogger(quiet: true, sink: { _ in })
        let work = LingeringWork()
        let march = Month(key: "2026-03")!
        for (stage, kind) in [("a", "churn"), ("b", "report"), ("c", "churn"), ("d", "report")] {
            work.add(march, stage, kind: kind) {
                done.add(stage)
                return []
            }
        }
        work.finish(log, kind: "churn")
        #expect(done.all == ["a", "c"])
        work.finish(log)
        #expect(done.all == ["a", "c", "b", "d"])
    }
}
