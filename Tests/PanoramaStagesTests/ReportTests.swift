import Foundation
import Testing
import PanoramaTestSupport
import PanoramaCore
@testable import PanoramaStages

@Suite("Report text helpers: escaping, formula neutralising, number display")
struct ReportTextTests {
    @Test("HTML escaping turns & < > \" ' into entities and drops control characters")
    func htmlEscaping() {
        #expect(ReportText.html("\"&'<>") == "&quot;&amp;&#39;&lt;&gt;")
        #expect(ReportText.html("a\u{1}b") == "a\u{FFFD}b")
        #expect(ReportText.html("北京\n") == "北京\n")
    }

    @Test("XML attribute escaping keeps tabs and line breaks as character references")
    func xmlEscaping() {
        #expect(ReportText.xml("\"&'<>") == "&quot;&amp;&apos;&lt;&gt;")
        #expect(ReportText.xml("a\tb\nc\rd") == "a&#9;b&#10;c&#13;d")
        #expect(ReportText.xml("x\u{0}y\u{FFFE}") == "x\u{FFFD}y\u{FFFD}")
    }

    @Test("cells starting with = + - @, a tab or a carriage return are prefixed with a quote; others are kept")
    func neutralise() {
        #expect(ReportText.neutraliseFormula("\tcmd") == "'\tcmd")
        #expect(ReportText.neutraliseFormula("\r=1") == "'\r=1")
        #expect(ReportText.neutraliseFormula("a\tb") == "a\tb")
        #expect(ReportText.neutraliseFormula("=1+1") == "'=1+1")
        #expect(ReportText.neutraliseFormula("+86") == "'+86")
        #expect(ReportText.neutraliseFormula("-2") == "'-2")
        #expect(ReportText.neutraliseFormula("@SUM(A1)") == "'@SUM(A1)")
        #expect(ReportText.neutraliseFormula("a=b") == "a=b")
        #expect(ReportText.neutraliseFormula("") == "")
    }

    @Test("display numbers: fixed decimals, signed with a true minus, never -0")
    func numbers() {
        #expect(ReportText.fixed(82.25, 1) == "82.3")
        #expect(ReportText.fixed(-0.04, 1) == "0.0")
        #expect(ReportText.fixed(0.5, 0) == "1")
        #expect(ReportText.fixed(0.004, 2) == "0.00")
        #expect(ReportText.fixed(1234.5, 2) == "1234.50")
        #expect(ReportText.signed(2.746567, 1) == "+2.7")
        #expect(ReportText.signed(-8, 1) == "−8.0")
        #expect(ReportText.signed(0.01, 1) == "0.0")
        #expect(ReportText.pValue(0.0001) == "<0.001")
        #expect(ReportText.pValue(0.0123) == "0.012")
    }
}

@Suite("Report labels: one table, both languages side by side")
struct ReportLabelTests {
    /// The `{n}` placeholders of a text.
    private func placeholders(_ text: String) -> Set<String> {
        Set(text.components(separatedBy: "{").dropFirst().compactMap { piece in
            piece.firstIndex(of: "}").map { String(piece[..<$0]) }
        })
    }

    @Test("every quarantine code and delivery source has a label, so the quality table never shows a raw code")
    func codesAndSources() {
        let keys = Set(ReportLabels.entries.map(\.key))
        for code in QuarantineCode.allCases { #expect(keys.contains("code." + code.rawValue), "\(code)") }
        for source in Source.allCases { #expect(keys.contains("source." + source.rawValue), "\(source)") }
    }

    @Test("every key appears once and has a text in both languages")
    func keysUniqueAndFilled() {
        var seen: Set<String> = []
        for entry in ReportLabels.entries {
            #expect(!entry.key.isEmpty)
            #expect(seen.insert(entry.key).inserted, "label \(entry.key) is declared twice")
            #expect(!entry.zh.isEmpty, "label \(entry.key) has no Chinese text")
            #expect(!entry.en.isEmpty, "label \(entry.key) has no English text")
        }
    }

    @Test("both languages of a label take the same placeholders")
    func samePlaceholders() {
        #expect(placeholders("{0}：共 {1} 人，{0}") == ["0", "1"])
        for entry in ReportLabels.entries {
            #expect(placeholders(entry.zh) == placeholders(entry.en), "label \(entry.key): zh \(entry.zh) / en \(entry.en)")
        }
    }

    @Test("every label key written in the report's source exists in the table")
    func sourceKeysExist() throws {
        // Keys built at run time (`"alert.\(kind)"`, data-driven `optional` look-ups) are covered by
        // the rendering test below; this one catches a mistyped literal key on a path no fixture reaches.
        let reportDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/PanoramaStages/Report")
        let keys = Set(ReportLabels.entries.map(\.key))
        let namespaces = Set(keys.compactMap { $0.split(separator: ".").count > 1 ? String($0.split(separator: ".")[0]) : nil })
        let literal = try NSRegularExpression(pattern: #""([a-z][a-z0-9_]*(?:\.[A-Za-z0-9_]+)+)""#)
        var files: [URL] = []
        let walker = FileManager.default.enumerator(at: reportDir, includingPropertiesForKeys: nil)
        while let url = walker?.nextObject() as? URL {
            if url.pathExtension == "swift" && url.lastPathComponent != "ReportLabels.swift" { files.append(url) }
        }
        #expect(files.contains { $0.lastPathComponent == "PanoramaHTML.swift" }, "the report sources were not found at \(reportDir.path)")
        var checked = 0
        for file in files {
            let source = try String(contentsOf: file, encoding: .utf8)
            for match in literal.matches(in: source, range: NSRange(source.startIndex..., in: source)) {
                let key = String(source[Range(match.range(at: 1), in: source)!])
                guard namespaces.contains(String(key.split(separator: ".")[0])) else { continue }
                checked += 1
                let known = keys.contains(key)
                #expect(known, "\(file.lastPathComponent) uses label \(key), which the table lacks")
            }
        }
        #expect(checked > 50)
    }

    @Test("both languages render every label and no key leaks as ⟦key⟧")
    func everyLabelRendered() {
        for language in ReportLanguage.allCases {
            var pages = ReportFixture.titles(language)
            for (data, colors) in ReportFixture.variants() {
                let html = ReportFixture.render(language, colors, data: data).html
                #expect(!html.contains("⟦"), "a label key leaked in \(language)")
                pages += html
            }
            var missing: [String] = []
            for entry in ReportLabels.entries {
                let text = ReportLabels.text(of: entry, in: language)
                // The longest literal piece between placeholders must appear.
                let pieces = text.components(separatedBy: "{").map { $0.contains("}") ? String($0.split(separator: "}", maxSplits: 1).dropFirst().first ?? "") : $0 }
                let literal = pieces.max { $0.count < $1.count } ?? text
                if !pages.contains(ReportText.html(literal)) { missing.append(entry.key) }
            }
            #expect(missing.isEmpty, "labels never shown in \(language): \(missing.joined(separator: ", "))")
        }
    }

    @Test("the English page shows no Chinese label and the Chinese page no English one")
    func noCrossLanguageLeak() {
        // File names and codes inside <code> are identifiers, not labels.
        func text(_ html: String) -> String {
            html.components(separatedBy: "<code").map { $0.components(separatedBy: "</code>").last ?? "" }.joined()
        }
        let en = text(ReportFixture.render(.en).html), zh = text(ReportFixture.render(.zh).html)
        for entry in ReportLabels.entries where entry.zh != entry.en {
            if entry.zh.count >= 4 && !entry.zh.contains("{") {
                #expect(!en.contains(ReportText.html(entry.zh)), "zh label \(entry.key) appears in the English page")
            }
            if entry.en.count >= 8 && !entry.en.contains("{") {
                #expect(!zh.contains(ReportText.html(entry.en)), "en label \(entry.key) appears in the Chinese page")
            }
        }
    }
}

@Suite("Report artefacts are deterministic")
struct ReportDeterminismTests {
    @Test("rendering twice gives identical bytes")
    func deterministic() {
        let a = ReportFixture.render(), b = ReportFixture.render()
        #expect(a.html == b.html)
        #expect(a.xml == b.xml)
        #expect(a.lists.map(\.bytes) == b.lists.map(\.bytes))
    }
}
