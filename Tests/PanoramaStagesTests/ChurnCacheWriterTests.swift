import Foundation
import Testing
import PanoramaTestSupport
@testable import PanoramaStages

/// The churn cache's writer: jobs wait until the stage starts them, run in order, and a stage that
/// fails or is stopped drops the ones not yet begun.
@Suite("Churn cache writer: started by the stage, in order, dropped on failure")
struct ChurnCacheWriterTests {
    @Test("jobs wait for start, then run in order; finish returns the notes of those that failed")
    func startThenFinish() {
        let done = Recorded()
        let writer = ChurnCacheWriter()
        writer.submit { done.add("pair"); return nil }
        writer.submit { done.add("features"); return "could not keep the features" }
        Thread.sleep(forTimeInterval: 0.05)
        #expect(done.all.isEmpty)
        writer.start()
        #expect(writer.finish() == ["could not keep the features"])
        #expect(done.all == ["pair", "features"])
    }

    @Test("abandon drops the jobs not begun and returns without running them")
    func abandonDrops() {
        let done = Recorded()
        let writer = ChurnCacheWriter()
        writer.submit { done.add("pair"); return nil }
        writer.abandon()
        #expect(done.all.isEmpty)
        #expect(writer.finish().isEmpty)
    }
}
