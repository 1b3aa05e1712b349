import Testing
import PanoramaConfig
import PanoramaCore
import PanoramaEngine
@testable import PanoramaStages

@Suite("holdout: the control group of churn_watch and detractor_repair (SPEC §3.3)")
struct HoldoutTests {
    let oct = Month(key: "2026-10")!

    /// h as SPEC §3.3 defines it, from the first 16 hex digits of a digest.
    func h(_ hex: String) -> Double { Double(UInt64(hex, radix: 16)!) / 18_446_744_073_709_551_616.0 }

    @Test("h is the first 8 bytes of SHA-256 of `<list>|<customer_id>|<YYYY-MM>`, big-endian, over 2^64")
    func knownHashes() {
        // printf 'churn_watch|C1|2026-10' | sha256sum → 68a68f4e9d7eeffc2d29…; 0x68a68f4e9d7eeffc / 2^64 = 0.408792
        #expect(Holdout.hash(list: "churn_watch", customerId: "C1", month: oct) == h("68a68f4e9d7eeffc"))
        #expect(abs(Holdout.hash(list: "churn_watch", customerId: "C1", month: oct) - 0.4087915007526097) < 1e-15)
        // printf 'detractor_repair|C1|2026-10' | sha256sum → 0684ece84d21eed7e0fc…; 0x0684ece84d21eed7 / 2^64 = 0.025466
        #expect(Holdout.hash(list: "detractor_repair", customerId: "C1", month: oct) == h("0684ece84d21eed7"))
        #expect(abs(Holdout.hash(list: "detractor_repair", customerId: "C1", month: oct) - 0.025465780939277965) < 1e-15)
        // printf 'churn_watch|A11|2026-10' | sha256sum → 10c1d500d1e08136…  = 0.065458
        #expect(Holdout.hash(list: "churn_watch", customerId: "A11", month: oct) == h("10c1d500d1e08136"))
    }

    @Test("held out when h < holdout_pct / 100; the list and the month are part of the hash")
    func threshold() {
        func held(_ list: String, _ id: String, _ pct: Double, _ month: Month) -> Bool {
            Array(id.utf8).withUnsafeBufferPointer { Holdout(month: month, holdoutPct: pct).isHeldOut(list: list, customerId: $0) }
        }
        // detractor_repair|C1 has h = 0.025466: held out at 3 %, not at 2.5 %; churn_watch|C1 (0.408792) is not at 10 %.
        #expect(held("detractor_repair", "C1", 3, oct))
        #expect(!held("detractor_repair", "C1", 2.5, oct))
        #expect(!held("churn_watch", "C1", 10, oct))
        #expect(held("churn_watch", "C1", 41, oct) && !held("churn_watch", "C1", 40, oct))
        // 100 % holds everyone out, 0 % nobody.
        #expect(held("churn_watch", "C1", 100, oct))
        #expect(!held("detractor_repair", "C1", 0, oct))
        // Another month draws again: printf 'detractor_repair|C1|2026-11' | sha256sum → ee61c52ddfc91c07… = 0.931 ≥ 0.03.
        #expect(!held("detractor_repair", "C1", 3, oct.next))
        #expect(Holdout.hash(list: "detractor_repair", customerId: "C1", month: oct.next) == h("ee61c52ddfc91c07"))
    }

    @Test("holdout_pct 0 turns the holdout off: every row false, nothing else changes")
    func off() throws {
        var s = Customer360Settings()
        s.holdoutPct = 0
        let off = try ThreeMonthFixture.run(s)
        let on = try ThreeMonthFixture.run()
        func text(_ w: CSVWriter) -> String { String(decoding: w.bytes, as: UTF8.self) }
        let offLines = text(off.churnWatch).split(separator: "\n")
        #expect(offLines.dropFirst().allSatisfy { $0.hasSuffix(",false") })
        #expect(off.heldOutChurnWatch == 0 && off.heldOutDetractorRepair == 0)
        // Only A11 (h 0.065) was held out at 10 %; with the holdout off its row reads false, the rest is identical.
        #expect(text(on.churnWatch).replacingOccurrences(of: "offnet,true\n", with: "offnet,false\n") == text(off.churnWatch))
        #expect(text(on.detractorRepair) == text(off.detractorRepair))
        #expect(text(on.customer360) == text(off.customer360))
    }

    @Test("holdout_pct 100 holds out every row, which stays in the warehouse list")
    func everyone() throws {
        var s = Customer360Settings()
        s.holdoutPct = 100
        let out = try ThreeMonthFixture.run(s)
        #expect(out.churnWatch.rows == 3 && out.heldOutChurnWatch == 3)
        #expect(out.detractorRepair.rows == 4 && out.heldOutDetractorRepair == 4)
    }

    func settings(_ params: String) throws -> Customer360Settings {
        let config = try PipelineConfig.parse(text: "stages:\n  - {id: customer360\(params)}\n", file: "p.yaml")
        return try Customer360Stage.settings(config.stage("customer360")!, in: config)
    }

    func error(_ params: String) -> String {
        do {
            _ = try settings(params)
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test("holdout_pct: default 10, 0 and 100 accepted, decimals allowed; outside 0–100 or not a number is an error at the value")
    func validation() throws {
        #expect(try settings("").holdoutPct == 10)
        #expect(try settings(", holdout_pct: 0").holdoutPct == 0)
        #expect(try settings(", holdout_pct: 100").holdoutPct == 100)
        #expect(try settings(", holdout_pct: 2.5").holdoutPct == 2.5)
        #expect(error(", holdout_pct: 101").hasPrefix("p.yaml:2:36: customer360.holdout_pct must be a percentage between 0 and 100"))
        #expect(error(", holdout_pct: -1").hasSuffix("not -1"))
        #expect(error(", holdout_pct: ten").hasPrefix("p.yaml:2:36:"))
        #expect(Customer360Stage.parameters.contains { $0.name == "holdout_pct" && $0.defaultValue == "10" })
    }
}
