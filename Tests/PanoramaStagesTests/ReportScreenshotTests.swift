import Foundation
import Testing
import PanoramaTestSupport
import PanoramaCore
@testable import PanoramaStages

@Suite("panorama.html renders in a real browser")
struct ReportScreenshotTests {
    /// Screenshots a file with headless Chromium at a window size; nil (with an issue recorded) when Chromium is missing.
    static func screenshot(_ htmlPath: String, to png: String, width: Int = 1200, height: Int = 2000) throws -> Int? {
        guard let chromium = ExternalTool.find(["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]) else {
            Issue.record("headless Chromium is not installed: CI must install it (apt-get install -y chromium)")
            return nil
        }
        let profile = (png as NSString).deletingPathExtension + "-profile"
        let result = try ExternalTool.run(chromium, [
            "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--user-data-dir=\(profile)",
            "--screenshot=\(png)", "--window-size=\(width),\(height)", "file://\(htmlPath)",
        ], timeout: 120)
        #expect(result.status == 0, "chromium: \(result.out)\(result.err)")
        return (try? FileManager.default.attributesOfItem(atPath: png)[.size] as? Int) ?? 0
    }

    @Test("headless Chromium screenshots of the zh and en reports at desktop and phone width are PNGs well above a blank page's size",
          .timeLimit(.minutes(5)), arguments: [(ReportLanguage.zh, 1280), (.zh, 390), (.en, 1280), (.en, 390)])
    func screenshot(language: ReportLanguage, width: Int) throws {
        let dir = TempDir()
        let page = "panorama-\(language.rawValue)-\(width).html", png = "report-\(language.rawValue)-\(width).png"
        dir.write(page, ReportFixture.render(language).html)
        dir.write("blank.html", "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body></body></html>")
        guard let blank = try Self.screenshot(dir.path + "/blank.html", to: dir.path + "/blank.png", width: width),
              let report = try Self.screenshot(dir.path + "/" + page, to: dir.path + "/" + png, width: width) else { return }
        // PANORAMA_KEEP_SCREENSHOT=/some/dir keeps the pages and their screenshots for a human look.
        if let keep = ProcessInfo.processInfo.environment["PANORAMA_KEEP_SCREENSHOT"] {
            for name in [page, png] {
                try? FileManager.default.removeItem(atPath: keep + "/" + name)
                try? FileManager.default.copyItem(atPath: dir.path + "/" + name, toPath: keep + "/" + name)
            }
        }
        let bytes = [UInt8](FileManager.default.contents(atPath: dir.path + "/" + png) ?? Data())
        #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), "not a PNG")
        // The PNG's width (IHDR) is the window's: the page does not force a wider layout.
        if bytes.count > 24 {
            let pngWidth = bytes[16..<20].reduce(0) { $0 << 8 | Int($1) }
            #expect(pngWidth == width)
        }
        #expect(blank > 0)
        #expect(report > 5 * blank && report > 30_000, "report PNG \(report) bytes vs blank \(blank) bytes")
    }

    @Test("at phone width no table or chart is wider than the screen except inside a scrolling box", .timeLimit(.minutes(2)))
    func phoneLayout() throws {
        // Chromium lays out the page at 390 px and prints, as the page title, whether any element
        // outside a .scroll box reaches past the right edge; no script can run inside the report
        // itself (CSP), so the check runs in a wrapper page that frames it.
        guard let chromium = ExternalTool.find(["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]) else {
            Issue.record("headless Chromium is not installed: CI must install it (apt-get install -y chromium)")
            return
        }
        let dir = TempDir()
        dir.write("panorama.html", ReportFixture.render(.zh).html)
        dir.write("check.html", """
        <!DOCTYPE html><html><head><meta charset="utf-8"></head><body style="margin:0">
        <iframe id="f" src="panorama.html" style="width:390px;height:800px;border:0"></iframe>
        <script>
        document.getElementById('f').onload = function () {
          var d = this.contentDocument, w = d.documentElement.clientWidth, wide = [];
          d.querySelectorAll('main *, header *').forEach(function (e) {
            if (e.closest('.scroll') || e.closest('details:not([open])')) return;
            var r = e.getBoundingClientRect();
            if (r.width > 0 && r.right > w + 1) wide.push(e.tagName + '.' + e.className);
          });
          document.title = 'wide:' + wide.length + ':' + wide.slice(0, 5).join(',');
        };
        </script></body></html>
        """)
        let result = try ExternalTool.run(chromium, [
            "--headless", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files", "--user-data-dir=\(dir.path)/profile",
            "--virtual-time-budget=5000", "--dump-dom", "file://\(dir.path)/check.html",
        ], timeout: 120)
        #expect(result.status == 0, "chromium: \(result.err)")
        let title = result.out.components(separatedBy: "<title>").dropFirst().first?.components(separatedBy: "</title>").first
        #expect(title == "wide:0:", "elements wider than 390 px outside a scrolling box: \(title ?? result.out.prefix(300).description)")
    }
}
