import Testing
import PanoramaConfig

private func parseYAML(_ text: String, file: String = "test.yaml") throws -> YAMLNode {
    try YAML.parse(text, file: file)
}

private func map(_ node: YAMLNode?, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> YAMLMapping {
    try #require(node?.mapping, "expected a mapping", sourceLocation: sourceLocation)
}

private func seq(_ node: YAMLNode?, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> YAMLSequence {
    try #require(node?.sequence, "expected a sequence", sourceLocation: sourceLocation)
}

private func value(_ node: YAMLNode?) -> YAMLScalarValue? {
    node?.scalar?.value
}

private func loc(_ node: YAMLNode?) -> String? {
    node.map { "\($0.location.line):\($0.location.column)" }
}

private let pipelineExample = """
name: beijing-nightly
province: 北京
month: previous               # or 2026-10
encoding: utf-8
paths: {input: data/input/{month}, warehouse: data/warehouse, reports: reports/{month}}
stages:
  - {id: ingest}
  - {id: cleanse, needs: [ingest], max_reject_rate: 0.05}
  - {id: customer360, needs: [cleanse], high_value_arpu: 120}
  - {id: kpi, needs: [customer360], arrow_colors: cn, targets: {sat_index: 85, nps: 30}}
  - {id: drivers, needs: [customer360], window_months: 1, min_n: 100}
  - {id: report, needs: [kpi, drivers], lang: zh}

"""

@Suite("YAML subset parser")
struct YAMLParserTests {
    @Test("the pipeline example from the spec parses with values, types, order and locations")
    func pipelineExampleParses() throws {
        let root = try map(try parseYAML(pipelineExample, file: "pipelines/beijing.yaml"))
        #expect(root.keys == ["name", "province", "month", "encoding", "paths", "stages"])
        #expect(root.location == PanoramaConfig.SourceLocation(file: "pipelines/beijing.yaml", line: 1, column: 1))
        #expect(value(root.value(for: "name")) == .string("beijing-nightly"))
        #expect(value(root.value(for: "province")) == .string("北京"))
        #expect(loc(root.value(for: "province")) == "2:11")
        #expect(value(root.value(for: "month")) == .string("previous"))
        #expect(root.value(for: "month")?.scalar?.text == "previous")
        #expect(loc(root.value(for: "month")) == "3:8")
        #expect(value(root.value(for: "encoding")) == .string("utf-8"))

        let paths = try map(root.value(for: "paths"))
        #expect(loc(.mapping(paths)) == "5:8")
        #expect(paths.keys == ["input", "warehouse", "reports"])
        #expect(value(paths.value(for: "input")) == .string("data/input/{month}"))
        #expect(loc(paths.value(for: "input")) == "5:16")
        #expect(value(paths.value(for: "warehouse")) == .string("data/warehouse"))
        #expect(paths.entry(for: "warehouse")?.key.location.column == 36)
        #expect(value(paths.value(for: "reports")) == .string("reports/{month}"))

        let stages = try seq(root.value(for: "stages"))
        #expect(loc(.sequence(stages)) == "7:3")
        #expect(stages.items.count == 6)
        let ids = stages.items.compactMap { $0.mapping?.value(for: "id")?.scalar?.text }
        #expect(ids == ["ingest", "cleanse", "customer360", "kpi", "drivers", "report"])
        #expect(loc(stages.items[0]) == "7:5")

        let cleanse = try map(stages.items[1])
        #expect(cleanse.keys == ["id", "needs", "max_reject_rate"])
        #expect(value(cleanse.value(for: "max_reject_rate")) == .double(0.05))
        #expect(loc(cleanse.value(for: "max_reject_rate")) == "8:53")
        let needs = try seq(cleanse.value(for: "needs"))
        #expect(loc(.sequence(needs)) == "8:26")
        #expect(needs.items.map { value($0) } == [.string("ingest")])
        #expect(loc(needs.items[0]) == "8:27")

        #expect(value(try map(stages.items[2]).value(for: "high_value_arpu")) == .int(120))

        let kpi = try map(stages.items[3])
        #expect(kpi.keys == ["id", "needs", "arrow_colors", "targets"])
        #expect(value(kpi.value(for: "arrow_colors")) == .string("cn"))
        let targets = try map(kpi.value(for: "targets"))
        #expect(targets.keys == ["sat_index", "nps"])
        #expect(value(targets.value(for: "sat_index")) == .int(85))
        #expect(value(targets.value(for: "nps")) == .int(30))

        let drivers = try map(stages.items[4])
        #expect(value(drivers.value(for: "window_months")) == .int(1))
        #expect(value(drivers.value(for: "min_n")) == .int(100))

        let report = try map(stages.items[5])
        #expect(try seq(report.value(for: "needs")).items.map { value($0) } == [.string("kpi"), .string("drivers")])
        #expect(value(report.value(for: "lang")) == .string("zh"))
        #expect(loc(report.value(for: "lang")) == "12:47")
    }

    @Test("braces started mid-scalar belong to the plain scalar in flow context")
    func embeddedBracesInFlowScalars() throws {
        let root = try map(try parseYAML("""
        a: {x: data/{month}, y: reports/{month}/{province}.html, z: p{a{b}c}q}
        b: [in/{month}, out/{month}]
        c: {deep: {k: v/{m}}}
        d: data/{month}
        e: {u: http://host:8080/x}
        """))
        let a = try map(root.value(for: "a"))
        #expect(a.keys == ["x", "y", "z"])
        #expect(value(a.value(for: "x")) == .string("data/{month}"))
        #expect(value(a.value(for: "y")) == .string("reports/{month}/{province}.html"))
        #expect(value(a.value(for: "z")) == .string("p{a{b}c}q"))
        #expect(try seq(root.value(for: "b")).items.map { value($0) } == [.string("in/{month}"), .string("out/{month}")])
        #expect(value(try map(try map(root.value(for: "c")).value(for: "deep")).value(for: "k")) == .string("v/{m}"))
        #expect(value(root.value(for: "d")) == .string("data/{month}"))
        #expect(value(try map(root.value(for: "e")).value(for: "u")) == .string("http://host:8080/x"))
    }

    @Test("block mappings nest and sequences of block mappings work")
    func blockStructures() throws {
        let root = try map(try parseYAML("""
        stages:
          - id: ingest
          - id: cleanse
            needs: [ingest]
            options:
              strict: true
          -
            id: kpi
            needs:
              - cleanse
              - ingest
        settings:
          nested:
            deeper: 1
        list:
        - a
        - b
        after: x
        matrix:
          - - 1
            - 2
          - - 3
        """))
        #expect(root.keys == ["stages", "settings", "list", "after", "matrix"])
        let stages = try seq(root.value(for: "stages"))
        #expect(stages.items.count == 3)
        #expect(loc(.sequence(stages)) == "2:3")
        let cleanse = try map(stages.items[1])
        #expect(loc(stages.items[1]) == "3:5")
        #expect(cleanse.keys == ["id", "needs", "options"])
        #expect(value(try map(cleanse.value(for: "options")).value(for: "strict")) == .bool(true))
        let kpi = try map(stages.items[2])
        #expect(loc(stages.items[2]) == "8:5")
        #expect(try seq(kpi.value(for: "needs")).items.map { value($0) } == [.string("cleanse"), .string("ingest")])
        #expect(value(try map(try map(root.value(for: "settings")).value(for: "nested")).value(for: "deeper")) == .int(1))
        #expect(try seq(root.value(for: "list")).items.map { value($0) } == [.string("a"), .string("b")])
        #expect(loc(root.value(for: "list")) == "16:1")
        #expect(value(root.value(for: "after")) == .string("x"))
        let matrix = try seq(root.value(for: "matrix"))
        #expect(try matrix.items.map { try seq($0).items.map { value($0) } } == [[.int(1), .int(2)], [.int(3)]])
    }

    @Test("a key with an empty value is null, including at the end of the document")
    func emptyValuesAreNull() throws {
        let root = try map(try parseYAML("a:\nb: 1\nc:   # comment\nd: ~\ne: null\nf:\n- \n- x\ng:"))
        #expect(root.keys == ["a", "b", "c", "d", "e", "f", "g"])
        #expect(value(root.value(for: "a")) == .null)
        #expect(loc(root.value(for: "a")) == "1:3")
        #expect(value(root.value(for: "c")) == .null)
        #expect(value(root.value(for: "d")) == .null)
        #expect(value(root.value(for: "e")) == .null)
        #expect(try seq(root.value(for: "f")).items.map { value($0) } == [.null, .string("x")])
        #expect(value(root.value(for: "g")) == .null)
        let flow = try map(try parseYAML("m: {a: , b, c: 1}"))
        let m = try map(flow.value(for: "m"))
        #expect(m.keys == ["a", "b", "c"])
        #expect(value(m.value(for: "a")) == .null)
        #expect(value(m.value(for: "b")) == .null)
        #expect(value(m.value(for: "c")) == .int(1))
    }

    @Test("empty and comment-only documents parse as an empty mapping")
    func emptyDocument() throws {
        for text in ["", "\n\n", "# only a comment\n   # another\n", "\u{FEFF}"] {
            let root = try map(try parseYAML(text))
            #expect(root.entries.isEmpty)
            #expect(loc(.mapping(root)) == "1:1")
        }
    }

    @Test("plain scalars resolve to null, bool, int, double or string")
    func scalarResolution() throws {
        let cases: [(String, YAMLScalarValue)] = [
            ("~", .null), ("null", .null), ("Null", .null), ("NULL", .null),
            ("true", .bool(true)), ("True", .bool(true)), ("TRUE", .bool(true)),
            ("false", .bool(false)), ("False", .bool(false)), ("FALSE", .bool(false)),
            ("yes", .string("yes")), ("no", .string("no")), ("tRUE", .string("tRUE")),
            ("0", .int(0)), ("42", .int(42)), ("-7", .int(-7)), ("+5", .int(5)), ("007", .int(7)),
            ("0.05", .double(0.05)), ("-1.5", .double(-1.5)), ("1e3", .double(1000)), ("2.5E-1", .double(0.25)),
            (".5", .double(0.5)), ("3.", .double(3)), (".inf", .double(.infinity)), ("-.inf", .double(-.infinity)),
            ("2026-10", .string("2026-10")), ("1.2.3", .string("1.2.3")), ("0x1F", .string("0x1F")),
            ("1e", .string("1e")), (".", .string(".")), ("12abc", .string("12abc")),
            ("hello world", .string("hello world")), ("-x", .string("-x")), ("a:b", .string("a:b")),
        ]
        for (text, expected) in cases {
            let root = try map(try parseYAML("v: \(text)\nw: [\(text)]"))
            #expect(value(root.value(for: "v")) == expected, "block: \(text)")
            #expect(try seq(root.value(for: "w")).items.map { value($0) } == [expected], "flow: \(text)")
            #expect(root.value(for: "v")?.scalar?.isQuoted == false)
        }
    }

    @Test("quoted scalars are strings: doubled single quotes and double-quoted escapes")
    func quotingAndEscapes() throws {
        let root = try map(try parseYAML(#"""
        a: 'it''s'
        b: "say \"hi\" \\ back\nslash\ttab"
        c: "\u00e9\u5317\x41\U0001F600\uD83D\uDE00"
        d: "123"
        e: 'true'
        f: ""
        g: '# not a comment' # a comment
        h: "a: b, [c] {d}"
        'quoted key': 1
        "double key": 2
        i: ['x, y', "z]"]
        j: {"k": v, 'l': "w"}
        k: '北京 "x"'
        "": empty key
        """#))
        #expect(value(root.value(for: "a")) == .string("it's"))
        #expect(value(root.value(for: "b")) == .string("say \"hi\" \\ back\nslash\ttab"))
        #expect(value(root.value(for: "c")) == .string("é北A😀😀"))
        #expect(value(root.value(for: "d")) == .string("123"))
        #expect(root.value(for: "d")?.scalar?.isQuoted == true)
        #expect(loc(root.value(for: "d")) == "4:4")
        #expect(value(root.value(for: "e")) == .string("true"))
        #expect(value(root.value(for: "f")) == .string(""))
        #expect(value(root.value(for: "g")) == .string("# not a comment"))
        #expect(value(root.value(for: "h")) == .string("a: b, [c] {d}"))
        #expect(value(root.value(for: "quoted key")) == .int(1))
        #expect(root.entry(for: "quoted key")?.key.isQuoted == true)
        #expect(value(root.value(for: "double key")) == .int(2))
        #expect(try seq(root.value(for: "i")).items.map { value($0) } == [.string("x, y"), .string("z]")])
        let j = try map(root.value(for: "j"))
        #expect(j.keys == ["k", "l"])
        #expect(value(j.value(for: "l")) == .string("w"))
        #expect(value(root.value(for: "k")) == .string("北京 \"x\""))
        #expect(value(root.value(for: "")) == .string("empty key"))
    }

    @Test("comments are ignored everywhere, and '#' without preceding space is text")
    func comments() throws {
        let root = try map(try parseYAML("""
        # leading comment
        a: 1 # trailing
          # indented comment line
        b: x#y
        c: "v" # after quoted
        d: [1, # inside flow
            2] # after flow
        e: {k: v # inside flow mapping
           }
        f:
          # comment before nested block
          g: h
        """))
        #expect(root.keys == ["a", "b", "c", "d", "e", "f"])
        #expect(value(root.value(for: "a")) == .int(1))
        #expect(value(root.value(for: "b")) == .string("x#y"))
        #expect(value(root.value(for: "c")) == .string("v"))
        #expect(try seq(root.value(for: "d")).items.map { value($0) } == [.int(1), .int(2)])
        #expect(value(try map(root.value(for: "e")).value(for: "k")) == .string("v"))
        #expect(value(try map(root.value(for: "f")).value(for: "g")) == .string("h"))
    }

    @Test("CRLF line endings parse like LF and keep locations")
    func crlfLineEndings() throws {
        let crlf = pipelineExample.replacingOccurrences(of: "\n", with: "\r\n")
        let root = try map(try parseYAML(crlf))
        #expect(root.keys == ["name", "province", "month", "encoding", "paths", "stages"])
        #expect(value(root.value(for: "name")) == .string("beijing-nightly"))
        #expect(value(root.value(for: "month")) == .string("previous"))
        #expect(loc(root.value(for: "month")) == "3:8")
        let stages = try seq(root.value(for: "stages"))
        #expect(stages.items.count == 6)
        #expect(loc(stages.items[5]) == "12:5")
        let block = try map(try parseYAML("a:\r\n  - x\r\n  - 'y'\r\nb: \"z\"\r\n"))
        #expect(try seq(block.value(for: "a")).items.map { value($0) } == [.string("x"), .string("y")])
        #expect(value(block.value(for: "b")) == .string("z"))
        #expect(loc(block.value(for: "b")) == "4:4")
    }

    @Test("flow collections: empty, nested, multi-line, trailing comma, single-pair entries")
    func flowCollections() throws {
        let root = try map(try parseYAML("""
        a: []
        b: {}
        c: [[1, 2], {x: y}, [], "q"]
        d: [
          one,
          two,
        ]
        e: [k: v, "j":1]
        f: {a: [1, {b: c}]}
        """))
        #expect(try seq(root.value(for: "a")).items.isEmpty)
        #expect(try map(root.value(for: "b")).entries.isEmpty)
        let c = try seq(root.value(for: "c"))
        #expect(c.items.count == 4)
        #expect(try seq(c.items[0]).items.map { value($0) } == [.int(1), .int(2)])
        #expect(value(try map(c.items[1]).value(for: "x")) == .string("y"))
        #expect(try seq(root.value(for: "d")).items.map { value($0) } == [.string("one"), .string("two")])
        let e = try seq(root.value(for: "e"))
        #expect(value(try map(e.items[0]).value(for: "k")) == .string("v"))
        #expect(value(try map(e.items[1]).value(for: "j")) == .int(1))
        let f = try seq(try map(root.value(for: "f")).value(for: "a"))
        #expect(value(try map(f.items[1]).value(for: "b")) == .string("c"))
    }

    @Test("top-level sequences and scalars are returned as such")
    func nonMappingRoots() throws {
        let s = try seq(try parseYAML("- a\n- b: 1\n"))
        #expect(s.items.count == 2)
        #expect(value(try map(s.items[1]).value(for: "b")) == .int(1))
        #expect(value(try parseYAML("just text")) == .string("just text"))
        #expect(value(try parseYAML("  [1]\n")) == nil)
    }

    @Test("Chinese keys and values keep correct columns")
    func chineseText() throws {
        let root = try map(try parseYAML("省份: 北京\n城市: {名称: 海淀区, 代码: '110108'}\n"))
        #expect(value(root.value(for: "省份")) == .string("北京"))
        #expect(loc(root.value(for: "省份")) == "1:5")
        let city = try map(root.value(for: "城市"))
        #expect(value(city.value(for: "名称")) == .string("海淀区"))
        #expect(value(city.value(for: "代码")) == .string("110108"))
        #expect(loc(city.value(for: "代码")) == "2:19")
    }

    @Test("SourceLocation and ConfigError render as file:line:column")
    func descriptions() {
        let l = PanoramaConfig.SourceLocation(file: "pipelines/x.yaml", line: 3, column: 7)
        #expect(l.description == "pipelines/x.yaml:3:7")
        #expect(ConfigError("boom", at: l).description == "pipelines/x.yaml:3:7: boom")
        #expect(ConfigError("boom").description == "boom")
    }
}

@Suite("didYouMean suggestions")
struct YAMLDidYouMeanTests {
    let stageKeys = ["id", "needs", "max_reject_rate", "high_value_arpu", "window_months", "min_n", "lang"]

    @Test("a one-letter typo suggests the intended key")
    func typo() {
        #expect(didYouMean("max_rejet_rate", among: stageKeys) == "max_reject_rate")
        #expect(didYouMean("neds", among: stageKeys) == "needs")
        #expect(didYouMean("window_month", among: stageKeys) == "window_months")
    }

    @Test("nothing close enough yields nil")
    func noSuggestion() {
        #expect(didYouMean("zzz", among: stageKeys) == nil)
        #expect(didYouMean("completely_different", among: stageKeys) == nil)
        #expect(didYouMean("x", among: []) == nil)
    }

    @Test("the threshold is max(2, count/3) and ties go to the first candidate")
    func thresholdAndTies() {
        #expect(didYouMean("ab", among: ["xy"]) == "xy")              // distance 2 <= 2
        #expect(didYouMean("abc", among: ["xyz"]) == nil)             // distance 3 > 2
        #expect(didYouMean("abcdefghijkl", among: ["abcdefghixyz"]) == "abcdefghixyz")  // 3 <= 12/3
        #expect(didYouMean("abcdefghijkl", among: ["abcdefghwxyz"]) == "abcdefghwxyz")  // 4 <= 4
        #expect(didYouMean("abcdefghijkl", among: ["abcdefgvwxyz"]) == nil)             // 5 > 4
        #expect(didYouMean("cat", among: ["bat", "cut", "car"]) == "bat")
        #expect(didYouMean("cat", among: ["cut", "cat"]) == "cat")    // exact match wins
    }

    @Test("unknown keys are reported at the key with a suggestion")
    func unknownKeys() throws {
        let root = try #require(try YAML.parse("id: x\nmax_rejet_rate: 0.1\n", file: "p.yaml").mapping)
        do {
            try root.rejectUnknownKeys(allowed: stageKeys)
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "p.yaml:2:1: unknown key 'max_rejet_rate' (did you mean 'max_reject_rate'?)")
        }
        let other = try #require(try YAML.parse("zzz: 1", file: "p.yaml").mapping)
        #expect(throws: ConfigError.self) { try other.rejectUnknownKeys(allowed: stageKeys) }
        try root.rejectUnknownKeys(allowed: stageKeys + ["max_rejet_rate"])
    }
}
