import Foundation
import Testing
@testable import PanoramaGenerate

/// Helpers shared by the tests.
enum TestSupport {
    static func tempDir(_ name: String) -> URL {
        let u = FileManager.default.temporaryDirectory
            .appendingPathComponent("panorama-gen-tests-\(ProcessInfo.processInfo.processIdentifier)")
            .appendingPathComponent(name)
        try? FileManager.default.removeItem(at: u)
        return u
    }

    static let sources = ["customers", "usage", "surveys", "complaints"]
    /// The four sources and contacts.csv (delivered unless the options say otherwise).
    static let allSources = sources + ["contacts"]

    static func cleanup(_ dirs: URL...) {
        for d in dirs {
            try? FileManager.default.removeItem(at: d)
            _ = rmdir(d.deletingLastPathComponent().path)  // only succeeds once the per-process folder is empty
        }
    }

    static func planted(_ dir: URL) throws -> [String: [Int: String]] {
        let text = try String(contentsOf: dir.appendingPathComponent("_planted.csv"), encoding: .utf8)
        var out: [String: [Int: String]] = [:]
        for line in text.split(separator: "\n").dropFirst() {
            let p = line.split(separator: ",", maxSplits: 4, omittingEmptySubsequences: false)
            out["\(p[0])/\(p[1])", default: [:]][Int(p[2])!] = String(p[3])
        }
        return out
    }

    /// Runs the reference cleanse over every month and source; checks it against the truth and the
    /// planted list; returns the clean rows per month/source.
    @discardableResult
    static func verify(_ dir: URL, _ truth: GenerationTruth) throws -> [String: RefResult] {
        let planted = try planted(dir)
        var results: [String: RefResult] = [:]
        for key in truth.months {
            let mi = MonthInfo(key: key)!.index
            let ref = RefCleanse(monthIndex: mi)
            var clean = Set<String>()
            let mt = truth.perMonth[key]!
            for source in allSources {
                let url = dir.appendingPathComponent(key).appendingPathComponent("\(source).csv")
                if source == "contacts" {
                    #expect(FileManager.default.fileExists(atPath: url.path) == (mt.contacts != nil), "\(key) contacts.csv delivered as the truth says")
                    if mt.contacts == nil { continue }
                }
                let data = try Data(contentsOf: url)
                let text = try #require(RefCSV.decode(data, encoding: truth.encoding))
                let pf = RefCSV.parse(text)
                let res = ref.run(pf, source: source, cleanCustomers: clean)
                if source == "customers" { clean = Set(res.cleanRows.map { $0["customer_id"]! }) }
                let st: SourceTruth
                switch source {
                case "customers": st = mt.customers
                case "usage": st = mt.usage
                case "surveys": st = mt.surveys
                case "contacts": st = mt.contacts!
                default: st = mt.complaints
                }
                #expect(res.read == st.read, "\(key)/\(source) read")
                #expect(res.clean == st.clean, "\(key)/\(source) clean")
                #expect(st.read == st.clean + st.quarantined.values.reduce(0, +), "\(key)/\(source) read = clean + quarantined")
                #expect(res.blank == st.blankLines, "\(key)/\(source) blank lines")
                var byCode: [String: Int] = [:]
                for c in res.codes { byCode[c.code, default: 0] += 1 }
                #expect(byCode == st.quarantined, "\(key)/\(source) codes")
                let expected = planted["\(key)/\(source)"] ?? [:]
                let got = Dictionary(uniqueKeysWithValues: res.codes.map { ($0.line, $0.code) })
                #expect(got == expected, "\(key)/\(source) planted lines")
                if source == "customers" { #expect(res.nulled == st.nulled, "\(key) nulled") }
                results["\(key)/\(source)"] = res
            }
        }
        return results
    }

    static func allFiles(_ dir: URL) throws -> [String: Data] {
        var out: [String: Data] = [:]
        let e = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: nil)!
        for case let u as URL in e where !u.hasDirectoryPath {
            out[u.path.replacingOccurrences(of: dir.path, with: "")] = try Data(contentsOf: u)
        }
        return out
    }
}

@Suite("Synthetic delivery generator")
struct GeneratorTests {
    @Test("the same options give byte-identical files and a different seed gives different files")
    func determinism() throws {
        let o = GeneratorOptions(start: "2026-01", months: 2, customers: 300, seed: 7)
        let a = TestSupport.tempDir("det-a"), b = TestSupport.tempDir("det-b"), c = TestSupport.tempDir("det-c")
        defer { TestSupport.cleanup(a, b, c) }
        let ta = try SyntheticDeliveryGenerator(options: o).write(to: a)
        let tb = try SyntheticDeliveryGenerator(options: o).write(to: b)
        var o2 = o; o2.seed = 8
        _ = try SyntheticDeliveryGenerator(options: o2).write(to: c)
        let fa = try TestSupport.allFiles(a), fb = try TestSupport.allFiles(b), fc = try TestSupport.allFiles(c)
        #expect(fa.count == 2 * 5 + 2)
        #expect(fa == fb)
        #expect(ta == tb)
        for (k, v) in fa where k.hasSuffix(".csv") && !k.contains("_planted") {
            #expect(fc[k] != v, "\(k) should differ with another seed")
        }
    }

    @Test("truth counts match an independent reading of the files, line by line, at 1% dirt")
    func truthMatchesFiles() throws {
        let dir = TestSupport.tempDir("truth")
        defer { TestSupport.cleanup(dir) }
        let truth = try SyntheticDeliveryGenerator(options: GeneratorOptions(start: "2025-11", months: 3, customers: 300, seed: 11)).write(to: dir)
        try TestSupport.verify(dir, truth)
        let loaded = try GenerationTruth.load(from: dir.appendingPathComponent("_truth.json"))
        #expect(loaded == truth)
        #expect(truth.months == ["2025-11", "2025-12", "2026-01"])
    }

    @Test("heavy dirt plants every code in every month and all are caught with the intended code")
    func heavyDirt() throws {
        let dir = TestSupport.tempDir("heavy")
        defer { TestSupport.cleanup(dir) }
        let truth = try SyntheticDeliveryGenerator(options: GeneratorOptions(start: "2026-02", months: 2, customers: 1000, seed: 3, dirtyRate: 0.3)).write(to: dir)
        try TestSupport.verify(dir, truth)
        for (key, mt) in truth.perMonth {
            #expect(Set(mt.customers.quarantined.keys) == Set(CustomersSource.codes), "\(key)")
            #expect(Set(mt.usage.quarantined.keys) == Set(UsageSource.codes), "\(key)")
            #expect(Set(mt.surveys.quarantined.keys) == Set(SurveysSource.codes), "\(key)")
            #expect(Set(mt.complaints.quarantined.keys) == Set(ComplaintsSource.codes), "\(key)")
            // contacts.csv of the first month holds only background calls (no lists yet): too few rows to cover every code
            if key != truth.months[0] { #expect(Set(mt.contacts!.quarantined.keys) == Set(ContactsSource.codes), "\(key)") }
        }
    }

    @Test("at 1% dirt a mid-size run covers every code per source and month with a reject share under 5%")
    func coverageAndRejectShare() throws {
        let dir = TestSupport.tempDir("coverage")
        defer { TestSupport.cleanup(dir) }
        let truth = try SyntheticDeliveryGenerator(options: GeneratorOptions(start: "2026-01", months: 1, customers: 16_000, seed: 5)).write(to: dir)
        let results = try TestSupport.verify(dir, truth)
        let mt = try #require(truth.perMonth["2026-01"])
        let pairs: [(SourceTruth, [String])] = [(mt.customers, CustomersSource.codes), (mt.usage, UsageSource.codes), (mt.surveys, SurveysSource.codes), (mt.complaints, ComplaintsSource.codes)]
        for (st, codes) in pairs {
            #expect(Set(st.quarantined.keys) == Set(codes))
            let share = Double(st.read - st.clean) / Double(st.read)
            #expect(share < 0.05)
        }
        #expect(mt.customers.nulled!["gender"]! > 0 && mt.customers.nulled!["birth_date"]! > 0)
        let contacts = try #require(mt.contacts)
        #expect(Set(contacts.quarantined.keys).isSubset(of: Set(ContactsSource.codes)))
        #expect(Double(contacts.read - contacts.clean) / Double(contacts.read) < 0.05)

        // awkward-but-valid forms are present
        var text = ""
        var embeddedBreaks = 0
        for s in TestSupport.sources {
            text += try String(contentsOf: dir.appendingPathComponent("2026-01/\(s).csv"), encoding: .utf8)
        }
        for (key, r) in results where key.hasPrefix("2026-01/") { embeddedBreaks += r.physicalLines - 1 - r.read - r.blank }
        #expect(embeddedBreaks > 0, "a quoted field with a line break")
        let markers: [[String]] = [["年"], ["月"], ["¥"], ["￥"], ["元"], ["\u{3000}"], ["\t"], ["+86 "], ["0086"], ["%"], ["％"], ["２"],
                                   ["ａ", "ｅ", "ｏ"], ["全球通", "动感地带", "神州行"], ["钻石卡", "金卡", "银卡"], ["离网", "在网"],
                                   ["短信", "电话", "营业厅", "APP"], ["网络", "资费", "服务"],
                                   ["N/A"], ["不知道"], ["\"\""], ["T0", "T1", "T2"], ["/"], [".0,"]]
        for alternatives in markers {
            #expect(alternatives.contains { text.contains($0) }, "form \(alternatives) present")
        }
        // Booleans: escalated is the complaints' only boolean and often its last column, so its
        // spellings are read from the column itself (a marker such as `Y,` cannot match at a line end).
        let complaints = RefCSV.parse(try String(contentsOf: dir.appendingPathComponent("2026-01/complaints.csv"), encoding: .utf8))
        let escalated = try #require(complaints.header.firstIndex { $0.trimmingCharacters(in: .whitespaces).lowercased() == "escalated" })
        let spellings = Set(complaints.records.compactMap { $0.fields }.filter { $0.count == complaints.header.count }.map { $0[escalated] })
        #expect(!spellings.subtracting(["true", "false", ""]).isEmpty, "boolean spellings \(spellings.sorted())")
    }

    @Test("gb18030 output decodes back and equals encoding the whole text with Foundation")
    func gb18030() throws {
        let dir = TestSupport.tempDir("gb")
        defer { TestSupport.cleanup(dir) }
        let truth = try SyntheticDeliveryGenerator(options: GeneratorOptions(start: "2026-03", months: 1, customers: 300, seed: 9, encoding: "gb18030")).write(to: dir)
        #expect(truth.encoding == "gb18030")
        try TestSupport.verify(dir, truth)
        for s in TestSupport.sources {
            let data = try Data(contentsOf: dir.appendingPathComponent("2026-03/\(s).csv"))
            let text = try #require(String(data: data, encoding: String.Encoding(rawValue: 0x8000_0632)))
            #expect(text.data(using: String.Encoding(rawValue: 0x8000_0632)) == data)
            #expect(String(data: data, encoding: .utf8) == nil || !text.contains("石家庄"))
        }
    }

    @Test("dirty rate 0 writes no planted rows and nulls nothing")
    func clean() throws {
        let dir = TestSupport.tempDir("clean")
        defer { TestSupport.cleanup(dir) }
        let truth = try SyntheticDeliveryGenerator(options: GeneratorOptions(start: "2026-01", months: 1, customers: 300, seed: 1, dirtyRate: 0)).write(to: dir)
        try TestSupport.verify(dir, truth)
        let mt = truth.perMonth["2026-01"]!
        for st in [mt.customers, mt.usage, mt.surveys, mt.complaints] { #expect(st.read == st.clean && st.quarantined.isEmpty) }
        #expect(mt.customers.nulled == ["gender": 0, "birth_date": 0])
    }

    @Test("the customer base grows about 1.5% and churns about 1.2% a month, consistently with the files")
    func growthAndChurn() throws {
        let dir = TestSupport.tempDir("growth")
        defer { TestSupport.cleanup(dir) }
        let truth = try SyntheticDeliveryGenerator(options: GeneratorOptions(start: "2026-01", months: 4, customers: 3000, seed: 21)).write(to: dir)
        let results = try TestSupport.verify(dir, truth)
        var prev: MonthTruth? = nil
        for key in truth.months {
            let mt = truth.perMonth[key]!
            let mi = MonthInfo(key: key)!
            let first = mi.firstDay, last = mi.lastDay
            let cust = results["\(key)/customers"]!.cleanRows
            let inBase = cust.filter { r in
                let j = Int(r["join_date"]!)!
                let c = r["churn_date"].flatMap { Int($0) }
                return j <= last && (c == nil || c! >= first)
            }
            #expect(inBase.count == mt.baseCustomers)
            #expect(inBase.filter { ($0["churn_date"].flatMap { Int($0) } ?? -1) >= first }.count == mt.churnedInMonth)
            #expect(cust.filter { Int($0["join_date"]!)! >= first }.count == mt.newCustomers)
            #expect(results["\(key)/usage"]!.clean == mt.baseCustomers)
            let joinRate = Double(mt.newCustomers) / Double(mt.baseCustomers)
            let churnRate = Double(mt.churnedInMonth) / Double(mt.baseCustomers)
            #expect(joinRate > 0.008 && joinRate < 0.025, "join rate \(joinRate)")
            #expect(churnRate > 0.006 && churnRate < 0.02, "churn rate \(churnRate)")
            if let p = prev { #expect(mt.baseCustomers == p.baseCustomers - p.churnedInMonth + mt.newCustomers) }
            prev = mt
            // msisdns unique, surveys about 5% of the base
            let s = Double(results["\(key)/surveys"]!.clean) / Double(mt.baseCustomers)
            #expect(s > 0.035 && s < 0.07, "survey share \(s)")
        }
        #expect(truth.perMonth[truth.months[0]]!.baseCustomers > 3000)
    }

    @Test("OLS on complete clean surveys recovers the known NPS coefficients")
    func olsRecovery() throws {
        let dir = TestSupport.tempDir("ols")
        defer { TestSupport.cleanup(dir) }
        let truth = try SyntheticDeliveryGenerator(options: GeneratorOptions(start: "2026-01", months: 2, customers: 20_000, seed: 13)).write(to: dir)
        let results = try TestSupport.verify(dir, truth)
        let dims = ["network", "hall", "hotline", "billing", "new_business", "promotion", "communication"]
        var xtx = Array(repeating: Array(repeating: 0.0, count: 8), count: 8)
        var xty = Array(repeating: 0.0, count: 8)
        var n = 0
        for key in truth.months {
            for r in results["\(key)/surveys"]!.cleanRows {
                let xs = dims.compactMap { Double(r[$0]!) }
                guard xs.count == 7 else { continue }
                let x = [1.0] + xs
                let y = Double(r["nps"]!)!
                for i in 0..<8 { xty[i] += x[i] * y; for j in 0..<8 { xtx[i][j] += x[i] * x[j] } }
                n += 1
            }
            #expect(truth.perMonth[key]!.surveysComplete > 0)
        }
        // Gaussian elimination
        var a = xtx, b = xty
        for c in 0..<8 {
            let p = (c..<8).max { abs(a[$0][c]) < abs(a[$1][c]) }!
            a.swapAt(c, p); b.swapAt(c, p)
            for r in 0..<8 where r != c {
                let f = a[r][c] / a[c][c]
                for k in 0..<8 { a[r][k] -= f * a[c][k] }
                b[r] -= f * b[c]
            }
        }
        let beta = (0..<8).map { b[$0] / a[$0][$0] }
        #expect(n > 1200, "complete surveys \(n)")
        for (d, name) in dims.enumerated() {
            let want = truth.npsModel.coefficients[name]!
            #expect(abs(beta[d + 1] - want) < 0.07, "\(name): \(beta[d + 1]) vs \(want)")
        }
        let nps = truth.perMonth["2026-01"]!.surveyNPS
        #expect(nps > 0 && nps < 50, "NPS \(nps)")
    }
}

@Suite("Generator soak (opt-in)")
struct GeneratorSoak {
    @Test("many seeds: every planted row is caught with its code (opt-in via PANORAMA_GEN_SEEDS=n)",
          .enabled(if: ProcessInfo.processInfo.environment["PANORAMA_GEN_SEEDS"] != nil))
    func manySeeds() throws {
        let n = Int(ProcessInfo.processInfo.environment["PANORAMA_GEN_SEEDS"] ?? "") ?? 10
        for seed in 1...n {
            for (rate, enc) in [(0.3, "utf-8"), (0.02, "gb18030")] {
                let dir = TestSupport.tempDir("soak-\(seed)-\(enc)")
                defer { TestSupport.cleanup(dir) }
                let truth = try SyntheticDeliveryGenerator(options: GeneratorOptions(
                    start: "2024-12", months: 3, customers: 800, seed: UInt64(seed), encoding: enc, dirtyRate: rate)).write(to: dir)
                try TestSupport.verify(dir, truth)
            }
        }
    }
}
