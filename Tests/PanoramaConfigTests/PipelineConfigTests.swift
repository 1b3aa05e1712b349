import Testing
import PanoramaCore
@testable import PanoramaConfig

@Suite("Pipeline config (SPEC §7): typed, validated, errors with positions")
struct PipelineConfigTests {
    func error(_ text: String, overrides: [String] = []) -> String {
        do {
            _ = try PipelineConfig.parse(text: text, file: "p.yaml", overrides: overrides)
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test("the SPEC example's ingest/cleanse part parses into typed values")
    func example() throws {
        let c = try PipelineConfig.parse(text: """
            name: beijing-nightly
            province: 北京
            month: 2026-10
            encoding: {default: utf-8, customers: gb18030}
            paths: {input: data/input/{month}, warehouse: data/warehouse, reports: reports/{month}}
            stages:
              - {id: ingest}
              - {id: cleanse, needs: [ingest], max_reject_rate: 0.05}
            """, file: "p.yaml")
        #expect(c.province == "北京")
        #expect(c.month == .fixed(Month(key: "2026-10")!))
        #expect(c.encoding(for: "customers") == .gb18030)
        #expect(c.encoding(for: "usage") == .utf8)
        #expect(PipelineConfig.resolve(c.inputPath, month: Month(key: "2026-10")!) == "data/input/2026-10")
        #expect(c.orderedStageIds == ["ingest", "cleanse"])
        #expect(try c.stage("cleanse")!.double("max_reject_rate", default: 0) == 0.05)
    }

    @Test("an unknown top-level key names file:line:column and suggests the closest key")
    func unknownKey() {
        #expect(error("nmae: x\nstages: []\n").hasPrefix("p.yaml:1:1: unknown key `nmae` in pipeline"))
        #expect(error("nmae: x\nstages: []\n").hasSuffix("did you mean `name`?"))
    }

    @Test("missing needs targets, duplicate ids and cycles are errors with positions")
    func graphErrors() {
        #expect(error("stages:\n  - {id: ingest}\n  - {id: cleanse, needs: [ingset]}\n")
            .contains("p.yaml:3:5: stage `cleanse` needs `ingset`, which is not a stage of this pipeline; did you mean `ingest`?"))
        #expect(error("stages:\n  - {id: ingest}\n  - {id: ingest}\n").contains("p.yaml:3:5: duplicate stage id `ingest`"))
        #expect(error("stages:\n  - {id: a, kind: cleanse, needs: [b]}\n  - {id: b, kind: cleanse, needs: [a]}\n")
            .contains("the stages form a cycle: a → b → a"))
    }

    @Test("bad values say what is expected")
    func badValues() {
        #expect(error("month: last\nstages: []\n") == "p.yaml:1:8: month must be `previous` or YYYY-MM, not `last`")
        #expect(error("encoding: latin1\nstages: []\n") == "p.yaml:1:11: encoding must be utf-8 or gb18030, not `latin1`")
        #expect(error("name: x\n") == "p.yaml:1:1: the pipeline has no `stages:` list")
    }

    @Test("--set overrides a stage parameter; unknown stages are suggested")
    func overrides() throws {
        let text = "stages:\n  - {id: ingest}\n  - {id: cleanse, needs: [ingest]}\n"
        let c = try PipelineConfig.parse(text: text, file: "p.yaml", overrides: ["cleanse.max_reject_rate=0.2"])
        #expect(try c.stage("cleanse")!.double("max_reject_rate", default: 0) == 0.2)
        #expect(error(text, overrides: ["clense.max_reject_rate=0.2"]).contains("did you mean `cleanse`?"))
        #expect(error(text, overrides: ["cleanse.id=x"]).contains("is not a parameter that can be set"))
        #expect(error(text, overrides: ["cleanse"]).contains("--set expects stage.key=value"))
    }

    @Test("the per-source encoding map accepts contacts (the optional SPEC §2.5 delivery); an unknown source is suggested")
    func contactsEncoding() throws {
        let c = try PipelineConfig.parse(text: "encoding: {default: utf-8, contacts: gb18030}\nstages:\n  - {id: ingest}\n", file: "p.yaml")
        #expect(c.encoding(for: "contacts") == .gb18030)
        #expect(c.encoding(for: "customers") == .utf8)
        #expect(error("encoding: {contact: gb18030}\nstages:\n  - {id: ingest}\n").contains("did you mean `contacts`?"))
    }

    @Test("anchors are rejected with their position")
    func anchors() {
        #expect(error("name: &a x\nstages: []\n").hasPrefix("p.yaml:1:7:"))
    }
}
